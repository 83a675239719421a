"""Real payee names written the way 20 departments' finance systems write them.

The names are the real ones of Örebro's ledger (one entity per valid organisation number, its
most used spelling as the registered name; a second spelling of the same number is kept as a
real variant). Each of 20 departments has its own habits, drawn once from a fixed seed:

* case: as registered, UPPER CASE or lower case;
* å/ä/ö: kept, or written as a/a/o (systems without Swedish letters);
* field width: none, or names cut at 25, 30 or 35 characters (often inside a legal form);
* legal form: as registered, appended (", ideell förening", "(IDEELL FÖRENING)",
  " IDEELL FÖR", " ek för", " AKTIEBOLAG"), or dropped;
* abbreviations: association words shortened (Idrottsförening → IF, Ridklubb → RK,
  Föreningen → Fören., Svenska → Sv., och → &) or written out;
* spacing: single, or doubled between words;
* typing: a share of the manually keyed names (0-6 %) has one typo (a letter dropped,
  doubled, or two letters swapped; never in a number).

Every entity is paid by 1-4 departments, several rows each; a bankgiro (when the entity has
one) is given on some departments' rows. The ground truth is the organisation number, which
the matchers never see. Nothing here was tuned on the matcher: the habits come from the issue's
description of real ledgers and the rates are round numbers.
"""
from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from decimal import Decimal

from associations.ledger import LedgerRow

_LEGAL_TAILS = (", ideell förening", " (IDEELL FÖRENING)", " IDEELL FÖR", " ek för",
                " (ideell förening)")
_ABBREVIATIONS = ((r"\bIdrottsförening(en)?\b", "IF"), (r"\bIdrottsklubb(en)?\b", "IK"),
                  (r"\bRidklubb(en)?\b", "RK"), (r"\bBollklubb(en)?\b", "BK"),
                  (r"\bFotbollsklubb(en)?\b", "FK"), (r"\bSportklubb(en)?\b", "SK"),
                  (r"\bFöreningen\b", "Fören."), (r"\bSvenska\b", "Sv."), (r"\boch\b", "&"))
_ASCII = str.maketrans("åäöÅÄÖ", "aaoAAO")


def entities_from_ledger(rows) -> list[tuple[str, list[str]]]:
    """(org number, [registered name, other real spellings]) for every valid org number."""
    spellings: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        if r.org_nr:
            spellings[r.org_nr][" ".join(r.payee_name.split())] += 1
    return [(org, [name for name, _ in counts.most_common()])
            for org, counts in sorted(spellings.items())]


def department_habits(rng: random.Random) -> dict:
    return {
        "case": rng.choice(["keep", "keep", "upper", "upper", "lower"]),
        "ascii": rng.random() < 0.35,
        "width": rng.choice([None, None, None, 25, 30, 30, 35]),
        "legal": rng.choice(["keep", "keep", "append", "drop"]),
        "legal_tail": rng.choice(_LEGAL_TAILS),
        "abbreviate": rng.random() < 0.4,
        "double_space": rng.random() < 0.15,
        "typo_rate": rng.choice([0.0, 0.02, 0.04, 0.06]),
    }


def write_name(name: str, habits: dict, rng: random.Random) -> str:
    if habits["abbreviate"]:
        for pattern, short in _ABBREVIATIONS:
            name = re.sub(pattern, short, name, flags=re.IGNORECASE)
    if habits["legal"] == "drop":
        name = re.sub(r"(,? (ideell förening|AB|ek\.? för\.?))$", "", name, flags=re.IGNORECASE)
    elif habits["legal"] == "append" and not re.search(r"\b(AB|HB|KB)$", name):
        name += habits["legal_tail"]
    if rng.random() < habits["typo_rate"]:
        name = typo(rng, name)
    if habits["ascii"]:
        name = name.translate(_ASCII)
    if habits["case"] == "upper":
        name = name.upper()
    elif habits["case"] == "lower":
        name = name.lower()
    if habits["double_space"]:
        name = name.replace(" ", "  ")
    if habits["width"]:
        name = name[:habits["width"]]
    return name


def typo(rng: random.Random, name: str) -> str:
    words = name.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not candidates:
        return name
    i = rng.choice(candidates)
    w = words[i]
    p = rng.randrange(1, len(w) - 1)
    op = rng.random()
    if op < 0.4:
        w = w[:p] + w[p + 1:]                       # a letter dropped
    elif op < 0.6:
        w = w[:p] + w[p] + w[p:]                    # a letter doubled
    else:
        w = w[:p] + w[p + 1] + w[p] + w[p + 2:]     # two letters swapped
    words[i] = w
    return " ".join(words)


def variant_ledger(source_rows, n_departments: int = 20, seed: int = 7):
    """(ledger rows, true entity per row) built from a real ledger's names."""
    rng = random.Random(seed)
    departments = [f"Förvaltning {i + 1:02d}" for i in range(n_departments)]
    habits = {d: department_habits(rng) for d in departments}
    rows: list[LedgerRow] = []
    truth: list[str] = []
    for org, names in entities_from_ledger(source_rows):
        account = f"{rng.randint(100, 9999)}-{rng.randint(1000, 9999)}" \
            if rng.random() < 0.3 else None
        for dept in rng.sample(departments, rng.choice([1, 1, 2, 2, 3, 4])):
            # A department keys the name once in its payee register and reuses it; now and
            # then a second spelling (the real one of the ledger, or another keying).
            written = write_name(names[0], habits[dept], rng)
            for _ in range(rng.randint(1, 4)):
                name = written
                if rng.random() < 0.1:
                    name = write_name(rng.choice(names), habits[dept], rng)
                rows.append(LedgerRow(
                    row=len(rows) + 1, department=dept, payee_name=name, org_nr_raw=None,
                    org_nr=None, org_nr_problem=None,
                    bank_account=account if account and rng.random() < 0.5 else None,
                    amount=Decimal(rng.randint(100, 90000)), date=None,
                    account_text="45300 Bidrag, förening", purpose=None))
                truth.append(org)
    return rows, truth
