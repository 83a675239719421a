"""Operations on the supplier register: suppliers, procurements and tenderers, contracts,
complaints and criminal-record extracts. Plain functions ``(session, user, ...)`` that flush,
never commit; a bad input raises :class:`SupplierError` with a Swedish message and changes
nothing."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, selectinload

from oversight import identifiers
from oversight.attention import AttentionItem
from oversight.db import utcnow
from oversight.labels import Labels
from oversight.organisations import services as orgs
from oversight.organisations.models import KeyPerson, Organisation, OrganisationWarning
from oversight.scoping import may_change, owned_by, owner_condition
from oversight.tabular import parse_amount
from suppliers import evidence as ev
from suppliers.models import (
    COMPLAINT_CATEGORIES,
    COMPLAINT_SEVERITIES,
    CONTRACT_STATUSES,
    PROCEDURES,
    PROCUREMENT_STATUSES,
    Complaint,
    Contract,
    Conviction,
    CriminalRecordExtract,
    Procurement,
    Supplier,
    SupplierCheck,
    Tender,
)


class SupplierError(ValueError):
    """A user-facing validation error (Swedish message). ``field`` names the form field the
    error is about, when there is one, so an edit page can show it next to that field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# --- suppliers -------------------------------------------------------------------------------

def ensure_supplier(session: Session, user, *, orgnr: str, name: str | None = None) -> Supplier:
    """The supplier for ``orgnr``: registers the organisation in the shared register if it
    is new (a name is then required). Idempotent."""
    checked = identifiers.validate("orgnr", orgnr or "")
    if not checked.valid:
        raise SupplierError(_("Organisationsnummer %(orgnr)r: %(error)s", orgnr=orgnr, error=checked.error))
    org = orgs.get_by_orgnr(session, checked.normalized)
    if org is None:
        if not (name or "").strip():
            raise SupplierError(_("Organisationen finns inte i registret: ange namn."))
        try:
            org = orgs.register_organisation(session, orgnr=orgnr, name=name)
        except orgs.RegisterError as exc:
            raise SupplierError(str(exc)) from exc
    return supplier_for(session, user, org)


def supplier_for(session: Session, user, org: Organisation) -> Supplier:
    supplier = session.scalar(select(Supplier).where(Supplier.organisation_id == org.id))
    if supplier is None:
        supplier = Supplier(organisation_id=org.id, created_by_id=getattr(user, "id", None))
        session.add(supplier)
        session.flush()
    return supplier


RISK_LABELS = Labels({
    "warning": "Aktiv varning",
    "found": "Grund föreligger",
    "unknown": "Kunde inte kontrolleras helt",
    "clear": "Ingen grund funnen",
    "unchecked": "Inte kontrollerad",
})
RISK_BADGES = {"warning": "badge-danger", "found": "badge-danger", "unknown": "badge-warn",
               "clear": "badge-ok", "unchecked": ""}


def _active_warning_count():
    today = date.today()
    return (select(func.count(OrganisationWarning.id))
            .where(OrganisationWarning.organisation_id == Supplier.organisation_id,
                   OrganisationWarning.withdrawn_at.is_(None),
                   or_(OrganisationWarning.expires_on.is_(None),
                       OrganisationWarning.expires_on >= today))
            .correlate(Supplier).scalar_subquery())


def supplier_listing(session: Session, user, *, q: str = "", risk: str = "",
                     sort: str = "name", direction: str = "asc"):
    """A select of suppliers, joined with the user's department's latest check and the count
    of active warnings, so search, the risk filter and sorting run in the database."""
    latest_id = (select(func.max(SupplierCheck.id))
                 .where(SupplierCheck.supplier_id == Supplier.id,
                        owner_condition(SupplierCheck, user.department_id))
                 .correlate(Supplier).scalar_subquery())
    warnings = _active_warning_count()
    stmt = (select(Supplier)
            .join(Organisation, Organisation.id == Supplier.organisation_id)
            .outerjoin(SupplierCheck, SupplierCheck.id == latest_id)
            .options(selectinload(Supplier.organisation), selectinload(Supplier.contracts)))
    if q.strip():
        text = q.strip()
        digits = "".join(ch for ch in text if ch.isdigit())
        conditions = [Organisation.name.ilike(f"%{text}%")]
        if len(digits) >= 4:
            conditions.append(func.replace(Organisation.orgnr, "-", "").like(f"%{digits}%"))
        stmt = stmt.where(or_(*conditions))
    if risk == "warning":
        stmt = stmt.where(warnings > 0)
    elif risk in ("found", "unknown", "clear"):
        stmt = stmt.where(SupplierCheck.overall == risk, warnings == 0)
    elif risk == "unchecked":
        stmt = stmt.where(SupplierCheck.id.is_(None), warnings == 0)
    risk_order = case((warnings > 0, 0), (SupplierCheck.overall == "found", 1),
                      (SupplierCheck.overall == "unknown", 2),
                      (SupplierCheck.overall == "clear", 4), else_=3)
    columns = {"name": Organisation.name, "orgnr": Organisation.orgnr,
               "checked": SupplierCheck.created_at, "risk": risk_order, "warnings": warnings}
    column = columns.get(sort, Organisation.name)
    order = column.desc() if direction == "desc" else column.asc()
    if sort == "checked":  # never-checked suppliers last either way
        return stmt.order_by(SupplierCheck.created_at.is_(None), order, Organisation.name)
    return stmt.order_by(order, Organisation.name)


def listing_extras(session: Session, user, suppliers: list[Supplier]) -> dict[int, tuple]:
    """(latest check of the user's department or None, active warnings) per supplier."""
    from suppliers.checks import latest_checks

    ids = [s.id for s in suppliers]
    latest = latest_checks(session, ids, user.department_id)
    counts = dict(session.execute(select(Supplier.id, _active_warning_count())
                                  .where(Supplier.id.in_(ids))).all()) if ids else {}
    return {i: (latest.get(i), counts.get(i, 0)) for i in ids}


def risk_of(check: SupplierCheck | None, warnings: int) -> str:
    if warnings:
        return "warning"
    return check.overall if check else "unchecked"


# --- procurements ---------------------------------------------------------------------------

def _money(value) -> Decimal | None:
    if value in (None, ""):
        return None
    if isinstance(value, Decimal):
        value = str(value)  # a form's DecimalField: its text, so NaN and exponents are refused
    try:
        return parse_amount(value, allow_negative=False)
    except ValueError as exc:
        raise SupplierError(_("Ogiltigt belopp: %(exc)s", exc=exc)) from None


def _procedure_fields(data: dict) -> dict:
    procedure = data.get("procedure")
    if procedure not in PROCEDURES:
        raise SupplierError(_("Välj upphandlingsform."), field="procedure")
    permit_bound = bool(data.get("permit_bound"))
    activity = (data.get("permit_activity") or "").strip() or None
    if permit_bound and not activity:
        raise SupplierError(_("Ange vilken tillståndspliktig verksamhet det gäller."),
                            field="permit_activity")
    return dict(procedure=procedure, service_category=(data.get("service_category") or "").strip()
                or None, welfare=bool(data.get("welfare")),
                above_threshold=bool(data.get("above_threshold")), permit_bound=permit_bound,
                permit_activity=activity)


def _procurement_fields(session: Session, data: dict, *, default_status: str = "open",
                        current: Procurement | None = None) -> dict:
    """The validated columns of a procurement (create and update share the rules)."""
    reference = (data.get("reference") or "").strip()
    title = (data.get("title") or "").strip()
    if not reference or not title:
        raise SupplierError(_("Diarienummer och rubrik krävs."),
                            field="reference" if not reference else "title")
    duplicate = select(Procurement).where(Procurement.reference == reference)
    if current is not None:
        duplicate = duplicate.where(Procurement.id != current.id)
    if session.scalar(duplicate):
        raise SupplierError(_("Det finns redan en upphandling med diarienummer %(reference)s.", reference=reference),
                            field="reference")
    status = data.get("status") or default_status
    if status not in PROCUREMENT_STATUSES:
        raise SupplierError(_("Okänd status."), field="status")
    try:
        value = _money(data.get("estimated_value"))
    except SupplierError as exc:
        raise SupplierError(str(exc), field="estimated_value") from exc
    return dict(reference=reference, title=title, estimated_value=value, status=status,
                **_procedure_fields(data))


def create_procurement(session: Session, user, data: dict) -> Procurement:
    procurement = Procurement(department_id=user.department_id, created_by_id=user.id,
                              **_procurement_fields(session, data))
    session.add(procurement)
    session.flush()
    return procurement


def update_procurement(session: Session, user, procurement: Procurement, data: dict) -> Procurement:
    """Change a procurement's facts (the owning department only), validated like
    ``create_procurement``; nothing changes on an error. Audited through ``__audited__``."""
    _require_own(user, procurement, _("upphandlingen"))
    fields = _procurement_fields(session, data, default_status=procurement.status,
                                 current=procurement)
    for name, value in fields.items():
        setattr(procurement, name, value)
    session.flush()
    return procurement


def add_tenderer(session: Session, user, procurement: Procurement, *, orgnr: str,
                 name: str | None = None, submitted_on: date | None = None) -> Tender:
    _require_own(user, procurement, _("upphandlingen"))
    supplier = ensure_supplier(session, user, orgnr=orgnr, name=name)
    existing = session.scalar(select(Tender).where(Tender.procurement_id == procurement.id,
                                                   Tender.supplier_id == supplier.id))
    if existing:
        return existing
    tender = Tender(procurement_id=procurement.id, supplier_id=supplier.id,
                    submitted_on=submitted_on)
    session.add(tender)
    session.flush()
    session.refresh(procurement, ["tenders"])
    return tender


def remove_tenderer(session: Session, user, procurement: Procurement, tender: Tender) -> None:
    _require_own(user, procurement, _("upphandlingen"))
    session.delete(tender)
    session.flush()
    session.refresh(procurement, ["tenders"])


def _require_own(user, row, what: str) -> None:
    """Only the owning department changes ``row``; no user (a script) changes nothing."""
    if not may_change(user, row):
        raise SupplierError(_("Endast förvaltningen som äger %(what)s kan ändra den.", what=what))


# --- contracts ---------------------------------------------------------------------------------

def _contract_fields(data: dict, *, default_status: str = "active") -> dict:
    """The validated, editable columns of a contract (create and update share the rules)."""
    reference = (data.get("reference") or "").strip()
    title = (data.get("title") or "").strip()
    if not reference or not title:
        raise SupplierError(_("Avtalsnummer och rubrik krävs."),
                            field="reference" if not reference else "title")
    start, end = data.get("start_date"), data.get("end_date")
    if start and end and end < start:
        raise SupplierError(_("Slutdatum kan inte ligga före startdatum."), field="end_date")
    status = data.get("status") or default_status
    if status not in CONTRACT_STATUSES:
        raise SupplierError(_("Okänd avtalsstatus."), field="status")
    fields = _procedure_fields(data)
    calling = data.get("calling_department_id") or None
    if fields["procedure"] == "call_off" and not calling:
        raise SupplierError(_("Ange vilken förvaltning som avropar."),
                            field="calling_department_id")
    try:
        value = _money(data.get("value"))
    except SupplierError as exc:
        raise SupplierError(str(exc), field="value") from exc
    return dict(reference=reference, title=title, calling_department_id=calling, value=value,
                start_date=start, end_date=end, status=status, **fields)


def create_contract(session: Session, user, supplier: Supplier, data: dict) -> Contract:
    fields = _contract_fields(data)
    contract = Contract(supplier_id=supplier.id,
                        department_id=data.get("department_id") or user.department_id,
                        procurement_id=data.get("procurement_id") or None,
                        framework_id=data.get("framework_id") or None, **fields)
    session.add(contract)
    session.flush()
    return contract


def update_contract(session: Session, user, contract: Contract, data: dict) -> Contract:
    """Change a contract's period, value, status (ending or terminating it), procedure and
    calling department (the owning department only), validated like ``create_contract``;
    nothing changes on an error. The owning department, supplier, procurement and framework
    stay as they are. Audited through ``__audited__``."""
    _require_own(user, contract, _("avtalet"))
    fields = _contract_fields(data, default_status=contract.status)
    for name, value in fields.items():
        setattr(contract, name, value)
    session.flush()
    return contract


def set_contract_status(session: Session, user, contract: Contract, status: str) -> None:
    _require_own(user, contract, _("avtalet"))
    if status not in CONTRACT_STATUSES:
        raise SupplierError(_("Okänd avtalsstatus."))
    contract.status = status
    session.flush()


# --- complaints --------------------------------------------------------------------------------

def file_complaint(session: Session, user, contract: Contract, *, occurred_on: date,
                   category: str, severity: str, description: str) -> Complaint:
    """Any department may complain about a supplier's performance in a contract; the
    contract-owning department sees it on its start page."""
    if category not in COMPLAINT_CATEGORIES:
        raise SupplierError(_("Välj kategori."))
    if severity not in COMPLAINT_SEVERITIES:
        raise SupplierError(_("Välj allvarlighetsgrad."))
    if not (description or "").strip():
        raise SupplierError(_("Beskriv vad som hänt."))
    if occurred_on is None or occurred_on > date.today():
        raise SupplierError(_("Datumet för händelsen kan inte ligga i framtiden."))
    complaint = Complaint(contract_id=contract.id, supplier_id=contract.supplier_id,
                          department_id=user.department_id,
                          owner_department_id=contract.department_id, filed_by_id=user.id,
                          occurred_on=occurred_on, category=category, severity=severity,
                          description=description.strip())
    session.add(complaint)
    session.flush()
    return complaint


def assess_complaint(session: Session, user, complaint: Complaint, *, status: str,
                     assessment: str) -> None:
    if not may_change(user, complaint):
        raise SupplierError(_("Endast förvaltningen som äger avtalet bedömer klagomålet."))
    if status not in ("confirmed", "rejected"):
        raise SupplierError(_("Välj bekräftat eller avfärdat."))
    if not (assessment or "").strip():
        raise SupplierError(_("Motivera bedömningen."))
    complaint.status = status
    complaint.assessment = assessment.strip()
    complaint.assessed_by_id = user.id
    complaint.assessed_at = utcnow()
    session.flush()


def open_complaints_for(session: Session, user) -> list[AttentionItem]:
    """Attention items: complaints about the department's contracts that are not assessed."""
    from flask import url_for

    stmt = (owned_by(select(Complaint), Complaint, user.department_id)
            .where(Complaint.status == "open")
            .options(selectinload(Complaint.supplier).selectinload(Supplier.organisation),
                     selectinload(Complaint.department), selectinload(Complaint.contract))
            .order_by(Complaint.created_at.desc()).limit(20))
    return [AttentionItem(
        title=_("Klagomål: %(name)s", name=c.supplier.name),
        detail=_("%(severity)s, %(category)s, avtal %(contract)s, från %(department)s. Bedöm "
                 "klagomålet.", severity=c.severity_label, category=c.category_label,
                 contract=c.contract.reference, department=c.department.name),
        url=url_for("suppliers.show", supplier_id=c.supplier_id, _anchor="klagomal"),
        severity="danger" if c.severity == "serious" else "warning", on=c.occurred_on)
        for c in session.scalars(stmt)]


# --- criminal-record extracts ---------------------------------------------------------------

def record_extract(session: Session, user, supplier: Supplier, *, key_person_id: int | None,
                   document_date: date, reference: str | None,
                   convictions: list[dict]) -> CriminalRecordExtract:
    """Enter an extract from the criminal records register (company or one representative),
    with its convictions (none is a valid answer: "inga uppgifter")."""
    org = supplier.organisation
    person = None
    if key_person_id:
        person = session.get(KeyPerson, key_person_id)
        if person is None or person.organisation_id != org.id:
            raise SupplierError(_("Personen hör inte till leverantören."))
    if document_date is None or document_date > date.today():
        raise SupplierError(_("Ange utdragets datum (inte i framtiden)."))
    extract = CriminalRecordExtract(
        department_id=user.department_id, organisation_id=org.id,
        key_person_id=person.id if person else None,
        subject_name=person.name if person else org.name, document_date=document_date,
        reference=(reference or "").strip() or None, entered_by_id=user.id)
    for i, c in enumerate(convictions, start=1):
        if c.get("category") not in ev.CONVICTION_CATEGORIES:
            raise SupplierError(_("Dom %(i)s: välj brottskategori.", i=i))
        if not c.get("judgment_date"):
            raise SupplierError(_("Dom %(i)s: ange när domen fick laga kraft.", i=i))
        if c["judgment_date"] > document_date:
            raise SupplierError(_("Dom %(i)s: domen kan inte vara senare än utdraget.", i=i))
        if not (c.get("description") or "").strip():
            raise SupplierError(_("Dom %(i)s: beskriv brottet.", i=i))
        extract.convictions.append(Conviction(
            department_id=user.department_id, category=c["category"],
            judgment_date=c["judgment_date"], until=c.get("until"),
            court=(c.get("court") or "").strip() or None,
            case_number=(c.get("case_number") or "").strip() or None,
            description=c["description"].strip()))
    session.add(extract)
    session.flush()
    return extract

