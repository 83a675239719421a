"""Evidence that lives in this platform: central warnings, complaints, the department's own
decisions, and criminal-record extracts the department entered. Database reads only; the
answers are always conclusive (``found`` / ``not_found``), except a missing extract."""
from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from oversight.organisations.models import OrganisationWarning
from suppliers import evidence as ev
from suppliers.models import (
    PUBLISHABLE_OUTCOMES,
    Complaint,
    CriminalRecordExtract,
    Decision,
    Supplier,
)
from suppliers.rules import REPRESENTATIVE_ROLES, Person


def _now() -> datetime:
    return datetime.now(UTC)


def representatives(org, on_date: date) -> list[tuple[Person, object]]:
    """Board, VD, signatories and others with powers of representation or control, as
    registered in the organisation register on ``on_date``."""
    people = []
    for p in org.key_persons:
        if p.role not in REPRESENTATIVE_ROLES:
            continue
        if (p.from_date and p.from_date > on_date) or (p.to_date and p.to_date < on_date):
            continue
        people.append((Person(f"person:{p.id}", f"{p.role_label} {p.name}"), p))
    return people


def warnings_evidence(session: Session, supplier: Supplier, department_id: int,
                      on_date: date, rows: list | None = None) -> ev.Evidence:
    org = supplier.organisation
    if rows is None:
        rows = session.scalars(select(OrganisationWarning)
                               .where(OrganisationWarning.organisation_id == org.id,
                                      OrganisationWarning.withdrawn_at.is_(None))
                               .options(selectinload(OrganisationWarning.department))).all()
    facts = tuple(
        ev.WarningFact(id=w.id, category=w.category, category_label=w.category_label,
                       department=w.department.name, issued_on=w.issued_on, reason=w.reason,
                       own_department=w.department_id == department_id)
        for w in sorted(rows, key=lambda w: w.id) if w.is_active(on_date))
    return ev.Evidence(source=ev.WARNINGS, subject="org", subject_label=org.name,
                       status=ev.FOUND if facts else ev.NOT_FOUND, retrieved_at=_now(),
                       facts=facts, ref="warnings", origin="platform",
                       message=None if facts else "Inga aktiva varningar.")


def complaints_evidence(session: Session, supplier: Supplier,
                        rows: list | None = None) -> ev.Evidence:
    if rows is None:
        rows = session.scalars(select(Complaint).where(Complaint.supplier_id == supplier.id)
                               .options(selectinload(Complaint.contract),
                                        selectinload(Complaint.department))).all()
    facts = tuple(
        ev.ComplaintFact(id=c.id, contract=c.contract.reference, department=c.department.name,
                         occurred_on=c.occurred_on, severity=c.severity, status=c.status,
                         summary=c.category_label)
        for c in sorted(rows, key=lambda c: c.id))
    return ev.Evidence(source=ev.COMPLAINTS, subject="org", subject_label=supplier.name,
                       status=ev.FOUND if facts else ev.NOT_FOUND, retrieved_at=_now(),
                       facts=facts, ref="complaints", origin="platform")


def decisions_evidence(session: Session, supplier: Supplier, department_id: int,
                       rows: list | None = None) -> ev.Evidence:
    """The department's own signed exclusions and terminations (other departments' decisions
    reach it as published warnings)."""
    if rows is None:
        rows = session.scalars(select(Decision).where(
            Decision.supplier_id == supplier.id, Decision.department_id == department_id,
            Decision.status == "signed", Decision.superseded_by_id.is_(None),
            Decision.outcome.in_(PUBLISHABLE_OUTCOMES))).all()
    facts = tuple(
        ev.DecisionFact(id=d.id, outcome=d.outcome, decided_on=d.decided_on,
                        department="egen förvaltning", summary=f"{d.outcome_label}, {d.reference}")
        for d in sorted(rows, key=lambda d: d.id))
    return ev.Evidence(source=ev.DECISIONS, subject="org", subject_label=supplier.name,
                       status=ev.FOUND if facts else ev.NOT_FOUND, retrieved_at=_now(),
                       facts=facts, ref="decisions", origin="platform")


def criminal_record_evidence(session: Session, supplier: Supplier, department_id: int,
                             people: list[Person], rows: list | None = None) -> list[ev.Evidence]:
    """The newest extract per subject entered by this department (extracts are scoped: a
    department never relies on another department's copy). ``rows`` newest first."""
    if rows is None:
        rows = session.scalars(
            select(CriminalRecordExtract)
            .where(CriminalRecordExtract.organisation_id == supplier.organisation_id,
                   CriminalRecordExtract.department_id == department_id)
            .options(selectinload(CriminalRecordExtract.convictions))
            .order_by(CriminalRecordExtract.document_date.desc(),
                      CriminalRecordExtract.id.desc())).all()
    newest: dict[str, CriminalRecordExtract] = {}
    for extract in rows:
        newest.setdefault(extract.subject_key, extract)
    subjects = [("org", supplier.name)] + [(p.key, p.label) for p in people]
    out = []
    for key, label in subjects:
        extract = newest.get(key)
        if extract is None:
            out.append(ev.missing(ev.CRIMINAL_RECORD, key, label,
                                  "Inget utdrag ur belastningsregistret är registrerat."))
            continue
        convictions = tuple(
            ev.Conviction(category=c.category, judgment_date=c.judgment_date,
                          description=c.description, court=c.court, case_number=c.case_number,
                          until=c.until) for c in extract.convictions)
        out.append(ev.Evidence(
            source=ev.CRIMINAL_RECORD, subject=key, subject_label=label,
            status=ev.FOUND if convictions else ev.NOT_FOUND,
            document_date=extract.document_date, retrieved_at=extract.created_at,
            facts=(ev.RecordExtract(extract.id, extract.subject_name, extract.document_date,
                                    convictions),),
            ref=f"criminal_record_extract:{extract.id}", origin="manual",
            query=extract.reference))
    return out


class Prefetched:
    """The platform's own evidence for a chunk of suppliers in four queries (not four per
    supplier): warnings, complaints, the department's decisions and extracts."""

    def __init__(self, session: Session, suppliers: list[Supplier], department_ids: set[int]):
        org_ids = [s.organisation_id for s in suppliers]
        supplier_ids = [s.id for s in suppliers]
        self.warnings: dict[int, list] = {}
        for w in session.scalars(select(OrganisationWarning).where(
                OrganisationWarning.organisation_id.in_(org_ids),
                OrganisationWarning.withdrawn_at.is_(None))
                .options(selectinload(OrganisationWarning.department))):
            self.warnings.setdefault(w.organisation_id, []).append(w)
        self.complaints: dict[int, list] = {}
        for c in session.scalars(select(Complaint).where(Complaint.supplier_id.in_(supplier_ids))
                                 .options(selectinload(Complaint.contract),
                                          selectinload(Complaint.department))):
            self.complaints.setdefault(c.supplier_id, []).append(c)
        self.decisions: dict[tuple[int, int], list] = {}
        for d in session.scalars(select(Decision).where(
                Decision.supplier_id.in_(supplier_ids), Decision.status == "signed",
                Decision.department_id.in_(department_ids),
                Decision.superseded_by_id.is_(None),
                Decision.outcome.in_(PUBLISHABLE_OUTCOMES))):
            self.decisions.setdefault((d.supplier_id, d.department_id), []).append(d)
        self.extracts: dict[tuple[int, int], list] = {}
        for x in session.scalars(select(CriminalRecordExtract).where(
                CriminalRecordExtract.organisation_id.in_(org_ids),
                CriminalRecordExtract.department_id.in_(department_ids))
                .options(selectinload(CriminalRecordExtract.convictions))
                .order_by(CriminalRecordExtract.document_date.desc(),
                          CriminalRecordExtract.id.desc())):
            self.extracts.setdefault((x.organisation_id, x.department_id), []).append(x)
