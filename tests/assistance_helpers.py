"""Helpers for the assistance tests: invented personnummer and a small world of two districts."""
from __future__ import annotations

from datetime import date, datetime, timezone

from assistance.models import Arrangement, AssistanceUser, Permit
from oversight.identifiers import luhn_check_digit


def pnr(birth: str = "19800101", serial: int = 123) -> str:
    """A valid invented personnummer ``YYYYMMDDNNNN`` (12 digits)."""
    body = birth[2:] + f"{serial:03d}"
    return birth + f"{serial:03d}" + luhn_check_digit(body)


def at(y, m, d) -> datetime:
    return datetime(y, m, d, 12, tzinfo=timezone.utc)


def person(session, department, n: int, name: str | None = None) -> AssistanceUser:
    u = AssistanceUser(department_id=department.id, person_id=pnr("19700101", n),
                       name=name or f"Brukare {n}")
    session.add(u)
    session.flush()
    return u


def arrangement(session, user, kind="provider", org=None, start=date(2026, 1, 1), end=None):
    a = Arrangement(assistance_user_id=user.id, kind=kind, valid_from=start, valid_to=end,
                    provider_organisation_id=org.id if org else None)
    session.add(a)
    session.flush()
    return a


def permit(session, org, status="valid", start=date(2015, 1, 1), end=None, recorded=None, **kw):
    p = Permit(organisation_id=org.id, status=status, valid_from=start, valid_to=end,
               recorded_at=recorded or at(2026, 1, 1), source="manual", **kw)
    session.add(p)
    session.flush()
    return p
