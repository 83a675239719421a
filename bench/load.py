"""Load test of the pages and the time-report API on a large municipality's data (prints figures;
not part of the test run).

A small runner of its own on ``requests`` + threads: N virtual users (default 20), each logged
in as a demo role with its own session (all logins before the clock starts), loop over the
endpoints for a fixed time, pausing 1-3 s between requests as an officer reading the page does
(``BENCH_THINK=0`` for a saturation test without pauses); throughput and
p50/p95/p99 per endpoint are printed beside the same server's figure for a trivial endpoint
(``/healthz``) measured in the same run. Goal: p95 <= 150 ms for pages, <= 75 ms for the API.

    sudo .venv/bin/python bench/load.py                # everything: PostgreSQL, data, gunicorn
    .venv/bin/python bench/load.py --url http://127.0.0.1:8000   # an already running server

Without ``--url`` it uses BENCH_DATABASE_URL (default: starts the local PostgreSQL cluster when
run as root, as .ci/run does, and creates the database ``oversight_bench``), runs
``flask db upgrade`` and ``flask demo load --scale $BENCH_SCALE`` (large; idempotent, so the
second run starts at once), starts gunicorn with BENCH_WORKERS workers (4) and measures.
Environment: BENCH_USERS (20), BENCH_SECONDS (60), BENCH_SCALE (large), BENCH_WORKERS (4),
BENCH_PORT (8765), BENCH_THINK (seconds between a user's requests, "1-3"; "0" for none),
BENCH_WARMUP (unmeasured rounds over every page per user before the clock starts, 1),
BENCH_PREPARE (1; 0 skips ``flask demo load`` when the database is loaded already).
"""
from __future__ import annotations

import json
import os
import random
import re
import secrets
import shutil
import subprocess  # nosec B404  # the bench starts PostgreSQL, flask and gunicorn
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PASSWORD = "demo-losenord-2026"  # nosec B105  # the published password of the demo users
PAGE_GOAL_MS, API_GOAL_MS = 150, 75
sys.path.insert(0, str(ROOT))
from oversight.scale.rows import pnr  # noqa: E402

ASSISTANT = pnr(date(1985, 4, 4), 77)  # a valid personnummer, 18+

# (name, role's username, path); the API is added when a provider token could be made
ENDPOINTS = [
    ("start (upphandlare)", "upphandlare", "/"),
    ("start (bidrag.kultur)", "bidrag.kultur", "/"),
    ("start (lss.jarva)", "lss.jarva", "/"),
    ("start (utredare)", "utredare", "/"),
    ("start (revisor)", "revisor", "/"),
    ("organisationssök", "upphandlare", "/organisations/?q=omsorg"),
    ("leverantörslista", "upphandlare", "/suppliers/"),
    ("föreningsbidrag", "bidrag.kultur", "/associations/"),
    ("flerförvaltningsrapport", "bidrag.kultur", "/associations/report"),
    ("tidrapporter", "lss.jarva", "/assistance/timereports/"),
    ("ärenden", "utredare", "/cases/"),
    ("statistik", "utredare", "/statistics/"),
    ("export ärenden (csv)", "utredare", "/cases/?format=csv"),
    ("export leverantörer (xlsx)", "upphandlare", "/suppliers/?format=xlsx"),
]
TRIVIAL = ("trivial /healthz", None, "/healthz")


def _run(cmd, env=None, check=True):
    return subprocess.run(cmd, env=env, check=check, capture_output=True, text=True)  # nosec B603


def ensure_postgres(scale: str) -> str:
    """The local cluster (started if needed, root only) and a database of the bench's own, one
    per scale (``oversight_bench_large``)."""
    db_name = f"oversight_bench_{scale}"
    if os.geteuid() != 0:
        sys.exit("Kör som root (eller ange BENCH_DATABASE_URL / --url).")
    version = sorted(os.listdir("/usr/lib/postgresql"), key=lambda v: [int(x) for x in
                                                                      v.split(".")])[-1]
    _run(["pg_ctlcluster", version, "main", "start"], check=False)
    for _ in range(30):
        if _run(["pg_isready", "-q", "-h", "127.0.0.1"], check=False).returncode == 0:
            break
        time.sleep(1)

    def psql(sql):
        return _run(["su", "postgres", "-c", f'psql -tAq -c "{sql}"'], check=False).stdout

    if "1" not in psql("SELECT 1 FROM pg_roles WHERE rolname='oversight_bench'"):
        psql("CREATE ROLE oversight_bench LOGIN PASSWORD 'oversight_bench'")
    if "1" not in psql(f"SELECT 1 FROM pg_database WHERE datname='{db_name}'"):
        psql(f"CREATE DATABASE {db_name} OWNER oversight_bench")
    return f"postgresql+psycopg://oversight_bench:oversight_bench@127.0.0.1:5432/{db_name}"


def server_env(url: str, instance: str) -> dict:
    env = dict(os.environ, FLASK_APP="wsgi", OVERSIGHT_DATABASE_URL=url,
               OVERSIGHT_INSTANCE_PATH=instance,
               OVERSIGHT_SECRET_KEY=os.environ.get("OVERSIGHT_SECRET_KEY",
                                                   secrets.token_hex(32)))
    env.setdefault("OVERSIGHT_AUDIT_KEY", env["OVERSIGHT_SECRET_KEY"] + "-audit")
    return env


def prepare(env: dict, scale: str) -> None:
    started = time.perf_counter()
    _run([str(BIN / "flask"), "db", "upgrade"], env)
    result = subprocess.run([str(BIN / "flask"), "demo", "load", "--scale", scale],  # nosec B603
                            env=env, check=False, text=True)
    if result.returncode:
        sys.exit("flask demo load misslyckades")
    print(f"Data ({scale}): {time.perf_counter() - started:.0f} s")


def api_fixture(env: dict) -> dict | None:
    """A provider token and (person, month) pairs of its users for the submission API."""
    code = """
import json
from datetime import date
from sqlalchemy import select, func
from oversight.app import create_app
from oversight.extensions import db
from assistance.models import Arrangement, AssistanceUser
from assistance.timereport_api_auth import create_token
app = create_app()
with app.app_context():
    row = db.session.execute(select(Arrangement.provider_organisation_id, func.count())
        .where(Arrangement.kind == 'provider', Arrangement.valid_to.is_(None))
        .group_by(Arrangement.provider_organisation_id).order_by(func.count().desc())).first()
    from oversight.organisations.models import Organisation
    org = db.session.get(Organisation, row[0])
    users = db.session.scalars(select(AssistanceUser.person_id).join(Arrangement).where(
        Arrangement.provider_organisation_id == org.id, Arrangement.valid_to.is_(None))).all()
    token = create_token(db.session, None, org, 'bench')
    db.session.commit()
    print(json.dumps({'token': token, 'users': users}))
"""
    result = _run([str(BIN / "python"), "-c", code], env, check=False)
    if result.returncode:
        print("Ingen API-nyckel kunde skapas:", result.stderr.strip()[-300:])
        return None
    return json.loads(result.stdout.strip().splitlines()[-1])


def start_gunicorn(env: dict, workers: int, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([str(BIN / "gunicorn"), "-w", str(workers), "-b",  # nosec B603
                             f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
                            env=env, cwd=ROOT)
    for _ in range(120):
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).ok:
                return proc
        except requests.RequestException:
            time.sleep(0.5)
    proc.terminate()
    sys.exit("gunicorn startade inte")


def login(base: str, username: str | None) -> requests.Session:
    s = requests.Session()
    if username is None:
        return s
    page = s.get(f"{base}/login", timeout=30).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    r = s.post(f"{base}/login", data={"username": username, "password": PASSWORD,
                                       "csrf_token": token.group(1) if token else ""},
               allow_redirects=False, timeout=30)
    if r.status_code != 302:
        raise RuntimeError(f"inloggning som {username}: {r.status_code}")
    return s


def api_body(person_id: str, n: int) -> dict:
    """A month's report: this month (the current period), one shift; resubmitting the same
    content answers 200 with the same report, a new shift creates a new version."""
    month = date.today().replace(day=1)
    day = month + timedelta(days=n % 27)
    return {"person_id": person_id, "month": month.strftime("%Y-%m"),
            "lines": [{"assistant_id": ASSISTANT, "date": day.isoformat(),
                       "start": "08:00", "end": "12:00", "kind": "ordinarie"}]}


def worker(base, endpoints, api, window, start, results, errors, index, think, warmup):
    """Logs in as every role first (argon2 at production cost: a login is not a page view, and
    an officer logs in once a day), requests every page ``warmup`` times unmeasured (a worker's
    first organisation search builds its name index; a running server has done that long
    ago), waits at ``start`` for the others, then cycles, reading
    each answer for a random time within ``think`` seconds (an officer reads the page)."""
    pause = random.Random(index)  # nosec B311 - think times, not security
    sessions = {}
    for _name, user, _path in endpoints:
        if user not in sessions:
            try:
                sessions[user] = login(base, None if user == "api" else user)
            except (requests.RequestException, RuntimeError) as exc:
                errors[f"inloggning {user}"].append(str(exc)[:100])
    for _round in range(warmup):  # unmeasured: a new worker's first search builds its name index
        for _name, user, path in endpoints:
            if user in sessions and user != "api":
                try:
                    sessions[user].get(f"{base}{path}", timeout=120)
                except requests.RequestException:
                    pass
    start.wait()
    n = index
    while time.perf_counter() < window["until"]:
        name, user, path = endpoints[n % len(endpoints)]
        n += 1
        if user not in sessions:
            continue
        s = sessions[user]
        try:
            started = time.perf_counter()
            if user == "api":
                r = s.post(f"{base}{path}", json=api_body(api["users"][n % len(api["users"])],
                                                          n),
                           headers={"Authorization": f"Bearer {api['token']}"}, timeout=60)
            else:
                r = s.get(f"{base}{path}", timeout=60)
            elapsed = time.perf_counter() - started
        except requests.RequestException as exc:
            errors[name].append(str(exc)[:100])
            continue
        if r.status_code >= 400:
            errors[name].append(f"{r.status_code} {r.text[:80]}" if user == "api"
                                else str(r.status_code))
        results[name].append(elapsed)
        if think[1]:
            time.sleep(pause.uniform(*think))


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def report(results, errors, seconds, trivial_name):
    print(f"\n{'endpoint':<30}{'n':>6}{'req/s':>8}{'p50':>8}{'p95':>8}{'p99':>8}  mål")
    base = results.get(trivial_name) or [0.0]
    for name in sorted(results, key=lambda k: (k != trivial_name, k)):
        times = results[name]
        goal = API_GOAL_MS if name.startswith("API") else PAGE_GOAL_MS
        p95 = percentile(times, 95) * 1000
        mark = "" if name == trivial_name else ("ok" if p95 <= goal else f"> {goal} ms")
        print(f"{name:<30}{len(times):>6}{len(times) / seconds:>8.1f}"
              f"{percentile(times, 50) * 1000:>8.0f}{p95:>8.0f}"
              f"{percentile(times, 99) * 1000:>8.0f}  {mark}"
              + (f"  fel: {len(errors[name])} {errors[name][:2]}" if errors.get(name) else ""))
    for name in sorted(set(errors) - set(results)):
        print(f"{name:<30} fel: {len(errors[name])} {errors[name][:2]}")
    total = sum(len(v) for v in results.values())
    print(f"\nTotalt {total} anrop på {seconds:.0f} s = {total / seconds:.1f} req/s; "
          f"trivial p50 {percentile(base, 50) * 1000:.0f} ms i samma körning.")


def main() -> None:
    args = sys.argv[1:]
    users = int(os.environ.get("BENCH_USERS", 20))
    seconds = float(os.environ.get("BENCH_SECONDS", 60))
    workers = int(os.environ.get("BENCH_WORKERS", 4))
    port = int(os.environ.get("BENCH_PORT", 8765))
    think = tuple(float(x) for x in os.environ.get("BENCH_THINK", "1-3").split("-"))[:2]
    think = think if len(think) == 2 else (think[0], think[0])
    warmup = int(os.environ.get("BENCH_WARMUP", 1))
    endpoints = list(ENDPOINTS)
    proc, api = None, None
    instance = tempfile.mkdtemp(prefix="bench-load-")
    try:
        if "--url" in args:
            base = args[args.index("--url") + 1].rstrip("/")
        else:
            scale = os.environ.get("BENCH_SCALE", "large")
            url = os.environ.get("BENCH_DATABASE_URL") or ensure_postgres(scale)
            env = server_env(url, instance)
            if os.environ.get("BENCH_PREPARE", "1") != "0":  # 0: the data is loaded already
                prepare(env, scale)
            api = api_fixture(env)
            proc = start_gunicorn(env, workers, port)
            base = f"http://127.0.0.1:{port}"
        if api:
            endpoints.append(("API tidrapport (POST)", "api", "/api/v1/timereports"))
        endpoints.append(TRIVIAL)
        # every virtual user cycles through all endpoints, each starting at another one
        results, errors = defaultdict(list), defaultdict(list)
        window: dict[str, float] = {}
        start = threading.Barrier(users + 1, action=lambda: window.update(
            until=time.perf_counter() + seconds))
        threads = [threading.Thread(target=worker, args=(base, endpoints, api, window, start,
                                                         results, errors, i, think, warmup))
                   for i in range(users)]
        print(f"{users} samtidiga användare, {seconds:.0f} s, {workers} gunicorn-arbetare, {base}"
              f"; betänketid {think[0]:g}–{think[1]:g} s mellan anropen; inloggningar och "
              f"{warmup} uppvärmningsvarv före mätningen")
        for t in threads:
            t.start()
        start.wait()
        for t in threads:
            t.join()
        report(results, errors, seconds, TRIVIAL[0])
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
