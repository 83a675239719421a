"""Payment stops: a case's decision to stop or withhold payment (``stop_payment`` /
``withhold``) is a fact other modules read, not just a line in the case.

A stop is decided against one organisation of the shared register (the case's organisation
unless another is named). It is **active from its decision until it is lifted** (a lifting
decision with its reason, date and who: audited). Closing the case does not end it: a case
with an active stop cannot be closed until the stop is lifted, so a stop never ends silently.

Who reads it (public API: ``active_stops``, ``stops_for_accounts``, ``stop_text``):
* the payment-file check (``oversight.accounts.payments``): a payment to a stopped
  organisation, or to an account the register has for it, gets a ``PAYMENT_STOP`` finding
  naming the case reference;
* the time-report settlement (``assistance.timereport_settle``): the provider's month is
  withheld, not payable, for the district that decided the stop (other districts see a note);
* grants (``associations``): the granting department cannot approve or resume payment of a
  grant to a stopped association; every department sees the stop among the warnings.

The stop belongs to the department that decided it: it acts on that department's payments
(refused / withheld) and is shown to the others as a danger finding with the deciding
department and the case reference (not the case itself: the case stays within its access).
Nothing is cached: every check reads the stops as they are at that moment (fail closed)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from oversight.auth.models import Department
from oversight.cases.models import Case, CaseDecision
from oversight.cases.services import CaseError
from oversight.organisations.models import BankAccount, Organisation

STOP_KINDS = ("stop_payment", "withhold")


class StopError(CaseError):
    """A refused stop action (Swedish message)."""


@dataclass(frozen=True)
class ActiveStop:
    decision_id: int
    case_id: int
    reference: str
    department_id: int
    department_name: str
    organisation_id: int
    organisation_name: str
    kind: str
    decided_on: date

    def text(self, department_id: int | None = None) -> str:
        """The sentence shown wherever a payment meets the stop."""
        org = self.organisation_name
        what = (_("Utbetalningar till %(org)s är stoppade", org=org) if self.kind == "stop_payment"
                else _("Utbetalningar till %(org)s är innehållna", org=org))
        text = _("%(what)s genom beslut %(on)s i ärende %(ref)s (%(dept)s). Betala inte ut förrän "
                 "stoppet är hävt.", what=what, on=self.decided_on.isoformat(), ref=self.reference,
                 dept=self.department_name)
        if department_id is not None and department_id != self.department_id:
            text += " " + _("Beslutet gäller den förvaltningens utbetalningar; kontakta den innan "
                            "ni betalar.")
        return text


def is_active(decision: CaseDecision) -> bool:
    return decision.kind in STOP_KINDS and decision.lifted_on is None


def active_stops(session: Session, organisation_ids: Iterable[int] | None = None
                 ) -> dict[int, list[ActiveStop]]:
    """{organisation id: its active stops}; all organisations when ``organisation_ids`` is
    None. A system read (no department filter): the stop acts on payments wherever they are
    checked; what it shows of the case is the reference and the deciding department."""
    stmt = (select(CaseDecision, Case.reference, Department.name, Organisation.name)
            .join(Case, CaseDecision.case_id == Case.id)
            .join(Department, Case.department_id == Department.id)
            .join(Organisation, CaseDecision.target_organisation_id == Organisation.id)
            .where(CaseDecision.kind.in_(STOP_KINDS), CaseDecision.lifted_on.is_(None)))
    if organisation_ids is not None:
        wanted = sorted(set(organisation_ids))
        if not wanted:
            return {}
        stmt = stmt.where(CaseDecision.target_organisation_id.in_(wanted))
    out: dict[int, list[ActiveStop]] = defaultdict(list)
    for decision, reference, dept_name, org_name in session.execute(stmt.order_by(CaseDecision.id)):
        out[decision.target_organisation_id].append(ActiveStop(
            decision.id, decision.case_id, reference, decision.department_id, dept_name,
            decision.target_organisation_id, org_name, decision.kind, decision.decided_on))
    return dict(out)


def stops_for_accounts(session: Session, keys: Iterable[tuple[str, str]]
                       ) -> dict[tuple[str, str], list[ActiveStop]]:
    """{(kind, digits): active stops of the organisations the register has that account for}
    (current register rows only), for payments whose payee is named differently."""
    stops = active_stops(session)
    if not stops:
        return {}
    wanted = {k for k in keys if k}
    out: dict[tuple[str, str], list[ActiveStop]] = defaultdict(list)
    rows = session.execute(select(BankAccount.kind, BankAccount.digits, BankAccount.organisation_id)
                           .where(BankAccount.organisation_id.in_(sorted(stops)),
                                  BankAccount.removed_at.is_(None)))
    for kind, digits, org_id in rows:
        if (kind, digits) in wanted:
            out[(kind, digits)].extend(stops[org_id])
    return dict(out)


def stops_of_case(case: Case) -> list[CaseDecision]:
    return [d for d in case.decisions if is_active(d)]


def check_can_close(case: Case) -> None:
    """Closing a case does not end a stop: lift it first (with a reason)."""
    active = stops_of_case(case)
    if active:
        raise StopError(_("Ärendet har ett aktivt betalningsstopp (beslut %(on)s). Häv stoppet "
                          "med skäl innan ärendet avslutas.", on=active[0].decided_on.isoformat()))


def resolve_target(case: Case, organisation_id: int | None) -> int:
    """The organisation a new stop acts on: the one named, else the case's. A stop with no
    organisation would change nothing, so it is refused."""
    target = organisation_id or case.organisation_id
    if target is None:
        raise StopError(_("Ange organisationen (organisationsnummer) vars utbetalningar stoppas; "
                          "utan den kan stoppet inte verkställas i betalkontrollen, avräkningen "
                          "eller bidragen."))
    return target


def lift(session: Session, user, decision: CaseDecision, *, reason: str,
         on: date | None = None) -> CaseDecision:
    """Lift a stop: its reason, date and who (the decision row's change is audited)."""
    if decision.kind not in STOP_KINDS:
        raise StopError(_("Bara ett beslut om stopp eller innehållen utbetalning kan hävas."))
    if decision.lifted_on is not None:
        raise StopError(_("Stoppet är redan hävt."))
    if not (reason or "").strip():
        raise StopError(_("Ange skälet till att stoppet hävs."))
    on = on or date.today()
    if on > date.today() or on < decision.decided_on:
        raise StopError(_("Datumet för hävningen ska ligga mellan beslutsdatum och i dag."))
    decision.lifted_on, decision.lifted_reason = on, reason.strip()
    decision.lifted_by_name = getattr(user, "name", None) or "system"
    session.flush()
    return decision
