"""`flask assistance import assistants|hospital-stays|timereports FILE`: importers registered
with the assistance module's import registry (``assistance.imports``). All-or-nothing: every
row is validated first, errors name row and column, nothing is written on an error; importing
the same file again changes nothing."""
from __future__ import annotations

from collections import defaultdict

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistance.fileio import Field, ImportFailed, RowError, parse_day, read_rows
from assistance.imports import ImportResult, register_importer
from assistance.models import AssistanceUser
from assistance.people import normalize_person_id
from assistance.shift_times import parse_month
from assistance.timereport_models import Assistant, HospitalStay
from assistance.timereport_submit import (
    ReportError,
    find_user_for_provider,
    parse_lines,
    submit_report,
)
from oversight.identifiers import InvalidIdentifier, normalize_orgnr
from oversight.organisations.models import Organisation


def parse_bool(text: str | None, *, default: bool | None = None) -> bool | None:
    """ja/nej through the core reader's ``parse_bool``; an empty cell is ``default``."""
    from oversight.tabular_values import parse_bool as core_parse_bool

    return default if not (text or "").strip() else core_parse_bool(text)


def _orgs(session: Session) -> dict[str, int]:
    return {o: i for i, o in session.execute(select(Organisation.id, Organisation.orgnr))}


def _org_id(text: str, orgs: dict[str, int], *, required: bool) -> int | None:
    if not (text or "").strip():
        if required:
            raise ValueError(_("organisationsnummer saknas"))
        return None
    try:
        orgnr = normalize_orgnr(text)
    except InvalidIdentifier as exc:
        raise ValueError(str(exc)) from None
    if orgnr not in orgs:
        raise ValueError(_("anordnaren %(orgnr)s finns inte i registret (importera tillstånden först)",
                           orgnr=orgnr))
    return orgs[orgnr]


def _parse_rows(rows, parsers) -> list[tuple[int, dict]]:
    out, errors = [], []
    for number, values in rows:
        parsed = {}
        for column, parse in parsers.items():
            try:
                parsed[column] = parse(values.get(column, ""))
            except (ValueError, InvalidIdentifier) as exc:
                errors.append(RowError(number, column, str(exc)))
        out.append((number, parsed))
    if errors:
        raise ImportFailed(errors)
    return out


ASSISTANT_FIELDS = (Field("assistant_id", ("assistent", "personnummer")),
                    Field("provider_org_nr", ("anordnare", "orgnr"), required=False),
                    Field("lives_in_eea", ("bosatt_i_ees",)),
                    Field("work_permit_until", ("arbetstillstand_till",), required=False),
                    Field("needs_work_permit", ("behover_arbetstillstand",), required=False),
                    Field("relative_of_person_id", ("anhorig_till",), required=False))


def import_assistants(session: Session, user, data: bytes, filename: str) -> ImportResult:
    orgs = _orgs(session)
    rows = _parse_rows(read_rows(data, filename, ASSISTANT_FIELDS), {
        "assistant_id": normalize_person_id,
        "provider_org_nr": lambda v: _org_id(v, orgs, required=False),
        "lives_in_eea": lambda v: parse_bool(v),
        "work_permit_until": lambda v: parse_day(v, required=False),
        "needs_work_permit": lambda v: parse_bool(v),
        "relative_of_person_id": lambda v: normalize_person_id(v) if (v or "").strip() else None,
    })
    result = ImportResult("assistants", rows=len(rows))
    existing = {(a.provider_organisation_id, a.assistant_id): a
                for a in session.scalars(select(Assistant))}
    for _n, r in rows:
        values = dict(lives_in_eea=r["lives_in_eea"], work_permit_until=r["work_permit_until"],
                      needs_work_permit=(r["needs_work_permit"] if r["needs_work_permit"] is not None
                                         else r["work_permit_until"] is not None),
                      relative_of_person_id=r["relative_of_person_id"])
        key = (r["provider_org_nr"], r["assistant_id"])
        _upsert(session, existing, key, values, result,
                lambda key=key: Assistant(provider_organisation_id=key[0], assistant_id=key[1]))
    session.flush()
    return result


def _upsert(session, existing, key, values, result, make):
    row = existing.get(key)
    if row is None:
        row = existing[key] = make()
        session.add(row)
        result.created += 1
    elif all(getattr(row, k) == v for k, v in values.items()):
        result.unchanged += 1
        return
    else:
        result.updated += 1
    for k, v in values.items():
        setattr(row, k, v)


STAY_FIELDS = (Field("person_id", ("personnummer", "brukare")), Field("from", ("fran", "start")),
               Field("to", ("till", "slut"), required=False),
               Field("special_reasons", ("sarskilda_skal",), required=False))


def import_hospital_stays(session: Session, user, data: bytes, filename: str) -> ImportResult:
    users = dict(session.execute(select(AssistanceUser.person_id, AssistanceUser.id)).all())

    def person(v):
        pid = normalize_person_id(v)
        if pid not in users:
            raise ValueError(_("assistansanvändaren finns inte (importera användarna först)"))
        return users[pid]
    rows = _parse_rows(read_rows(data, filename, STAY_FIELDS), {
        "person_id": person, "from": parse_day, "to": lambda v: parse_day(v, required=False),
        "special_reasons": lambda v: parse_bool(v, default=False)})
    bad = [RowError(n, "to", _("slutdatum före startdatum")) for n, r in rows
           if r["to"] is not None and r["to"] < r["from"]]
    if bad:
        raise ImportFailed(bad)
    result = ImportResult("hospital-stays", rows=len(rows))
    existing = {(s.assistance_user_id, s.start): s for s in session.scalars(select(HospitalStay))}
    for _n, r in rows:
        key = (r["person_id"], r["from"])
        _upsert(session, existing, key, {"end": r["to"], "special_reasons": r["special_reasons"]},
                result, lambda key=key: HospitalStay(assistance_user_id=key[0], start=key[1]))
    session.flush()
    return result


REPORT_FIELDS = (Field("provider_org_nr", ("anordnare", "orgnr"), required=False),
                 Field("person_id", ("brukare", "personnummer")), Field("month", ("manad",)),
                 Field("assistant_id", ("assistent",)), Field("date", ("datum",)),
                 Field("start", ("fran", "borjar")), Field("end", ("till", "slutar")),
                 Field("kind", ("typ", "passtyp"), required=False),
                 Field("end_date", ("slutdatum",), required=False))


def import_timereports(session: Session, user, data: bytes, filename: str, *,
                       organisation_id: int | None = None,
                       correction_reason: str | None = None) -> ImportResult:
    """One report per user, provider and month in the file, each through ``submit_report``.
    ``organisation_id`` (a provider's upload): every row is that provider's, and only its own
    users are accepted."""
    orgs = _orgs(session)
    groups, errors = defaultdict(list), []
    for number, values in read_rows(data, filename, REPORT_FIELDS):
        try:
            org = _org_id(values.get("provider_org_nr"), orgs, required=False)
            if organisation_id is not None:
                if org not in (None, organisation_id):
                    raise ValueError(_("raden gäller en annan anordnare"))
                org = organisation_id
            key = (org, normalize_person_id(values.get("person_id")),
                   parse_month(values.get("month")))
        except (ValueError, InvalidIdentifier) as exc:
            errors.append(RowError(number, None, str(exc)))
            continue
        groups[key].append((number, values))
    reports = []
    for (org_id, person_id, month), rows in groups.items():
        try:
            reports.append((find_user_for_provider(session, person_id, org_id, month), org_id,
                            month, parse_lines(rows)))
        except ReportError as exc:
            errors += [RowError(e.row or rows[0][0], e.column or None, e.message)
                       for e in exc.errors]
    if errors:
        raise ImportFailed(errors)
    result = ImportResult("timereports", rows=sum(len(r[3]) for r in reports))
    for target, org_id, month, lines in reports:
        try:
            _report, created = submit_report(session, user, target, org_id, month, lines,
                                             source="import" if organisation_id is None else "file",
                                             correction_reason=correction_reason)
        except ReportError as exc:
            raise ImportFailed([RowError(lines[0].line_no, None, str(exc))]) from exc
        if created:
            result.created += 1
        else:
            result.unchanged += 1
    return result


def register() -> None:
    register_importer("assistants", import_assistants)
    register_importer("hospital-stays", import_hospital_stays)
    register_importer("timereports", import_timereports)
