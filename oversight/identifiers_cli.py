"""``flask ids validate``: validate identifiers from the command line, one JSON object per value."""

from __future__ import annotations

import json
import sys

import click
from oversight.cli import CommandGroup

from oversight.identifiers import KINDS, validate

ids_cli = CommandGroup(
    "ids",
    help="Validera och normalisera svenska identifierare (organisationsnummer, personnummer, bankgiro m.fl.).",
)


def _values(value: str) -> list[str]:
    """The single VALUE, or one value per non-blank stdin line when VALUE is '-'."""
    if value != "-":
        return [value]
    # sys.stdin is what CliRunner substitutes; click.get_text_stream is deprecated.
    return [line.strip() for line in sys.stdin if line.strip()]


# The command is pure, so it does not need the app context (and tests need no app).
@ids_cli.command("validate", with_appcontext=False)
@click.option("--kind", required=True, type=click.Choice(KINDS), help="Typ av identifierare.")
@click.argument("value")
def validate_command(kind: str, value: str) -> None:
    """Validate VALUE, or one value per line from stdin when VALUE is '-'.

    Prints one JSON object per value; exit code 1 if any value is invalid.
    """
    all_valid = True
    for item in _values(value):
        result = validate(kind, item)
        click.echo(json.dumps(result.to_json(), ensure_ascii=False))
        all_valid = all_valid and result.valid
    click.get_current_context().exit(0 if all_valid else 1)
