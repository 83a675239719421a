"""One label per code: every code an officer may meet, with its Swedish label (English through
the translations).

A label is defined once, beside its code; this module is the catalogue that finds it. Domain
modules keep their own ``*_LABELS`` dicts (``registries.base.STATUS_LABELS``,
``assistance.timereport_codes.CODE_LABELS``, ``oversight.cases.codes.STATUSES`` ...) and are
registered here by name in ``_REGISTERED`` (imported lazily on first use, so no import cycles
and no work at import time). Codes that have no domain home (audit entity types and events,
registry sources and datasets) are defined in this module.

Templates: ``{{ code|label('audit_event') }}`` gives the label; ``{{ code|coded('source') }}``
gives the label with the code as secondary text (``<span class="code">``) for specialists.
An unknown code falls back to itself, so nothing disappears; ``tests/unit/test_labels.py``
checks that every known code has a label.
"""
from __future__ import annotations

from importlib import import_module

from flask_babel import gettext
from flask_babel.speaklater import LazyString
from markupsafe import Markup


def _l(text: str) -> str:
    """Marks a Swedish source string for extraction; translated when shown."""
    return text


class Labels(dict):
    """A label dict whose labels go through gettext when they are read: ``LABELS[code]``,
    ``.get``, ``.items()`` and ``.values()`` give the label in the page's language (the Swedish
    source outside a request), as a plain ``str`` (so it joins, formats and serialises like
    one). The Swedish sources stay in the dict: ``dict(labels)`` and ``catalogue`` copy them.
    Every ``*_LABELS`` dict of the domain modules is one of these."""

    def __getitem__(self, code):
        return _translate(super().__getitem__(code))

    def get(self, code, default=None):
        return self[code] if code in self else default

    def items(self):
        return [(code, self[code]) for code in self]

    def values(self):
        return [self[code] for code in self]


def choices(labels, blank=None) -> list[tuple]:
    """Form choices (``SelectField``/``RadioField``) from a label dict or a list of (code,
    Swedish label) pairs, translated each time the form is rendered: a form class is built at
    import, so ``list(LABELS.items())`` there would freeze the Swedish labels. ``blank`` (a
    Swedish label or None) adds an empty first choice."""
    pairs = dict.items(labels) if isinstance(labels, dict) else labels
    items = [(code, lazy(text)) for code, text in pairs]
    return ([("", lazy(blank))] if blank is not None else []) + items


def lazy(text) -> LazyString:
    """A Swedish source (a string marked with ``_l``) read in the page's language when shown."""
    return LazyString(_translate, text)


# Where the evidence of a check came from (``origin`` / ``source`` of evidence rows).
SOURCES = Labels({
    "fixture": _l("Testdata (inte ett riktigt register)"),
    "platform": _l("Uppgifter i tillsynsplattformen"),
    "file": _l("Importerad registerfil"),
    "http": _l("Registrets tjänst (direktfråga)"),
    "manual": _l("Manuellt registrerad uppgift"),
    "warnings": _l("Centrala varningar"),
    "complaints": _l("Klagomål i stadens avtal"),
    "decisions": _l("Egna beslut om uteslutning och hävning"),
    "criminal_record": _l("Utdrag ur belastningsregistret"),
})

# Sanction and debarment lists (OpenSanctions dataset names and our own list).
DATASETS = Labels({
    "local_exclusion": _l("Stadens egen uteslutningslista"),
    "local_sanctions": _l("Stadens egen sanktionslista"),
    "eu_edes": _l("EU:s system för tidig upptäckt och uteslutning (EDES)"),
    "worldbank_debarred": _l("Världsbankens uteslutna leverantörer"),
    "adb_sanctions": _l("Asiatiska utvecklingsbankens sanktionslista"),
    "eu_fsf": _l("EU:s finansiella sanktioner"),
    "un_sc_sanctions": _l("FN:s säkerhetsråds sanktioner"),
    "se_fi_sanctions": _l("Sanktionslista (Finansinspektionen)"),
    "fixture": _l("Testdata (inte ett riktigt register)"),
})

# Audit trail: events and the entity types (table names) they concern.
AUDIT_EVENTS = Labels({
    "create": _l("Skapad"),
    "update": _l("Ändrad"),
    "delete": _l("Borttagen"),
    "view": _l("Visad"),
    "reveal": _l("Fullständigt personnummer visat"),
    "login": _l("Inloggning"),
    "logout": _l("Utloggning"),
    "login_failed": _l("Misslyckad inloggning"),
    "export": _l("Export"),
    "sign": _l("Signerad"),
    "publish": _l("Publicerad"),
    "withdraw": _l("Återkallad"),
    "close": _l("Avslutad"),
    "import": _l("Import"),
    "check": _l("Kontroll"),
    "retry": _l("Körs om"),
})

# What an audit entry concerns: every table (the audit trail records a table's name) plus
# the events without one (login, sso). A test checks that every table has its label.
AUDIT_ENTITIES = Labels({
    "account_document": _l("Handling om bankkonto"),
    "account_holder_evidence": _l("Uppgift om kontohavare"),
    "account_shared_allowance": _l("Undantag för delat konto"),
    "account_verification": _l("Kontokontroll"),
    "assistance_arrangement": _l("Anordnare för brukare"),
    "assistance_assistant": _l("Assistent"),
    "assistance_assistant_approval": _l("Assistents godkännande"),
    "assistance_decision": _l("Beslut om assistans"),
    "assistance_hospital_stay": _l("Sjukhusvistelse"),
    "assistance_permit": _l("IVO-tillstånd"),
    "assistance_permit_alert": _l("Tillståndslarm"),
    "assistance_permit_verification": _l("Kontroll av IVO-tillstånd"),
    "assistance_provider_token": _l("API-nyckel för anordnare"),
    "assistance_report_reminder": _l("Påminnelse om tidrapport"),
    "assistance_time_report": _l("Tidrapport"),
    "assistance_time_report_finding": _l("Avvikelse i tidrapport"),
    "assistance_time_report_line": _l("Rad i tidrapport"),
    "assistance_user": _l("Brukare"),
    "association_grant": _l("Bidrag"),
    "association_profile": _l("Föreningsuppgifter"),
    "audit_entry": _l("Post i granskningsloggen"),
    "bank_account": _l("Bankkonto"),
    "bolagsverket_bulk": _l("Bolagsverkets bulkfil"),
    "cluster_judgement": _l("Bedömning av mottagargrupp"),
    "control_routine": _l("Kontrollrutin"),
    "control_run": _l("Genomförd kontroll"),
    "criminal_record_conviction": _l("Dom i belastningsregistret"),
    "criminal_record_extract": _l("Utdrag ur belastningsregistret"),
    "department": _l("Förvaltning"),
    "detection_cluster": _l("Mottagargrupp"),
    "detection_cluster_entry": _l("Rad i mottagargrupp"),
    "detection_run": _l("Körning av flerförvaltningskontroll"),
    "fut_case": _l("Ärende"),
    "fut_case_activity": _l("Händelse i ärende"),
    "fut_case_assignment": _l("Tilldelning av ärende"),
    "fut_case_document": _l("Handling i ärende"),
    "fut_case_event": _l("Statusändring i ärende"),
    "fut_case_link": _l("Koppling från ärende"),
    "fut_decision": _l("Beslut i ärende"),
    "fut_instalment": _l("Avbetalning"),
    "fut_payment": _l("Inbetalning"),
    "fut_tip_submission": _l("Tips"),
    "grant_decision": _l("Beslut om bidrag"),
    "grant_report": _l("Redovisning av bidrag"),
    "job": _l("Bakgrundsjobb"),
    "key_person": _l("Nyckelperson"),
    "ledger_entry": _l("Reskontrarad"),
    "ledger_import": _l("Import av reskontra"),
    "ledger_mapping": _l("Kolumnmappning för reskontra"),
    "ledger_upload": _l("Uppladdad reskontra"),
    "login": _l("Inloggning"),
    "login_attempt": _l("Inloggningsförsök"),
    "organisation": _l("Organisation"),
    "organisation_name": _l("Organisationsnamn"),
    "organisation_note": _l("Anteckning"),
    "payment_check": _l("Kontroll av betalfil"),
    "payment_check_line": _l("Rad i betalfil"),
    "procurement": _l("Upphandling"),
    "registry_blob": _l("Registersvar (rådata)"),
    "registry_document": _l("Registerhandling"),
    "registry_import": _l("Import av registerfil"),
    "registry_lookup": _l("Registerslagning"),
    "registry_record": _l("Registeruppgift"),
    "rule_value": _l("Regelvärde"),
    "sso": _l("Inloggning via identitetsleverantör"),
    "sso_group_mapping": _l("Gruppmappning för inloggning"),
    "sso_identity": _l("Inloggningsidentitet (SSO)"),
    "stat_denominator": _l("Jämförelsetal för statistik"),
    "stored_upload": _l("Uppladdad fil"),
    "supplier": _l("Leverantör"),
    "supplier_check": _l("Leverantörskontroll"),
    "supplier_check_evidence": _l("Underlag i leverantörskontroll"),
    "supplier_check_ground": _l("Uteslutningsgrund i kontroll"),
    "supplier_complaint": _l("Klagomål på leverantör"),
    "supplier_contract": _l("Avtal"),
    "supplier_decision": _l("Beslut om leverantör"),
    "supplier_hearing": _l("Kommunicering (hörande)"),
    "supplier_hearing_document": _l("Handling i kommuniceringen"),
    "supplier_monitor_run": _l("Bevakningskörning"),
    "supplier_monitoring_finding": _l("Bevakningsfynd"),
    "tender": _l("Anbudsgivare"),
    "user_account": _l("Användarkonto"),
    "warning": _l("Varning"),
    "worker_heartbeat": _l("Bakgrundsarbetarens livstecken"),
})

_OWN = {"source": SOURCES, "dataset": DATASETS, "audit_event": AUDIT_EVENTS,
        "audit_entity": AUDIT_ENTITIES}

# Label dicts defined beside their codes in the domain modules: kind -> "module:ATTRIBUTE".
_REGISTERED = {
    "registry": "registries.base:REGISTRY_LABELS",
    "registry_status": "registries.base:STATUS_LABELS",
    "registry_import_kind": "registries.forms:IMPORT_KIND_LABELS",
    "registry_mode": "registries.services:MODE_LABELS",
    "key_person_match": "associations.followup:MATCHED_ON_LABELS",
    "job_kind": "oversight.jobs:KIND_LABELS",
    "assessment": "registries.assess:LEVEL_LABELS",
    "evidence_source": "suppliers.evidence:SOURCE_LABELS",
    "evidence_status": "suppliers.evidence:STATUS_LABELS",
    "ground_outcome": "suppliers.rules:OUTCOME_LABELS",
    "requirement": "suppliers.rules:REQUIREMENT_LABELS",
    "account_status": "oversight.accounts.verification:STATUS_LABELS",
    "account_finding": "oversight.accounts.verification:FINDING_LABELS",
    "account_kind": "oversight.accounts.verification:KIND_LABELS",
    "job_status": "oversight.jobs:STATUS_LABELS",
    "role": "oversight.auth.roles:ROLE_LABELS",
    "timereport_code": "assistance.timereport_codes:CODE_LABELS",
    "shift_kind": "assistance.timereport_codes:KIND_LABELS",
    "case_source": "oversight.cases.codes:SOURCES",
    "case_status": "oversight.cases.codes:STATUSES",
    "case_decision": "oversight.cases.codes:DECISION_KINDS",
    "grant_action": "associations.followup:ACTION_LABELS",
}

# The rule keys of ``oversight.rule_values`` carry their label in the store (``label``
# column); ``rule_label`` reads it there.
_loaded: dict[str, dict] = {}


def catalogue(kind: str) -> dict:
    """The label dict of one kind (codes -> untranslated Swedish labels)."""
    if kind in _OWN:
        return _OWN[kind]
    if kind not in _loaded:
        module, _, attr = _REGISTERED[kind].partition(":")
        _loaded[kind] = dict(getattr(import_module(module), attr))
    return _loaded[kind]


def kinds() -> list[str]:
    return [*_OWN, *_REGISTERED]


def _translate(text) -> str:
    text = str(text)  # lazy strings of the domain modules
    try:
        return gettext(text)
    except (RuntimeError, KeyError):  # outside an app or request: the Swedish source
        return text


translated = _translate  # a label or message source in the page's language (str)


def has_label(kind: str, code) -> bool:
    return code in catalogue(kind)


def label(code, kind: str | None = None) -> str:
    """The officer's label of ``code``; with no ``kind``, the first catalogue that knows it.
    An unknown code is shown as it is (never hidden)."""
    if code is None or code == "":
        return ""
    for k in ([kind] if kind else kinds()):
        found = catalogue(k).get(code)
        if found is not None:
            return _translate(found)
    return str(code)


def coded(code, kind: str | None = None) -> Markup:
    """The label with the code as secondary text for specialists."""
    text = label(code, kind)
    if text == str(code):
        return Markup('<span class="code">{}</span>').format(code)
    return Markup('{} <span class="code">{}</span>').format(text, code)


def score_phrase(score) -> str:
    """A name-match score as words an officer can check: ``0.97`` ->
    ``mycket lika namn (97 % likhet)``."""
    value = float(score or 0)
    words = (_l("mycket lika namn") if value >= 0.95 else
             _l("liknande namn") if value >= 0.8 else _l("delvis lika namn"))
    return f"{_translate(words)} ({round(value * 100)}\u00a0% {_translate(_l('likhet'))})"


def join_sentences(parts) -> str:
    """Sentences joined for reading, never with ``.;``: each ends with one full stop."""
    out = []
    for part in parts:
        text = str(part or "").strip().rstrip(".;").strip()
        if text:
            out.append(text + ".")
    return " ".join(out)


def init_app(app) -> None:
    app.jinja_env.filters["label"] = lambda code, kind=None: label(code, kind)
    app.jinja_env.filters["coded"] = lambda code, kind=None: coded(code, kind)
    app.jinja_env.filters["score_phrase"] = score_phrase
