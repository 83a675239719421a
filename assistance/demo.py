"""Demo data for personal assistance (synthetic; runs after oversight.demo.load).

About 300 assistance users over the eleven districts (Stockholm had 288 in 2020, 130 women and
158 men), about 40 providers with valid IVO permits, some own employers and municipal
arrangements. The story: IVO's notice that Assistansgruppen Trygg Vardag AB's permit was
revoked arrived late (the revocation is dated weeks before it was recorded), and Omsorg Direkt
Assistans AB got a temporary ban last week. Järva and Bromma both have users with them, so
lss.jarva's and lss.bromma's start pages show an alert naming only their own users; each also
has a provider whose permit verification is overdue. Idempotent: rows are found by natural key.
"""
from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from flask_babel import gettext, ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistance.alerts import refresh_alerts
from assistance.models import (
    Arrangement,
    AssistanceDecision,
    AssistanceUser,
    Permit,
    PermitVerification,
)
from assistance.permits import PERSONAL_ASSISTANCE
from oversight.auth.models import Department
from oversight.identifiers import luhn_check_digit
from oversight.organisations import services as orgs

REVOKED = ("556874-3214", "Assistansgruppen Trygg Vardag AB")  # in the core demo register
BANNED_NAME = "Omsorg Direkt Assistans AB"
DISTRICT_SHARE = {"sdf-jarva": 46, "sdf-bromma": 30}  # the rest share the remainder evenly
TOTAL_USERS = 300

_FIRST_F = ["Anna", "Eva", "Maria", "Karin", "Sara", "Lena", "Fatima", "Emma", "Ingrid", "Aisha",
            "Sofia", "Elin", "Hanna", "Amira", "Birgitta", "Linnea"]
_FIRST_M = ["Erik", "Lars", "Mohammed", "Karl", "Johan", "Anders", "Ali", "Oskar", "Per", "Omar",
            "Nils", "Hassan", "Gustav", "Ahmed", "Olof", "Ibrahim"]
_LAST = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
         "Persson", "Svensson", "Gustafsson", "Hussein", "Lindberg", "Jakobsson", "Ali",
         "Lindqvist", "Berg", "Yusuf", "Holm", "Sandberg", "Axelsson"]
_PROVIDER_WORDS = ["Trygghet", "Omtanke", "Vardagsstöd", "Livskvalitet", "Frihet", "Närhet",
                   "Kompass", "Solstrålen", "Ankaret", "Bryggan", "Hjärta", "Vägvisaren",
                   "Norrsken", "Fyren", "Stödet", "Handen", "Valfrihet", "Delaktig", "Guldkant",
                   "Medvind"]


def _orgnr(n: int) -> str:
    body = f"55{7000000 + n * 7919:07d}"
    digits = body + luhn_check_digit(body)
    return f"{digits[:6]}-{digits[6:]}"


def _pnr(birth: date, serial: int, female: bool) -> str:
    serial = serial % 500 * 2 + (0 if female else 1)  # second-to-last digit: even women, odd men
    body = birth.strftime("%y%m%d") + f"{serial:03d}"
    return birth.strftime("%Y%m%d") + f"{serial:03d}" + luhn_check_digit(body)


def load(session: Session) -> str:
    today = date.today()
    rng = random.Random(2020)  # nosec B311  # synthetic demo data, the same every time
    providers = _providers(session)
    _registry_answers(session)
    districts = [d for d in session.scalars(select(Department).where(
        Department.kind == "district", Department.valid_to.is_(None)).order_by(Department.code))]
    users = _users(session, rng, districts, today)
    _decisions_and_arrangements(session, rng, users, providers, today)
    _permits(session, providers, today)
    _verifications(session, providers, users, today)
    session.flush()
    alerts = refresh_alerts(session, today)
    from assistance.timereport_demo import load as load_timereports  # time reports (issue 13)
    return (gettext("Personlig assistans: %(parts)s.", parts=", ".join([
        ngettext("%(num)s brukare", "%(num)s brukare", len(users)),
        ngettext("%(num)s anordnare", "%(num)s anordnare", len(providers)),
        ngettext("%(num)s tillståndslarm", "%(num)s tillståndslarm", len(alerts))])) + " "
        + load_timereports(session))


def _providers(session: Session) -> list:
    names = [REVOKED, (_orgnr(0), BANNED_NAME)]
    for i, word in enumerate(_PROVIDER_WORDS):
        names.append((_orgnr(i + 1), f"{word} Assistans AB"))
        names.append((_orgnr(i + 41), f"Personlig Assistans {word} i Stockholm AB"))
    return [orgs.register_organisation(session, orgnr=n, name=name, legal_form="Aktiebolag")
            for n, name in names[:42]]


def _registry_answers(session: Session) -> None:
    """The demo registries' answers for the new providers (F-skatt, employer registration,
    IVO ...), as the registries demo gives every organisation that exists when it runs."""
    from oversight.organisations.models import Organisation
    from registries import services
    from registries.base import REGISTRIES
    from registries.models import RegistryLookup

    for registry in REGISTRIES:
        checked = select(RegistryLookup.identifier).where(RegistryLookup.registry == registry)
        orgnrs = list(session.scalars(select(Organisation.orgnr).where(
            Organisation.orgnr.not_in(checked)).order_by(Organisation.orgnr)))
        if orgnrs:
            services.batch_lookup(session, None, registry, orgnrs)


def _users(session: Session, rng, districts, today) -> list[AssistanceUser]:
    counts = dict(DISTRICT_SHARE)
    rest = [d for d in districts if d.code not in counts]
    left = TOTAL_USERS - sum(counts.values())
    for i, d in enumerate(rest):
        counts[d.code] = left // len(rest) + (1 if i < left % len(rest) else 0)
    existing = {u.person_id: u for u in session.scalars(select(AssistanceUser))}
    out, serial = [], 0
    for d in districts:
        for _ in range(counts.get(d.code, 0)):
            serial += 1
            female = rng.random() < 130 / 288
            birth = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 365 * 70))
            pid = _pnr(birth, serial, female)
            name = f"{rng.choice(_FIRST_F if female else _FIRST_M)} {rng.choice(_LAST)}"
            user = existing.get(pid)
            if user is None:
                user = AssistanceUser(department_id=d.id, person_id=pid, name=name,
                                      sex="K" if female else "M")
                session.add(user)
                existing[pid] = user
            out.append(user)
    session.flush()
    return out


def _decisions_and_arrangements(session: Session, rng, users, providers, today) -> None:
    start = date(today.year - 1, 1, 1)
    have_dec = {(d.assistance_user_id, d.valid_from) for d in session.scalars(select(AssistanceDecision))}
    have_arr = {(a.assistance_user_id, a.valid_from) for a in session.scalars(select(Arrangement))}
    # provider indexes: 0 revoked, 1 banned, 2 and 3 overdue verification
    story = {"sdf-jarva": [0, 0, 0, 0, 1, 1, 2], "sdf-bromma": [0, 0, 0, 1, 3]}
    seen: dict[int, int] = {}
    for user in users:
        code = user.department.code
        k = seen.get(user.department_id, 0)
        seen[user.department_id] = k + 1
        if (user.id, start) not in have_dec:
            basis = rng.choices(["lss", "temporary_extension", "fk_arranged"], [8, 1, 1])[0]
            hours = Decimal(rng.choice([6, 8, 10, 12, 14, 15, 16, 18, 19.5, 20]))
            session.add(AssistanceDecision(assistance_user_id=user.id, valid_from=start,
                                           valid_to=date(today.year, 12, 31),
                                           hours_per_week=hours, basis=basis))
        if (user.id, start) in have_arr:
            continue
        if k < len(story.get(code, [])):
            kind, org = "provider", providers[story[code][k]]
        else:
            kind = rng.choices(["provider", "own_employer", "municipal"], [18, 1, 1])[0]
            org = providers[2 + rng.randrange(len(providers) - 2)] if kind == "provider" else None
        session.add(Arrangement(assistance_user_id=user.id, valid_from=start, kind=kind,
                                provider_organisation_id=org.id if org else None))
    session.flush()


def _at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=9)


def _permits(session: Session, providers, today) -> None:
    wanted = []
    for i, org in enumerate(providers):
        since = date(2012 + i % 10, 1 + i % 12, 1)
        wanted.append((org, "valid", since, f"8.1-{1000 + i}/{since.year}", since, _at(since)))
    revoked_on = today - timedelta(days=40)
    wanted.append((providers[0], "revoked", revoked_on, "3.5.1-12345/2026", revoked_on,
                   _at(today - timedelta(days=12))))  # the notice arrived four weeks late
    banned_on = today - timedelta(days=6)
    wanted.append((providers[1], "banned", banned_on, "3.5.1-13001/2026", banned_on,
                   _at(banned_on)))
    have = {(p.organisation_id, p.status, p.reference) for p in session.scalars(select(Permit))}
    for org, status, start, ref, decided, recorded in wanted:
        if (org.id, status, ref) in have:
            continue
        session.add(Permit(organisation_id=org.id, activity=PERSONAL_ASSISTANCE, status=status,
                           reference=ref, decision_date=decided, valid_from=start,
                           source="demo" if status == "valid" else "ivo_notice",
                           note=None if status == "valid" else "Underrättelse från IVO",
                           recorded_at=recorded))


def _verifications(session: Session, providers, users, today) -> None:
    """Most providers checked within the last weeks; two used by Järva and Bromma are overdue."""
    have = {(v.organisation_id, v.verified_on) for v in session.scalars(select(PermitVerification))}
    overdue = {providers[2].id, providers[3].id}
    for i, org in enumerate(providers):
        day = today - timedelta(days=(45 + i) if org.id in overdue else (3 + i % 20))
        if (org.id, day) in have or i < 2:
            continue
        session.add(PermitVerification(organisation_id=org.id, verified_on=day,
                                       method="ivo_register", result="no_change",
                                       note="Kontrollerat i IVO:s register, ingen ändring"))
    session.flush()
