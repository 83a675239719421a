"""Every code of the case register with its one Swedish label (officers read the label,
specialists may see the code as secondary text). English comes from the translations."""
from __future__ import annotations

from flask import has_request_context
from flask_babel import gettext, lazy_gettext


def _l(text: str) -> str:
    """Marks a Swedish source string for extraction; translated when shown (``label``)."""
    return text


SOURCES = {
    "caseworker": _l("Handläggare"),
    "authority": _l("Annan myndighet"),
    "public": _l("Allmänheten"),
    "person": _l("Den enskilde"),
    "anonymous": _l("Anonym"),
    "automated": _l("Automatisk kontroll"),
}

STATUSES = {
    "registered": _l("Registrerad"),
    "assessment": _l("Förhandsbedömning"),
    "not_opened": _l("Inte inledd"),
    "queued": _l("I kö"),
    "investigation": _l("Utredning"),
    "decision": _l("Beslut"),
    "follow_up": _l("Uppföljning"),
    "closed": _l("Avslutad"),
}

NOT_OPENED_REASONS = {
    "no_grounds": _l("Saknar grund"),
    "own_error": _l("Myndighetens eget fel"),
    "too_old": _l("Utbetalningen är äldre än 3 år"),
    "other": _l("Annat skäl"),
}

DECISION_KINDS = {
    "stop_payment": _l("Stopp av utbetalning"),
    "withhold": _l("Innehållen utbetalning"),
    "recovery": _l("Återkrav"),
    "write_off": _l("Avskrivning"),
    "claim": _l("Ersättningstalan"),
    "police_report": _l("Polisanmälan"),
    "notification": _l("Underrättelse"),
    "ivo_report": _l("Anmälan till IVO"),
    "exclusion": _l("Uteslutning eller hävning (leverantör)"),
    "grant_stopped": _l("Bidrag stoppat eller återkrävt (förening)"),
    "damages": _l("Skadestånd efter dom"),
}

LEGAL_BASES = {
    "sol_9_1": _l("9 kap. 1 § socialtjänstlagen (2001:453)"),
    "lss_12": _l("12 § LSS (1993:387)"),
    "grant_conditions": _l("Villkoren för bidraget"),
    "contract": _l("Avtalet"),
    "bbl_6": _l("6 § bidragsbrottslagen (2007:612)"),
    "lag_2008_206": _l("Lag (2008:206) om underrättelseskyldighet vid felaktiga utbetalningar"),
    "lss_23": _l("23 § LSS (anmälan till IVO)"),
}

# Which legal bases each decision kind offers (the first is the default).
BASES_FOR = {
    "recovery": ("sol_9_1", "lss_12", "grant_conditions", "contract"),
    "claim": ("sol_9_1", "lss_12"),
    "police_report": ("bbl_6",),
    "notification": ("lag_2008_206",),
    "ivo_report": ("lss_23",),
}

REPAYMENT_METHODS = {
    "invoice": _l("Faktura"),
    "instalments": _l("Avbetalningsplan"),
    "autogiro": _l("Autogiro"),
}

DECIDED_BY = {
    "officer": _l("Delegat (tjänsteperson)"),
    "committee": _l("Nämnd eller utskott"),
}

RECIPIENTS = {
    "fk": _l("Försäkringskassan"),
    "migrationsverket": _l("Migrationsverket"),
    "pensionsmyndigheten": _l("Pensionsmyndigheten"),
    "csn": _l("CSN"),
    "af": _l("Arbetsförmedlingen"),
    "kommun": _l("En kommun"),
    "akassa": _l("En arbetslöshetskassa"),
    "skatteverket": _l("Skatteverket (folkbokföring)"),
}

CAUSES = {
    "income_salary": _l("Ej redovisad inkomst: lön"),
    "income_benefit": _l("Ej redovisad inkomst: ersättning från FK, CSN eller a-kassa"),
    "income_pawn": _l("Ej redovisad inkomst: pantlån"),
    "income_deposit": _l("Ej redovisad inkomst: insättningar"),
    "income_business": _l("Ej redovisad inkomst: egen verksamhet"),
    "income_rent": _l("Ej redovisad inkomst: hyresintäkter"),
    "income_other": _l("Ej redovisad inkomst: övrigt"),
    "housing": _l("Boende eller vistelse"),
    "household": _l("Hushållets sammansättning"),
    "assets": _l("Tillgångar"),
    "internal_error": _l("Internt fel"),
    "supplier": _l("Leverantör: uteslutningsgrund eller brister"),
    "association": _l("Förening: brott mot bidragsvillkor"),
    "assistance_hours": _l("Assistans: ej utförda timmar"),
    "assistance_permit": _l("Assistans: saknat tillstånd"),
    "other": _l("Övrigt"),
}

INTENTS = {
    "unintentional": _l("Oavsiktligt av den sökande"),
    "intentional": _l("Avsiktligt av den sökande"),
    "authority_error": _l("Myndighetens fel"),
}

PREVENTABLE = {"yes": _l("Ja"), "no": _l("Nej"), "unsure": _l("Osäkert")}

SEXES = {"woman": _l("Kvinna"), "man": _l("Man"), "unknown": _l("Okänt")}

MODULES = {
    "tip": _l("Tips"),
    "suppliers": _l("Leverantörskontroll"),
    "accounts": _l("Kontokontroll"),
    "associations": _l("Föreningsbidrag"),
    "assistance": _l("Personlig assistans"),
    "timereports": _l("Tidrapporter"),
    "control": _l("Kontrollrutin"),
    "import": _l("Importerad ärendelista"),
}

LINK_KINDS = {
    "organisation": _l("Organisation"),
    "person": _l("Person"),
    "grant": _l("Bidrag"),
    "contract": _l("Avtal"),
    "time_report": _l("Tidrapport"),
    "payment": _l("Utbetalning"),
}

ACTIVITY_KINDS = {
    "note": _l("Anteckning"),
    "document": _l("Dokument"),
    "request": _l("Begäran till annan myndighet"),
    "meeting": _l("Möte"),
    "benefit_ended": _l("Personen har lämnat förmånen"),
}


def label(codes: dict, code: str | None) -> str:
    """The label of ``code`` in the reader's language (the code itself when unknown, empty for
    None); Swedish outside a request (CLI, exports)."""
    if code is None:
        return ""
    text = codes.get(code, code)
    return gettext(text) if has_request_context() and code in codes else text


def choices(codes: dict, blank: str | None = None) -> list[tuple[str, object]]:
    """Form choices; the labels are translated when the form is rendered."""
    items = [(k, lazy_gettext(v)) for k, v in codes.items()]
    return ([("", blank)] if blank is not None else []) + items
