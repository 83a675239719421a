"""Time-report checks at national scale (prints figures; not part of the test run).

Generates one month (March 2024) for BENCH_USERS users (15 000), 4 assistants each (60 000)
and 25 shifts per assistant (1.5 M shifts), with planted violations of every reason code, then
runs ``flask assistance check --month 2024-03 --json`` in a subprocess and reports:

* the load time (bulk insert of the month, timed separately: the "import"),
* wall time, CPU time and peak memory (max RSS) of the check command (on a shared machine
  the CPU time is the fairer figure: wall time grows with the load average),
* precision and recall per code against the planted truth.

Goal: <= 20 s and <= 1.5 GB on a 2-core machine, recall and precision 1.0.

    .venv/bin/python bench/bench_timereports.py            # BENCH_USERS=1500 for a quick run
    BENCH_KEEP=/tmp/tr .venv/bin/python bench/bench_timereports.py   # keep the database and
                                       # the truth there; a second run reuses them (check only)
    BENCH_PROFILE=/tmp/tr.prof ...     # also write a cProfile of the check command

Truth keys: row ids for codes about rows; the user (HOURS_ABOVE_DECISION, REPEATED_REPORT,
MISSING_APPROVAL) or the assistant (WORKING_TIME_CAP) for codes about a whole month.
"""
from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, date, datetime
from datetime import time as clock

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from oversight.identifiers import luhn_check_digit  # noqa: E402

USERS = int(os.environ.get("BENCH_USERS", "15000"))
PER_USER, DAYS = 4, 25
PLANT = max(10, USERS // 300)  # planted cases per code
MARCH, FEB = date(2024, 3, 1), date(2024, 2, 1)
USER_KEYED = {"HOURS_ABOVE_DECISION", "REPEATED_REPORT", "MISSING_APPROVAL"}
ASSISTANT_KEYED = {"WORKING_TIME_CAP"}


def pnr(year: int, month: int, day: int, serial: int) -> str:
    ten = f"{year % 100:02d}{month:02d}{day:02d}{serial % 1000:03d}"
    return f"{year // 100}{ten}{luhn_check_digit(ten)}"


def person(i: int, year: int) -> str:
    return pnr(year, 1 + i % 12, 1 + (i // 12) % 28, (i // 336) % 1000)


def orgnr(i: int) -> str:
    body = f"5{(20_000_000 + i * 7919) % 10**8:08d}"
    body = body[:2] + str(2 + i % 8) + body[3:]
    digits = body + luhn_check_digit(body)
    return f"{digits[:6]}-{digits[6:]}"


def build(url: str):
    os.environ["OVERSIGHT_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="bench-tr-")
    from oversight.app import create_app
    from oversight.extensions import db

    app = create_app({"SECRET_KEY": "b" * 40, "DATABASE_URL": url})
    with app.app_context():
        db.create_all()
        from oversight.rule_values import seed_defaults
        seed_defaults(db.session)
        db.session.commit()
        started = time.perf_counter()
        truth = _load(db)
        db.session.commit()
        return time.perf_counter() - started, truth


def _ins(db, table, rows):
    if rows:
        db.session.execute(table.insert(), rows)


def _load(db):  # noqa: C901  (one generator, read top to bottom)
    from assistance.models import Arrangement, AssistanceDecision, AssistanceUser, Permit
    from assistance.timereport_models import (
        Assistant,
        AssistantApproval,
        HospitalStay,
        TimeReport,
        TimeReportLine,
    )
    from oversight.auth.models import Department
    from oversight.organisations.models import Organisation

    now = datetime.now(UTC)
    truth = defaultdict(set)
    n_dept, n_prov = 11, max(20, USERS // 30)
    _ins(db, Department.__table__, [dict(id=i + 1, code=f"sdf-{i}", name=f"Stadsdel {i}",
                                         kind="district", created_at=now, updated_at=now)
                                    for i in range(n_dept)])
    _ins(db, Organisation.__table__, [dict(id=i + 1, orgnr=orgnr(i), name=f"Anordnare {i} AB",
                                           is_sole_trader=False, created_at=now, updated_at=now)
                                      for i in range(n_prov)])
    revoked = {2: None, 3: date(2024, 3, 5)}  # provider index -> day the users were told
    permits = []
    for i in range(n_prov):
        permits.append(dict(organisation_id=i + 1, activity="LSS 9 § 2 personlig assistans",
                            status="valid", valid_from=date(2020, 1, 1), source="demo",
                            recorded_at=now))
        if i in revoked:
            permits.append(dict(organisation_id=i + 1, activity="LSS 9 § 2 personlig assistans",
                                status="revoked", valid_from=date(2024, 3, 10), source="demo",
                                recorded_at=now))
    _ins(db, Permit.__table__, permits)
    plant = {}  # user index -> code planted there
    codes = ["ASSISTANT_OVERLAP", "HOURS_ABOVE_DECISION", "NO_DECISION", "HOSPITAL_STAY",
             "ASSISTANT_UNDER_18", "ASSISTANT_OUTSIDE_EEA", "ASSISTANT_NO_WORK_PERMIT",
             "WORKING_TIME_CAP", "AFTER_DEATH", "REPEATED_REPORT", "MISSING_APPROVAL",
             "SHIFT_INVALID", "RELATIVE_52_NEGATIVE"]
    safe_users = [u for u in range(USERS) if (u % n_prov) not in revoked]
    for k, code in enumerate(codes):
        for j in range(PLANT):
            plant[safe_users[(k * PLANT + j) * 7 % len(safe_users)]] = code
    users, decisions, arrangements, assistants, stays = [], [], [], [], []
    reports, lines, approvals = [], [], []
    line_id, report_id = 0, 0
    overlap_partner, first_line = {}, {}
    for u in range(USERS):
        code = plant.get(u)
        prov = u % n_prov
        pid = person(u, 1940 + u % 50)
        death = date(2024, 3, 20) if code == "AFTER_DEATH" else None
        users.append(dict(id=u + 1, department_id=1 + u % n_dept, person_id=pid, name=f"B {u}",
                          death_date=death, created_at=now, updated_at=now))
        hpw = {"HOURS_ABOVE_DECISION": 100, "WORKING_TIME_CAP": 168,
               "RELATIVE_52_NEGATIVE": 168}.get(code, 140)
        start = date(2024, 3, 16) if code == "NO_DECISION" else date(2023, 1, 1)
        decisions.append(dict(assistance_user_id=u + 1, valid_from=start, hours_per_week=hpw,
                              basis="lss", created_at=now, updated_at=now))
        arrangements.append(dict(assistance_user_id=u + 1, valid_from=date(2023, 1, 1),
                                 kind="provider", provider_organisation_id=prov + 1,
                                 user_told_of_revocation_on=revoked.get(prov),
                                 created_at=now, updated_at=now))
        if code == "HOSPITAL_STAY":
            stays.append(dict(assistance_user_id=u + 1, start=date(2024, 3, 10),
                              end=date(2024, 3, 12), special_reasons=False,
                              created_at=now, updated_at=now))
        report_id += 1
        approved = code != "MISSING_APPROVAL"
        reports.append(dict(id=report_id, department_id=1 + u % n_dept, assistance_user_id=u + 1,
                            provider_organisation_id=prov + 1, provider_key=prov + 1,
                            month=MARCH, version=1, status="approved" if approved else "submitted",
                            source="api", content_hash=f"{u:064d}", submitted_at=now,
                            user_approved_by="B" if approved else None,
                            user_approved_at=now if approved else None))
        if code == "MISSING_APPROVAL":
            truth[code].add(pid)
        if code in ("HOURS_ABOVE_DECISION", "REPEATED_REPORT"):
            truth[code].add(pid)
        first_line[u] = line_id + 1
        for k in range(PER_USER):
            a = u * PER_USER + k
            born = (2006, 3, 15) if code == "ASSISTANT_UNDER_18" and k == 0 else None
            aid = pnr(*born, a) if born else person(a, 1960 + a % 40)
            facts = dict(lives_in_eea=not (code == "ASSISTANT_OUTSIDE_EEA" and k == 0),
                         needs_work_permit=code == "ASSISTANT_NO_WORK_PERMIT" and k == 0,
                         work_permit_until=(date(2024, 3, 20) if code == "ASSISTANT_NO_WORK_PERMIT"
                                            and k == 0 else None),
                         relative_of_person_id=pid if code == "RELATIVE_52_NEGATIVE" and k == 0
                         else None)
            assistants.append(dict(provider_organisation_id=prov + 1, assistant_id=aid,
                                   created_at=now, updated_at=now, **facts))
            approvals.append(dict(report_id=report_id, assistant_id=aid, approved_by="A",
                                  approved_at=now))
            long_ = k == 0 and code in ("WORKING_TIME_CAP", "RELATIVE_52_NEGATIVE")
            if code == "WORKING_TIME_CAP" and k == 0:
                truth[code].add(aid)
            for d in range(1, DAYS + 1):
                line_id += 1
                day = date(2024, 3, d)
                lines.append(dict(id=line_id, report_id=report_id, line_no=line_id,
                                  assistant_id=aid, day=day, start=clock(8),
                                  end=clock(16) if long_ else clock(14), kind="ordinary"))
                row_code = _row_code(code, k, d, prov, revoked)
                if row_code:
                    truth[row_code].add(line_id)
                if code == "ASSISTANT_OVERLAP" and k == 0 and d == 5:
                    overlap_partner[u] = (aid, line_id)
        if code == "SHIFT_INVALID":
            line_id += 1
            lines.append(dict(id=line_id, report_id=report_id, line_no=line_id,
                              assistant_id=assistants[-1]["assistant_id"], day=date(2024, 4, 2),
                              start=clock(8), end=clock(9), kind="ordinary"))
            truth[code].add(line_id)
    # overlaps: the assistant also reported at the next user (another provider) at 10-12
    for u, (aid, row) in overlap_partner.items():
        other = next(v for v in range(u + 1, u + 500) if v % USERS not in plant
                     and (v % USERS) % n_prov not in revoked) % USERS
        line_id += 1
        lines.append(dict(id=line_id, report_id=other + 1, line_no=line_id, assistant_id=aid,
                          day=date(2024, 3, 5), start=clock(10), end=clock(12), kind="ordinary"))
        approvals.append(dict(report_id=other + 1, assistant_id=aid, approved_by="A",
                              approved_at=now))
        truth["ASSISTANT_OVERLAP"] |= {row, line_id}
    # copied reports: February repeats March day by day for the REPEATED_REPORT users
    for u, code in plant.items():
        if code != "REPEATED_REPORT":
            continue
        report_id += 1
        reports.append(dict(id=report_id, department_id=1 + u % n_dept, assistance_user_id=u + 1,
                            provider_organisation_id=u % n_prov + 1, provider_key=u % n_prov + 1,
                            month=FEB, version=1, status="approved", source="api",
                            content_hash=f"f{u:063d}", submitted_at=now, user_approved_by="B",
                            user_approved_at=now))
        start = first_line[u] - 1
        for ln in lines[start:start + PER_USER * DAYS]:
            line_id += 1
            lines.append(dict(ln, id=line_id, report_id=report_id, day=ln["day"].replace(month=2)))
    for table, rows in ((AssistanceUser.__table__, users), (AssistanceDecision.__table__, decisions),
                        (Arrangement.__table__, arrangements), (Assistant.__table__, assistants),
                        (HospitalStay.__table__, stays), (TimeReport.__table__, reports),
                        (TimeReportLine.__table__, lines), (AssistantApproval.__table__, approvals)):
        for i in range(0, len(rows), 50_000):
            _ins(db, table, rows[i:i + 50_000])
    print(f"generated: {USERS} users, {len(assistants)} assistants, {len(lines)} shifts, "
          f"{len(plant)} planted users")
    return truth


def _row_code(code, k, d, prov, revoked):
    if prov in revoked:  # never a planted user: only the permit check applies
        told = revoked[prov]
        return "PROVIDER_NO_PERMIT" if d > (9 if told is None else told.day + 14) else None
    if code == "NO_DECISION" and d < 16:
        return code
    if code == "HOSPITAL_STAY" and 10 <= d <= 12:
        return code
    if code == "ASSISTANT_UNDER_18" and k == 0 and d < 15:
        return code
    if code == "ASSISTANT_OUTSIDE_EEA" and k == 0:
        return code
    if code == "ASSISTANT_NO_WORK_PERMIT" and k == 0 and d > 20:
        return code
    if code == "AFTER_DEATH" and d > 20:
        return code
    return None


def run_check(url: str) -> tuple[float, float, list[dict]]:
    env = dict(os.environ, OVERSIGHT_DATABASE_URL=url, OVERSIGHT_SECRET_KEY="b" * 40,
               FLASK_APP="wsgi.py")
    out = tempfile.NamedTemporaryFile(delete=False, suffix=".jsonl")
    profile = os.environ.get("BENCH_PROFILE")
    runner = ["-m", "cProfile", "-o", profile, "-m"] if profile else ["-m"]
    started = time.perf_counter()
    subprocess.run([sys.executable, *runner, "flask", "assistance", "check", "--month", "2024-03",
                    "--json"], cwd=ROOT, env=env, stdout=out, check=True)
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_mb = usage.ru_maxrss / 1024
    print(f"check CPU time (user+system): {usage.ru_utime + usage.ru_stime:.1f} s; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with open(out.name, encoding="utf-8") as f:
        lines = sorted(line for line in f if line.startswith("{"))
    digest = hashlib.sha256("".join(lines).encode()).hexdigest()[:16]
    print(f"findings digest (sorted JSON lines; equal digests: the same findings): {digest}")
    rows = [json.loads(line) for line in lines]
    return wall, peak_mb, rows


def score(truth, rows):
    predicted = defaultdict(set)
    for r in rows:
        code = r["code"]
        if code in USER_KEYED:
            predicted[code].add(r["person_id"])
        elif code in ASSISTANT_KEYED:
            predicted[code].add(r["assistant_id"])
        else:
            predicted[code] |= set(r["rows"])
    print(f"{'code':28} {'planted':>8} {'found':>8} {'precision':>9} {'recall':>7}")
    for code in sorted(set(truth) | set(predicted)):
        t, p = truth.get(code, set()), predicted.get(code, set())
        hit = len(t & p)
        precision = hit / len(p) if p else 1.0
        recall = hit / len(t) if t else 1.0
        print(f"{code:28} {len(t):8} {len(p):8} {precision:9.3f} {recall:7.3f}")


def _built(url: str):
    """Build the month, or with BENCH_KEEP reuse the database and truth kept there."""
    keep = os.environ.get("BENCH_KEEP")
    saved = os.path.join(keep, "truth.json") if keep else None
    pristine = os.path.join(keep, "pristine.db") if keep else None
    if saved and os.path.exists(saved):
        if url.startswith("sqlite:///"):  # every check starts from the month as loaded
            shutil.copyfile(pristine, url.removeprefix("sqlite:///"))
        with open(saved, encoding="utf-8") as f:
            print(f"reusing the month kept in {keep}")
            return {code: set(keys) for code, keys in json.load(f).items()}
    load_s, truth = build(url)
    print(f"load (bulk insert of the month): {load_s:.1f} s")
    if saved:
        if url.startswith("sqlite:///"):
            shutil.copyfile(url.removeprefix("sqlite:///"), pristine)
        with open(saved, "w", encoding="utf-8") as f:
            json.dump({code: sorted(keys) for code, keys in truth.items()}, f)
    return truth


def main():
    folder = os.environ.get("BENCH_KEEP") or tempfile.mkdtemp(prefix="bench-timereports-")
    os.makedirs(folder, exist_ok=True)
    url = os.environ.get("BENCH_DATABASE_URL") or "sqlite:///" + os.path.join(folder, "bench.db")
    truth = _built(url)
    wall, peak, rows = run_check(url)
    print(f"flask assistance check: {wall:.1f} s wall, peak RSS {peak:.0f} MB, "
          f"{len(rows)} findings")
    score(truth, rows)


if __name__ == "__main__":
    main()
