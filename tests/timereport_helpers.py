"""Test data for the time-report module: assistance users with decision, arrangement and a
valid permit of their provider, and lines in the shape the web grid, files and API send."""
from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from assistance.models import Arrangement, AssistanceDecision, AssistanceUser, Permit
from assistance.timereport_models import Assistant
from oversight.identifiers import luhn_check_digit

_seq = itertools.count(1)


def pnr(born: date, n: int | None = None, coordination: bool = False) -> str:
    """A valid invented 12-digit personnummer (samordningsnummer: day + 60)."""
    day = born.day + (60 if coordination else 0)
    serial = f"{(n if n is not None else next(_seq)) % 1000:03d}"
    ten = f"{born.year % 100:02d}{born.month:02d}{day:02d}{serial}"
    return f"{born.year // 100:02d}{ten}{luhn_check_digit(ten)}"


def assistance_user(session, department, provider=None, *, hours_per_week=Decimal(20),
                    kind="provider", since=date(2020, 1, 1), death_date=None, born=date(1950, 5, 5)):
    pid = pnr(born)
    user = AssistanceUser(department_id=department.id, person_id=pid, name=f"Brukare {pid[-4:]}",
                          death_date=death_date)
    session.add(user)
    session.flush()
    session.add(AssistanceDecision(assistance_user_id=user.id, valid_from=since, valid_to=None,
                                   hours_per_week=hours_per_week, basis="lss"))
    session.add(Arrangement(assistance_user_id=user.id, valid_from=since, valid_to=None, kind=kind,
                            provider_organisation_id=provider.id if provider is not None else None))
    session.flush()
    return user


def valid_permit(session, provider, since=date(2020, 1, 1)):
    session.add(Permit(organisation_id=provider.id, status="valid", valid_from=since,
                       source="manual"))
    session.flush()


def assistant(session, provider, born=date(1990, 1, 1), **facts):
    facts.setdefault("lives_in_eea", True)
    a = Assistant(provider_organisation_id=provider.id if provider else None,
                  assistant_id=pnr(born), **facts)
    session.add(a)
    session.flush()
    return a


def grid(*rows):
    """(assistant_id, date, start, end[, kind]) -> numbered dict rows."""
    out = []
    for i, r in enumerate(rows, start=1):
        out.append((i, {"assistant_id": r[0], "date": r[1], "start": r[2], "end": r[3],
                        "kind": r[4] if len(r) > 4 else "ordinarie"}))
    return out
