"""Bolagsverket's code lists (Värdefulla datamängder v1 "Code lists"): used for the API answer,
which carries its own ``klartext``, and for the bulk file, which carries only codes."""
from __future__ import annotations

from registries.normalized import Code

ORGANISATIONSFORM = {
    "AB": "Aktiebolag", "BAB": "Bankaktiebolag", "BF": "Bostadsförening",
    "BFL": "Utländsk banks filial", "BRF": "Bostadsrättsförening",
    "E": "Enskild näringsverksamhet", "EB": "Enkla bolag",
    "EEIG": "Europeisk ekonomisk intressegruppering",
    "EGTS": "Europeisk gruppering för territoriellt samarbete", "EK": "Ekonomisk förening",
    "FAB": "Försäkringsaktiebolag", "FF": "Försäkringsförmedlare", "FL": "Filial",
    "FOF": "Försäkringsförening", "HB": "Handelsbolag",
    "I": "Ideell förening som bedriver näringsverksamhet", "KB": "Kommanditbolag",
    "KHF": "Kooperativ hyresrättsförening", "MB": "Medlemsbank",
    "OFB": "Ömsesidigt försäkringsbolag", "OTPB": "Ömsesidigt tjänstepensionsbolag",
    "S": "Stiftelse som bedriver näringsverksamhet", "SB": "Sparbank", "SCE": "Europakooperativ",
    "SE": "Europabolag", "SF": "Sambruksförening", "TPAB": "Tjänstepensionsaktiebolag",
    "TPF": "Tjänstepensionsförening", "TSF": "Trossamfund som bedriver näringsverksamhet",
}

AVREGISTRERINGSORSAK = {
    "AKEJH": "Aktiekapitalet inte höjts", "ARSEED": "Årsredovisning saknas",
    "AVREG": "Avregistrerad",
    "BABAKEJH": "Ombildat till bankaktiebolag eller aktiekapitalet inte höjts",
    "DELAV": "Delning", "DOM": "Beslut av domstol", "FUAV": "Fusion",
    "GROMAV": "Gränsöverskridande ombildning", "KKAV": "Konkurs", "LIAV": "Likvidation",
    "NYINN": "Ny innehavare", "OMAV": "Ombildning", "OMBAB": "Ombildat till bankaktiebolag",
    "OVERK": "Overksamhet", "UTLKKLI": "Det utländska företagets likvidation eller konkurs",
    "VERKUPP": "Verksamheten har upphört", "VDSAK": "Verkställande direktör saknas",
}

FORFARANDE = {
    "AC": "Ackordsförhandling", "DEOL": "Överlåtande vid delning",
    "DEOT": "Övertagande vid delning", "FR": "Företagsrekonstruktion",
    "FUOL": "Överlåtande i fusion", "FUOT": "Övertagande i fusion",
    "GROM": "Gränsöverskridande ombildning", "KK": "Konkurs", "LI": "Likvidation",
    "OM": "Ombildning", "RES": "Resolution",
}
# Proceedings that are exclusion grounds (LOU 13:3, LOV 7:1): the others are reorganisations.
DISTRESS = frozenset({"KK", "LI", "FR", "AC"})

NAMNTYP = {
    "FORETAGSNAMN": "Företagsnamn", "FORNAMN_FRSPRAK": "Företagsnamn på främmande språk",
    "FORETAGSNAMN_PA_FRAMMANDE_SPRAK": "Företagsnamn på främmande språk",
    "NAMN": "Namn", "SARSKILT_FORETAGSNAMN": "Särskilt företagsnamn",
    # The bulk file's name types (suffix -ORGNAM stripped).
    "ANNATSPRAK": "Företagsnamn på främmande språk", "BIFIRMA": "Bifirma",
}

LAND = {"SE-LAND": "Sverige"}

# Parts of the API answer, with the Swedish name used when a part is missing.
PARTS = {
    "organisationsnamn": "namn",
    "organisationsform": "organisationsform",
    "juridiskForm": "juridisk form",
    "verksamOrganisation": "uppgift om verksamhet",
    "organisationsdatum": "registreringsdatum",
    "avregistreradOrganisation": "avregistrering",
    "avregistreringsorsak": "avregistreringsorsak",
    "pagaendeAvvecklingsEllerOmstruktureringsforfarande": "pågående konkurs, likvidation eller rekonstruktion",
    "naringsgrenOrganisation": "SNI-koder",
    "postadressOrganisation": "postadress",
    "verksamhetsbeskrivning": "verksamhetsbeskrivning",
}


def code(table: dict[str, str], value: str | None, label: str | None = None) -> Code | None:
    """A code with its Swedish text: the answer's own ``klartext`` first, then the code list."""
    if not value:
        return None
    value = value.strip()
    return Code(value, label or table.get(value))


def care_of(value: str | None) -> str | None:
    """The c/o name without its "c/o" (the bulk file writes it, the address prints it)."""
    value = (value or "").strip()
    if value[:3].lower() == "c/o":
        value = value[3:].strip()
    return value or None
