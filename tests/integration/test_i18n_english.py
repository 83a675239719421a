"""Errors read in English in the English UI and in an English installation's CLI."""
from __future__ import annotations

import pytest

from oversight.app import create_app
from tests.conftest import PASSWORD, config_for_tests, login


def test_a_flashed_error_reads_in_english_after_the_language_switch(client, make, db):
    make.user(username="anna")
    db.session.commit()
    assert "Fel användarnamn eller lösenord." in login(client, "anna", "fel").get_data(as_text=True)
    client.post("/language/en", data={"next": "/login"})
    body = login(client, "anna", "wrong-password").get_data(as_text=True)
    assert "Wrong username or password." in body
    assert "Fel användarnamn" not in body


def test_a_service_error_reads_in_english_for_an_english_user(login_as, make):
    c = login_as(make.user(role="lss"))
    c.post("/language/en", data={"next": "/"})
    response = c.post("/password", data={"current": "not-my-password", "new": PASSWORD + "x2",
                                         "repeat": PASSWORD + "x2"})
    body = response.get_data(as_text=True)
    assert "The current password is wrong." in body
    assert "Nuvarande lösenord stämmer inte" not in body


def test_a_flash_with_a_placeholder_reads_in_english(login_as, make):
    c = login_as(make.user(role="admin"))
    c.post("/language/en", data={"next": "/"})
    response = c.post("/admin/audit/verify", follow_redirects=True)
    body = response.get_data(as_text=True)
    assert "The chain is intact:" in body and "entries checked." in body


@pytest.fixture
def english_cli(app, monkeypatch):
    """A CLI runner of an installation with OVERSIGHT_DEFAULT_LOCALE=en (its own app context,
    as `flask` has, not the test session's)."""
    monkeypatch.setenv("OVERSIGHT_DEFAULT_LOCALE", "en")
    english = create_app(config_for_tests())
    assert english.config["DEFAULT_LOCALE"] == "en"
    with english.app_context():
        yield english.test_cli_runner()


def _output(result) -> str:
    try:
        return result.output + result.stderr
    except ValueError:  # older click: stderr mixed into output
        return result.output


def test_a_cli_error_reads_in_english_with_the_english_default_locale(english_cli):
    result = english_cli.invoke(args=["jobs", "retry", "987654"])
    assert result.exit_code != 0
    out = _output(result)
    assert "Error: Job 987654 does not exist." in out
    assert "Traceback" not in out and "finns inte" not in out


def test_a_cli_click_exception_reads_in_english(english_cli):
    result = english_cli.invoke(args=["users", "create", "eva", "--name", "Eva", "--role", "lss",
                                      "--department", "no-such-department", "--password", "x"])
    assert result.exit_code != 0
    assert "Error: Unknown department: no-such-department" in _output(result)


def test_the_same_cli_error_reads_in_swedish_by_default(runner):
    result = runner.invoke(args=["jobs", "retry", "987654"])
    assert result.exit_code != 0
    assert "Fel: Jobb 987654 finns inte." in _output(result)


def test_form_validation_and_error_pages_read_in_english(client):
    client.post("/language/en", data={"next": "/login"})
    body = client.post("/login", data={"username": "", "password": ""}).get_data(as_text=True)
    assert "Enter your username." in body and "Ange användarnamn" not in body
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    assert "Page not found" in missing.get_data(as_text=True)


def test_a_flashed_success_reads_in_english(login_as, make):
    user = make.user(role="procurement")
    org = make.organisation()
    c = login_as(user)
    c.post("/language/en", data={"next": "/"})
    body = c.post(f"/organisations/{org.id}/notes", data={"body": "Ring tillbaka."},
                  follow_redirects=True).get_data(as_text=True)
    assert "The note has been saved (visible only to your department)." in body


def test_identifier_errors_follow_the_installation_language(monkeypatch):
    from oversight.identifiers import validate_orgnr

    monkeypatch.setenv("OVERSIGHT_DEFAULT_LOCALE", "en")
    english = create_app(config_for_tests())
    with english.app_context():  # a job or the CLI: no request, the installation's language
        assert validate_orgnr("556000-0002").error == "The check digit is wrong"
        assert validate_orgnr("5560").error.startswith("Wrong number of digits (4)")
    assert validate_orgnr("556000-0002").error == "Kontrollsiffran stämmer inte"  # no app: source
