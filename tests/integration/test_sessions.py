"""Issue 10, defect 6: sessions end (generation per user, absolute and idle limits, strong
protection that really ends a session whose address changed)."""
from oversight import sessions
from oversight.auth import services
from tests.conftest import PASSWORD, login


def _cookie(client) -> str:
    return client.get_cookie("session").value


def _replay(app, cookie: str, addr: str = "127.0.0.1"):
    thief = app.test_client()
    thief.environ_base["REMOTE_ADDR"] = addr
    thief.set_cookie("session", cookie)
    return thief


def _logged_in(client) -> bool:
    return client.get("/").status_code == 200


def test_a_cookie_saved_before_logout_no_longer_works(app, login_as, make):
    c = login_as(make.user())
    saved = _cookie(c)
    assert _logged_in(_replay(app, saved))  # the replay works while the session lives
    c.post("/logout")
    assert not _logged_in(_replay(app, saved))


def test_logout_ends_the_users_other_sessions(app, login_as, make):
    user = make.user()
    first, second = login_as(user), login_as(user)
    first.post("/logout")
    assert not _logged_in(second)


def test_password_change_ends_other_sessions_but_keeps_this_one(app, login_as, make):
    user = make.user()
    here, elsewhere = login_as(user), login_as(user)
    response = here.post("/password", data={"current": PASSWORD, "new": "ett-helt-nytt-losenord",
                                            "repeat": "ett-helt-nytt-losenord"})
    assert response.status_code == 302
    assert _logged_in(here) and not _logged_in(elsewhere)


def test_deactivation_role_and_department_change_end_sessions(app, login_as, make, db):
    dept, other = make.department(), make.department()
    admin = make.user(role="admin", department=dept)
    for change in ({"role": "auditor"}, {"department_id": other.id}, {"active": ""}):
        user = make.user(role="lss", department=dept)
        victim = login_as(user)
        data = {"username": user.username, "name": user.name, "role": "lss",
                "department_id": dept.id, "active": "y"} | change
        if not change.get("active", "y"):
            data.pop("active")
        assert login_as(admin).post(f"/admin/users/{user.id}", data=data).status_code == 302
        assert not _logged_in(victim), change


def test_an_unchanged_user_keeps_the_session(app, login_as, make, db):
    user = make.user()
    c = login_as(user)
    services.update_user(db.session, None, user, name="Nytt Namn", role=user.role,
                         department=user.department, active=True, email=None)
    db.session.commit()
    assert _logged_in(c)


def test_absolute_and_idle_limits(app, make, db):
    user = make.user()
    config = {"SESSION_HOURS": 8, "SESSION_IDLE_MINUTES": 30}
    store: dict = {}
    sessions.start(store, user, now=1_000_000)
    assert sessions.is_valid(store, user, config, now=1_000_000 + 29 * 60)
    assert not sessions.is_valid(store, user, config, now=1_000_000 + 29 * 60 + 31 * 60)
    store = {}
    sessions.start(store, user, now=0)
    for minute in range(0, 8 * 60, 20):  # active all day: the idle clock keeps moving
        assert sessions.is_valid(store, user, config, now=minute * 60)
    assert not sessions.is_valid(store, user, config, now=8 * 3600 + 1)  # absolute limit
    assert not sessions.is_valid({}, user, config, now=0)  # a session without the marks


def test_idle_session_is_logged_out_through_the_app(app, login_as, make):
    c = login_as(make.user())
    with c.session_transaction() as sess:
        sess[sessions.SEEN_AT] -= 31 * 60
    assert not _logged_in(c)


def test_session_is_a_browser_session_and_strong_protection_applies(app, login_as, make):
    c = login_as(make.user())
    with c.session_transaction() as sess:
        assert not sess.permanent
    assert "Expires" not in c.get("/").headers.get("Set-Cookie", "")
    # The same cookie from another address: Flask-Login's strong protection ends the session.
    assert not _logged_in(_replay(app, _cookie(c), addr="203.0.113.9"))


def test_login_starts_a_fresh_session(app, make, db):
    user = make.user()
    db.session.commit()
    c = app.test_client()
    with c.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    login(c, user.username)
    with c.session_transaction() as sess:
        assert "planted" not in sess and sess[sessions.GENERATION] == user.session_generation
