"""The domain sections of the large data set (see ``oversight.scale.load``). Each returns the
number of rows it added, 0 when its marker shows it is already there."""
from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from oversight.auth.models import Department
from oversight.scale import rows as R

SUPPLIER_MARKER = "SKALA/LEV"
GRANT_PREFIX = "SKALA-B-"
CASE_PREFIX = "SKALA-"


def _orgs(session: Session, sizes: R.Sizes, group: str) -> list[tuple[int, str, str]]:
    from oversight.scale.load import scale_organisations

    return [o for o in scale_organisations(session, sizes) if o[1].startswith(group)]


def _districts(session: Session) -> list[Department]:
    return list(session.scalars(select(Department).where(
        Department.kind == "district", Department.valid_to.is_(None)).order_by(Department.id)))


def _dept(session: Session, code: str) -> Department:
    found = session.scalar(select(Department).where(Department.code == code))
    return found or _districts(session)[0]


def load_suppliers(session: Session, sizes: R.Sizes, progress, today: date, bulk) -> int:
    from suppliers import rules
    from suppliers.models import CheckGround, Contract, Procurement, Supplier, SupplierCheck

    if session.scalar(select(Procurement.id).where(Procurement.reference == SUPPLIER_MARKER)):
        return 0
    social = _dept(session, "socialforvaltningen")
    depts = [social, *_districts(session)]
    companies = _orgs(session, sizes, "5")[: sizes.suppliers]
    advance = progress("Leverantörer", len(companies) * 3)
    have = set(session.scalars(select(Supplier.organisation_id)))
    bulk(session, Supplier, ({"organisation_id": o[0]} for o in companies if o[0] not in have))
    ids = dict(session.execute(select(Supplier.organisation_id, Supplier.id)).tuples().all())
    advance(len(companies))
    rng = random.Random(16)  # nosec B311  # synthetic scale data
    contracts = [{"reference": f"SKALA-K-{n:05d}", "title": f"Avtal om tjänster {n}",
                  "supplier_id": ids[o[0]], "department_id": depts[n % len(depts)].id,
                  "value": Decimal(rng.randrange(100_000, 20_000_000)),
                  "start_date": today - timedelta(days=rng.randrange(30, 1500)),
                  "end_date": today + timedelta(days=rng.randrange(30, 900)), "status": "active",
                  "procedure": "lou_open", "above_threshold": True}
                 for n, o in enumerate(companies)]
    added = bulk(session, Contract, contracts, advance)
    contract_ids = dict(session.execute(select(Contract.reference, Contract.id).where(
        Contract.reference.like("SKALA-K-%"))).tuples().all())
    specs = [g for g in rules.GROUNDS if rules.LOU in g.regimes and g.code != "permit"]
    for start in range(0, len(contracts), 1000):
        part = contracts[start:start + 1000]
        outcomes = [rules.FOUND if (start + i) % 29 == 0 else rules.UNKNOWN
                    if (start + i) % 11 == 0 else rules.CLEAR for i in range(len(part))]
        check_ids = session.scalars(insert_returning(SupplierCheck), [
            {"supplier_id": c["supplier_id"], "department_id": c["department_id"],
             "contract_id": contract_ids[c["reference"]], "regime": rules.LOU,
             "on_date": today - timedelta(days=(start + i) % 300), "trigger": "monitoring",
             "overall": outcomes[i], "rule_values": {}, "representatives": []}
            for i, c in enumerate(part)]).all()
        grounds = [{"check_id": cid, "department_id": c["department_id"], "position": p,
                    "code": g.code, "label": g.label, "law": g.law_for(rules.LOU),
                    "kind": g.kind, "outcome": outcomes[i] if p == 0 else rules.CLEAR,
                    "mandatory": False, "hearing_required": True,
                    "reasons": ["Syntetiska skaldata."], "problems": [], "actions": [],
                    "evidence_keys": []}
                   for i, (cid, c) in enumerate(zip(check_ids, part, strict=True))
                   for p, g in enumerate(specs)]
        added += len(check_ids) + bulk(session, CheckGround, grounds)
        advance(len(part))
    session.add(Procurement(reference=SUPPLIER_MARKER, title="Skaldata: leverantörer",
                            procedure="lou_open", department_id=social.id, status="awarded"))
    return added + len(companies)


def insert_returning(model):
    from sqlalchemy import insert

    return insert(model).returning(model.id, sort_by_parameter_order=True)


def load_grants(session: Session, sizes: R.Sizes, progress, today: date, bulk) -> int:
    from associations.models import Grant, GrantReport

    if session.scalar(select(Grant.id).where(Grant.reference.like(GRANT_PREFIX + "%"))):
        return 0
    associations = _orgs(session, sizes, "8")
    funders = [_dept(session, "kulturforvaltningen"), _dept(session, "idrottsforvaltningen"),
               *_districts(session)]
    advance = progress("Föreningsbidrag", sizes.grants)
    rng = random.Random(3000)  # nosec B311  # synthetic scale data
    rows = []
    for n in range(sizes.grants):
        org_id = associations[n % len(associations)][0]
        dept = funders[n % len(funders)]
        start = date(today.year - n % 5, 1, 1)
        rows.append({"organisation_id": org_id, "department_id": dept.id,
                     "owner_department_id": dept.id, "form": ("tidsbegransat",
                     "verksamhetsbidrag")[n % 2], "purpose": f"Verksamhet för unga {n}",
                     "period_start": start, "period_end": date(start.year, 12, 31),
                     "amount": Decimal(rng.randrange(10, 900) * 1000), "status": "granted",
                     "decision_date": start - timedelta(days=40),
                     "reference": f"{GRANT_PREFIX}{n:05d}"})
    added = 0
    for start in range(0, len(rows), 1000):
        part = rows[start:start + 1000]
        ids = session.scalars(insert_returning(Grant), part).all()
        reports = [{"grant_id": gid, "kind": "annual", "period_start": g["period_start"],
                    "period_end": g["period_end"],
                    "due_on": g["period_end"] + timedelta(days=90),
                    "status": "received" if g["period_end"] < today else "expected",
                    "received_on": g["period_end"] + timedelta(days=60)
                    if g["period_end"] < today else None}
                   for gid, g in zip(ids, part, strict=True)]
        added += len(ids) + bulk(session, GrantReport, reports)
        advance(len(part))
    return added


def load_assistance(session: Session, sizes: R.Sizes, progress, today: date, bulk) -> int:
    """Monthly time reports for every assistance user with a provider, ``report_months`` back;
    a month that already has a report is left alone."""
    from assistance.models import Arrangement, AssistanceDecision, AssistanceUser
    from assistance.timereport_models import Assistant, TimeReport, TimeReportLine

    users = session.execute(
        select(AssistanceUser.id, AssistanceUser.person_id, AssistanceUser.department_id,
               Arrangement.provider_organisation_id)
        .join(Arrangement, Arrangement.assistance_user_id == AssistanceUser.id)
        .where(Arrangement.kind == "provider", Arrangement.valid_to.is_(None))
        .order_by(AssistanceUser.id)).tuples().all()
    hours = dict(session.execute(select(AssistanceDecision.assistance_user_id,
                                        AssistanceDecision.hours_per_week)).tuples().all())
    existing = set(session.execute(select(TimeReport.assistance_user_id, TimeReport.month))
                   .tuples().all())
    assistants = set(session.execute(select(Assistant.provider_organisation_id,
                                            Assistant.assistant_id)).tuples().all())
    months = R.month_starts(today, sizes.report_months)
    advance = progress("Tidrapporter", len(users) * len(months))
    added = 0
    approved_at = datetime.now(UTC)
    for n, (uid, person_id, dept_id, provider_id) in enumerate(users):
        aid = R.pnr(date(1980 + n % 20, 1 + n % 12, 1 + n % 28), 500 + n)
        if (provider_id, aid) not in assistants:
            bulk(session, Assistant, [{"provider_organisation_id": provider_id,
                                       "assistant_id": aid, "lives_in_eea": True}])
            assistants.add((provider_id, aid))
        todo = [m for m in months if (uid, m) not in existing]
        reports, lines = [], []
        for month in todo:
            month_lines = R.report_lines(month, aid, Decimal(hours.get(uid) or 10))
            lines.append(month_lines)
            reports.append({"department_id": dept_id, "assistance_user_id": uid,
                            "provider_organisation_id": provider_id,
                            "provider_key": provider_id or 0, "month": month,
                            "status": "approved", "source": "demo",
                            "content_hash": R.line_hash(person_id, provider_id or 0, month,
                                                        month_lines),
                            "user_approved_by": "Assistansberättigad (skaldata)",
                            "user_approved_at": approved_at, "locked_at": approved_at})
        if reports:
            ids = session.scalars(insert_returning(TimeReport), reports).all()
            added += len(ids) + bulk(session, TimeReportLine, (
                {"report_id": rid, "line_no": k + 1, **line}
                for rid, month_lines in zip(ids, lines, strict=True)
                for k, line in enumerate(month_lines)))
        advance(len(months))
    return added


def load_cases(session: Session, sizes: R.Sizes, progress, today: date, bulk) -> int:
    from oversight.cases.models import Case

    if session.scalar(select(Case.id).where(Case.reference.like(CASE_PREFIX + "%"))):
        return 0
    districts = [(d.id, d.code) for d in _districts(session)]
    rng = random.Random(5000)  # nosec B311  # synthetic scale data
    advance = progress("Ärenden", sizes.cases)
    return bulk(session, Case, (R.case_row(rng, n, districts[n % len(districts)], today)
                                for n in range(sizes.cases)), advance, chunk=1000)

