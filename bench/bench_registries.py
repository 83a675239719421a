"""Registries benchmarks (prints figures; not part of the test run).

1. Bulk file: generate Bolagsverket's bulk file in the real format (default 1 000 000 rows,
   zipped like the weekly file), import it into a fresh database, then import it again
   (must change nothing). Rows/s and the importing process's peak memory.
2. Batch lookups: N organisations x {bolagsverket, sanctions} against the stub server with
   50 ms latency per call, compared with the bound ``calls x latency / concurrency``; then the
   same with 10 % injected faults, counting results wrongly reported as clean (must be 0).

Environment: BENCH_BULK_ROWS (1000000), BENCH_ORGS (400), BENCH_CONCURRENCY (8),
BENCH_DATABASE_URL (default: SQLite in a temporary folder; PostgreSQL works too).
"""
from __future__ import annotations

import multiprocessing
import os
import random
import sys
import tempfile
import time
import zipfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from oversight.identifiers import luhn_check_digit  # noqa: E402

HEADER = ("organisationsidentitet;namnskyddslopnummer;registreringsland;organisationsnamn;organisationsform;"
          "avregistreringsdatum;avregistreringsorsak;pagandeAvvecklingsEllerOmstruktureringsforfarande;"
          "registreringsdatum;verksamhetsbeskrivning;postadress")
WORDS = ["Bygg", "Städ", "Omsorg", "Åkeri", "Konsult", "Fastighets", "Mäleri", "Data", "Hälsa", "Assistans",
         "Norra", "Södra", "Östra", "Västra", "Gröna", "Trygga", "Snabba", "Nordiska"]
CITIES = [("STOCKHOLM", "11122"), ("GÖTEBORG", "41101"), ("MALMÖ", "21115"), ("UPPSALA", "75310"),
          ("ÖREBRO", "70210"), ("LINKÖPING", "58222")]


def _orgnr(i: int) -> str:
    body = f"{5 + i % 2 * 4}{i:08d}"[:9]
    body = body[:2] + str(2 + i % 8) + body[3:]
    return body + luhn_check_digit(body)


def generate_bulk(path: str, rows: int, seed: int = 3) -> None:
    """A zipped bulk file in the real format; ~2 % sole traders with two names."""
    rnd = random.Random(seed)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("bolagsverket_bulkfil.txt", "w", force_zip64=True) as raw:
            out = []
            out.append(HEADER + "\r\n")
            written = 0
            i = 0
            while written < rows:
                i += 1
                name = f"{rnd.choice(WORDS)} {rnd.choice(WORDS)} {i} AB"
                year = 1970 + i % 55
                reg = f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}"
                dereg, reason, procs = "", "", ""
                roll = rnd.random()
                if roll < 0.05:
                    dereg, reason = f"{min(year + 5, 2025)}-06-30", rnd.choice(["KKAV-AVORG", "LIAV-AVORG", "OVERK-AVORG"])
                elif roll < 0.07:
                    procs = f"|{rnd.choice(['KK', 'LI', 'FR'])}-AVOMFO${min(year + 3, 2025)}-03-01"
                city, postcode = rnd.choice(CITIES)
                address = f"{rnd.choice(WORDS)}gatan {i % 97 + 1}$${city}${postcode}$SE-LAND"  # street$c/o$city$postcode$country
                ident, ns, form = f"{_orgnr(i)}$ORGNR-IDORG", "", "AB-ORGFO"
                count = 1
                if roll > 0.98:  # a sole trader with two protected names
                    ident, form, count = f"19{_orgnr(i)}$PERSON-IDORG", "E-ORGFO", 2
                for n in range(1, count + 1):
                    ns = str(n) if count > 1 else ""
                    out.append(f'"{ident}";"{ns}";"SE-LAND";"{name}{" " + str(n) if n > 1 else ""}$FORETAGSNAMN-ORGNAM${reg}";'
                               f'"{form}";"{dereg}";"{reason}";"{procs}";"{reg}";"Verksamhet nr {i}, ""{rnd.choice(WORDS)}"".";'
                               f'"{address}"\r\n')
                    written += 1
                if len(out) >= 20000:
                    raw.write("".join(out).encode("utf-8"))
                    out.clear()
            raw.write("".join(out).encode("utf-8"))


def _n(value) -> str:
    return f"{value:,.0f}".replace(",", " ")


def _import_worker(database_url: str, path: str, queue) -> None:
    from oversight.app import create_app
    from oversight.extensions import db
    from registries import services

    app = create_app({"DATABASE_URL": database_url, "TESTING": True})
    with app.app_context():
        baseline, peak = _rss_mb(), [0]

        def sample(done, total, message):  # after every chunk of rows
            peak[0] = max(peak[0], _rss_mb())

        figures = []
        for attempt in (1, 2):
            started = time.perf_counter()
            imp = services.import_registry_file(db.session, None, "bolagsverket-bulk", "bulk.zip", path=path,
                                                progress=sample)
            db.session.commit()
            figures.append((time.perf_counter() - started, imp.rows_total, imp.inserted, imp.updated,
                            imp.unchanged, imp.rejected))
    queue.put((figures, baseline, peak[0]))


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024


def _fresh_database(folder: str) -> str:
    from oversight.app import create_app
    from oversight.extensions import db

    url = os.environ.get("BENCH_DATABASE_URL") or "sqlite:///" + os.path.join(folder, "bench.db")
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    with app.app_context():
        db.drop_all()
        db.create_all()
        from oversight.rule_values import seed_defaults

        seed_defaults(db.session)  # as migration 0007 does
        db.session.commit()
        db.engine.dispose()
    return url


def bench_bulk(folder: str) -> None:
    rows = int(os.environ.get("BENCH_BULK_ROWS", 1_000_000))
    path = os.path.join(folder, "bolagsverket_bulkfil.zip")
    started = time.perf_counter()
    generate_bulk(path, rows)
    print(f"Bulkfil: {_n(rows)} rader genererade på {time.perf_counter() - started:.1f} s "
          f"({os.path.getsize(path) / 1e6:.0f} MB zippad)")
    url = _fresh_database(folder)
    context = multiprocessing.get_context("spawn")  # a clean process: its peak memory is the import's
    queue = context.Queue()
    process = context.Process(target=_import_worker, args=(url, path, queue))
    process.start()
    figures, baseline, peak = queue.get()
    process.join()
    for label, (seconds, total, inserted, updated, unchanged, rejected) in zip(("första import", "återimport"), figures):
        print(f"  {label}: {seconds:.1f} s, {_n(total / seconds)} rader/s; nya {_n(inserted)}, ändrade {_n(updated)}, "
              f"oförändrade {_n(unchanged)}, avvisade {_n(rejected)}")
    print(f"  minne (RSS) i importprocessen: högst {peak:.0f} MB under importerna, {baseline:.0f} MB före "
          f"(+{peak - baseline:.0f} MB)")


def bench_batch(folder: str) -> None:
    from oversight.app import create_app
    from oversight.extensions import db
    from registries import services, stub_data
    from registries.adapters import build_adapter
    from registries.assess import OK, assess
    from registries.stub import StubRegistry, StubServer

    n = int(os.environ.get("BENCH_ORGS", 400))
    concurrency = int(os.environ.get("BENCH_CONCURRENCY", 8))
    latency = 0.05
    numbers = [f"{_orgnr(10_000_000 + i)[:6]}-{_orgnr(10_000_000 + i)[6:]}" for i in range(n)]
    url = _fresh_database(folder)
    runs = (("bolagsverket", 100), ("sanctions", 100), ("sanctions", 10))  # (registry, yente batch size)
    for fault_rate in (0.0, 0.1):
        server = StubServer(StubRegistry(latency=latency, fault_rate=fault_rate, seed=11, retry_after=0,
                                         timeout_sleep=1.0)).start()
        print(f"Batchuppslag: {n} organisationer, {latency * 1000:.0f} ms latens per anrop, {concurrency} trådar, "
              f"{fault_rate:.0%} injicerade fel (429, 500, 503, timeout, trasig JSON, delvis misslyckat svar)")
        wrong_clean = wrong = 0
        for registry, batch_size in runs:
            app = create_app({"DATABASE_URL": url, "TESTING": True, **server.config(
                REGISTRY_TIMEOUT_READ=0.5, REGISTRY_RETRIES=3, REGISTRY_BACKOFF_SECONDS=0.05,
                REGISTRY_ABORT_AFTER_FAILURES=0, REGISTRY_CONCURRENCY=concurrency, YENTE_BATCH_SIZE=batch_size,
                REGISTRY_RATE_LIMIT={"bolagsverket": 0, "sanctions": 0},
                REGISTRY_CACHE_MAX_AGE={"bolagsverket": 0, "sanctions": 0})})
            with app.app_context():
                before = sum(server.app.stats.values())
                started = time.perf_counter()
                rows = services.batch_lookup(db.session, None, registry, numbers)
                db.session.commit()
                wall = time.perf_counter() - started
                calls = sum(server.app.stats.values()) - before
                started = time.perf_counter()  # the same lookups without storing: HTTP alone
                services.run_batch(build_adapter(db.session, registry), [(o, None) for o in numbers],
                                   concurrency=concurrency, abort_after=0)
                http_only = time.perf_counter() - started
                statuses = {}
                for row in rows:
                    statuses[row.status] = statuses.get(row.status, 0) + 1
                    truth = stub_data.truth(row.identifier.replace("-", ""))
                    if registry == "sanctions":
                        clean, right = not truth["debarred"], (row.status == "found") == truth["debarred"]
                    else:
                        clean, right = truth["kind"] == "active", (row.status == "found") == (truth["kind"] != "absent")
                    wrong_clean += assess(row).level == OK and not clean
                    wrong += row.conclusive and not right
            label = registry + (f" (yente {batch_size}/anrop)" if registry == "sanctions" else "")
            print(f"  {label:<28} {wall:5.2f} s med lagring, {http_only:5.2f} s bara HTTP; {calls} anrop; "
                  f"gräns N×anrop×latens/trådar = {n}×1×{latency:g}/{concurrency} = {n * latency / concurrency:.2f} s; "
                  f"utfall {dict(sorted(statuses.items()))}")
        print(f"  felaktigt rapporterade som rena: {wrong_clean}; säkra svar som avviker från facit: {wrong}")
        server.stop()


if __name__ == "__main__":
    import logging

    logging.getLogger("registries.http").setLevel(logging.ERROR)  # retries are expected here
    with tempfile.TemporaryDirectory(prefix="bench-registries-") as folder:
        os.environ.setdefault("OVERSIGHT_INSTANCE_PATH", folder)
        which = sys.argv[1:] or ["bulk", "batch"]
        if "batch" in which:
            bench_batch(folder)
        if "bulk" in which:
            bench_bulk(folder)
