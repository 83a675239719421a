"""Benchmark: the payment-file check (parse + match + verify, the job's work) of a CSV payment
file of --lines lines (default 100 000), once with every line paying the same bankgiro (with
different payee names: the "shared account" alarm on every line) and once with every line to
its own bankgiro. The goal is that the two stay within 2x of each other: every per-line check
is linear or n log n. Prints figures; no assertions.

    .venv/bin/python bench/bench_paymentfile.py [--lines 100000]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from oversight.identifiers import luhn_check_digit  # noqa: E402


def _bankgiro(n: int) -> str:
    payload = f"{5000000 + n:07d}"
    number = payload + luhn_check_digit(payload)
    return f"{number[:4]}-{number[4:]}"


def payment_csv(lines: int, shared: bool) -> bytes:
    out = ["Mottagare;Kontotyp;Kontonummer;Belopp;Datum;Referens"]
    for i in range(lines):
        giro = _bankgiro(1 if shared else i)
        out.append(f"Leverantör {i} AB;bankgiro;{giro};{1000 + i % 997},50;2026-03-01;F{i}")
    return ("\n".join(out) + "\n").encode()


def run(lines: int) -> None:
    from oversight.accounts.paymentfile import parse_payment_file
    from oversight.accounts.payments import load_payment_context, verify_loaded
    from oversight.app import create_app
    from oversight.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATABASE_URL": f"sqlite:///{tmp}/bench.db", "TESTING": True})
        with app.app_context():
            db.create_all()
            figures = {}
            for label, shared in (("one shared bankgiro", True), ("all distinct", False)):
                data = payment_csv(lines, shared)
                t0 = time.perf_counter()
                parsed = parse_payment_file(data, "csv")
                t1 = time.perf_counter()
                pctx = load_payment_context(db.session, parsed.payments)
                results = verify_loaded(parsed.payments, pctx)
                t2 = time.perf_counter()
                alarms = sum(1 for r in results for f in r.verification.findings
                             if f.code == "SHARED_IN_FILE")
                figures[label] = t2 - t0
                print(f"{label:>20}: {lines} lines, parse {t1 - t0:6.2f} s, check "
                      f"{t2 - t1:6.2f} s, total {t2 - t0:6.2f} s, shared-account alarms {alarms}")
            a, b = figures.values()
            print(f"ratio shared/distinct: {a / b:.2f} (goal: within 2x)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    run(parser.parse_args().lines)
