"""Issue 10, defect 4: login throttling with growing delays per account and per address.

Time passes by moving the stored attempts back (the throttle reads them from the database)."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from oversight.audit import AuditEntry
from oversight.auth import throttle
from oversight.auth.models import LoginAttempt
from oversight.auth.throttle import Policy, delay_for
from oversight.db import utcnow
from tests.conftest import PASSWORD

OFFICE = "192.0.2.10"  # one municipal office behind NAT


def _client(app, addr=OFFICE):
    c = app.test_client()
    c.environ_base["REMOTE_ADDR"] = addr
    return c


def _login(c, username, password=PASSWORD):
    return c.post("/login", data={"username": username, "password": password})


class _Clock:
    """The throttle's clock: a millisecond per reading, whatever the machine's speed, so a slow
    run does not turn 30 seconds into 29 and attempts keep their order."""

    def __init__(self):
        self.at = utcnow()

    def __call__(self):
        self.at += timedelta(milliseconds=1)
        return self.at


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    fixed = _Clock()
    monkeypatch.setattr(throttle, "now", fixed)
    return fixed


@pytest.fixture
def _let_time_pass(clock):
    def advance(db, seconds):
        clock.at += timedelta(seconds=seconds)
    return advance


def test_delays_grow_and_are_bounded():
    policy = Policy(max_attempts=5, window_minutes=15, delay_seconds=30, max_delay_seconds=900)
    assert [delay_for(n, 5, policy) for n in range(4, 11)] == [0, 30, 60, 120, 240, 480, 900]
    assert delay_for(10_000, 5, policy) == 900


def test_five_wrong_passwords_delay_the_real_user_only_30_seconds(app, make, db, _let_time_pass):
    user = make.user()
    db.session.commit()
    c = _client(app)
    for _ in range(5):
        assert _login(c, user.username, "fel-losenord").status_code == 200
    refused = _login(c, user.username)  # the right password, inside the delay
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "30"
    assert "Försök igen om 30 sekunder" in refused.get_data(as_text=True)
    _let_time_pass(db, 31)
    assert _login(c, user.username).status_code == 302  # let through after the delay


def test_the_delay_doubles_with_each_further_failure(app, make, db, _let_time_pass):
    user = make.user()
    db.session.commit()
    c = _client(app)
    for _ in range(5):
        _login(c, user.username, "fel-losenord")
    _let_time_pass(db, 31)
    assert _login(c, user.username, "fel-losenord").status_code == 200  # sixth failure
    page = _login(c, user.username).get_data(as_text=True)
    assert "Försök igen om 60 sekunder" in page


def test_twenty_failures_on_made_up_names_do_not_lock_out_the_office(app, make, db, _let_time_pass):
    colleague = make.user()
    db.session.commit()
    stranger = _client(app)
    for i in range(20):
        assert _login(stranger, f"finns-inte-{i}", "fel-losenord").status_code == 200
    colleague_client = _client(app)
    refused = _login(colleague_client, colleague.username)
    assert refused.status_code == 429
    assert "Försök igen om 30 sekunder" in refused.get_data(as_text=True)
    _let_time_pass(db, 31)
    assert _login(colleague_client, colleague.username).status_code == 302
    # Another address was never affected.
    assert _login(_client(app, "198.51.100.7"), make.user().username).status_code == 302


def test_a_success_on_one_account_does_not_reset_the_address_counter(app, make, db):
    sprayer_own = make.user()
    db.session.commit()
    c = _client(app)
    for i in range(19):
        _login(c, f"offer{i}", "Sommar2024!!")
    assert _login(c, sprayer_own.username).status_code == 302  # success on account A
    c.post("/logout")
    assert _login(c, "offer19", "Sommar2024!!").status_code == 200  # 20th failure
    refused = _login(c, "offer20", "Sommar2024!!")
    assert refused.status_code == 429  # spraying stays throttled


def test_a_success_resets_the_account_counter(app, make, db):
    user = make.user()
    db.session.commit()
    c = _client(app)
    for _ in range(4):
        _login(c, user.username, "fel-losenord")
    assert _login(c, user.username).status_code == 302
    c.post("/logout")
    for _ in range(4):
        assert _login(c, user.username, "fel-losenord").status_code == 200
    assert _login(c, user.username).status_code == 302


def test_refused_attempts_do_not_make_the_delay_grow(app, make, db, _let_time_pass):
    user = make.user()
    db.session.commit()
    c = _client(app)
    for _ in range(5):
        _login(c, user.username, "fel-losenord")
    for _ in range(10):
        assert _login(c, user.username, "fel-losenord").status_code == 429
    assert db.session.scalar(select(db.func.count()).select_from(LoginAttempt)) == 5
    _let_time_pass(db, 31)
    assert _login(c, user.username).status_code == 302


def test_attempts_are_audited_in_the_login_category(app, make, db, _let_time_pass):
    user = make.user()
    db.session.commit()
    c = _client(app)
    for _ in range(5):
        _login(c, user.username, "fel-losenord")
    _login(c, user.username)
    _let_time_pass(db, 31)
    _login(c, user.username)
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "login")
                                 .order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["failed"] * 5 + ["throttled", "login"]
    assert all(OFFICE in e.summary and user.username in e.summary for e in entries)
    assert entries[-1].actor == user.username and entries[-1].entity_id == str(user.id)
    assert entries[0].actor == "system"


def test_auditor_filters_login_attempts(app, login_as, make, db):
    user = make.user()
    db.session.commit()
    _login(_client(app), user.username, "fel-losenord")
    c = login_as(make.user(role="auditor"))
    page = c.get("/admin/audit?entity=login&action=failed").get_data(as_text=True)
    assert f"Misslyckad inloggning som {user.username}" in page
