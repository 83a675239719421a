"""Demo data for association grants (synthetic; runs after oversight.demo.load).

The story: Föreningen Gemenskap i Rinkeby gets a time-limited grant from Kulturförvaltningen
and a project grant from Järva for what reads as the same homework-help activity in the same
months; the imported ledger shows both departments paying it, so the multi-department report
flags possible double funding. Skogsbrynets IF (registered 2025) is too young and shares its
bankgiro with Gemenskap, whose treasurer chairs Skogsbrynet. Kvarnbackens Kulturförening has
an overdue annual report. Stiftelsen Ljusglimten's co-funding from two departments is judged
legitimate. Loading is idempotent: grants by natural key, the ledger by its file hash, the run
by its period.
"""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from flask_babel import gettext, ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from associations.detection import cluster_key, latest_judgements, record_judgement, run_detection
from associations.followup import decide, record_report
from associations.grants import register_grant, save_profile
from associations.imports import import_ledger
from associations.models import DetectionCluster, DetectionRun, Grant
from oversight.auth.models import Department, User
from oversight.organisations.models import Organisation
from oversight.scoping import owner_department_id

GEMENSKAP, SKOGSBRYNET, KVARNBACKEN, LJUSGLIMTEN = \
    "802412-3450", "802501-2348", "802498-7656", "817602-3458"


def _grants(y: int) -> list[dict]:
    return [
        dict(orgnr=GEMENSKAP, dept="kulturforvaltningen", form="tidsbegransat",
             purpose="Läxhjälp och språkcafé för barn och unga i Rinkeby.",
             activity="Läxhjälp och språkcafé", start=date(y, 1, 1), end=date(y, 12, 31),
             amount=180_000, applied=date(y - 1, 10, 1), ref=f"KUF {y - 1}/0412"),
        dict(orgnr=GEMENSKAP, dept="sdf-jarva", form="projekt",
             purpose="Språkcafé och läxhjälp för unga i Järva.",
             activity="Språkcafé och läxhjälp", start=date(y, 3, 1), end=date(y, 11, 30),
             amount=95_000, applied=date(y, 1, 20), ref=f"JÄR {y}/0077"),
        dict(orgnr=SKOGSBRYNET, dept="idrottsforvaltningen", form="tidsbegransat",
             purpose="Fotbollsträning för flickor 8–12 år.", activity="Fotbollsträning",
             start=date(y, 1, 1), end=date(y, 12, 31), amount=60_000,
             applied=date(y - 1, 11, 15), ref=f"IDF {y - 1}/0981"),
        dict(orgnr=KVARNBACKEN, dept="kulturforvaltningen", form="tidsbegransat",
             purpose="Kulturkvällar med musik och berättande.", activity="Kulturkvällar",
             start=date(y - 4, 1, 1), end=date(y - 4, 12, 31), amount=70_000,
             applied=date(y - 5, 10, 1), ref=f"KUF {y - 5}/0201"),
        dict(orgnr=KVARNBACKEN, dept="kulturforvaltningen", form="tidsbegransat",
             purpose="Kulturkvällar med musik och berättande.", activity="Kulturkvällar",
             start=date(y - 3, 1, 1), end=date(y - 3, 12, 31), amount=75_000,
             applied=date(y - 4, 10, 1), ref=f"KUF {y - 4}/0188"),
        dict(orgnr=KVARNBACKEN, dept="kulturforvaltningen", form="verksamhetsbidrag",
             purpose="Föreningens löpande kulturverksamhet.", activity="Kulturkvällar",
             start=date(y - 2, 1, 1), end=date(y - 1, 12, 31), amount=250_000,
             applied=date(y - 3, 10, 1), ref=f"KUF {y - 3}/0150"),
        dict(orgnr=LJUSGLIMTEN, dept="socialforvaltningen", form="tidsbegransat",
             purpose="Stödsamtal för unga anhöriga.", activity="Stödsamtal",
             start=date(y - 2, 1, 1), end=date(y - 1, 12, 31), amount=200_000,
             applied=date(y - 3, 10, 1), ref=f"SOF {y - 3}/1022"),
        dict(orgnr=LJUSGLIMTEN, funder="Allmänna arvsfonden", form="projekt",
             purpose="Digital mötesplats för unga anhöriga.", activity="Digital mötesplats",
             start=date(y - 1, 9, 1), end=date(y + 1, 8, 31), amount=1_200_000,
             applied=date(y - 1, 3, 1), ref="AF 2024/118"),
    ]


def _ledger(y: int) -> bytes:
    """Generated ledger rows for the year (standard preset, semicolon CSV)."""
    rows = []

    def add(dept, name, orgnr, bg, amount, day, account, purpose=""):
        rows.append([dept, name, orgnr, bg, f"{amount:.2f}".replace(".", ","), day.isoformat(),
                     account, purpose])

    for month in (2, 5, 8, 11):
        add("Kulturförvaltningen", "Föreningen Gemenskap i Rinkeby", GEMENSKAP, "512-3450",
            45_000, date(y, month, 5), "45300 Bidrag föreningar", "Läxhjälp och språkcafé")
        add("Socialförvaltningen", "Stiftelsen Ljusglimten", LJUSGLIMTEN, "902-2112", 50_000,
            date(y, month, 10), "45300 Bidrag föreningar", "Stödsamtal för unga anhöriga")
    add("Järva stadsdelsförvaltning", "GEMENSKAP I RINKEBY, IDEELL FÖRENING", GEMENSKAP,
        "512-3450", 95_000, date(y, 3, 15), "45310 Projektbidrag",
        "Språkcafé och läxhjälp för unga")
    add("Idrottsförvaltningen", "Skogsbrynets IF", SKOGSBRYNET, "512-3450", 30_000,
        date(y, 2, 1), "45300 Bidrag föreningar", "Fotbollsträning för flickor")
    add("Idrottsförvaltningen", "Skogsbrynets IF", SKOGSBRYNET, "512-3450", 30_000,
        date(y, 8, 1), "45300 Bidrag föreningar", "Fotbollsträning för flickor")
    add("Kulturförvaltningen", "Kvarnbackens Kulturförening", KVARNBACKEN, "738291-4", 125_000,
        date(y, 1, 20), "45300 Bidrag föreningar", "Kulturkvällar")
    add("Idrottsförvaltningen", "KVARNBACKENS KULTURFÖRENING", "SAKNAS", "", 8_500,
        date(y, 6, 2), "45190 Övriga bidrag", "Lokalhyra midsommarfest")
    add("Bromma stadsdelsförvaltning", "Stiftelsen Ljusglimten", LJUSGLIMTEN, "902-2112",
        20_000, date(y, 6, 1), "45190 Övriga bidrag", "Sommarläger för unga anhöriga")
    add("Socialförvaltningen", "Städkraft Stockholm AB", "559012-8764", "", 64_300,
        date(y, 4, 30), "64110 Städtjänster")
    add("Järva stadsdelsförvaltning", "Städkraft Stockholm AB", "559012-8764", "", 12_900,
        date(y, 4, 30), "64110 Städtjänster")
    add("Idrottsförvaltningen", "Hovsta IF", "", "", 12_000, date(y, 3, 3),
        "45300 Bidrag föreningar", "Ungdomsfotboll")
    add("Kulturförvaltningen", "Hovsta IK", "", "", 9_000, date(y, 3, 3),
        "45300 Bidrag föreningar", "Skidskola")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["department", "payee_name", "org_nr", "bank_account", "amount", "date",
                     "account_text", "purpose"])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def load(session: Session, today: date | None = None) -> str:
    from oversight.audit import set_actor

    set_actor(None)
    today = today or date.today()
    y = today.year
    depts = {d.code: d for d in session.scalars(select(Department))}
    if "kulturforvaltningen" not in depts:
        from oversight.demo import load as load_core
        load_core(session)
        depts = {d.code: d for d in session.scalars(select(Department))}
    orgs = {o.orgnr: o for o in session.scalars(select(Organisation))}
    users = {u.username: u for u in session.scalars(select(User))}
    created = _load_grants(session, y, depts, orgs, users)
    _profiles(session, orgs)
    report = import_ledger(session, None, data=_ledger(y), filename=f"demo-reskontra-{y}.csv",
                           department=depts["stadsledningskontoret"], preset="standard",
                           source="demo")
    run = session.scalar(select(DetectionRun).where(
        DetectionRun.period_start == date(y, 1, 1), DetectionRun.period_end == date(y, 12, 31)))
    if run is None:
        run = run_detection(session, None, period_start=date(y, 1, 1),
                            period_end=date(y, 12, 31))
    _judge_ljusglimten(session, run, users.get("bidrag.kultur"))
    session.flush()
    return (ngettext("Föreningsbidrag: %(num)s nytt bidrag", "Föreningsbidrag: %(num)s nya bidrag", created)
            + ", " + (gettext("reskontra importerad") if report.created else gettext("reskontra fanns redan"))
            + ", " + ngettext("körning %(run)s med %(num)s mottagare från flera förvaltningar.",
                              "körning %(run)s med %(num)s mottagare från flera förvaltningar.",
                              run.cluster_count, run=run.id))


def _officer_of(users, department_id):
    """A demo user who may act for ``department_id`` (the grant's owner decides on it)."""
    return next((u for u in users.values() if owner_department_id(u) == department_id
                 and u.role not in ("auditor", "admin")), None)


def _load_grants(session, y, depts, orgs, users) -> int:
    handler = users.get("bidrag.kultur")
    created = 0
    for g in _grants(y):
        org = orgs[g["orgnr"]]
        dept = depts.get(g.get("dept")) if g.get("dept") else None
        exists = session.scalar(select(Grant).where(Grant.organisation_id == org.id,
                                                    Grant.reference == g["ref"]))
        if exists:
            continue
        registrar = _officer_of(users, dept.id) if dept is not None else handler
        grant = register_grant(
            session, registrar, org, form=g["form"], purpose=g["purpose"],
            activity=g["activity"], period_start=g["start"], period_end=g["end"],
            amount=Decimal(g["amount"]), department=dept, funder_name=g.get("funder"),
            applied_on=g["applied"], decision_date=date(g["start"].year - 1, 12, 15)
            if g["start"].month == 1 else g["applied"], reference=g["ref"])
        created += 1
        for report in grant.reports:  # earlier years were reported, except Kvarnbacken y-2
            overdue_story = org.orgnr == KVARNBACKEN and report.period_start.year == y - 2
            if report.due_on < date.today() and not overdue_story and grant.period_end.year < y:
                record_report(session, _officer_of(users, grant.owner_department_id), report,
                              received_on=report.due_on, status="approved",
                              note="Redovisning granskad utan anmärkning.")
        if g["ref"] == f"KUF {y - 1}/0412":
            decide(session, handler, grant, action="withhold",
                   reason="Bankgirot i ansökan står på en annan förening enligt bankens besked; "
                          "utbetalningen innehålls medan det utreds.",
                   decided_on=date(y, 10, 30), reference=f"KUF {y}/1377")
    return created


def _profiles(session, orgs) -> None:
    from associations.grants import get_profile

    data = {
        GEMENSKAP: dict(statutes_date=date(2015, 2, 10), activity_since=date(2015, 3, 1),
                        members=140, democracy_conditions_confirmed=True,
                        activity_description="Läxhjälp, språkcafé och föräldraträffar."),
        KVARNBACKEN: dict(statutes_date=date(2009, 11, 30), activity_since=date(2010, 1, 12),
                          members=85, democracy_conditions_confirmed=True,
                          activity_description="Kulturkvällar, musik och berättande."),
        SKOGSBRYNET: dict(statutes_date=date(2025, 8, 1), members=32,
                          activity_description="Fotboll för barn och unga."),
    }
    for orgnr, fields in data.items():
        if get_profile(session, orgs[orgnr]) is None:
            save_profile(session, orgs[orgnr], **fields)


def _judge_ljusglimten(session, run, handler) -> None:
    key = cluster_key(LJUSGLIMTEN, "")
    if key in latest_judgements(session, [key]):
        return
    cluster = session.scalar(select(DetectionCluster).where(
        DetectionCluster.run_id == run.id, DetectionCluster.cluster_key == key))
    if cluster is not None:
        record_judgement(session, handler, cluster, verdict="co_funding",
                         comment="Socialförvaltningen finansierar stödsamtalen, Bromma ett "
                                 "sommarläger: olika aktiviteter, bekräftat med båda.")
        run.new_count = max(0, run.new_count - 1)
