"""Demo data of the case register (synthetic; no real persons): the investigator ``utredare``
in Järva has a tip to assess, a queued case past its start deadline, an investigation waiting
for Försäkringskassan's answer, a återkrav with an instalment plan where the last instalment
was missed, a case from the supplier check and a closed, repaid case; two years of case
statistics for every district, and Järva's control calendar. Idempotent by reference."""
from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext, ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from oversight.auth.models import Department, User
from oversight.cases import controls, decisions, services
from oversight.cases.importer import _case_from_row
from oversight.cases.models import Case, ControlRoutine, Denominator
from oversight.organisations.models import Organisation

CAUSES = ["income_salary", "income_benefit", "income_salary", "household", "housing", "assets",
          "income_business", "internal_error", "income_rent"]


def load(session: Session) -> str:
    user = session.scalar(select(User).where(User.username == "utredare"))
    if user is None:
        return gettext("Ärenden: ingen utredare i demodatan.")
    story = _story(session, user)
    history = _history(session)
    routines = _controls(session, user)
    session.flush()
    return gettext("Ärenden: %(parts)s.", parts=", ".join([
        ngettext("%(num)s nytt i Järva", "%(num)s nya i Järva", story),
        ngettext("%(num)s historiskt", "%(num)s historiska", history),
        ngettext("%(num)s kontroll i årshjulet", "%(num)s kontroller i årshjulet", routines)]))


def _exists(session: Session, reference: str) -> bool:
    return session.scalar(select(Case.id).where(Case.reference == reference)) is not None


def _story(session: Session, user: User) -> int:
    today, dept, added = date.today(), user.department, 0

    def case(ref: str, days_ago: int, title: str, **kw) -> Case | None:
        nonlocal added
        if _exists(session, ref):
            return None
        added += 1
        return services.register_case(session, user, department=dept, title=title, reference=ref,
                                      received_on=today - timedelta(days=days_ago), investigator=user, **kw)

    case("DEMO-JARVA-1", 2, "Tips via webbformulär", source="anonymous",
         description="Hyresvärden säger att familjen inte bor i lägenheten sedan i våras.")
    c = case("DEMO-JARVA-2", 130, "Misstänkt oredovisad lön", source="caseworker",
             person_name="Ada Demoperson", person_pnr="850312-1231", amount_estimate=Decimal(84000))
    if c:
        services.assess(session, user, c, open_case=True, on=today - timedelta(days=120),
                        amount_estimate=Decimal(84000), ongoing_error=True)
    c = case("DEMO-JARVA-3", 60, "Bostadsbidrag och ekonomiskt bistånd samtidigt", source="authority")
    if c:
        services.assess(session, user, c, open_case=True, on=today - timedelta(days=55))
        services.transition(session, user, c, "investigation", on=today - timedelta(days=40))
        services.add_activity(session, user, c, kind="request", counterpart="Försäkringskassan",
                              text="Begäran om uppgifter om bostadsbidrag 2025–2026.",
                              on=today - timedelta(days=38), follow_up_on=today - timedelta(days=8))
    c = case("DEMO-JARVA-4", 300, "Inkomst från eget företag ej redovisad", source="automated",
             person_name="Bo Demoperson")
    if c:
        services.assess(session, user, c, open_case=True, on=today - timedelta(days=290))
        services.transition(session, user, c, "investigation", on=today - timedelta(days=250))
        services.classify(session, user, c, cause="income_business", intent="intentional",
                          preventable="unsure", detected_by="Kontroll mot Skatteverket", sex="man")
        first = today - timedelta(days=150)
        decisions.add_decision(session, user, c, kind="recovery", decided_on=today - timedelta(days=160),
                               amount=Decimal(6000), legal_basis="sol_9_1", repayment_method="instalments",
                               monthly=Decimal(1000), first_due=first, period_from=date(today.year - 3, today.month, 1),
                               reasoning="Inkomster från enskild firma har inte redovisats.")
        decisions.add_decision(session, user, c, kind="police_report", decided_on=today - timedelta(days=158),
                               police_reference="5000-K123456-26")
        for months in range(4):
            decisions.add_payment(session, user, c, paid_on=first + timedelta(days=30 * months + 2),
                                  amount=Decimal(1000), reference=f"OCR 4711{months}")
    org = session.scalar(select(Organisation).where(Organisation.orgnr == "556901-2346"))
    if not _exists(session, "DEMO-JARVA-5"):
        c = services.open_case_from_finding(
            session, user, module="suppliers", finding_ref="demo:556901-2346:timereports",
            title="Omsorgspartner i Norden AB: ej utförda pass fakturerade",
            evidence="Tidrapporter för tre brukare visar pass som inte utförts; assistenter "
                     "rapporterade samtidigt hos två brukare (avtal hävt, dnr JÄR 2026/1142).",
            organisation_id=org.id if org else None, amount=Decimal(412000))
        c.reference, added = "DEMO-JARVA-5", added + 1
    c = case("DEMO-JARVA-6", 400, "Hushållets sammansättning felaktigt uppgiven", source="caseworker")
    if c:
        services.assess(session, user, c, open_case=True, on=today - timedelta(days=395))
        services.transition(session, user, c, "investigation", on=today - timedelta(days=380))
        services.classify(session, user, c, cause="household", sex="woman", intent="unintentional",
                          preventable="yes", detected_by="Hembesök")
        decisions.add_decision(session, user, c, kind="recovery", decided_on=today - timedelta(days=300),
                               amount=Decimal(12500), legal_basis="sol_9_1", repayment_method="invoice")
        decisions.add_decision(session, user, c, kind="notification", decided_on=today - timedelta(days=299),
                               recipient="skatteverket")
        decisions.add_payment(session, user, c, paid_on=today - timedelta(days=250), amount=Decimal(12500),
                              reference="Faktura 88812")
        services.transition(session, user, c, "closed", on=today - timedelta(days=240))
    return added


def _history(session: Session) -> int:
    """Two earlier years per district, generated with a fixed seed (same data every load)."""
    depts = session.scalars(select(Department).where(Department.kind == "district",
                                                     Department.valid_to.is_(None))).all()
    rng, year0, added = random.Random(2016), date.today().year - 2, 0  # nosec B311  # demo data
    for dept in sorted(depts, key=lambda d: d.code):
        for year in (year0, year0 + 1):
            for i in range(rng.randint(18, 45)):
                ref = f"HIST-{dept.code.upper()}-{year}-{i:03d}"
                row = _history_row(rng, dept, year, ref)
                if not _exists(session, ref):
                    session.add(_case_from_row(row, "Demodata"))
                    added += 1
            households = rng.randint(900, 3200)  # drawn every time: the same data every load
            if session.scalar(select(Denominator.id).where(Denominator.department_id == dept.id,
                                                            Denominator.year == year)) is None:
                session.add(Denominator(department_id=dept.id, year=year, kind="households",
                                        value=households))
    return added


def _history_row(rng: random.Random, dept: Department, year: int, ref: str) -> dict:
    received = date(year, 1, 1) + timedelta(days=rng.randint(0, 330))
    row = {"reference": ref, "department": dept, "received_on": received, "source":
           rng.choice(["caseworker", "caseworker", "authority", "public", "automated"]),
           "assessed_on": received + timedelta(days=rng.randint(3, 20)), "notified_to": [],
           "sex": rng.choice(["woman", "man", None])}
    if rng.random() < 0.5:
        reasons = ["no_grounds", "own_error", "too_old", "other"]
        row.update(assessment="not_opened", not_opened_reason=rng.choice(reasons))
        return row
    started = row["assessed_on"] + timedelta(days=rng.randint(10, 100))
    row.update(assessment="opened", cause=rng.choice(CAUSES), investigation_started_on=started,
               closed_on=started + timedelta(days=rng.randint(30, 240)))
    if rng.random() < 0.7:
        amount = Decimal(rng.randint(5, 150) * 1000)
        row.update(recovery_decided_on=row["closed_on"] - timedelta(days=5), recovery_amount=amount,
                   repaid_amount=(amount * Decimal(rng.choice([0, 25, 50, 100])) / 100).quantize(Decimal(1)))
        if rng.random() < 0.12:
            row["police_report_on"] = row["closed_on"] - timedelta(days=3)
        if rng.random() < 0.3:
            row["notified_to"] = [rng.choice(["fk", "csn", "akassa", "skatteverket"])]
    return row


def _controls(session: Session, user: User) -> int:
    today, added = date.today(), 0
    plans = [("Efterkontroll av avslutade ärenden (stickprov 10 %)", 6, today + timedelta(days=20)),
             ("Internkontroll: stickprov på utbetalt ekonomiskt bistånd", 12, today - timedelta(days=5)),
             ("Stickprov på beviljade bidrag mot Skatteverket (Älmhults modell)", 3, today + timedelta(days=45))]
    for name, months, due in plans:
        exists = session.scalar(select(ControlRoutine.id).where(ControlRoutine.department_id == user.department_id,
                                                                ControlRoutine.name == name))
        if exists is None:
            routine = controls.add_routine(session, user, name=name, next_due_on=due, interval_months=months)
            if months == 3:
                controls.record_run(session, user, routine, run_on=today - timedelta(days=50), sample_size=40,
                                    outcome="38 utan anmärkning, 2 med oredovisad inkomst.",
                                    case_titles=["Stickprov: lön ej redovisad", "Stickprov: a-kassa ej redovisad"])
                routine.next_due_on = due
            added += 1
    return added
