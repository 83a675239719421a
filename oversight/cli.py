"""CLI groups of the core: ``flask users ...``, ``flask audit verify``, ``flask demo load``.
They wrap the same services as the views and own the transaction."""
from __future__ import annotations

import getpass
import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from oversight.audit import set_actor, verify_chain
from oversight.auth import services
from oversight.auth.models import DEPARTMENT_KINDS, Department, User
from oversight.auth.roles import ROLE_LABELS
from oversight.extensions import db

users_cli = AppGroup("users", help="Användare: skapa och lista.")


def acting_user(username: str | None) -> User | None:
    """The user a CLI command acts as (``--user``); changes are attributed to them in the audit
    trail, or to "system" without one."""
    user = None
    if username:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            raise click.ClickException(f"Okänd användare: {username}")
    set_actor(user)
    return user
audit_cli = AppGroup("audit", help="Granskningsloggen.")
demo_cli = AppGroup("demo", help="Demodata (syntetisk, inga verkliga personer).")
departments_cli = AppGroup("departments", help="Förvaltningar och nämnder.")


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
        raise click.ClickException(f"Okänd förvaltning: {department_code}")
    if password is None:
        password = getpass.getpass("Lösenord: ")
        if getpass.getpass("Upprepa: ") != password:
            raise click.ClickException("Lösenorden är inte lika.")
    try:
        user = services.create_user(db.session, username=username, name=name, password=password,
                                    role=role, department=department, email=email)
    except services.AuthError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Skapade {user.username} ({user.role_label}, {department.name}).")


@users_cli.command("list")
def list_users():
    """Lista användare."""
    for user in db.session.scalars(select(User).order_by(User.username)):
        state = "" if user.active else " (inaktiv)"
        click.echo(f"{user.username}\t{user.role}\t{user.department.code}{state}")


@audit_cli.command("verify")
def verify():
    """Kontrollera att granskningsloggens hashkedja är obruten."""
    report = verify_chain(db.session)
    if report.ok:
        click.echo(f"OK: {report.checked} poster, kedjan är hel.")
        return
    click.echo(f"BRUTEN vid post {report.broken_at}: {report.reason} "
               f"({report.checked} poster före den är hela).", err=True)
    sys.exit(1)


def _domain_demo_loaders():
    """``<domain>.demo.load(session)`` of every domain package that has one, in DOMAINS order."""
    import importlib
    import importlib.util

    from oversight.app import DOMAINS

    for name in DOMAINS:
        if importlib.util.find_spec(f"{name}.demo") is not None:
            yield importlib.import_module(f"{name}.demo").load


@demo_cli.command("load")
def load_demo():
    """Ladda demodata (kan köras flera gånger utan dubbletter)."""
    from oversight.demo import DEMO_PASSWORD, load

    click.echo(load(db.session))
    db.session.commit()
    for loader in _domain_demo_loaders():  # each domain adds its part of the story
        click.echo(loader(db.session))
        db.session.commit()
    click.echo(f"Demoinloggningar (lösenord för alla: {DEMO_PASSWORD}):")
    for user in db.session.scalars(select(User).order_by(User.username)):
        click.echo(f"  {user.username:<12} {user.role_label:<26} {user.department.name}")
