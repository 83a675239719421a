"""Personnummer / samordningsnummer of assistance users: one normal form (12 digits, no
separator) for storage and matching, validated by oversight.identifiers, and masked for display."""
from __future__ import annotations

from flask_babel import gettext as _

from oversight.identifiers import (
    InvalidIdentifier,
    mask_personnummer,
    validate_personnummer,
    validate_samordningsnummer,
)


def normalize_person_id(value) -> str:
    """``YYYYMMDDNNNN`` for a valid personnummer or samordningsnummer (10 or 12 digits, with or
    without separator); raises ``InvalidIdentifier`` with a Swedish message otherwise."""
    result = validate_personnummer(value)
    if not result.valid:
        coordination = validate_samordningsnummer(value)
        result = coordination if coordination.valid else result
    if not result.valid:
        raise InvalidIdentifier(_("Ogiltigt person-/samordningsnummer %(value)r: %(error)s",
                                  value=str(value or '').strip(), error=result.error))
    return result.normalized.replace("-", "")


def dashed(person_id: str) -> str:
    """``YYYYMMDDNNNN`` -> ``YYYYMMDD-NNNN`` (the form the rest of the platform shows)."""
    text = (person_id or "").strip()
    return f"{text[:8]}-{text[8:]}" if len(text) == 12 and text.isdigit() else text


def mask(person_id: str) -> str:
    """The masked form shown by default (``YYYYMMDD-****``)."""
    return mask_personnummer(dashed(person_id))
