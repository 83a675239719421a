"""One label per code: every code an officer may meet has a label in the catalogue, and no
template prints a known code field raw."""
import re
from pathlib import Path

import pytest

from oversight import labels

# Codes seen raw by officers before issue 11 (defect 4), with the kind they belong to.
KNOWN_CODES = [
    ("source", "fixture"), ("source", "platform"), ("source", "warnings"),
    ("source", "complaints"), ("dataset", "local_exclusion"), ("dataset", "eu_edes"),
    ("account_finding", "SHARED_ACCOUNT"), ("account_status", "NOAP"),
    ("account_status", "NMTC"), ("audit_entity", "supplier_hearing_document"),
    ("audit_entity", "user_account"), ("audit_event", "create"), ("audit_event", "update"),
    ("job_status", "failed"), ("job_status", "done"), ("job_status", "interrupted"),
    ("timereport_code", "ASSISTANT_OVERLAP"), ("case_status", "investigation"),
    ("registry_status", "unavailable"),
]


@pytest.mark.parametrize("kind,code", KNOWN_CODES)
def test_every_known_code_has_a_label(kind, code):
    assert labels.has_label(kind, code)
    text = labels.label(code, kind)
    assert text and text != code


def test_every_registered_catalogue_loads_and_labels_differ_from_codes():
    for kind in labels.kinds():
        catalogue = labels.catalogue(kind)
        assert catalogue, kind
        for code, text in catalogue.items():
            assert str(text).strip(), (kind, code)


def test_unknown_code_is_shown_not_hidden():
    assert labels.label("something_new") == "something_new"
    assert 'class="code"' in labels.coded("eu_edes", "dataset")


def test_scores_and_joined_sentences_read_as_words():
    assert "poäng" not in labels.score_phrase(0.97) and "97" in labels.score_phrase(0.97)
    assert labels.join_sentences(["Konkurs.", "Skulder;", ""]) == "Konkurs. Skulder."


TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# A code field printed bare: ``{{ x.source }}``, ``{{ x.origin }}``, ``{{ x.code }}`` ...
RAW = re.compile(r"\{\{\s*[\w.]+\.(source|origin|dataset|datasets|status|entity_type|action)\s*\}\}")


# Free text, not codes: a rule value's source is its legal reference ("LOU 19 kap. 2 §").
FREE_TEXT = {"admin/rule_values.html:15"}


def test_no_template_prints_a_code_field_without_its_label():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{path.relative_to(TEMPLATES)}:{n}"
            if RAW.search(line) and "class=\"code\"" not in line and where not in FREE_TEXT:
                offenders.append(where)
    assert not offenders, offenders


def _upper_constants(module) -> set[str]:
    """The codes a module defines as ``NAME = "NAME"`` (reason and finding codes)."""
    return {v for k, v in vars(module).items() if k.isupper() and isinstance(v, str) and v == k}


def test_every_code_the_modules_define_has_a_label():
    """Codes added after the list above (case statuses, time-report reason codes, account
    findings, job states) are checked against the catalogue from their definitions, so a new
    code without a label fails here."""
    from assistance import timereport_codes
    from oversight import jobs
    from oversight.accounts import verification
    from oversight.cases import transitions

    expected = {
        "timereport_code": _upper_constants(timereport_codes),
        "account_finding": _upper_constants(verification) - set(verification.STATUSES),
        "account_status": set(verification.STATUSES),
        "job_status": {jobs.QUEUED, jobs.RUNNING, jobs.DONE, *jobs.FAILED_STATES},
        "case_status": set(transitions.ALLOWED) | {t for ts in transitions.ALLOWED.values()
                                                   for t in ts},
    }
    missing = [(kind, code) for kind, codes in expected.items() for code in sorted(codes)
               if not labels.has_label(kind, code) or labels.label(code, kind) == code]
    assert not missing, missing
    assert len(expected["timereport_code"]) >= 10 and "closed" in expected["case_status"]


def test_every_case_code_list_has_a_label_per_code_in_both_languages(app):
    """The case register's code lists (sources, reasons not to open, decisions, causes ...)
    read in English in the English UI."""
    from flask_babel import force_locale

    from oversight.cases import codes

    lists = {name: value for name, value in vars(codes).items()
             if name.isupper() and isinstance(value, dict) and name != "BASES_FOR"}
    same = {"Organisation", "Person", "Man", "Normal"}
    untranslated = []
    with app.test_request_context(), force_locale("en"):
        for name, values in lists.items():
            for code, source in values.items():
                english = codes.label(values, code)
                if not english or (english == str(source) and str(source) not in same):
                    untranslated.append((name, code, str(source)))
    assert not untranslated, untranslated


def test_every_assistance_code_list_reads_in_english(app):
    """The assistance module's code lists (permit statuses and sources, decision bases,
    arrangement kinds, verification methods and results, alert states) in the English UI."""
    from flask_babel import force_locale

    from assistance import models

    lists = {name: value for name, value in vars(models).items()
             if name.isupper() and isinstance(value, dict) and value
             and all(isinstance(v, str) for v in value.values())}
    assert {"PERMIT_STATUSES", "VERIFICATION_RESULTS", "ALERT_STATES"} <= set(lists)
    untranslated = []
    with app.test_request_context(), force_locale("en"):
        for name, values in lists.items():
            for code, source in values.items():
                if models.label(values, code) == source:
                    untranslated.append((name, code, source))
    assert not untranslated, untranslated


def test_every_table_the_audit_trail_can_name_has_a_label(app):
    """The audit log shows what an entry concerns by its table's name: each table has a label
    (a new table without one would show its raw name to an auditor)."""
    from oversight.extensions import db
    from oversight.labels import AUDIT_ENTITIES

    with app.app_context():
        tables = set(db.Model.metadata.tables)
    assert tables - set(AUDIT_ENTITIES) == set()
    assert {"login", "sso"} <= set(AUDIT_ENTITIES)


def test_every_job_kind_of_the_app_has_a_label(app):
    """The job dashboard shows a job's kind by its label (the code as secondary text)."""
    from flask_babel import force_locale

    from oversight.jobs import _HANDLERS, KIND_LABELS, Job

    packages = ("oversight", "suppliers", "associations", "assistance", "registries")
    kinds = {kind for kind, fn in _HANDLERS.items() if fn.__module__.split(".")[0] in packages}
    assert len(kinds) >= 10 and kinds - set(KIND_LABELS) == set()
    with app.test_request_context():
        assert Job(kind="suppliers.screen").kind_label == "Kontroll av leverantörer"
        with force_locale("en"):
            assert Job(kind="suppliers.screen").kind_label == "Supplier screening"
