"""Label dictionaries go through gettext: the English UI shows English labels (issue 11,
defect 4), and every label has its English translation."""
from __future__ import annotations

from importlib import import_module

import pytest
from flask_babel import force_locale

from oversight.labels import Labels
from registries import services as registry_services

LABEL_DICTS = {
    "oversight.labels": ["SOURCES", "DATASETS", "AUDIT_EVENTS", "AUDIT_ENTITIES"],
    "registries.base": ["STATUS_LABELS", "REGISTRY_LABELS"],
    "registries.assess": ["LEVEL_LABELS"],
    "registries.forms": ["IMPORT_KIND_LABELS"],
    "registries.services": ["MODE_LABELS"],
    "suppliers.rules": ["OUTCOME_LABELS", "REQUIREMENT_LABELS", "REGIME_LABELS"],
    "suppliers.models": ["PROCEDURES", "CONTRACT_STATUSES", "PROCUREMENT_STATUSES", "CHECK_TRIGGERS",
                         "COMPLAINT_CATEGORIES", "COMPLAINT_SEVERITIES", "COMPLAINT_STATUSES",
                         "HEARING_STATUSES", "DECISION_OUTCOMES", "DOCUMENT_KINDS", "OVERALL_LABELS"],
    "suppliers.services": ["RISK_LABELS"],
    "oversight.accounts.verification": ["STATUS_LABELS", "FINDING_LABELS", "KIND_LABELS"],
    "oversight.auth.roles": ["ROLE_LABELS"],
    "oversight.organisations.models": ["ACCOUNT_KINDS", "KEY_PERSON_ROLES", "WARNING_CATEGORIES"],
    "associations.models": ["GRANT_FORMS", "GRANT_STATUSES", "DECISION_ACTIONS", "REPORT_KINDS",
                            "REPORT_STATUSES"],
    "associations.followup": ["ACTION_LABELS", "MATCHED_ON_LABELS"],
    "oversight.jobs": ["KIND_LABELS"],
    "oversight.cases.transitions": ["PRIORITY_LABELS"],
    # read in Python by the models' *_label properties (issue 11 review: were plain dicts)
    "oversight.auth.models": ["DEPARTMENT_KINDS"],
    "oversight.accounts.models": ["ENTRY_METHODS", "CHECK_STATUSES", "HOLDER_SOURCES",
                                  "HOLDER_STATUSES", "ALLOWANCE_CATEGORIES"],
    "associations.ledger_models": ["CLUSTER_STATUSES", "VERDICTS"],
    "registries.normalized": ["IVO_STATUSES"],
    "suppliers.evidence": ["STATUS_LABELS", "SOURCE_LABELS", "CONVICTION_CATEGORIES"],
}
# Names that read the same in English.
SAME_IN_ENGLISH = {"Bankgiro", "Plusgiro", "IBAN", "Normal", "Kronofogden", "Skatteverket", "Export",
                   "Import", "Organisation"}


@pytest.mark.parametrize("module,name", [(m, n) for m, names in LABEL_DICTS.items() for n in names])
def test_every_label_dict_reads_in_english(app, module, name):
    labels = getattr(import_module(module), name)
    assert isinstance(labels, Labels), f"{module}.{name} bypasses gettext"
    sources = dict(labels)  # the Swedish sources
    with app.test_request_context(), force_locale("en"):
        for code, english in labels.items():
            assert isinstance(english, str) and english == labels[code] == labels.get(code)
            if str(code).startswith("test-"):  # registered at run time by another test
                continue
            source = str(sources[code])
            assert english != source or source in SAME_IN_ENGLISH, (module, name, code, source)
    with app.test_request_context():
        assert labels.items() == [(c, str(s)) for c, s in sources.items()]  # Swedish by default


def test_the_english_ui_shows_english_labels_on_pages(db, make, login_as):
    admin = make.user(role="admin")
    officer = make.user(role="procurement", department=admin.department)
    org = make.organisation(orgnr="556874-3214", name="Assistansgruppen AB")
    text = ("organisationsnummer;namn;verksamhet;beslutsdatum;status;diarienummer;datum\n"
            "556874-3214;Assistansgruppen;LSS 9 § 2 personlig assistans;2013-02-01;återkallat;"
            "3.5.1-1/2013;2013-02-01\n")
    registry_services.import_registry_file(db.session, None, "ivo", "ivo.csv", data=text.encode())
    registry_services.lookup(db.session, None, "ivo", org.orgnr)
    db.session.commit()
    client = login_as(admin)
    client.post("/language/en", data={"next": "/"})
    users = client.get("/admin/users").get_data(as_text=True)
    assert "Procurement officer" in users and "Upphandlare" not in users
    client = login_as(officer)
    client.post("/language/en", data={"next": "/"})
    page = client.get(f"/organisations/{org.id}").get_data(as_text=True)
    assert "IVO (permits)" in page and "Remark" in page
    assert "IVO (tillstånd)" not in page and "Anmärkning<" not in page


def test_column_headers_read_in_the_singular_and_a_state_as_status_in_english(db, make, login_as):
    """One Swedish word, two meanings: "Användare" is the page "Users" but the column "User",
    "Läge" a registry's "Mode" but a finding's "Status" (pgettext contexts)."""
    admin = make.user(role="admin")
    client = login_as(admin)
    client.post("/language/en", data={"next": "/"})
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert ">User<" in audit and 'for="f-actor">User<' in audit
    users = client.get("/admin/users").get_data(as_text=True)
    assert "<h1>Users</h1>" in users
    lss = make.user(role="lss", department=admin.department)
    client = login_as(lss)
    client.post("/language/en", data={"next": "/"})
    findings = client.get("/assistance/timereports/findings").get_data(as_text=True)
    assert 'for="state">Status<' in findings and ">Mode<" not in findings
