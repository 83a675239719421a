"""What the registries add to the rest of the app: the organisation-page section, the
"check now" job and the navigation entry. Imported by ``init_app``."""
from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup
from sqlalchemy.orm import Session

from oversight import navigation
from oversight.jobs import JobFailed, job_handler
from oversight.labels import _l
from oversight.organisations.models import Organisation
from oversight.organisations.sections import register
from registries import services
from registries.assess import assess_configured
from registries.base import REGISTRIES, REGISTRY_LABELS
from registries.forms import CheckForm

navigation.register("registries.index", "Register", "registry.lookup", 60)


def overview(session: Session, organisation: Organisation) -> list[dict]:
    """One row per registry: the latest stored answer and what it means (None: never checked)."""
    latest = services.latest_results(session, organisation)
    rows = []
    for registry in REGISTRIES:
        stored = latest.get(registry)
        rows.append({"registry": registry, "label": REGISTRY_LABELS[registry], "stored": stored,
                     "assessment": assess_configured(stored) if stored else None})
    return rows


@register("registries", _l("Registeruppgifter"), order=20)
def organisation_section(session: Session, user, org: Organisation) -> Markup:
    return Markup(render_template("registries/section.html", org=org, rows=overview(session, org),  # nosec B704  # render_template output, autoescaped by Jinja
                                  check_form=CheckForm()))


@job_handler("registries.check", _l("Registerkontroll av organisation"))
def check_organisation(session: Session, job, progress) -> dict:
    """Look the organisation up in each chosen registry now (no cache)."""
    org = session.get(Organisation, job.params["organisation_id"])
    user = job.created_by
    registries = job.params.get("registries") or list(REGISTRIES)
    outcome = {}
    for done, registry in enumerate(registries, start=1):
        stored = services.lookup(session, user, registry, org.orgnr, use_cache=False)
        outcome[registry] = {"lookup_id": stored.id, "status": stored.status}
        progress(done, len(registries), f"{REGISTRY_LABELS[registry]}: {stored.status_label}")
    job.result_url = job.params.get("result_url")
    return outcome


@job_handler(services.IMPORT_JOB, _l("Import av registerfil"))
def import_file_job(session: Session, job, progress) -> dict:
    """A registry file uploaded on *Register* → *Importera fil*, parsed here (never in the web
    request). Params: kind, data_date (ISO or None), stored_upload_id. A refused file fails the
    job with every bad line in ``job.result["errors"]``; nothing is saved."""
    from datetime import date

    from oversight.upload_store import reject_file, upload_or_fail
    from oversight.views_support import path_for
    from registries.csvfiles import ImportRejected

    upload = upload_or_fail(session, job)
    p = job.params or {}
    progress(0, None, _("Läser filen"))
    try:
        imp = services.import_registry_file(
            session, job.created_by, p.get("kind"), upload.filename, data=upload.content,
            data_date=date.fromisoformat(p["data_date"]) if p.get("data_date") else None)
    except ImportRejected as exc:
        reject_file(session, job, exc.errors, str(exc))
    except ValueError as exc:
        session.rollback()
        raise JobFailed(str(exc)) from exc
    session.delete(upload)
    session.flush()
    job.result_url = path_for("registries.import_show", import_id=imp.id)
    job.message = ngettext("Importerade %(num)s ny rad (%(unchanged)s fanns redan).",
                           "Importerade %(num)s nya rader (%(unchanged)s fanns redan).",
                           imp.inserted, unchanged=imp.unchanged)
    return {"import_id": imp.id, "inserted": imp.inserted, "unchanged": imp.unchanged}
