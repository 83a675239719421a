"""Permit-alert benchmark (prints figures; not part of the test run).

Loads the demo (300 assistance users, 42 providers) into a temporary SQLite database, then
scales the population by BENCH_ASSISTANCE_FACTOR (default 10: about 3 000 users, as if every
user in a larger city were registered), and times ``refresh_alerts`` (all districts, the
nightly run) and the district start-page items (one district's open alerts and overdue checks).

    .venv/bin/python bench/bench_assistance_alerts.py
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main() -> None:
    tmp = tempfile.mkdtemp(prefix="bench-assistance-")
    os.environ["OVERSIGHT_INSTANCE_PATH"] = tmp
    from oversight.app import create_app
    from oversight.extensions import db

    app = create_app({"DATABASE_URL": os.environ.get("BENCH_DATABASE_URL")
                      or "sqlite:///" + os.path.join(tmp, "bench.db"), "SECRET_KEY": "x" * 40})
    factor = int(os.environ.get("BENCH_ASSISTANCE_FACTOR", "10"))
    with app.app_context():
        db.create_all()
        from oversight import demo

        demo.load(db.session)
        from assistance import demo as assistance_demo

        assistance_demo.load(db.session)
        _scale(db.session, factor)
        db.session.commit()
        from assistance.alerts import refresh_alerts
        from assistance.models import Arrangement, AssistanceUser

        users = db.session.query(AssistanceUser).count()
        arrangements = db.session.query(Arrangement).count()
        start = time.perf_counter()
        pairs = refresh_alerts(db.session, date.today())
        nightly = time.perf_counter() - start
        from oversight.auth.models import User
        from assistance.hooks import permit_alerts

        officer = db.session.query(User).filter_by(username="lss.jarva").one()
        with app.test_request_context():
            start = time.perf_counter()
            items = permit_alerts(db.session, officer)
            page = time.perf_counter() - start
        print(f"users {users}, arrangements {arrangements}, alerts {len(pairs)}")
        print(f"refresh_alerts (all districts): {nightly:.2f} s")
        print(f"start-page items for lss.jarva: {page * 1000:.0f} ms ({len(items)} items)")


def _scale(session, factor: int) -> None:
    """Copies of every user (new person ids) with the same decisions and arrangements."""
    from assistance.models import Arrangement, AssistanceUser
    from oversight.identifiers import luhn_check_digit

    originals = session.query(AssistanceUser).all()
    serial = 0
    for copy in range(1, factor):
        for u in originals:
            serial += 1
            body = f"{30 + copy:02d}0101{serial % 1000:03d}"
            pid = f"19{body}{luhn_check_digit(body)}"
            if session.query(AssistanceUser.id).filter_by(person_id=pid).first():
                continue
            clone = AssistanceUser(department_id=u.department_id, person_id=pid, name=u.name)
            clone.arrangements = [Arrangement(valid_from=a.valid_from, valid_to=a.valid_to, kind=a.kind,
                                              provider_organisation_id=a.provider_organisation_id)
                                  for a in u.arrangements]
            session.add(clone)
        session.flush()


if __name__ == "__main__":
    main()
