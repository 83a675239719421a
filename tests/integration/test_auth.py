from datetime import timedelta

from sqlalchemy import select

from oversight.auth.models import LoginAttempt, User
from oversight.db import utcnow
from tests.conftest import PASSWORD, login


def test_login_logout_and_protected_pages(client, make, db):
    user = make.user(role="grants")
    db.session.commit()
    assert client.get("/").status_code == 302  # anonymous -> login
    response = login(client, user.username)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Att uppmärksamma" in client.get("/").get_data(as_text=True)
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_without_saying_which_part(client, make, db):
    user = make.user()
    db.session.commit()
    page = login(client, user.username, "wrong-password").get_data(as_text=True)
    assert "Fel användarnamn eller lösenord" in page
    page = login(client, "nobody", "wrong-password").get_data(as_text=True)
    assert "Fel användarnamn eller lösenord" in page


def test_password_is_stored_as_argon2(make, db):
    user = make.user()
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_production_cost_and_a_login_rehashes_a_password_stored_with_another(app, make, db):
    from oversight.auth.services import hash_password

    user = make.user()
    db.session.commit()
    assert "$m=1024,t=1," in user.password_hash  # the tests' cost (conftest)
    app.config.update(PASSWORD_HASH_TIME_COST=3, PASSWORD_HASH_MEMORY_KIB=65_536)
    try:
        assert "$m=65536,t=3," in hash_password("Ett-annat-lösenord-2026")
        assert login(app.test_client(), user.username).status_code == 302
        db.session.expire_all()
        assert "$m=65536,t=3," in db.session.get(User, user.id).password_hash
    finally:
        app.config.update(PASSWORD_HASH_TIME_COST=1, PASSWORD_HASH_MEMORY_KIB=1024)


def test_throttle_after_repeated_failures_even_with_the_right_password(app, client, make, db):
    user = make.user()
    db.session.commit()
    limit = app.config["LOGIN_MAX_ATTEMPTS"]
    for _ in range(limit):
        assert login(client, user.username, "nope").status_code == 200
    response = login(client, user.username)  # correct password, but locked
    assert response.status_code == 429
    assert "För många misslyckade inloggningar" in response.get_data(as_text=True)


def test_throttle_window_expires(app, client, make, db):
    user = make.user()
    old = utcnow() - timedelta(minutes=app.config["LOGIN_WINDOW_MINUTES"] + 1)
    for _ in range(app.config["LOGIN_MAX_ATTEMPTS"]):
        db.session.add(LoginAttempt(username=user.username, remote_addr="10.0.0.1",
                                    success=False, at=old))
    db.session.commit()
    assert login(client, user.username).status_code == 302


def test_inactive_user_cannot_log_in(client, make, db):
    user = make.user()
    user.active = False
    db.session.commit()
    assert "Fel användarnamn eller lösenord" in login(client, user.username).get_data(as_text=True)


def test_change_password(client, make, db):
    user = make.user()
    db.session.commit()
    login(client, user.username)
    bad = client.post("/password", data={"current": "wrong", "new": "a-new-long-password",
                                         "repeat": "a-new-long-password"})
    assert "Nuvarande lösenord stämmer inte" in bad.get_data(as_text=True)
    ok = client.post("/password", data={"current": PASSWORD, "new": "a-new-long-password",
                                        "repeat": "a-new-long-password"})
    assert ok.status_code == 302
    client.post("/logout")
    assert login(client, user.username, "a-new-long-password").status_code == 302


def test_open_redirect_after_login_is_refused(client, make, db):
    user = make.user()
    db.session.commit()
    response = client.post("/login?next=//evil.example/x",
                           data={"username": user.username, "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_admin_manages_users_and_others_cannot(login_as, make, db):
    dept = make.department()
    admin, officer = make.user(role="admin", department=dept), make.user(role="lss", department=dept)
    assert login_as(officer).get("/admin/users").status_code == 403
    c = login_as(admin)
    assert officer.username in c.get("/admin/users").get_data(as_text=True)
    response = c.post("/admin/users/new", data={
        "username": "ny.handlaggare", "name": "Ny Handläggare", "role": "grants",
        "department_id": dept.id, "active": "y", "password": "ett-langt-losenord"})
    assert response.status_code == 302
    created = db.session.scalar(select(User).where(User.username == "ny.handlaggare"))
    assert created.role == "grants" and created.department_id == dept.id


def test_cli_creates_user(runner, make, db):
    make.department(code="sdf-test")
    db.session.commit()
    result = runner.invoke(args=["users", "create", "cli.user", "--name", "Cli Användare",
                                 "--role", "investigator", "--department", "sdf-test",
                                 "--password", "ett-langt-losenord"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.username == "cli.user")).role == "investigator"
    short = runner.invoke(args=["users", "create", "x", "--name", "X", "--role", "lss",
                                "--department", "sdf-test", "--password", "kort"])
    assert short.exit_code != 0 and "minst 12 tecken" in short.output


def test_departments_cli_expresses_a_merger(runner, db):
    from oversight.auth.models import Department
    assert runner.invoke(args=["departments", "add", "sdf-jarva", "Järva stadsdelsförvaltning",
                               "--kind", "district", "--valid-from", "2020-01-01"]).exit_code == 0
    result = runner.invoke(args=["departments", "add", "sdf-rinkeby-kista", "Rinkeby-Kista",
                                 "--kind", "district", "--valid-to", "2019-12-31",
                                 "--successor", "sdf-jarva"])
    assert result.exit_code == 0, result.output
    jarva = db.session.scalar(select(Department).where(Department.code == "sdf-jarva"))
    assert [d.code for d in jarva.predecessors] == ["sdf-rinkeby-kista"]
    from datetime import date
    old = jarva.predecessors[0]
    assert old.is_valid_on(date(2019, 6, 1)) and not old.is_valid_on(date(2020, 6, 1))
    bad = runner.invoke(args=["departments", "add", "x", "X", "--successor", "finns-inte"])
    assert bad.exit_code != 0 and "Okänd efterträdare" in bad.output
    listing = runner.invoke(args=["departments", "list"]).output
    assert "sdf-rinkeby-kista" in listing and "→ sdf-jarva" in listing


def test_admin_departments_page_shows_succession(login_as, make, db):
    jarva = make.department(code="sdf-jarva", name="Järva stadsdelsförvaltning")
    make.department(code="sdf-rk", name="Rinkeby-Kista stadsdelsförvaltning", successor=jarva)
    c = login_as(make.user(role="admin"))
    page = c.get("/admin/departments").get_data(as_text=True)
    assert "Rinkeby-Kista stadsdelsförvaltning" in page and page.count("Järva stadsdelsförvaltning") >= 2
    assert login_as(make.user(role="lss")).get("/admin/departments").status_code == 403
