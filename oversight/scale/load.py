"""``flask demo load --scale large``: a large municipality's data by bulk inserts.

Runs after the ordinary demo (departments, users, the story). Each section is one transaction
with a marker the next run finds, so loading again adds nothing and an interrupted run resumes
at the section that did not finish. Rows go in with ``session.execute(insert(Model), rows)``
in chunks (not the per-row services, which audit every row: the audit trail gets one entry
per section instead), shaped as the services would write them so every page accepts them.
"""
from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal

from flask_babel import gettext, ngettext
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from oversight.auth.models import Department
from oversight.organisations.models import Organisation
from oversight.scale import rows as R
from oversight.scale.sections import (
    load_assistance,
    load_cases,
    load_grants,
    load_suppliers,
)

CHUNK = 5_000
Progress = Callable[[str, int], Callable[[int], None]]  # (label, total) -> advance(n)


def bulk(session: Session, model, items: Iterable[dict], advance=None,
         chunk: int = CHUNK) -> int:
    """Insert rows in chunks; returns the number inserted."""
    batch, count = [], 0
    for item in items:
        batch.append(item)
        if len(batch) >= chunk:
            session.execute(insert(model), batch)
            count += len(batch)
            if advance:
                advance(len(batch))
            batch = []
    if batch:
        session.execute(insert(model), batch)
        count += len(batch)
        if advance:
            advance(len(batch))
    return count


def _quiet(label: str, total: int):
    return lambda n: None


def load_large(session: Session, scale: str = "large", progress: Progress = _quiet,
               today: date | None = None) -> list[str]:
    """Load every section of ``scale`` that is not there yet; commit after each section."""
    sizes = R.SCALES[scale]
    today = today or date.today()
    done = []
    sections = [
        ("Organisationer", lambda: load_organisations(session, sizes, progress, today)),
        ("Reskontra", lambda: load_ledger(session, sizes, progress, today)),
        ("Leverantörer", lambda: load_suppliers(session, sizes, progress, today, bulk)),
        ("Föreningsbidrag", lambda: load_grants(session, sizes, progress, today, bulk)),
        ("Tidrapporter", lambda: load_assistance(session, sizes, progress, today, bulk)),
        ("Ärenden", lambda: load_cases(session, sizes, progress, today, bulk)),
    ]
    for label, run in sections:
        added = run()
        session.commit()
        done.append(f"{label}: " + (ngettext("%(num)s ny rad", "%(num)s nya rader", added) if added
                                    else gettext("fanns redan")))
    return done


def load_organisations(session: Session, sizes: R.Sizes, progress: Progress,
                       today: date) -> int:
    existing = set(session.scalars(select(Organisation.orgnr)))
    advance = progress("Organisationer", sizes.organisations)
    added = 0
    for start in range(0, sizes.organisations, CHUNK):
        stop = min(start + CHUNK, sizes.organisations)
        rows = [r for r in R.organisations(start, stop, today) if r["orgnr"] not in existing]
        added += bulk(session, Organisation, rows)
        advance(stop - start)
    return added


def scale_organisations(session: Session, sizes: R.Sizes) -> list[tuple[int, str, str]]:
    """(id, orgnr, name) of the generated organisations, in generation order."""
    wanted = [R.orgnr(i) for i in range(sizes.organisations)]
    found = {o: (i, o, n) for i, o, n in session.execute(
        select(Organisation.id, Organisation.orgnr, Organisation.name)
        .where(Organisation.orgnr.like("_7%")))}
    return [found[o] for o in wanted if o in found]


def ledger_departments(session: Session, count: int) -> list[Department]:
    """``count`` departments (the demo's, plus extra administrations when there are fewer)."""
    depts = list(session.scalars(select(Department).order_by(Department.id)))
    for n in range(len(depts), count):
        dept = Department(code=f"skala-forvaltning-{n + 1}", name=f"Förvaltning {n + 1}",
                          kind="other")
        session.add(dept)
        depts.append(dept)
    session.flush()
    return depts[:count]


def load_ledger(session: Session, sizes: R.Sizes, progress: Progress, today: date) -> int:
    from associations.ledger_models import LedgerEntry, LedgerImport

    depts = ledger_departments(session, sizes.ledger_departments)
    payees = scale_organisations(session, sizes)
    per_dept = sizes.ledger_rows // len(depts)
    advance = progress("Reskontra", per_dept * len(depts))
    added = 0
    for n, dept in enumerate(depts):
        sha = R.ledger_sha(dept.code)
        if session.scalar(select(LedgerImport.id).where(LedgerImport.sha256 == sha)):
            advance(per_dept)
            continue
        imp = LedgerImport(sha256=sha, filename=f"reskontra-{dept.code}.csv", size=0,
                           department_id=dept.id, preset="skala", source="demo",
                           period_start=today.replace(year=today.year - 5), period_end=today,
                           row_count=per_dept, department_count=1)
        session.add(imp)
        session.flush()
        rng = random.Random(n)  # nosec B311  # synthetic scale data
        rows = R.ledger_rows(rng, imp.id, (dept.id, dept.name), 0, per_dept, payees, today)
        imp.total_amount = sum((r["amount"] for r in rows), Decimal(0))
        grants = [r for r in rows if r["is_grant"]]
        imp.grant_row_count = len(grants)
        imp.grant_amount = sum((r["amount"] for r in grants), Decimal(0))
        added += bulk(session, LedgerEntry, rows, advance)
    return added

