import io

import pytest

from oversight.app import create_app
from oversight.jobs import Job, create_job, dispatch, job_handler
from tests.conftest import PASSWORD, config_for_tests


def test_security_headers_on_every_page(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_csrf_is_enforced_when_enabled(make, db):
    app = create_app(config_for_tests(WTF_CSRF_ENABLED=True))
    user = make.user()
    db.session.commit()
    c = app.test_client()
    response = c.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 400 and "säkerhetstoken" in response.get_data(as_text=True)
    page = c.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    ok = c.post("/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token})
    assert ok.status_code == 302


def test_error_pages_do_not_leak(client, login_as, make):
    c = login_as(make.user(role="lss"))
    missing = c.get("/organisations/999999")
    forbidden = c.get("/admin/users")
    assert missing.status_code == 404 and forbidden.status_code == 403
    for response in (missing, forbidden):
        body = response.get_data(as_text=True)
        assert "Traceback" not in body and "sqlalchemy" not in body.lower()


def test_upload_size_limit(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        response = client.post("/login", data={"f": (io.BytesIO(b"x" * 5000), "big.csv")},
                               content_type="multipart/form-data")
        assert response.status_code == 413 and "större än" in response.get_data(as_text=True)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_UPLOAD_MB"] * 1024 * 1024


def test_production_refuses_default_secret_key():
    with pytest.raises(RuntimeError, match="OVERSIGHT_SECRET_KEY"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": "dev-only-insecure-key",
                    "DATABASE_URL": "sqlite://"})
    with pytest.raises(RuntimeError, match="OVERSIGHT_AUDIT_KEY"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": "x" * 40, "DATABASE_URL": "sqlite://"})
    app = create_app({"ENV_NAME": "production", "SECRET_KEY": "x" * 40, "AUDIT_KEY": "k" * 40,
                      "DATABASE_URL": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["AUDIT_KEY_BYTES"] == b"k" * 40


def test_production_refuses_a_password_hash_below_owasps_minimum():
    base = {"ENV_NAME": "production", "SECRET_KEY": "x" * 40, "AUDIT_KEY": "k" * 40,
            "DATABASE_URL": "sqlite://"}
    for weak in ({"PASSWORD_HASH_TIME_COST": 1}, {"PASSWORD_HASH_MEMORY_KIB": 8192}):
        with pytest.raises(RuntimeError, match="OVERSIGHT_PASSWORD_HASH"):
            create_app({**base, **weak})
    assert create_app(base).config["PASSWORD_HASH_MEMORY_KIB"] == 65_536


def test_environment_overrides_defaults(monkeypatch):
    monkeypatch.setenv("OVERSIGHT_LOGIN_MAX_ATTEMPTS", "9")
    monkeypatch.setenv("OVERSIGHT_DATABASE_URL", "postgresql://u:p@db/x")
    app = create_app()
    assert app.config["LOGIN_MAX_ATTEMPTS"] == 9
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db/x"


def test_language_switch(client, login_as, make):
    c = login_as(make.user())
    c.post("/language/en", data={"next": "/"})
    assert 'lang="en"' in c.get("/").get_data(as_text=True)
    assert "Skip to content" in c.get("/").get_data(as_text=True)


@job_handler("test.count")
def _count(session, job, progress):
    n = job.params["n"]
    for i in range(n):
        progress(i + 1, n, f"{i + 1} av {n}")
    if job.params.get("fail"):
        raise RuntimeError("registret svarade inte")
    return {"counted": n}


def test_job_runs_with_progress_and_status(login_as, make, db):
    user = make.user()
    job = create_job(db.session, user, "test.count", "Räkna", {"n": 3})
    db.session.commit()
    dispatch(job)
    db.session.refresh(job)
    assert job.status == "done" and job.done == 3 and job.percent == 100
    assert job.result == {"counted": 3}
    status = login_as(user).get(f"/jobs/{job.id}.json").get_json()
    assert status["status"] == "done" and status["percent"] == 100


def test_failed_job_is_failed_never_done(make, db):
    user = make.user()
    job = create_job(db.session, user, "test.count", "Räkna", {"n": 2, "fail": True})
    db.session.commit()
    dispatch(job)
    job = db.session.get(Job, job.id)
    db.session.refresh(job)
    assert job.status == "failed" and "registret svarade inte" in job.error and job.percent < 100


def test_job_goes_through_the_real_sqlite_queue(tmp_path, make, db):
    """Not immediate: dispatch enqueues in huey's SQLite storage; a worker executes it."""
    from huey import SqliteHuey

    from oversight.jobs import get_huey

    worker_app = create_app(config_for_tests(JOBS_IMMEDIATE=False))
    worker_app.instance_path = str(tmp_path)
    huey = get_huey(worker_app)
    assert isinstance(huey, SqliteHuey)
    user = make.user()
    job = create_job(db.session, user, "test.count", "Räkna", {"n": 2})
    db.session.commit()
    with worker_app.app_context():
        dispatch(job)
    assert huey.pending_count() == 1
    huey.execute(huey.dequeue())  # what huey_consumer does
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == "done"
