"""Small factories for tests: each creates valid rows through the real services."""
from __future__ import annotations

import itertools

from sqlalchemy.orm import Session

from oversight.auth import services as auth
from oversight.auth.models import Department
from oversight.identifiers import luhn_check_digit
from oversight.organisations import services as orgs

PASSWORD = "correct-horse-battery-staple"
_seq = itertools.count(1)


def orgnr(group: int = 5, n: int | None = None) -> str:
    """A valid, invented organisationsnummer in the given group (third digit >= 2)."""
    body = f"{group}{(n if n is not None else next(_seq)) % 10**8:08d}"
    body = body[:2] + "2" + body[3:] if int(body[2]) < 2 else body
    digits = body + luhn_check_digit(body)
    return f"{digits[:6]}-{digits[6:]}"


def bankgiro(n: int | None = None) -> str:
    body = f"{500000 + (n if n is not None else next(_seq)) % 400000:06d}"
    return body + luhn_check_digit(body)


class Factory:
    def __init__(self, session: Session):
        self.session = session

    def department(self, code: str | None = None, name: str | None = None, kind: str = "district",
                   **extra) -> Department:
        i = next(_seq)
        dept = Department(code=code or f"dept-{i}", name=name or f"Förvaltning {i}", kind=kind,
                          **extra)
        self.session.add(dept)
        self.session.flush()
        return dept

    def user(self, role: str = "procurement", department: Department | None = None,
             username: str | None = None, password: str = PASSWORD):
        i = next(_seq)
        return auth.create_user(
            self.session, username=username or f"user{i}", name=f"Test Användare {i}",
            password=password, role=role, department=department or self.department())

    def organisation(self, name: str | None = None, group: int = 5, **extra):
        i = next(_seq)
        return orgs.register_organisation(self.session, orgnr=extra.pop("orgnr", None) or orgnr(group),
                                          name=name or f"Testbolaget {i} AB", **extra)
