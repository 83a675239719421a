"""Pure row generators for the large synthetic municipality (no I/O, deterministic).

Every generator yields plain dicts ready for ``session.execute(insert(Model), rows)``. Numbers
are invented: organisation numbers and personnummer only pass their checksums.
"""
from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal

from oversight.identifiers import luhn_check_digit


@dataclass(frozen=True)
class Sizes:
    organisations: int
    ledger_rows: int
    ledger_departments: int
    suppliers: int
    grants: int
    report_months: int
    cases: int


SCALES = {
    "large": Sizes(organisations=20_000, ledger_rows=500_000, ledger_departments=20,
                   suppliers=2_000, grants=3_000, report_months=60, cases=5_000),
    "medium": Sizes(organisations=2_000, ledger_rows=50_000, ledger_departments=20,
                    suppliers=200, grants=300, report_months=12, cases=500),
    "small": Sizes(organisations=200, ledger_rows=2_000, ledger_departments=20,
                   suppliers=20, grants=30, report_months=2, cases=50),
}

_WORDS = ("Norra", "Södra", "Östra", "Västra", "Stor", "Lilla", "Gamla", "Nya", "Ljus", "Sjö",
          "Skogs", "Berg", "Dal", "Ängs", "Strand", "Kvarn", "Hamn", "Bro", "Torg", "Park")
_TRADES = ("Omsorg", "Assistans", "Bygg", "Städ", "Transport", "Vård", "Kök", "Data", "Fastighet",
           "Konsult", "Hemtjänst", "Måleri", "El", "VVS", "Trädgård", "Säkerhet")
_ASSOCIATION_KINDS = ("IF", "Kulturförening", "Föreningen", "Intresseförening", "Scoutkår",
                      "Musikförening", "Pensionärsförening", "Hyresgästförening")
LEGAL_FORMS = {5: "Aktiebolag", 8: "Ideell förening", 9: "Handelsbolag"}


def orgnr(index: int) -> str:
    """The index-th synthetic organisation number: 60 % companies, 35 % associations, 5 % HB.
    Second digit 7 keeps them apart from the small demo's numbers."""
    group = 5 if index % 20 < 12 else 8 if index % 20 < 19 else 9
    body = f"{group}7{2 + index % 8}{index // 8:06d}"
    digits = body + luhn_check_digit(body)
    return f"{digits[:6]}-{digits[6:]}"


def organisation_name(index: int) -> str:
    group = int(orgnr(index)[0])
    a, b = _WORDS[index % len(_WORDS)], _TRADES[index // len(_WORDS) % len(_TRADES)]
    if group == 8:
        kind = _ASSOCIATION_KINDS[index // 7 % len(_ASSOCIATION_KINDS)]
        return f"{a}{b.lower()}s {kind} {index}"
    return f"{a} {b} {index} {'AB' if group == 5 else 'HB'}"


def organisations(start: int, stop: int, today: date) -> list[dict]:
    rng = random.Random(start)  # nosec B311  # synthetic scale data
    out = []
    for i in range(start, stop):
        group = int(orgnr(i)[0])
        out.append({"orgnr": orgnr(i), "name": organisation_name(i),
                    "legal_form": LEGAL_FORMS[group], "org_group": group,
                    "registration_date": today - timedelta(days=rng.randrange(400, 12_000)),
                    "is_sole_trader": False, "municipality": "Stockholm"})
    return out


def ledger_rows(rng: random.Random, import_id: int, department: tuple[int, str], first: int,
                count: int, payees: list[tuple[int, str, str]], today: date) -> list[dict]:
    """``count`` payments of one department, to payees (organisation id, orgnr, name)."""
    dept_id, dept_name = department
    out = []
    for n in range(count):
        org_id, number, name = payees[rng.randrange(len(payees))]
        grant = number.startswith("8") or rng.random() < 0.05
        booked = today - timedelta(days=rng.randrange(1, 5 * 365))
        out.append({"import_id": import_id, "row_number": first + n + 2,
                    "department_raw": dept_name, "department_id": dept_id, "payee_name": name,
                    "org_nr_raw": number.replace("-", ""), "org_nr": number,
                    "organisation_id": org_id, "bank_account": None,
                    "amount": Decimal(rng.randrange(500, 400_000)).quantize(Decimal("1.00")),
                    "booked_on": booked, "effective_on": booked,
                    "account_text": "Föreningsbidrag" if grant else "Köpta tjänster",
                    "account_code": "4960" if grant else "7690",
                    "purpose": "Verksamhetsbidrag" if grant else None, "is_grant": grant})
    return out


def ledger_sha(department_code: str) -> str:
    return hashlib.sha256(f"skala-reskontra-{department_code}".encode()).hexdigest()


def pnr(born: date, serial: int) -> str:
    ten = f"{born:%y%m%d}{serial % 999 + 1:03d}"
    return f"{born.year // 100}{ten}{luhn_check_digit(ten)}"


def month_starts(today: date, months: int) -> list[date]:
    first = today.replace(day=1)
    out = []
    for _ in range(months):
        first = (first - timedelta(days=1)).replace(day=1)
        out.append(first)
    return sorted(out)


def report_lines(month: date, assistant_id: str, hours_per_week: Decimal) -> list[dict]:
    """Shifts every other day, matching the decided hours roughly (one assistant)."""
    per_shift = max(1, min(10, int(hours_per_week * 2 / 7 + Decimal("0.5"))))
    out, day = [], month
    while day.month == month.month:
        out.append({"assistant_id": assistant_id, "day": day, "start": time(8, 0),
                    "end": time(8 + per_shift, 0), "end_day": None, "kind": "ordinary"})
        day += timedelta(days=2)
    return out


def line_hash(person_id: str, provider_key: int, month: date, lines: list[dict]) -> str:
    """The same digest as ``assistance.timereport_submit.content_hash``."""
    keys = sorted([line["assistant_id"], line["day"].isoformat(),
                   line["start"].strftime("%H:%M"), line["end"].strftime("%H:%M"),
                   line["kind"], ""] for line in lines)
    payload = [person_id, provider_key, month.isoformat(), keys]
    return hashlib.sha256(json.dumps(payload).encode()).hexdigest()


CASE_STATUSES = ("registered", "assessment", "not_opened", "queued", "investigation",
                 "decision", "follow_up", "closed")
CASE_SOURCES = ("caseworker", "authority", "public", "person", "anonymous", "automated")
CASE_CAUSES = ("income_salary", "income_benefit", "income_deposit", "income_pawn")


def case_row(rng: random.Random, n: int, department: tuple[int, str], today: date) -> dict:
    dept_id, code = department
    received = today - timedelta(days=rng.randrange(1, 5 * 365))
    status = CASE_STATUSES[rng.randrange(len(CASE_STATUSES))]
    started = received + timedelta(days=rng.randrange(5, 90))
    advanced = status in ("investigation", "decision", "follow_up", "closed")
    district = code.upper().removeprefix("SDF-")  # the reference fits 40 characters
    return {"reference": f"SKALA-{district}-{received.year}-{n:05d}",
            "department_id": dept_id, "title": f"Misstänkt felaktig utbetalning {n}",
            "source": CASE_SOURCES[n % len(CASE_SOURCES)], "module": "tip",
            "status": status, "received_on": received,
            "assessed_on": received + timedelta(days=3) if status != "registered" else None,
            "not_opened_reason": "no_grounds" if status == "not_opened" else None,
            "investigation_started_on": started if advanced and started <= today else None,
            "closed_on": min(today, started + timedelta(days=120)) if status == "closed" else None,
            "amount_estimate": Decimal(rng.randrange(5_000, 600_000)),
            "risk_of_loss": n % 7 == 0, "ongoing_error": n % 5 == 0,
            "person_name": f"Person {n}", "sex": "woman" if n % 2 else "man",
            "cause": CASE_CAUSES[n % len(CASE_CAUSES)] if advanced else None}
