"""The assistance, case and statistics modules speak English in an English installation and UI,
and keep their Swedish text in a Swedish one (the gettext sweep of those modules)."""
from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale

from assistance.shift_times import parse_month
from oversight.app import create_app
from oversight.cases.transitions import TransitionRefused, check
from tests.conftest import config_for_tests


@pytest.fixture
def english_cli(app, monkeypatch):
    """A CLI runner of an installation with OVERSIGHT_DEFAULT_LOCALE=en (its own app context)."""
    monkeypatch.setenv("OVERSIGHT_DEFAULT_LOCALE", "en")
    english = create_app(config_for_tests())
    with english.app_context():
        yield english.test_cli_runner()


def _output(result) -> str:
    try:
        return result.output + result.stderr
    except ValueError:  # older click: stderr mixed into output
        return result.output


def test_a_statistics_cli_error_reads_in_english(english_cli):
    result = english_cli.invoke(args=["statistics", "show", "--year", "2026", "--month", "13"])
    assert result.exit_code != 0
    assert "The month must be 1–12." in _output(result)


def test_a_statistics_cli_error_with_a_placeholder_reads_in_english(english_cli):
    result = english_cli.invoke(args=["statistics", "show", "--year", "2026",
                                      "--department", "no-such-dept"])
    assert result.exit_code != 0
    assert "Unknown department: no-such-dept" in _output(result)


def test_the_swedish_installation_keeps_the_swedish_text(app):
    result = app.test_cli_runner().invoke(args=["statistics", "show", "--year", "2026",
                                                "--month", "13"])
    assert result.exit_code != 0
    assert "Månaden ska vara 1–12." in _output(result)


def test_a_time_report_parse_error_reads_in_english(app):
    with app.test_request_context(), force_locale("en"), pytest.raises(ValueError) as caught:
        parse_month("mars")
    assert str(caught.value) == "Invalid month 'mars': enter YYYY-MM, e.g. 2026-03."
    with app.test_request_context(), pytest.raises(ValueError) as caught:
        parse_month("mars")
    assert str(caught.value) == "Ogiltig månad 'mars': ange ÅÅÅÅ-MM, t.ex. 2026-03."


def test_a_refused_case_transition_reads_in_english(app):
    with app.test_request_context(), force_locale("en"), pytest.raises(TransitionRefused) as caught:
        check("assessment", "not_opened")
    assert str(caught.value) == "State the reason for not opening an investigation."


def test_the_case_register_speaks_english_to_an_english_investigator(make, db, login_as):
    from oversight.cases import services

    jarva = make.department(code="sdf-jarva", name="Järva")
    investigator = make.user(role="investigator", department=jarva, username="inv.jarva")
    db.session.commit()
    case = services.register_case(db.session, investigator, department=jarva, title="Oredovisad lön",
                                  source="caseworker", person_name="Testperson",
                                  person_pnr="850312-1231", received_on=date.today())
    db.session.commit()
    client = login_as(investigator)
    client.post("/language/en", data={"next": "/"})
    refused = client.post(f"/cases/{case.id}/transition", data={"target": "closed"},
                          follow_redirects=True).get_data(as_text=True)
    assert "cannot move to" in refused and "kan inte gå till" not in refused
    created = client.post("/cases/new", data={"title": "Tips", "source": "caseworker",
                                              "person_pnr": "850312-1231", "person_name": "Test"},
                          follow_redirects=True).get_data(as_text=True)
    assert "The report is registered." in created and "Uppgiften är registrerad." not in created
