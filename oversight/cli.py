"""CLI groups of the core: ``flask users ...``, ``flask audit verify``, ``flask demo load``.
They wrap the same services as the views and own the transaction."""
from __future__ import annotations

import functools
import getpass
import logging
import sys
import zipfile

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from oversight.audit import acting_as, set_actor
from oversight.auth import services
from oversight.auth.models import DEPARTMENT_KINDS, Department, User
from oversight.auth.roles import ROLE_LABELS
from oversight.extensions import db

log = logging.getLogger(__name__)


def expected_error_message(exc: BaseException) -> str | None:
    """One Swedish line for an error a command can expect (None: unexpected)."""
    from oversight.jobs_health import JobError

    if isinstance(exc, OperationalError) and "locked" in str(exc.orig).lower():
        return _("Databasen är upptagen av en annan process (till exempel en pågående import) "
                 "och svarade inte i tid. Inget ändrades; försök igen om en stund.")
    if isinstance(exc, SQLAlchemyError):
        return _("Databasfel, inget ändrades: %(error)s",
                 error=getattr(exc, "orig", None) or type(exc).__name__)
    if isinstance(exc, JobError):
        return str(exc)
    if isinstance(exc, zipfile.BadZipFile):
        return _("Filen är ingen hel zip-fil (trasig eller avkortad): %(error)s", error=exc)
    if isinstance(exc, UnicodeDecodeError):
        return _("Filen kunde inte läsas som text (teckenkodning): %(reason)s, byte %(start)s.",
                 reason=exc.reason, start=exc.start)
    if isinstance(exc, OSError):
        name = exc.filename or ""
        return _("Filen kunde inte läsas: %(name)s (%(error)s)",
                 name=name, error=exc.strerror or exc).replace(" ()", "")
    if isinstance(exc, ValueError) or (isinstance(exc, LookupError)
                                       and not isinstance(exc, KeyError)):
        return str(exc)  # the services' Swedish refusals; a KeyError is a bug: traceback
    return None


def cli_errors(fn):
    """Wrap a command: an expected error rolls back and prints one Swedish line on stderr
    with exit code 1 (never a traceback); a ``click.ClickException`` prints its message."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except click.exceptions.UsageError:
            raise
        except click.ClickException as exc:
            _rollback()
            click.echo(_("Fel: %(message)s", message=exc.format_message()), err=True)
            sys.exit(exc.exit_code or 1)
        except Exception as exc:  # noqa: BLE001 - sorted into expected / unexpected below
            message = expected_error_message(exc)
            if message is None:
                raise
            _rollback()
            log.debug("command failed", exc_info=True)
            click.echo(_("Fel: %(message)s", message=message), err=True)
            sys.exit(1)
    return wrapper


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # nosec B110  # the session may be unusable; the message matters
        pass


class CommandGroup(AppGroup):
    """``AppGroup`` whose commands all go through ``cli_errors``: use it for every group."""

    def command(self, *args, **kwargs):
        wrap = super().command(*args, **kwargs)

        def decorator(fn):
            return wrap(cli_errors(fn))
        return decorator


users_cli = CommandGroup("users", help="Användare: skapa och lista.")


def acting_user(username: str | None) -> User | None:
    """The user a CLI command acts as (``--user``); changes are attributed to them in the audit
    trail, or to "system" without one."""
    user = None
    if username:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            raise click.ClickException(_("Okänd användare: %(username)s", username=username))
    ctx = click.get_current_context(silent=True)
    if ctx is not None:  # the same mechanism as a job's: restored when the command ends
        ctx.with_resource(acting_as(user))
    else:
        set_actor(user)
    return user
audit_cli = CommandGroup("audit", help="Granskningsloggen.")
demo_cli = CommandGroup("demo", help="Demodata (syntetisk, inga verkliga personer).")
departments_cli = CommandGroup("departments", help="Förvaltningar och nämnder.")


@departments_cli.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--kind", type=click.Choice(sorted(DEPARTMENT_KINDS)), default="other")
@click.option("--valid-from", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--valid-to", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--successor", "successor_code", default=None,
              help="Kod för förvaltningen som tog över (vid sammanslagning).")
def add_department(code, name, kind, valid_from, valid_to, successor_code):
    """Lägg till eller uppdatera en förvaltning (idempotent per kod)."""
    try:
        dept = services.upsert_department(
            db.session, code=code, name=name, kind=kind,
            valid_from=valid_from.date() if valid_from else None,
            valid_to=valid_to.date() if valid_to else None, successor_code=successor_code)
    except services.AuthError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"{dept.code}: {dept.name} ({dept.kind_label})")


@departments_cli.command("list")
def list_departments():
    """Lista förvaltningar med giltighet och efterträdare."""
    for d in db.session.scalars(select(Department).order_by(Department.code)):
        validity = f"{d.valid_from or ''}–{d.valid_to or ''}"
        successor = f" → {d.successor.code}" if d.successor else ""
        click.echo(f"{d.code}\t{d.name}\t{d.kind}\t{validity}{successor}")


@users_cli.command("create")
@click.argument("username")
@click.option("--name", required=True, help="Fullständigt namn.")
@click.option("--role", type=click.Choice(sorted(ROLE_LABELS)), required=True)
@click.option("--department", "department_code", required=True, help="Förvaltningens kod, t.ex. sdf-jarva.")
@click.option("--email", default=None)
@click.option("--password", default=None, help="Utelämna för att få en fråga (rekommenderas).")
def create_user(username, name, role, department_code, email, password):
    """Skapa en användare."""
    department = db.session.scalar(select(Department).where(Department.code == department_code))
    if department is None:
        raise click.ClickException(_("Okänd förvaltning: %(department_code)s", department_code=department_code))
    if password is None:
        password = getpass.getpass("Lösenord: ")
        if getpass.getpass("Upprepa: ") != password:
            raise click.ClickException(_("Lösenorden är inte lika."))
    try:
        user = services.create_user(db.session, username=username, name=name, password=password,
                                    role=role, department=department, email=email)
    except services.AuthError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(_("Skapade %(username)s (%(role_label)s, %(name)s).",
                 username=user.username, role_label=user.role_label, name=department.name))


@users_cli.command("list")
def list_users():
    """Lista användare."""
    for user in db.session.scalars(select(User).order_by(User.username)):
        state = "" if user.active else " (inaktiv)"
        click.echo(f"{user.username}\t{user.role}\t{user.department.code}{state}")


@audit_cli.command("verify")
def verify():
    """Kontrollera granskningsloggens nyckelade hashkedja mot ankarfilens ankare."""
    from oversight.audit_anchors import read_anchors, verify_with_anchors

    report = verify_with_anchors(db.session)
    if report.ok:
        click.echo(_("OK: %(checked)s, kedjan är hel (%(anchors)s).",
                     checked=ngettext("%(num)s post", "%(num)s poster", report.checked),
                     anchors=ngettext("%(num)s ankare kontrollerat", "%(num)s ankare kontrollerade",
                                      len(read_anchors()))))
        return
    click.echo(_("BRUTEN vid post %(broken_at)s: %(reason)s (%(checked)s).",
                 broken_at=report.broken_at, reason=report.reason,
                 checked=ngettext("%(num)s post före den är hel", "%(num)s poster före den är hela",
                                  report.checked)), err=True)
    sys.exit(1)


@audit_cli.command("anchor")
def anchor():
    """Skriv kedjans huvudhash och antal poster till ankarfilen (utanför databasen)."""
    from oversight.audit_anchors import anchor_path, write_anchor

    try:
        written = write_anchor(db.session)
    except OSError as exc:
        raise click.ClickException(_("Ankarfilen %(anchor_path)s kan inte skrivas: %(strerror)s.",
                                     anchor_path=anchor_path(), strerror=exc.strerror)) from exc
    finally:
        db.session.rollback()
    click.echo(_("Ankare: %(count)s, sista post %(last_id)s, hash %(head)s… → %(anchor_path)s",
                 count=ngettext("%(num)s post", "%(num)s poster", written.count), last_id=written.last_id,
                 head=written.head[:16], anchor_path=anchor_path()))


@audit_cli.command("reseal")
@click.option("--yes", is_flag=True, help="Bekräfta (skriver om hasharna i hela kedjan).")
def reseal(yes):
    """Nyckla en kedja från före 0008_authsec (kontrollerar den gamla kedjan först) och skriv
    ett ankare. Körs en gång efter uppgraderingen."""
    from oversight.audit import reseal_legacy_chain
    from oversight.audit_anchors import write_anchor
    from oversight.audit_highwater import reset_mark

    if not yes:
        raise click.ClickException(_("Lägg till --yes för att skriva om kedjans hashar."))
    try:
        count = reseal_legacy_chain(db.session)
    except ValueError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    reset_mark(current_app._get_current_object(), db.engine)
    write_anchor(db.session)
    click.echo(ngettext("Kedjan är nycklad: %(num)s post, ankare skrivet.",
                        "Kedjan är nycklad: %(num)s poster, ankare skrivet.", count))


def _load_scale(scale: str) -> None:
    """The large data set in bulk, with a progress bar per section in the terminal."""
    from contextlib import ExitStack

    from oversight.scale.load import load_large

    with ExitStack() as bars:
        def progress(label: str, total: int):
            bar = bars.enter_context(click.progressbar(length=max(total, 1), label=label,
                                                       show_pos=True))
            return bar.update

        for line in load_large(db.session, scale, progress):
            click.echo(line)


def _domain_demo_loaders():
    """``<domain>.demo.load(session)`` of every domain package that has one, in DOMAINS order."""
    import importlib
    import importlib.util

    from oversight.app import DOMAINS

    for name in DOMAINS:
        if importlib.util.find_spec(f"{name}.demo") is not None:
            yield importlib.import_module(f"{name}.demo").load


@demo_cli.command("load")
@click.option("--scale", type=click.Choice(["large", "medium", "small"]), default=None,
              help="Lägg till en stor kommuns data (large: 20 000 organisationer, "
                   "500 000 reskontrarader ...) för lasttester.")
def load_demo(scale):
    """Ladda demodata (kan köras flera gånger utan dubbletter)."""
    from oversight.demo import DEMO_PASSWORD, load

    click.echo(load(db.session))
    db.session.commit()
    for loader in _domain_demo_loaders():  # each domain adds its part of the story
        click.echo(loader(db.session))
        db.session.commit()
    if scale:
        _load_scale(scale)
    click.echo(_("Demoinloggningar (lösenord för alla: %(demo_password)s):", demo_password=DEMO_PASSWORD))
    for user in db.session.scalars(select(User).order_by(User.username)):
        click.echo(f"  {user.username:<12} {user.role_label:<26} {user.department.name}")
