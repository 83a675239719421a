"""``flask registries ...``: lookups, file imports, status, screening and the stub server.
The commands wrap the same services as the pages and own the transaction."""
from __future__ import annotations

import json
import sys

import click
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from oversight.cli import CommandGroup, acting_user
from oversight.extensions import db
from oversight.formatting import local_datetime
from oversight.jobs import job_run
from oversight.organisations.models import Organisation
from registries import services
from registries.assess import assess_configured
from registries.base import REGISTRIES, REGISTRY_LABELS
from registries.csvfiles import ImportRejected

registries_cli = CommandGroup("registries", help="Register: uppslag, filimport, status och testserver.")


def _as_json(stored, assessment) -> dict:
    return {"id": stored.id, "registry": stored.registry, "identifier": stored.identifier,
            "status": stored.status, "source": stored.source,
            "retrieved_at": stored.retrieved_at.isoformat(), "document_date": str(stored.document_date or "") or None,
            "request_id": stored.request_id, "message": stored.message, "raw_sha256": stored.raw_sha256,
            "normalized": stored.normalized,
            "assessment": {"level": assessment.level, "findings": list(assessment.findings),
                           "notes": list(assessment.notes)}}


@registries_cli.command("lookup")
@click.argument("registry", type=click.Choice(REGISTRIES))
@click.argument("identifier")
@click.option("--json", "as_json", is_flag=True, help="Skriv resultatet som JSON.")
@click.option("--name", default=None, help="Namn att söka på (sanktioner); annars registrets namn.")
@click.option("--cached", is_flag=True, help="Återanvänd ett nyligen lagrat svar om det finns.")
@click.option("--user", "username", default=None, help="Användare som uppslaget registreras på.")
def lookup(registry, identifier, as_json, name, cached, username):
    """Slå upp IDENTIFIER i REGISTRY och spara svaret som bevis. Slutkod 2 om svaret inte är säkert."""
    user = acting_user(username)
    try:
        stored = services.lookup(db.session, user, registry, identifier, name=name, use_cache=cached)
    except services.RegistryInputError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    assessment = assess_configured(stored)
    if as_json:
        click.echo(json.dumps(_as_json(stored, assessment), ensure_ascii=False, indent=2))
    else:
        verdict = "" if assessment.label == stored.status_label else f" – {assessment.label}"
        click.echo(f"{REGISTRY_LABELS[registry]} {stored.identifier}: {stored.status_label}{verdict}")
        click.echo("  " + _("källa %(source)s, hämtat %(retrieved)s", source=stored.source,
                              retrieved=local_datetime(stored.retrieved_at))
                   + (_(", dokument %(date)s", date=stored.document_date) if stored.document_date else "")
                   + (_(", begäran %(id)s", id=stored.request_id) if stored.request_id else ""))
        for record in stored.records:
            click.echo("  " + _describe(record))
        for line in assessment.findings:
            click.echo(f"  ANMÄRKNING: {line}")
        for line in assessment.notes:
            click.echo(f"  {line}")
        click.echo(f"  bevis: uppslag {stored.id}" + (f", sha256 {stored.raw_sha256}" if stored.raw_sha256 else ""))
    if not stored.conclusive:
        sys.exit(2)


def _describe(record) -> str:
    name = getattr(record, "name", None) or getattr(record, "caption", None) or getattr(record, "activity", None)
    return f"{type(record).__name__}: {name or record.orgnr}"


@registries_cli.command("import")
@click.argument("kind", type=click.Choice(services.IMPORT_KINDS))
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--date", "data_date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Datum som uppgifterna gäller (för rader utan egen datumkolumn).")
@click.option("--user", "username", default=None)
def import_command(kind, path, data_date, username):
    """Importera en fil av typen KIND (se README: importformat)."""
    user = acting_user(username)

    def progress(done, total, message):
        click.echo("  " + ngettext("%(num)s rad …", "%(num)s rader …", done), err=True)

    try:
        with job_run(db.session, user, services.IMPORT_JOB, f"Registerimport {kind} (CLI)",
                     getattr(user, "department_id", None), per_department=False):
            imp = services.import_registry_file(
                db.session, user, kind, path.rsplit("/", 1)[-1], path=path,
                data_date=data_date.date() if data_date else None, progress=progress)
    except ImportRejected as exc:
        db.session.rollback()
        for error in exc.errors:
            click.echo(f"rad {error['line']}: {error['error']}" if error.get("line") else error["error"], err=True)
        raise click.ClickException(ngettext("Filen importerades inte (%(num)s fel, inget sparat).",
                                            "Filen importerades inte (%(num)s fel, inget sparat).",
                                            len(exc.errors))) from exc
    except ValueError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(_("Import %(id)s (%(kind)s): %(rows)s, %(inserted)s, %(updated)s, %(unchanged)s, %(rejected)s.",
                 id=imp.id, kind=kind, rows=ngettext("%(num)s rad", "%(num)s rader", imp.rows_total),
                 inserted=ngettext("%(num)s ny", "%(num)s nya", imp.inserted),
                 updated=ngettext("%(num)s ändrad", "%(num)s ändrade", imp.updated),
                 unchanged=ngettext("%(num)s oförändrad", "%(num)s oförändrade", imp.unchanged),
                 rejected=ngettext("%(num)s avvisad", "%(num)s avvisade", imp.rejected)))
    for row in (imp.rejected_rows or [])[:20]:
        click.echo("  " + _("avvisad rad %(line)s: %(error)s", line=row["line"], error=row["error"]))
    if imp.rejected > 20:
        click.echo("  " + _("… och %(n)s till (se importsidan).", n=imp.rejected - 20))


@registries_cli.command("status")
@click.option("--ping/--no-ping", default=True, help="Kontrollera att HTTP-registren svarar.")
def status(ping):
    """Visa register: läge, konfiguration, nåbarhet, senaste lyckade uppslag och felandel (7 dagar)."""
    for row in services.registry_status(db.session, ping=ping):
        reachable = {True: _("svarar"), False: _("SVARAR INTE"), None: "-"}[row["reachable"]]
        rate = "-" if row["error_rate"] is None else _("%(rate)s av %(lookups)s", rate=f"{row['error_rate']:.0%}",
                                                        lookups=row["lookups"])
        last = local_datetime(row["last_success"]) if row["last_success"] else _("aldrig")
        mode = f"{row['mode_label']} ({row['mode']})"  # the code for the operator's configuration
        click.echo(f"{REGISTRY_LABELS[row['registry']]:<28} {mode:<48} {row['configured']}\n"
                   f"{'':<28} " + _("nåbar: %(reachable)s; senast lyckat: %(last)s; ej säkra svar: %(rate)s",
                                    reachable=reachable, last=last, rate=rate))


@registries_cli.command("screen")
@click.option("--registry", "chosen", multiple=True, type=click.Choice(REGISTRIES))
@click.option("--concurrency", type=int, default=None)
@click.option("--fresh", is_flag=True, help="Fråga registren även om ett färskt svar finns.")
@click.option("--user", "username", default=None)
def screen(chosen, concurrency, fresh, username):
    """Slå upp alla organisationer i registret mot de valda registren (alla om inget anges)."""
    user = acting_user(username)
    orgnrs = list(db.session.scalars(select(Organisation.orgnr).order_by(Organisation.orgnr)))
    for registry in chosen or REGISTRIES:
        rows = services.batch_lookup(db.session, user, registry, orgnrs, concurrency=concurrency, use_cache=not fresh)
        db.session.commit()
        counts = {}
        for row in rows:
            counts[row.status_label] = counts.get(row.status_label, 0) + 1
        click.echo(f"{REGISTRY_LABELS[registry]}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


@registries_cli.command("load-demo")
def load_demo():
    """Demobesked från Skatteverket, Kronofogden, IVO och en lokal varningslista, och uppslag
    för demoorganisationerna (offline)."""
    from registries.demo import load

    acting_user(None)
    click.echo(load(db.session))
    db.session.commit()


@registries_cli.command("stub")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=8765, type=int)
@click.option("--latency", default=0.0, type=float, help="Sekunder per anrop.")
@click.option("--fault-rate", default=0.0, type=float, help="Andel anrop med fel (0–1).")
def stub(host, port, latency, fault_rate):
    """Starta testservern för Bolagsverket och yente (för HTTP-läget utan riktiga uppgifter)."""
    from registries.stub import BV_PREFIX, StubRegistry, StubServer

    server = StubServer(StubRegistry(latency=latency, fault_rate=fault_rate), host=host, port=port, quiet=False)
    click.echo(f"Testserver på {server.url}. Sätt:\n  OVERSIGHT_REGISTRY_MODE=http\n"
               f"  OVERSIGHT_BOLAGSVERKET_BASE_URL={server.url}{BV_PREFIX}\n"
               f"  OVERSIGHT_BOLAGSVERKET_TOKEN_URL={server.url}/oauth2/token\n"
               f"  OVERSIGHT_BOLAGSVERKET_CLIENT_ID=stub-client\n  OVERSIGHT_BOLAGSVERKET_CLIENT_SECRET=stub-secret\n"
               f"  OVERSIGHT_YENTE_URL={server.url}\nCtrl-C stoppar.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.stop()
