"""``flask backup create|verify|restore``: see oversight/backup.py and README ("Säkerhetskopior")."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext

from oversight.backup import BackupError, create_backup, restore_backup, verify_backup

backup_cli = click.Group("backup", help="Säkerhetskopior: skapa, kontrollera och återställ.")


@backup_cli.command("create")
@click.option("--dir", "target_dir", type=click.Path(file_okay=False),
              help="Mapp att skriva säkerhetskopian i (standard OVERSIGHT_BACKUP_DIR eller instance/backups).")
@with_appcontext
def create_command(target_dir: str | None) -> None:
    """Skriv en säkerhetskopia: databasen, dokumenten och granskningsankarna, med manifest."""
    try:
        result = create_backup(current_app._get_current_object(), target_dir)
    except (BackupError, OSError) as exc:
        raise click.ClickException(_("Säkerhetskopian kunde inte skapas: %(error)s",
                                     error=exc)) from None
    rows = sum(result.tables.values())
    click.echo(_("Säkerhetskopia skapad: %(path)s (%(tables)s, %(rows)s, %(documents)s).",
                 path=result.path, tables=ngettext("%(num)s tabell", "%(num)s tabeller", len(result.tables)),
                 rows=ngettext("%(num)s rad", "%(num)s rader", rows),
                 documents=ngettext("%(num)s dokument", "%(num)s dokument", result.documents)))


@backup_cli.command("verify")
@click.argument("path", type=click.Path(exists=True, file_okay=False))
def verify_command(path: str) -> None:
    """Kontrollera en säkerhetskopias kontrollsummor utan att ändra något."""
    try:
        manifest = verify_backup(path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(_("Säkerhetskopian är hel: %(files)s, skapad %(created)s, schema %(schema)s.",
                 files=ngettext("%(num)s fil", "%(num)s filer", len(manifest["files"])),
                 created=manifest["created_at"], schema=manifest["schema_revision"]))


@backup_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, file_okay=False))
@click.option("--yes", is_flag=True, help="Fråga inte: ersätt databasens innehåll direkt.")
@with_appcontext
def restore_command(path: str, yes: bool) -> None:
    """Ersätt databasens innehåll med säkerhetskopians (kontrollsummorna kontrolleras först)."""
    try:
        verify_backup(path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    if not yes:
        click.confirm("Allt innehåll i databasen ersätts med säkerhetskopians. Fortsätta?",
                      abort=True)
    try:
        counts = restore_backup(current_app._get_current_object(), path)
    except BackupError as exc:
        raise click.ClickException(_("Inget återställdes: %(error)s", error=exc)) from None
    click.echo(_("Återställt: %(tables)s, %(rows)s.",
                 tables=ngettext("%(num)s tabell", "%(num)s tabeller", len(counts)),
                 rows=ngettext("%(num)s rad", "%(num)s rader", sum(counts.values()))))
