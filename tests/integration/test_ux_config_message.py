"""Issue 11, defect 4: "A message about the platform's configuration goes to the admin, not
into an officer's evidence": the offline sanctions search tells the log how to configure it
and the officer that the lists could not be searched (fail closed, no jargon)."""
from __future__ import annotations

import logging

from registries.base import UNAVAILABLE
from registries.sanctions import SanctionsFixtures


def test_the_configuration_hint_goes_to_the_log_not_into_the_evidence(app, caplog):
    entity = {"schema": "Company", "properties": {"name": ["Okänd AB"]}}
    with app.test_request_context(), caplog.at_level(logging.WARNING, logger="registries.sanctions"):
        (result,) = SanctionsFixtures({}, 0.8).match([("556000-0001", entity)])
    assert result.status == UNAVAILABLE  # fail closed: never "no findings"
    assert "HTTP mode" in caplog.text and "yente" in caplog.text
    assert "yente" not in result.message and "HTTP" not in result.message
    assert "Kontakta systemförvaltningen" in result.message
