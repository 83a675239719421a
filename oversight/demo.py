"""Synthetic demo data that tells a story (no real persons; organisation numbers are invented
and only pass the checksum). Loading is idempotent: every row is found-or-created by its
natural key, so running ``flask demo load`` twice adds nothing.

The story on the start page: Järva's LSS unit terminated a contract with a home-care company
after false time reports and flagged it; the social administration's procurement officer,
about to award it a new contract, sees the flag. The culture administration found that an
association's bankgiro belongs to someone else; the sports administration, paying the same
association, sees it too.
"""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext, ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from oversight.audit import set_actor
from oversight.auth import services as auth
from oversight.auth.models import Department, User
from oversight.organisations import services as orgs
from oversight.organisations.models import (
    Organisation,
    OrganisationName,
    OrganisationNote,
    OrganisationWarning,
)
from oversight.scoping import owned_by

DEMO_PASSWORD = "demo-losenord-2026"  # nosec B105  # the published password of synthetic demo users (make run)

DISTRICTS = [
    ("sdf-bromma", "Bromma stadsdelsförvaltning"),
    ("sdf-enskede-arsta-vantor", "Enskede-Årsta-Vantörs stadsdelsförvaltning"),
    ("sdf-farsta", "Farsta stadsdelsförvaltning"),
    ("sdf-hagersten-alvsjo", "Hägersten-Älvsjö stadsdelsförvaltning"),
    ("sdf-hasselby-vallingby", "Hässelby-Vällingby stadsdelsförvaltning"),
    ("sdf-jarva", "Järva stadsdelsförvaltning"),
    ("sdf-kungsholmen", "Kungsholmens stadsdelsförvaltning"),
    ("sdf-norra-innerstaden", "Norra innerstadens stadsdelsförvaltning"),
    ("sdf-skarpnack", "Skarpnäcks stadsdelsförvaltning"),
    ("sdf-skarholmen", "Skärholmens stadsdelsförvaltning"),
    ("sdf-sodermalm", "Södermalms stadsdelsförvaltning"),
]
# Earlier districts, so older ledgers and cases can still be attributed (successor, last day).
PREDECESSORS = [
    ("sdf-rinkeby-kista", "Rinkeby-Kista stadsdelsförvaltning", "sdf-jarva", date(2019, 12, 31)),
    ("sdf-spanga-tensta", "Spånga-Tensta stadsdelsförvaltning", "sdf-jarva", date(2019, 12, 31)),
    ("sdf-norrmalm", "Norrmalms stadsdelsförvaltning", "sdf-norra-innerstaden", date(2023, 6, 30)),
    ("sdf-ostermalm", "Östermalms stadsdelsförvaltning", "sdf-norra-innerstaden", date(2023, 6, 30)),
]
OTHERS = [
    ("socialforvaltningen", "Socialförvaltningen", "social"),
    ("kulturforvaltningen", "Kulturförvaltningen", "other"),
    ("idrottsforvaltningen", "Idrottsförvaltningen", "other"),
    ("stadsledningskontoret", "Stadsledningskontoret", "other"),
]

USERS = [
    ("admin", "Alex Administratör", "admin", "stadsledningskontoret"),
    ("upphandlare", "Ulla Upphandlare", "procurement", "socialforvaltningen"),
    ("bidrag.kultur", "Kim Kulturhandläggare", "grants", "kulturforvaltningen"),
    ("bidrag.idrott", "Ida Idrottshandläggare", "grants", "idrottsforvaltningen"),
    ("lss.jarva", "Leo LSS-handläggare", "lss", "sdf-jarva"),
    ("lss.bromma", "Bea LSS-handläggare", "lss", "sdf-bromma"),
    ("utredare", "Uno Utredare", "investigator", "sdf-jarva"),
    ("revisor", "Rut Revisor", "auditor", "stadsledningskontoret"),
]

ORGANISATIONS = [
    # orgnr, name, legal form, registration date, former names / aliases
    ("556901-2346", "Omsorgspartner i Norden AB", "Aktiebolag", date(2019, 4, 2), ["Hemtjänst Norden AB"]),
    ("556874-3214", "Assistansgruppen Trygg Vardag AB", "Aktiebolag", date(2012, 9, 18), []),
    ("559012-8764", "Städkraft Stockholm AB", "Aktiebolag", date(2024, 11, 5), []),
    ("556712-0984", "Bygg & Fasad Söder AB", "Aktiebolag", date(2006, 2, 14), ["Fasadgruppen Söder AB"]),
    ("802412-3450", "Föreningen Gemenskap i Rinkeby", "Ideell förening", date(2015, 3, 1),
     ["GEMENSKAP I RINKEBY, IDEELL FÖRENING"]),
    ("802501-2348", "Skogsbrynets IF", "Ideell förening", date(2025, 8, 20), []),
    ("802498-7656", "Kvarnbackens Kulturförening", "Ideell förening", date(2010, 1, 12), []),
    ("817602-3458", "Stiftelsen Ljusglimten", "Stiftelse", date(2001, 6, 30), []),
    ("212000-0142", "Stockholms kommun", "Kommun", None, ["Stockholms stad"]),
]

ACCOUNTS = [
    ("802412-3450", "bankgiro", "512-3450", "Bidragsansökan 2026"),
    ("802501-2348", "bankgiro", "512-3450", "Bidragsansökan 2026"),  # the same bankgiro: see warning
    ("802498-7656", "plusgiro", "738291-4", "Bidragsansökan 2025"),
    ("556901-2346", "bankgiro", "5050-1238", "Leverantörsregister"),
    ("556874-3214", "bank_account", "6000-123456789", "Leverantörsregister"),
    ("817602-3458", "bankgiro", "902-2112", "Bidragsansökan 2026"),
]

KEY_PERSONS = [
    ("802412-3450", "ordforande", "Amina Exempelsdotter", "850312-1231"),
    ("802412-3450", "kassor", "Bertil Testsson", "770110-4569"),
    ("802501-2348", "ordforande", "Bertil Testsson", "770110-4569"),  # same person, two associations
    ("556901-2346", "vd", "Cecilia Provdahl", "900215-7890"),
    ("556874-3214", "vd", "David Demosson", "821230-2460"),
]


def load(session: Session) -> str:
    set_actor(None)  # attributed to "system" in the audit trail
    from oversight.rule_values import seed_defaults

    rules = seed_defaults(session)  # today's rule values that a migration did not insert
    departments = _departments(session)
    users = _users(session, departments)
    organisations = _organisations(session)
    _accounts_and_people(session, organisations)
    _warnings_and_notes(session, organisations, users)
    session.flush()
    return gettext("Demodata: %(parts)s.", parts=", ".join([
        ngettext("%(num)s förvaltning", "%(num)s förvaltningar", len(departments)),
        ngettext("%(num)s användare", "%(num)s användare", len(users)),
        ngettext("%(num)s organisation", "%(num)s organisationer", len(organisations)),
        ngettext("%(num)s nytt regelvärde", "%(num)s nya regelvärden", rules)]))


def _departments(session: Session) -> dict[str, Department]:
    for code, name in DISTRICTS:
        auth.upsert_department(session, code=code, name=name, kind="district")
    for code, name, kind in OTHERS:
        auth.upsert_department(session, code=code, name=name, kind=kind)
    for code, name, successor, last_day in PREDECESSORS:
        auth.upsert_department(session, code=code, name=name, kind="district",
                               valid_to=last_day, successor_code=successor)
    return {d.code: d for d in session.scalars(select(Department))}


def _users(session: Session, departments: dict[str, Department]) -> dict[str, User]:
    existing = {u.username: u for u in session.scalars(select(User))}
    for username, name, role, dept in USERS:
        if username not in existing:
            existing[username] = auth.create_user(
                session, username=username, name=name, password=DEMO_PASSWORD, role=role,
                department=departments[dept], email=f"{username}@example.invalid")
    return existing


def _organisations(session: Session) -> dict[str, Organisation]:
    result = {}
    for orgnr, name, form, registered, other_names in ORGANISATIONS:
        org = orgs.register_organisation(session, orgnr=orgnr, name=name, legal_form=form,
                                         registration_date=registered)
        for other in other_names:
            if other.isupper() or " stad" in other:
                orgs.add_alias(session, org, other, source="Leverantörsreskontra")
            elif all(n.name != other for n in org.names):
                org.names.append(OrganisationName(name=other, kind="former", source="Bolagsverket"))
        result[orgnr] = org
    session.flush()
    return result


def _accounts_and_people(session: Session, organisations: dict[str, Organisation]) -> None:
    for orgnr, kind, number, source in ACCOUNTS:
        orgs.add_bank_account(session, None, organisations[orgnr], kind=kind, number=number,
                              source=source)
    for orgnr, role, name, pnr in KEY_PERSONS:
        org = organisations[orgnr]
        if not any(p.name == name and p.role == role for p in org.key_persons):
            orgs.add_key_person(session, org, role=role, name=name, personnummer=pnr,
                                source="Stadgar och årsmötesprotokoll")


def _warnings_and_notes(session: Session, organisations, users) -> None:
    today = date.today()
    stories = [
        ("556901-2346", "lss.jarva", "exclusion",
         "Avtalet hävdes efter att tidrapporter för tre brukare visade pass som inte utförts "
         "(assistenter rapporterade samtidigt hos två brukare).",
         "Beslut om hävning dnr JÄR 2026/1142, utredning bifogad.", today - timedelta(days=6)),
        ("556874-3214", "lss.bromma", "permit",
         "IVO har meddelat att tillståndet för personlig assistans återkallats.",
         "IVO:s underrättelse 2026-11-02, dnr 3.5.1-12345/2026.", today - timedelta(days=12)),
        ("802412-3450", "bidrag.kultur", "account",
         "Bankgirot som angavs i ansökan står på en annan förening (Skogsbrynets IF) enligt "
         "bankens besked.", "Bankens besked 2026-10-28.", today - timedelta(days=3)),
    ]
    for orgnr, username, category, reason, evidence, issued in stories:
        org, user = organisations[orgnr], users[username]
        exists = session.scalar(owned_by(select(OrganisationWarning), OrganisationWarning,
                                         user.department_id).where(
            OrganisationWarning.organisation_id == org.id, OrganisationWarning.reason == reason))
        if not exists:
            orgs.raise_warning(session, user, org, category=category, reason=reason,
                               evidence=evidence, issued_on=issued)
    note_org, author = organisations["556901-2346"], users["lss.jarva"]
    note = ("Brukare i Järva (ärende JÄR 2026/1140) berörs; kontakt med god man pågår. "
            "Ska inte delas utanför förvaltningen.")
    if not session.scalar(select(OrganisationNote).where(OrganisationNote.body == note)):
        orgs.add_note(session, author, note_org, note)
