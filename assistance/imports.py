"""File imports of the assistance module: one registry of kinds for `flask assistance import
KIND FILE`. Other modules (time reports) add their kinds with ``register_importer``.

An importer is ``fn(session, user, data: bytes, filename: str) -> ImportResult``. It is
all-or-nothing: it validates every row first and raises ``ImportFailed`` (row-numbered Swedish
errors) before writing anything; it flushes, never commits. Re-importing the same file changes
nothing (idempotent)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from assistance.fileio import (
    Field,
    ImportFailed,
    RowError,
    parse_choice,
    parse_day,
    parse_hours,
    read_rows,
)
from assistance.models import (
    ARRANGEMENT_KINDS,
    DECISION_BASES,
    PERMIT_STATUSES,
    Arrangement,
    AssistanceDecision,
    AssistanceUser,
    Permit,
)
from assistance.people import normalize_person_id
from oversight.auth.models import Department
from oversight.auth.roles import LSS
from oversight.formatting import count_text
from oversight.identifiers import InvalidIdentifier, normalize_orgnr
from oversight.organisations.models import Organisation
from oversight.scoping import restrict_to_department


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return _("%(kind)s: %(rows)s, %(created)s nya, %(updated)s ändrade, "
                 "%(unchanged)s oförändrade.", kind=self.kind,
                 rows=count_text(self.rows, "%(num)s rad", "%(num)s rader"),
                 created=self.created, updated=self.updated, unchanged=self.unchanged)


Importer = Callable[[Session, object, bytes, str], ImportResult]
IMPORTERS: dict[str, Importer] = {}
# Kinds after which the permit alerts are refreshed at once (not only by the daily task).
ALERTING_KINDS = ("permits", "arrangements", "users")


def register_importer(kind: str, fn: Importer) -> Importer:
    IMPORTERS[kind] = fn
    return fn


def importer(kind: str):
    def decorator(fn: Importer) -> Importer:
        return register_importer(kind, fn)
    return decorator


def run_import(session: Session, user, kind: str, data: bytes, filename: str) -> ImportResult:
    fn = IMPORTERS.get(kind)
    if fn is None:
        raise ImportFailed([RowError(None, None, _("Okänd importtyp %(kind)r (tillåtna: %(allowed)s)",
                                                   kind=kind, allowed=", ".join(sorted(IMPORTERS))))])
    return fn(session, user, data, filename)


class _Rows:
    """Collects row errors; ``check`` raises ImportFailed when there are any."""

    def __init__(self):
        self.errors: list[RowError] = []

    def get(self, row: int, column: str, parse, *args, **kwargs):
        try:
            return parse(*args, **kwargs)
        except (ValueError, InvalidIdentifier) as exc:
            self.errors.append(RowError(row, column, str(exc)))
            return None

    def add(self, row: int, column: str | None, message: str) -> None:
        self.errors.append(RowError(row, column, message))

    def check(self) -> None:
        if self.errors:
            raise ImportFailed(self.errors)


# --- lookups --------------------------------------------------------------------------------

def find_department(session: Session, text: str) -> Department:
    value = (text or "").strip()
    if not value:
        raise ValueError(_("stadsdel saknas"))
    dept = session.scalar(select(Department).where(
        or_(Department.code == value, Department.name == value)))
    if dept is None:
        raise ValueError(_("stadsdelen %(value)r finns inte (ange kod, t.ex. sdf-jarva, eller namn)", value=value))
    return dept


def district_bound(user) -> bool:
    """An LSS officer imports only their own district's users; the CLI without ``--user`` and
    an administrator import for every district."""
    return user is not None and getattr(user, "role", None) == LSS


def _users_stmt(user):
    stmt = select(AssistanceUser)
    return restrict_to_department(stmt, AssistanceUser, user) if district_bound(user) else stmt


def find_user(session: Session, person_id: str, user=None) -> AssistanceUser:
    pid = normalize_person_id(person_id)
    found = session.scalar(_users_stmt(user).where(AssistanceUser.person_id == pid))
    if found is None:
        raise ValueError(_("brukaren finns inte (importera brukarna först)"))
    return found


def _district_for(session: Session, text: str, user) -> Department:
    dept = find_department(session, text)
    if district_bound(user) and dept.id != user.department_id:
        raise ValueError(_("du kan bara importera brukare i din egen stadsdel (%(department)s)",
                           department=user.department.name))
    return dept


def find_or_register_provider(session: Session, orgnr_text: str, name: str | None) -> Organisation:
    orgnr = normalize_orgnr(orgnr_text)
    org = session.scalar(select(Organisation).where(Organisation.orgnr == orgnr))
    if org is not None:
        return org
    if not (name or "").strip():
        raise ValueError(_("organisationen %(orgnr)s finns inte i registret; ange namnet i kolumnen name",
                           orgnr=orgnr))
    from oversight.organisations.services import register_organisation

    return register_organisation(session, orgnr=orgnr, name=name.strip())


def _set(obj, values: dict) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def _count(result: ImportResult, created: bool, changed: bool) -> None:
    if created:
        result.created += 1
    elif changed:
        result.updated += 1
    else:
        result.unchanged += 1


def _period(rows: _Rows, n: int, values: dict, *, end_required: bool = False):
    start = rows.get(n, "valid_from", parse_day, values.get("valid_from"))
    end = rows.get(n, "valid_to", parse_day, values.get("valid_to"), required=end_required)
    if start and end and end < start:
        rows.add(n, "valid_to", "slutdatumet ligger före startdatumet")
    return start, end


def _duplicate(rows: _Rows, seen: dict, key, n: int) -> None:
    if key is None or (isinstance(key, tuple) and None in key[:2]):
        return
    if key in seen:
        rows.add(n, None, f"samma rad som rad {seen[key]}")
    seen.setdefault(key, n)


# --- users ------------------------------------------------------------------------------------

USER_FIELDS = (
    Field("person_id", ("personnummer", "pnr", "personnr")),
    Field("district", ("stadsdel", "stadsdelsförvaltning", "department")),
    Field("name", ("namn",)),
    Field("death_date", ("dödsdatum", "avliden"), required=False),
    Field("sex", ("kön", "kon"), required=False),
)


@importer("users")
def import_users(session: Session, user, data: bytes, filename: str) -> ImportResult:
    rows, seen, parsed = _Rows(), {}, []
    for n, v in read_rows(data, filename, USER_FIELDS):
        pid = rows.get(n, "person_id", normalize_person_id, v["person_id"])
        dept = rows.get(n, "district", _district_for, session, v["district"], user)
        death = rows.get(n, "death_date", parse_day, v.get("death_date"), required=False)
        sex = (v.get("sex") or "").strip().upper()[:1] or None
        if sex and sex not in "KM":
            rows.add(n, "sex", f"kön {v.get('sex')!r}: ange K eller M")
        if not (v["name"] or "").strip():
            rows.add(n, "name", "namn saknas")
        _duplicate(rows, seen, pid, n)
        if pid and district_bound(user) and session.scalar(select(AssistanceUser.id).where(
                AssistanceUser.person_id == pid, AssistanceUser.department_id != user.department_id)):
            rows.add(n, "person_id", "kan inte importeras här: kontakta systemförvaltaren")
        parsed.append((pid, dept, v["name"].strip(), death, sex))
    rows.check()
    result = ImportResult("users", rows=len(parsed))
    for pid, dept, name, death, sex in parsed:
        found = session.scalar(select(AssistanceUser).where(AssistanceUser.person_id == pid))
        values = {"department_id": dept.id, "name": name, "death_date": death}
        if sex:
            values["sex"] = sex
        if found is None:
            session.add(AssistanceUser(person_id=pid, **values))
        _count(result, found is None, found is not None and _set(found, values))
    session.flush()
    return result


# --- decisions -------------------------------------------------------------------------------

DECISION_FIELDS = (
    Field("person_id", ("personnummer", "pnr")),
    Field("valid_from", ("från", "fran", "from")),
    Field("valid_to", ("till", "to", "tom"), required=False),
    Field("hours_per_week", ("timmar_per_vecka", "timmar", "hours")),
    Field("basis", ("grund", "beslutsgrund"), required=False),
)
_BASIS_ALIASES = {"lss": "lss", "tillfällig": "temporary_extension", "fk": "fk_arranged"}


@importer("decisions")
def import_decisions(session: Session, user, data: bytes, filename: str) -> ImportResult:
    rows, seen, parsed = _Rows(), {}, []
    for n, v in read_rows(data, filename, DECISION_FIELDS):
        person = rows.get(n, "person_id", find_user, session, v["person_id"], user)
        start, end = _period(rows, n, v)
        hours = rows.get(n, "hours_per_week", parse_hours, v["hours_per_week"])
        basis = rows.get(n, "basis", parse_choice, v.get("basis") or "lss", DECISION_BASES,
                         "beslutsgrunden", _BASIS_ALIASES)
        _duplicate(rows, seen, (person and person.id, start), n)
        parsed.append((person, start, end, hours, basis))
    rows.check()
    result = ImportResult("decisions", rows=len(parsed))
    for person, start, end, hours, basis in parsed:
        found = session.scalar(select(AssistanceDecision).where(
            AssistanceDecision.assistance_user_id == person.id, AssistanceDecision.valid_from == start))
        values = {"valid_to": end, "hours_per_week": hours, "basis": basis}
        if found is None:
            session.add(AssistanceDecision(assistance_user_id=person.id, valid_from=start, **values))
        _count(result, found is None, found is not None and _set(found, values))
    session.flush()
    return result


# --- arrangements ----------------------------------------------------------------------------

ARRANGEMENT_FIELDS = (
    Field("person_id", ("personnummer", "pnr")),
    Field("valid_from", ("från", "fran", "from")),
    Field("valid_to", ("till", "to", "tom"), required=False),
    Field("kind", ("typ", "form")),
    Field("provider_org_nr", ("anordnare_orgnr", "orgnr", "organisationsnummer"), required=False),
    Field("provider_name", ("anordnare", "provider"), required=False),
)
_KIND_ALIASES = {"anordnare": "provider", "egen arbetsgivare": "own_employer",
                 "kommunen": "municipal", "egen regi": "municipal"}


@importer("arrangements")
def import_arrangements(session: Session, user, data: bytes, filename: str) -> ImportResult:
    rows, seen, parsed = _Rows(), {}, []
    for n, v in read_rows(data, filename, ARRANGEMENT_FIELDS):
        person = rows.get(n, "person_id", find_user, session, v["person_id"], user)
        start, end = _period(rows, n, v)
        kind = rows.get(n, "kind", parse_choice, v["kind"], ARRANGEMENT_KINDS, "formen",
                        _KIND_ALIASES)
        org = None
        if kind == "provider":
            if not (v.get("provider_org_nr") or "").strip():
                rows.add(n, "provider_org_nr", "en assistansanordnare måste anges med organisationsnummer")
            else:
                org = rows.get(n, "provider_org_nr", find_or_register_provider, session,
                               v["provider_org_nr"], v.get("provider_name"))
        elif kind and (v.get("provider_org_nr") or "").strip():
            rows.add(n, "provider_org_nr", "ska vara tom för egen arbetsgivare och kommunen")
        _duplicate(rows, seen, (person and person.id, start), n)
        parsed.append((person, start, end, kind, org))
    rows.check()
    result = ImportResult("arrangements", rows=len(parsed))
    for person, start, end, kind, org in parsed:
        found = session.scalar(select(Arrangement).where(
            Arrangement.assistance_user_id == person.id, Arrangement.valid_from == start))
        values = {"valid_to": end, "kind": kind, "provider_organisation_id": org.id if org else None}
        if found is None:
            session.add(Arrangement(assistance_user_id=person.id, valid_from=start, **values))
        _count(result, found is None, found is not None and _set(found, values))
    session.flush()
    return result


# --- permits ---------------------------------------------------------------------------------

PERMIT_FIELDS = (
    Field("org_nr", ("organisationsnummer", "orgnr", "provider_org_nr")),
    Field("activity", ("verksamhet", "tillstånd")),
    Field("status", ("status", "tillståndsstatus")),
    Field("decision_date", ("beslutsdatum", "beslutad"), required=False),
    Field("valid_from", ("från", "fran", "gäller från"), required=False),
    Field("valid_to", ("till", "gäller till"), required=False),
    Field("reference", ("diarienummer", "dnr"), required=False),
    Field("name", ("namn", "anordnare", "tillståndshavare"), required=False),
)
_STATUS_ALIASES = {"galler": "valid", "aterkallad": "revoked", "forbud": "banned",
                   "tillfalligtforbud": "banned", "upphorde": "ceased", "ansokan": "pending"}


def _permit_key(p) -> tuple:
    return (p["organisation_id"], " ".join(p["activity"].lower().split()), p["status"],
            p["reference"], p["decision_date"], p["valid_from"], p["valid_to"])


@importer("permits")
def import_permits(session: Session, user, data: bytes, filename: str) -> ImportResult:
    """A list received from IVO: every new state is a new row; a row already recorded with the
    same values is left alone (history, never overwritten)."""
    rows, seen, parsed = _Rows(), {}, []
    for n, v in read_rows(data, filename, PERMIT_FIELDS):
        org = rows.get(n, "org_nr", find_or_register_provider, session, v["org_nr"], v.get("name"))
        status = rows.get(n, "status", parse_choice, v["status"], PERMIT_STATUSES, "status",
                          _STATUS_ALIASES)
        decided = rows.get(n, "decision_date", parse_day, v.get("decision_date"), required=False)
        start = rows.get(n, "valid_from", parse_day, v.get("valid_from"), required=False)
        end = rows.get(n, "valid_to", parse_day, v.get("valid_to"), required=False)
        if start and end and end < start:
            rows.add(n, "valid_to", "slutdatumet ligger före startdatumet")
        activity = " ".join((v["activity"] or "").split())
        if not activity:
            rows.add(n, "activity", "verksamhet saknas (t.ex. LSS 9 § 2 personlig assistans)")
        values = {"organisation_id": org.id if org else None, "activity": activity,
                  "status": status, "reference": (v.get("reference") or "").strip() or None,
                  "decision_date": decided, "valid_from": start, "valid_to": end}
        _duplicate(rows, seen, _permit_key(values), n)
        parsed.append(values)
    rows.check()
    result = ImportResult("permits", rows=len(parsed))
    existing = {_permit_key(_as_values(p)) for p in session.scalars(
        select(Permit).where(Permit.organisation_id.in_({p["organisation_id"] for p in parsed})))}
    for values in parsed:
        if _permit_key(values) in existing:
            result.unchanged += 1
            continue
        session.add(Permit(**values, source="ivo_list", note=f"Import av {filename}",
                           recorded_by_id=getattr(user, "id", None)))
        result.created += 1
    session.flush()
    return result


def _as_values(p: Permit) -> dict:
    return {"organisation_id": p.organisation_id, "activity": p.activity, "status": p.status,
            "reference": p.reference, "decision_date": p.decision_date,
            "valid_from": p.valid_from, "valid_to": p.valid_to}
