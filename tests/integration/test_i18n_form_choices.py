"""Form choices and validation messages are built when the form class is defined (at import):
they must still read in English in the English UI (issue 11, review of the i18n work)."""
from __future__ import annotations

import inspect
from importlib import import_module

import pytest
from flask_babel import force_locale
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, SelectMultipleField

from oversight.labels import choices
from suppliers.forms import extract_form

FORM_MODULES = ["registries.forms", "assistance.forms", "assistance.timereport_forms",
                "associations.forms", "suppliers.forms", "oversight.cases.forms",
                "oversight.auth.forms", "oversight.organisations.forms",
                "oversight.accounts.forms", "oversight.sso.forms", "oversight.admin.rules"]
# Choice labels that read the same in English (names, formats, a dash for "none").
SAME_IN_ENGLISH = {"–", "Organisation", "Person", "Man", "Bankgiro", "Plusgiro", "IBAN",
                   "pain.001 (XML)", "CSV"}


def _form_classes():
    for module in FORM_MODULES:
        for name, cls in vars(import_module(module)).items():
            if (inspect.isclass(cls) and issubclass(cls, FlaskForm) and cls is not FlaskForm
                    and cls.__module__ == module):
                yield pytest.param(lambda cls=cls: cls(meta={"csrf": False}), id=f"{module}.{name}")
    yield pytest.param(lambda: extract_form([("company", "Organisation")]), id="suppliers.forms.extract_form")


def _choice_labels(form) -> dict[str, list[str]]:
    return {f.name: [str(label) for _value, label in f.choices] for f in form
            if isinstance(f, (SelectField, RadioField, SelectMultipleField)) and f.choices}


@pytest.mark.parametrize("new_form", list(_form_classes()))
def test_every_static_choice_of_a_form_reads_in_english(app, new_form):
    with app.test_request_context():
        swedish = _choice_labels(new_form())
        with force_locale("en"):
            english = _choice_labels(new_form())
    assert swedish.keys() == english.keys()
    for field, labels in swedish.items():
        for sv, en in zip(labels, english[field]):
            assert en != sv or sv in SAME_IN_ENGLISH, (field, sv)


def test_choices_follow_the_language_of_each_request(app):
    from oversight.auth.roles import ROLE_LABELS

    built = choices(ROLE_LABELS, blank="Välj roll")  # once, as at import
    with app.test_request_context():
        assert dict((k, str(v)) for k, v in built)["admin"] == "Administratör"
        with force_locale("en"):
            english = dict((k, str(v)) for k, v in built)
    assert english["admin"] == "Administrator" and english[""] == "Choose a role"
    assert str(built[1][1]) == "Administratör"  # outside a request: the Swedish source


def _english(client):
    client.post("/language/en", data={"next": "/"})
    return client


def test_the_new_user_form_offers_english_roles_and_errors(make, login_as):
    admin = make.user(role="admin")
    client = _english(login_as(admin))
    page = client.get("/admin/users/new").get_data(as_text=True)
    assert "Choose a role" in page and "Procurement officer" in page
    assert "Välj roll" not in page and "Upphandlare" not in page
    page = client.post("/admin/users/new", data={"username": "ny", "name": "Ny"}).get_data(as_text=True)
    assert "Choose a role." in page and "Välj en roll." not in page


def test_the_organisation_page_forms_offer_english_choices(make, login_as):
    officer = make.user(role="procurement")
    org = make.organisation()
    page = _english(login_as(officer)).get(f"/organisations/{org.id}").get_data(as_text=True)
    # the warning category, the key person's role
    from oversight.organisations.models import KEY_PERSON_ROLES, WARNING_CATEGORIES

    for labels in (WARNING_CATEGORIES, KEY_PERSON_ROLES):
        code, swedish = next(iter(dict(labels).items()))
        assert f'value="{code}">{swedish}<' not in page
        assert f'value="{code}">' in page


def test_the_payment_file_and_registry_forms_read_in_english(make, login_as):
    officer = make.user(role="procurement")
    client = _english(login_as(officer))
    page = client.get("/accounts/payments").get_data(as_text=True)
    assert "Detect automatically" in page and "Känn igen automatiskt" not in page
    page = client.get("/registries/manual/ivo").get_data(as_text=True)
    assert "In force" in page and ">Gällande<" not in page
    page = client.get("/registries/manual/skatteverket").get_data(as_text=True)
    assert "Not stated" in page and "Framgår inte" not in page


def test_the_procurement_and_grant_forms_read_in_english(make, login_as):
    from suppliers.models import PROCEDURES

    officer = make.user(role="procurement")
    page = _english(login_as(officer)).get("/suppliers/procurements/new").get_data(as_text=True)
    code, swedish = next(iter(dict(PROCEDURES).items()))
    assert f'value="{code}"' in page and f">{swedish}<" not in page
    grants = make.user(role="grants")
    org = make.organisation(group=8)
    page = _english(login_as(grants)).get(f"/associations/org/{org.id}/grants/new").get_data(as_text=True)
    assert ">Granted<" in page and ">Beviljat<" not in page
