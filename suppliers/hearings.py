"""Hearing and decision: open a hearing on the grounds a check found, send the letter, record
the supplier's statement and self-cleaning measures (with documents), decide, sign, correct,
and publish the decision to the central warning list.

Everything here is department-scoped: callers load hearings and decisions through
``oversight.scoping``; these functions also refuse another department's rows."""
from __future__ import annotations

import hashlib
from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from oversight.db import utcnow
from oversight.organisations import services as orgs
from oversight.scoping import may_change
from oversight.uploads import UploadError, check_document, safe_filename
from suppliers import letters, rules
from suppliers.evidence_store import digest
from suppliers.models import (
    DECISION_OUTCOMES,
    DOCUMENT_KINDS,
    PUBLISHABLE_OUTCOMES,
    Decision,
    Hearing,
    HearingDocument,
    Supplier,
    SupplierCheck,
)
from suppliers.services import SupplierError


def _own(user, row, what: str) -> None:
    if not may_change(user, row):
        raise SupplierError(_("%(what)s tillhör en annan förvaltning.", what=what))


def hearing_deadline(today: date | None = None) -> date:
    days = int(current_app.config.get("SUPPLIERS_HEARING_DAYS", 14))
    return (today or date.today()) + timedelta(days=days)


def open_hearing(session: Session, user, check: SupplierCheck, *, codes: list[str],
                 deadline: date | None = None, recipient: str | None = None) -> Hearing:
    """A draft hearing on the chosen grounds of ``check`` (found or could-not-be-checked)."""
    _own(user, check, _("Kontrollen"))
    chosen = [g for g in check.grounds if g.code in codes and g.outcome != rules.CLEAR]
    if not chosen:
        raise SupplierError(_("Välj minst en grund som föreligger eller inte kunde kontrolleras."))
    deadline = deadline or hearing_deadline()
    if deadline <= date.today():
        raise SupplierError(_("Svarsfristen måste ligga efter dagens datum."))
    supplier: Supplier = check.supplier
    hearing = Hearing(
        supplier_id=supplier.id, department_id=user.department_id, check_id=check.id,
        procurement_id=check.procurement_id, contract_id=check.contract_id, reference="",
        grounds=[{"code": g.code, "label": g.label, "law": g.law, "outcome": g.outcome,
                  "reasons": list(g.reasons if g.outcome == rules.FOUND else g.problems)}
                 for g in chosen],
        letter_text="", recipient=(recipient or "").strip() or None, deadline=deadline,
        created_by_id=user.id)
    session.add(hearing)
    session.flush()
    base = (check.procurement.reference if check.procurement else
            check.contract.reference if check.contract else f"LEV-{supplier.id}")
    hearing.reference = f"{base}-K{hearing.id}"
    hearing.letter_text = render_letter(hearing, user)
    session.flush()
    return hearing


def render_letter(hearing: Hearing, user) -> str:
    check = hearing.check
    org = hearing.supplier.organisation
    return letters.hearing_letter(
        supplier=org.name, orgnr=org.display_orgnr, department=user.department.name,
        officer=user.name, regime=check.regime if check else rules.LOU,
        reference=hearing.reference, deadline=hearing.deadline,
        checked_on=check.on_date if check else date.today(), grounds=hearing.grounds,
        procurement=(f"{hearing.procurement.reference} {hearing.procurement.title}"
                     if hearing.procurement else None),
        contract=(f"{hearing.contract.reference} {hearing.contract.title}"
                  if hearing.contract else None), recipient=hearing.recipient)


def update_letter(session: Session, user, hearing: Hearing, *, letter_text: str,
                  deadline: date, recipient: str | None) -> None:
    _own(user, hearing, _("Kommuniceringen"))
    if hearing.status != "draft":
        raise SupplierError(_("Brevet är redan skickat och kan inte ändras."))
    if not (letter_text or "").strip():
        raise SupplierError(_("Brevet är tomt."))
    if deadline is None or deadline <= date.today():
        raise SupplierError(_("Svarsfristen måste ligga efter dagens datum."))
    hearing.letter_text = letter_text.strip()
    hearing.deadline = deadline
    hearing.recipient = (recipient or "").strip() or None
    session.flush()


def mark_sent(session: Session, user, hearing: Hearing, sent_on: date | None = None) -> None:
    _own(user, hearing, _("Kommuniceringen"))
    if hearing.status != "draft":
        raise SupplierError(_("Brevet är redan markerat som skickat."))
    sent_on = sent_on or date.today()
    if sent_on > date.today() or sent_on >= hearing.deadline:
        raise SupplierError(_("Avsändningsdatum måste vara i dag eller tidigare och före "
                            "svarsfristen."))
    hearing.sent_on = sent_on
    hearing.status = "sent"
    session.flush()


def record_statement(session: Session, user, hearing: Hearing, *, statement: str,
                     received_on: date, self_cleaning: str | None) -> None:
    _own(user, hearing, _("Kommuniceringen"))
    if hearing.status not in ("sent", "answered"):
        raise SupplierError(_("Markera brevet som skickat innan yttrandet registreras."))
    if not (statement or "").strip():
        raise SupplierError(_("Skriv in eller sammanfatta yttrandet."))
    if received_on is None or received_on > date.today():
        raise SupplierError(_("Ange när yttrandet kom in (inte i framtiden)."))
    hearing.statement = statement.strip()
    hearing.statement_received_on = received_on
    hearing.self_cleaning = (self_cleaning or "").strip() or None
    hearing.status = "answered"
    session.flush()


def update_notes(session: Session, user, hearing: Hearing, notes: str) -> None:
    _own(user, hearing, _("Kommuniceringen"))
    hearing.internal_notes = (notes or "").strip() or None
    session.flush()


def check_upload(filename: str, data: bytes, max_bytes: int) -> str:
    try:
        return check_document(filename, data, max_bytes, what=_("Filen"))
    except UploadError as exc:
        raise SupplierError(str(exc)) from None


def max_upload_bytes() -> int:
    return int(float(current_app.config.get("SUPPLIERS_UPLOAD_MAX_MB", 10)) * 1024 * 1024)


def add_document(session: Session, user, hearing: Hearing, *, filename: str, data: bytes,
                 kind: str) -> HearingDocument:
    _own(user, hearing, _("Kommuniceringen"))
    if kind not in DOCUMENT_KINDS:
        raise SupplierError(_("Välj vilken sorts dokument det är."))
    if hearing.status == "decided":
        raise SupplierError(_("Ärendet är beslutat; nya dokument hör till en rättelse."))
    content_type = check_upload(filename, data, max_upload_bytes())
    safe = safe_filename(filename)
    document = HearingDocument(
        hearing_id=hearing.id, department_id=hearing.department_id, kind=kind, filename=safe,
        content_type=content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        data=data, uploaded_by_id=user.id)
    session.add(document)
    session.flush()
    return document


# --- decisions -----------------------------------------------------------------------------------

def _validate_decision(hearing: Hearing | None, outcome: str, reasoning: str,
                       contract_id: int | None) -> None:
    if outcome not in DECISION_OUTCOMES:
        raise SupplierError(_("Välj beslut."))
    if not (reasoning or "").strip():
        raise SupplierError(_("Skriv skälen för beslutet."))
    if outcome in ("terminate_notice", "terminate_breach", "cancel") and not contract_id:
        raise SupplierError(_("Uppsägning, hävning och avbrytande gäller ett avtal: välj avtalet."))
    if outcome != "not_exclude":
        # The supplier must have been heard first (LOU 13:5 self-cleaning, 19:17 comment).
        if hearing is None or hearing.status not in ("answered", "decided", "sent"):
            raise SupplierError(_("Leverantören måste ha fått yttra sig innan beslut om "
                                "uteslutning eller uppsägning: skicka kommuniceringen först."))
        if hearing.status == "sent" and hearing.deadline >= date.today():
            raise SupplierError(_("Svarsfristen löper till %(deadline)s: vänta in yttrandet eller fristen.",
                                  deadline=hearing.deadline))


def create_decision(session: Session, user, hearing: Hearing | None, *, outcome: str,
                    reasoning: str, self_cleaning_assessment: str | None = None,
                    check: SupplierCheck | None = None, contract_id: int | None = None,
                    supplier: Supplier | None = None) -> Decision:
    if hearing is not None:
        _own(user, hearing, _("Kommuniceringen"))
        check = check or hearing.check
        supplier = hearing.supplier
        contract_id = contract_id or hearing.contract_id
    if check is not None:
        _own(user, check, _("Kontrollen"))
    if supplier is None:
        raise SupplierError(_("Leverantör saknas."))
    _validate_decision(hearing, outcome, reasoning, contract_id)
    decision = Decision(
        supplier_id=supplier.id, department_id=user.department_id,
        hearing_id=hearing.id if hearing else None, check_id=check.id if check else None,
        contract_id=contract_id,
        procurement_id=(hearing.procurement_id if hearing else
                        check.procurement_id if check else None),
        reference="", outcome=outcome,
        grounds=[g["code"] for g in hearing.grounds] if hearing else [],
        reasoning=reasoning.strip(),
        self_cleaning_assessment=(self_cleaning_assessment or "").strip() or None,
        created_by_id=user.id)
    session.add(decision)
    session.flush()
    decision.reference = f"{hearing.reference if hearing else f'LEV-{supplier.id}'}-B{decision.id}"
    session.flush()
    return decision


def update_decision(session: Session, user, decision: Decision, *, outcome: str,
                    reasoning: str, self_cleaning_assessment: str | None) -> None:
    _own(user, decision, _("Beslutet"))
    if decision.signed:
        raise SupplierError(_("Ett signerat beslut kan inte ändras; gör en rättelse."))
    _validate_decision(decision.hearing, outcome, reasoning, decision.contract_id)
    decision.outcome = outcome
    decision.reasoning = reasoning.strip()
    decision.self_cleaning_assessment = (self_cleaning_assessment or "").strip() or None
    session.flush()


def snapshot(decision: Decision) -> dict:
    """Everything the decision rests on, as it is at signing."""
    check, hearing = decision.check, decision.hearing
    return {
        "decision": {"reference": decision.reference, "version": decision.version,
                     "outcome": decision.outcome, "grounds": decision.grounds,
                     "reasoning": decision.reasoning,
                     "self_cleaning_assessment": decision.self_cleaning_assessment,
                     "previous_id": decision.previous_id,
                     "correction_reason": decision.correction_reason},
        "supplier": {"orgnr": decision.supplier.organisation.orgnr,
                     "name": decision.supplier.organisation.name},
        "check": None if check is None else {
            "id": check.id, "on_date": check.on_date, "regime": check.regime,
            "overall": check.overall, "rule_values": check.rule_values,
            "grounds": [{"code": g.code, "outcome": g.outcome, "law": g.law,
                         "reasons": g.reasons, "problems": g.problems} for g in check.grounds],
            "evidence": [{"source": e.source, "subject": e.subject, "status": e.status,
                          "stale": e.stale, "retrieved_at": e.retrieved_at,
                          "document_date": e.document_date, "ref": e.ref,
                          "raw_hash": e.raw_hash, "facts": e.facts} for e in check.evidence]},
        "hearing": None if hearing is None else {
            "reference": hearing.reference, "sent_on": hearing.sent_on,
            "deadline": hearing.deadline, "letter_text": hearing.letter_text,
            "statement": hearing.statement, "received_on": hearing.statement_received_on,
            "self_cleaning": hearing.self_cleaning,
            "documents": [{"filename": d.filename, "sha256": d.sha256, "size": d.size}
                          for d in hearing.documents]},
    }


def sign_decision(session: Session, user, decision: Decision,
                  decided_on: date | None = None) -> None:
    """Freeze the decision with a snapshot of its evidence; a termination by breach ends the
    contract; a correction supersedes the version it corrects."""
    _own(user, decision, _("Beslutet"))
    if decision.signed:
        raise SupplierError(_("Beslutet är redan signerat."))
    _validate_decision(decision.hearing, decision.outcome, decision.reasoning,
                       decision.contract_id)
    decision.decided_on = decided_on or date.today()
    data = snapshot(decision)
    decision.snapshot = _jsonable(data)
    decision.snapshot_hash = digest(data)
    decision.status = "signed"
    decision.signed_by_id = user.id
    decision.signed_at = utcnow()
    if decision.hearing is not None:
        decision.hearing.status = "decided"
    if decision.outcome == "terminate_breach" and decision.contract is not None:
        decision.contract.status = "terminated"
    if decision.previous is not None and decision.previous.superseded_by_id is None:
        decision.previous.superseded_by_id = decision.id
    session.flush()


def _jsonable(data):
    from suppliers.evidence_store import to_json
    return to_json(data)


def correct_decision(session: Session, user, decision: Decision, reason: str) -> Decision:
    """A new draft version of a signed decision; the signed one stays as it was."""
    _own(user, decision, _("Beslutet"))
    if not decision.signed:
        raise SupplierError(_("Ett utkast ändras direkt; rättelse gäller signerade beslut."))
    if decision.superseded_by_id:
        raise SupplierError(_("Beslutet är redan rättat; rätta den senaste versionen."))
    if not (reason or "").strip():
        raise SupplierError(_("Ange varför beslutet rättas."))
    new = Decision(
        supplier_id=decision.supplier_id, department_id=decision.department_id,
        hearing_id=decision.hearing_id, check_id=decision.check_id,
        contract_id=decision.contract_id, procurement_id=decision.procurement_id,
        reference=decision.reference, outcome=decision.outcome, grounds=list(decision.grounds),
        reasoning=decision.reasoning, self_cleaning_assessment=decision.self_cleaning_assessment,
        version=decision.version + 1, previous_id=decision.id,
        correction_reason=reason.strip(), created_by_id=user.id)
    session.add(new)
    session.flush()
    return new


def publish_decision(session: Session, user, decision: Decision):
    """Put a signed exclusion or termination on the central warning list (category
    "exclusion"): every department sees the outcome, the grounds and the reference, never the
    hearing's content."""
    _own(user, decision, _("Beslutet"))
    if not decision.signed:
        raise SupplierError(_("Endast signerade beslut kan publiceras."))
    if decision.outcome not in PUBLISHABLE_OUTCOMES:
        raise SupplierError(_("Endast beslut om uteslutning, uppsägning eller hävning publiceras."))
    if decision.warning_id is not None:
        raise SupplierError(_("Beslutet är redan publicerat."))
    labels = {g.code: (g.label, g.law) for g in decision.check.grounds} if decision.check else {}
    grounds = "; ".join(f"{labels[c][0]} ({labels[c][1]})" if c in labels else c
                        for c in decision.grounds) or "se beslutet"
    reason = (f"{decision.outcome_label} enligt beslut {decision.decided_on} "
              f"(dnr {decision.reference}). Grund: {grounds}.")
    evidence = (f"Beslut {decision.reference} version {decision.version}, signerat "
                f"{decision.signed_at:%Y-%m-%d} av {decision.signed_by.name}; "
                f"underlagets kontrollsumma {decision.snapshot_hash[:16]}.")
    try:
        warning = orgs.raise_warning(session, user, decision.supplier.organisation,
                                     category="exclusion", reason=reason, evidence=evidence,
                                     issued_on=decision.decided_on)
    except orgs.RegisterError as exc:
        raise SupplierError(str(exc)) from exc
    decision.warning_id = warning.id
    session.flush()
    return warning
