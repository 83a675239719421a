"""Decisions of a case (several per case), instalment plans, payments received and the
repayment follow-up (balance, missed instalments, ready to close, ersättningstalan deadline)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from oversight.cases import codes, deadlines, stops
from oversight.cases.models import Case, CaseDecision, CaseInstalment, CasePayment
from oversight.cases.rules import rule_number
from oversight.cases.services import CaseError, transition

# Decisions about money owed back; their amounts make up the balance.
RECOVERY_KINDS = ("recovery", "grant_stopped", "damages")


def _check_decision(case: Case, kind: str, amount, legal_basis, recipient, decided_by,
                    meeting_date, paragraph, repayment_method) -> None:
    if kind not in codes.DECISION_KINDS:
        raise CaseError(_("Okänd beslutstyp."))
    if case.status not in ("investigation", "decision", "follow_up"):
        raise CaseError(_("Beslut fattas under eller efter utredningen: starta utredningen först."))
    if decided_by not in codes.DECIDED_BY:
        raise CaseError(_("Ange vem som fattade beslutet."))
    if decided_by == "committee" and (meeting_date is None or not paragraph):
        raise CaseError(_("Ett nämndbeslut behöver sammanträdesdatum och paragraf."))
    if kind in ("recovery", "claim", "write_off", "damages", "grant_stopped") and (amount is None or amount <= 0):
        raise CaseError(_("Ange ett belopp större än noll."))
    if kind in codes.BASES_FOR and legal_basis not in codes.BASES_FOR[kind]:
        raise CaseError(_("Ange en rättslig grund som passar beslutstypen."))
    if kind == "notification" and recipient not in codes.RECIPIENTS:
        raise CaseError(_("Ange vilken myndighet som underrättas."))
    if repayment_method is not None and repayment_method not in codes.REPAYMENT_METHODS:
        raise CaseError(_("Okänt sätt att betala tillbaka."))


def add_decision(session: Session, user, case: Case, *, kind: str, decided_on: date,
                 decided_by: str = "officer", decided_by_name: str | None = None,
                 meeting_date: date | None = None, paragraph: str | None = None,
                 legal_basis: str | None = None, amount: Decimal | None = None,
                 period_from: date | None = None, period_to: date | None = None,
                 payment_dates: list[date] | None = None, repayment_method: str | None = None,
                 ability_to_pay: str | None = None, recipient: str | None = None,
                 police_reference: str | None = None, outcome: str | None = None,
                 reasoning: str | None = None, monthly: Decimal | None = None,
                 first_due: date | None = None,
                 target_organisation_id: int | None = None) -> CaseDecision:
    legal_basis = legal_basis or (codes.BASES_FOR.get(kind, (None,))[0])
    _check_decision(case, kind, amount, legal_basis, recipient, decided_by, meeting_date,
                    paragraph, repayment_method)
    if kind in stops.STOP_KINDS:  # a stop acts on one organisation's payments (stops.py)
        target_organisation_id = stops.resolve_target(case, target_organisation_id)
    else:
        target_organisation_id = None
    if decided_on > date.today():
        raise CaseError(_("Beslutsdatum kan inte ligga i framtiden."))
    if period_from and period_to and period_from > period_to:
        raise CaseError(_("Perioden börjar efter att den slutar."))
    dates = sorted(payment_dates or ([period_from] if period_from else []))
    decision = CaseDecision(
        department_id=case.department_id, kind=kind, decided_on=decided_on,
        decided_by=decided_by, decided_by_name=decided_by_name or getattr(user, "name", "system"),
        meeting_date=meeting_date, paragraph=paragraph, legal_basis=legal_basis, amount=amount,
        period_from=period_from, period_to=period_to,
        payment_dates=[d.isoformat() for d in dates] or None, repayment_method=repayment_method,
        ability_to_pay=ability_to_pay, recipient=recipient, police_reference=police_reference,
        outcome=outcome, reasoning=reasoning, target_organisation_id=target_organisation_id)
    case.decisions.append(decision)
    if kind == "recovery" and repayment_method == "instalments":
        if monthly is None or first_due is None:
            raise CaseError(_("En avbetalningsplan behöver belopp per månad och första förfallodag."))
        for due in deadlines.instalment_plan(amount, monthly, first_due):
            decision.instalments.append(CaseInstalment(department_id=case.department_id,
                                                   due_on=due.due_on, amount=due.amount))
    if case.status == "investigation":
        transition(session, user, case, "decision", on=decided_on)
    session.flush()
    return decision


def add_payment(session: Session, user, case: Case, *, paid_on: date, amount: Decimal,
                reference: str = "", source: str = "manual") -> CasePayment:
    if amount is None or amount <= 0:
        raise CaseError(_("Beloppet måste vara större än noll."))
    if paid_on > date.today():
        raise CaseError(_("Betaldatum kan inte ligga i framtiden."))
    if not any(d.kind in RECOVERY_KINDS for d in case.decisions):
        raise CaseError(_("Ärendet har inget beslut om återkrav att betala mot."))
    if any(p.paid_on == paid_on and p.amount == amount and p.reference == (reference or "")
           for p in case.payments):
        raise CaseError(_("Betalningen är redan registrerad."))
    payment = CasePayment(department_id=case.department_id, paid_on=paid_on, amount=amount,
                      reference=reference or "", source=source)
    case.payments.append(payment)
    if case.status == "decision":
        transition(session, user, case, "follow_up", on=max(paid_on, case.received_on))
    session.flush()
    return payment


@dataclass
class Repayment:
    claimed: Decimal
    written_off: Decimal
    paid: Decimal
    missed: list[deadlines.Due] = field(default_factory=list)
    claim: deadlines.ClaimStatus | None = None

    @property
    def balance(self) -> Decimal:
        return self.claimed - self.written_off - self.paid

    @property
    def ready_to_close(self) -> bool:
        return self.claimed > 0 and self.balance <= 0


def repayment(session: Session, case: Case, today: date | None = None,
              warn_days: int = 90) -> Repayment:
    today = today or date.today()
    recoveries = [d for d in case.decisions if d.kind in RECOVERY_KINDS]
    claimed = sum((d.amount or 0 for d in recoveries), Decimal(0))
    written_off = sum((d.amount or 0 for d in case.decisions if d.kind == "write_off"), Decimal(0))
    paid = sum((p.amount for p in case.payments), Decimal(0))
    result = Repayment(claimed, written_off, paid)
    plan = [deadlines.Due(i.due_on, i.amount) for d in recoveries for i in d.instalments]
    if plan:
        grace = rule_number(session, "cases.missed_instalment_grace_days", today)
        result.missed = deadlines.missed_instalments(
            plan, [(p.paid_on, p.amount) for p in case.payments], today, grace)
    has_claim = any(d.kind == "claim" for d in case.decisions)
    dates = [date.fromisoformat(x) for d in recoveries for x in (d.payment_dates or [])]
    if dates and not has_claim and result.balance > 0:
        years = rule_number(session, "cases.claim_deadline_years", today)
        result.claim = deadlines.claim_status(dates, years, today, warn_days)
    return result
