"""Supplier screening benchmark (prints figures; not part of the test run).

Screening N suppliers (default 850, the number of contracts Stockholm's social administration
holds) as the tenderers of one procurement, through the real code path (registries service
API in HTTP mode against the registries' stub server with 50 ms latency per call; Skatteverket
and Kronofogden answers imported as files; a criminal-record extract per company), with:

1. no faults: wall time next to the physical limit ``HTTP calls x latency / concurrency`` (the
   screening is a pipeline, ``suppliers/pipeline.py``: calls, storing and rules overlap, so
   the wall time is not split into phases; the process's CPU time, stub server included, and
   the machine's load are printed beside it, because on a loaded machine the wall time follows
   the CPU share the process gets);
2. 10 % injected faults (429, 500, 503, timeouts, malformed and partial answers), with the
   registry client's retries, and again without retries so every fault surfaces. A "false
   clean" is a ground reported "ingen grund funnen" although the truth behind the stub says
   otherwise, or although an answer it relied on was not conclusive: it must be 0.

    .venv/bin/python bench/bench_suppliers.py

3. the fault-free run again with one VD per supplier (criminal-record extract entered), so
   13:1 can be cleared and each representative is screened in the sanctions lists.

Environment: BENCH_SUPPLIERS (850), BENCH_CONCURRENCY (8), BENCH_CHUNK (SUPPLIERS_BATCH_CHUNK,
default 100), BENCH_REPRESENTATIVES (1; 0 skips run 3), BENCH_DATABASE_URL (default SQLite in
a temporary folder).
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import tempfile
import time
from datetime import date

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from oversight.identifiers import luhn_check_digit  # noqa: E402

LATENCY = 0.05


class StubProcess:
    """The registries' stub served from a forked process. The real registries are other
    machines: their work must not take this process's CPU (and GIL) from the screening that is
    measured. ``BENCH_STUB_IN_PROCESS=1`` serves it from a thread, as before."""

    def __init__(self, registry) -> None:
        from registries.stub import StubServer

        self.app = registry
        self.server = StubServer(registry)  # binds the port here, serves in the child
        self._conn, child = multiprocessing.Pipe()
        self._process = multiprocessing.get_context("fork").Process(
            target=_serve_stub, args=(self.server, child), daemon=True)

    def start(self) -> StubProcess:
        self._process.start()
        return self

    def calls(self) -> int:
        self._conn.send("calls")
        return self._conn.recv()

    def config(self, **extra) -> dict:
        return self.server.config(**extra)

    def stop(self) -> None:
        self._process.terminate()
        self._process.join()
        self.server._server.server_close()


def _serve_stub(server, conn) -> None:
    server.start()
    while conn.recv():
        conn.send(sum(server.app.stats.values()))


class StubThread:
    """The stub in a thread of this process (its CPU counts in the process's CPU time)."""

    def __init__(self, registry) -> None:
        from registries.stub import StubServer

        self.app = registry
        self.server = StubServer(registry)

    def start(self) -> StubThread:
        self.server.start()
        return self

    def calls(self) -> int:
        return sum(self.app.stats.values())

    def config(self, **extra) -> dict:
        return self.server.config(**extra)

    def stop(self) -> None:
        self.server.stop()


def orgnr(i: int) -> str:
    body = f"5{(20_000_000 + i * 7919) % 10**8:08d}"
    body = body[:2] + str(2 + i % 8) + body[3:]
    digits = body + luhn_check_digit(body)
    return f"{digits[:6]}-{digits[6:]}"


def _files(numbers: list[str]) -> tuple[bytes, bytes, dict]:
    """Skatteverket and Kronofogden files; truth: who lacks F-skatt, who has tax debts."""
    today = date.today().isoformat()
    skv = ["organisationsnummer;fskatt;moms;arbetsgivare;datum"]
    kfm = ["organisationsnummer;belopp;måltyper;datum"]
    truth = {}
    for i, n in enumerate(numbers):
        no_f_tax, debt = i % 23 == 0, i % 17 == 0
        truth[n] = {"no_f_tax": no_f_tax, "debt": debt}
        skv.append(f"{n};{'nej' if no_f_tax else 'ja'};ja;ja;{today}")
        kfm.append(f"{n};{'48 200,00' if debt else '0'};{'allmänna mål' if debt else ''};{today}")
    return "\n".join(skv).encode(), "\n".join(kfm).encode(), truth


def setup(url: str, n: int, representatives: bool = False) -> tuple[int, dict]:
    from oversight.app import create_app
    from oversight.auth import services as auth
    from oversight.auth.models import Department
    from oversight.extensions import db
    from oversight.organisations import services as orgs
    from registries import filed
    from suppliers import services
    from suppliers.models import Procurement, Supplier, Tender

    app = create_app({"DATABASE_URL": url, "TESTING": True})
    with app.app_context():
        db.drop_all()
        db.create_all()
        from oversight.rule_values import seed_defaults

        seed_defaults(db.session)  # as migration 0007 does
        db.session.commit()
        dept = Department(code="socialforvaltningen", name="Socialförvaltningen", kind="social")
        db.session.add(dept)
        db.session.flush()
        user = auth.create_user(db.session, username="bench", name="Bench Upphandlare",
                                password="bench-losenord-123", role="procurement",
                                department=dept)
        numbers = [orgnr(i) for i in range(n)]
        skv, kfm, truth = _files(numbers)
        filed.import_records(db.session, user, "skatteverket", "skv.csv", skv)
        filed.import_records(db.session, user, "kronofogden", "kfm.csv", kfm)
        procurement = Procurement(reference="BENCH 1", title="Screening", procedure="lou_open",
                                  above_threshold=True, department_id=dept.id)
        db.session.add(procurement)
        db.session.flush()
        for i, number in enumerate(numbers):
            org = orgs.register_organisation(db.session, orgnr=number, name=f"Leverantör {i} AB")
            supplier = Supplier(organisation_id=org.id)
            db.session.add(supplier)
            db.session.flush()
            db.session.add(Tender(procurement_id=procurement.id, supplier_id=supplier.id))
            services.record_extract(db.session, user, supplier, key_person_id=None,
                                    document_date=date.today(), reference=None, convictions=[])
            if representatives:
                person = orgs.add_key_person(db.session, org, role="vd", name=f"Vd Nummer {i}")
                services.record_extract(db.session, user, supplier, key_person_id=person.id,
                                        document_date=date.today(), reference=None,
                                        convictions=[])
        db.session.commit()
        pid = procurement.id
        db.engine.dispose()
    return pid, truth


def false_clean(check, truth: dict) -> list[str]:
    """Grounds reported clear that are wrong, or that rest on inconclusive evidence."""
    from registries import stub_data
    from suppliers import rules

    digits = check.supplier.organisation.orgnr.replace("-", "")
    stub = stub_data.truth(digits)
    filed_truth = truth[check.supplier.organisation.orgnr]
    evidence = check.evidence_by_key
    wrong = []
    for g in check.grounds:
        if g.outcome != rules.CLEAR:
            continue
        for key in g.evidence_keys:
            e = evidence.get(key)
            if e is None or e.stale or e.status not in ("found", "not_found") and not (
                    e.status == "partial" and e.missing_parts):
                wrong.append(f"{g.code}: vilar på {key} ({e.status if e else 'saknas'})")
        if g.code == "insolvency" and stub["kind"] != "active":
            wrong.append(f"insolvency: sanningen är {stub['kind']}")
        if g.code == "misconduct" and stub["debarred"]:
            wrong.append("misconduct: står på uteslutningslista")
        if g.code == "taxes" and filed_truth["debt"]:
            wrong.append("taxes: har skatteskuld")
        if g.code == "tax_registration" and filed_truth["no_f_tax"]:
            wrong.append("tax_registration: saknar F-skatt")
    return wrong


def run(url: str, pid: int, truth: dict, *, fault_rate: float, retries: int,
        concurrency: int, chunk: int) -> None:
    from oversight.app import create_app
    from oversight.extensions import db
    from registries.stub import StubRegistry
    from suppliers import checks, registry_adapter, rules
    from suppliers.models import Procurement

    stub = StubThread if os.environ.get("BENCH_STUB_IN_PROCESS") == "1" else StubProcess
    server = stub(StubRegistry(latency=LATENCY, fault_rate=fault_rate, seed=7,
                               retry_after=0, timeout_sleep=1.0)).start()
    app = create_app({"DATABASE_URL": url, "TESTING": True, **server.config(
        REGISTRY_TIMEOUT_READ=0.5, REGISTRY_RETRIES=retries, REGISTRY_BACKOFF_SECONDS=0.05,
        REGISTRY_ABORT_AFTER_FAILURES=0, REGISTRY_CONCURRENCY=concurrency,
        REGISTRY_RATE_LIMIT={"bolagsverket": 0, "sanctions": 0},
        REGISTRY_CACHE_MAX_AGE={"bolagsverket": 0, "sanctions": 0, "skatteverket": 0,
                                "kronofogden": 0, "ivo": 0}),
        "SUPPLIERS_CHECK_CONCURRENCY": concurrency, "SUPPLIERS_BATCH_CHUNK": chunk})
    fetch_time = [0.0]
    original = registry_adapter.fetch

    def timed_fetch(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            fetch_time[0] += time.perf_counter() - started

    from registries import services as registry_services

    per_registry: dict[str, float] = {}
    original_batch = registry_services.batch_lookup

    def timed_batch(session, user, registry, *args, **kwargs):
        started = time.perf_counter()
        try:
            return original_batch(session, user, registry, *args, **kwargs)
        finally:
            per_registry[registry] = per_registry.get(registry, 0) + time.perf_counter() - started

    registry_adapter.fetch = timed_fetch
    registry_services.batch_lookup = timed_batch
    try:
        with app.app_context():
            procurement = db.session.get(Procurement, pid)
            before = server.calls()
            load = os.getloadavg()[0]
            started, cpu = time.perf_counter(), time.process_time()
            done = checks.screen_procurement(db.session, None, procurement)
            db.session.commit()
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
            calls = server.calls() - before
            outcomes = {k: sum(1 for c in done if c.overall == k)
                        for k in (rules.FOUND, rules.UNKNOWN, rules.CLEAR)}
            wrong = [w for c in done for w in false_clean(c, truth)]
            clear_grounds = sum(1 for c in done for g in c.grounds if g.outcome == rules.CLEAR)
            unknown_grounds: dict[str, int] = {}
            for c in done:
                for g in c.grounds:
                    if g.outcome == rules.UNKNOWN:
                        unknown_grounds[g.code] = unknown_grounds.get(g.code, 0) + 1
            statuses: dict[str, int] = {}
            for c in done:
                for e in c.evidence:
                    if e.source in ("bolagsverket", "sanctions"):
                        statuses[e.status] = statuses.get(e.status, 0) + 1
            db.session.remove()
            db.engine.dispose()
    finally:
        registry_adapter.fetch = original
        registry_services.batch_lookup = original_batch
        server.stop()
    bound = calls * LATENCY / concurrency
    label = f"{fault_rate:.0%} fel" + (f", {retries} omförsök" if fault_rate else "")
    print(f"\n{len(done)} leverantörer, {LATENCY * 1000:.0f} ms latens, {concurrency} trådar, "
          f"{label}")
    print(f"  väggtid {wall:6.2f} s   (processens CPU-tid {cpu:.2f} s, alla trådar; "
          f"maskinens last {load:.1f} på {os.cpu_count()} kärnor)")
    print(f"  HTTP-anropen går i trådarna medan huvudtråden lagrar svar och utvärderar regler; "
          f"register ur databasen i huvudtråden: {fetch_time[0]:.2f} s ("
          + ", ".join(f"{k} {v:.2f} s" for k, v in sorted(per_registry.items())) + ")")
    print(f"  fysisk gräns  anrop×latens/trådar = {calls}×{LATENCY}/{concurrency} = {bound:.2f} s"
          f"   -> väggtid/gräns {wall / bound:.2f}")
    print(f"  svar från Bolagsverket och sanktioner: {dict(sorted(statuses.items()))}")
    print(f"  resultat: {outcomes[rules.FOUND]} grund föreligger, {outcomes[rules.UNKNOWN]} kunde "
          f"inte kontrolleras, {outcomes[rules.CLEAR]} ingen grund funnen "
          f"({clear_grounds} grunder 'ingen grund funnen')")
    print(f"  grunder som inte kunde kontrolleras: {dict(sorted(unknown_grounds.items()))}")
    print(f"  falskt rena: {len(wrong)}" + (f"  {wrong[:5]}" if wrong else ""))


def main() -> None:
    logging.getLogger("registries.http").setLevel(logging.ERROR)
    logging.getLogger("suppliers").setLevel(logging.CRITICAL)
    n = int(os.environ.get("BENCH_SUPPLIERS", 850))
    concurrency = int(os.environ.get("BENCH_CONCURRENCY", 8))
    chunk = int(os.environ.get("BENCH_CHUNK", 100))
    with tempfile.TemporaryDirectory(prefix="bench-suppliers-") as folder:
        os.environ.setdefault("OVERSIGHT_INSTANCE_PATH", folder)
        url = os.environ.get("BENCH_DATABASE_URL") or "sqlite:///" + os.path.join(folder, "b.db")
        started = time.perf_counter()
        pid, truth = setup(url, n)
        print(f"Förberedelse: {n} leverantörer, filer från Skatteverket och Kronofogden, "
              f"utdrag per företag: {time.perf_counter() - started:.1f} s")
        run(url, pid, truth, fault_rate=0.0, retries=3, concurrency=concurrency, chunk=chunk)
        run(url, pid, truth, fault_rate=0.1, retries=3, concurrency=concurrency, chunk=chunk)
        run(url, pid, truth, fault_rate=0.1, retries=0, concurrency=concurrency, chunk=chunk)
        if os.environ.get("BENCH_REPRESENTATIVES", "1") != "0":
            url2 = url.replace("b.db", "reps.db")  # BENCH_DATABASE_URL: the same database, reset
            pid, truth = setup(url2, n, representatives=True)
            print("\nMed en VD per leverantör (utdrag registrerat; personsökning i "
                  "sanktionslistorna i batchar om 100, registries.services.batch_person_lookup):", end="")
            run(url2, pid, truth, fault_rate=0.0, retries=3, concurrency=concurrency,
                chunk=chunk)


if __name__ == "__main__":
    main()
