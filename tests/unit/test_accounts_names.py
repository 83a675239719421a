"""Name matching as payee verification uses it: realistic Swedish pairs through the core."""
from datetime import date

import pytest

from oversight.accounts.verification import (
    CMTC,
    MTCH,
    NMTC,
    Claim,
    Context,
    HolderAnswer,
    Settings,
    verify,
)

TODAY = date(2026, 3, 20)


def by_name(payee: str, holder: str) -> str:
    ctx = Context(settings=Settings(), today=TODAY)
    ctx.add_evidence([HolderAnswer(1, "bankgiro", "50501006", holder, None, None, "bank",
                                   "active", date(2026, 3, 1))])
    return verify(Claim("bankgiro", "5050-1006", payee_name=payee), ctx).status


@pytest.mark.parametrize("payee, holder", [
    ("Föreningen Gemenskap i Rinkeby", "GEMENSKAP I RINKEBY, IDEELL FÖRENING"),
    ("Hemtjänst Omsorg Norr AB", "HEMTJÄNST OMSORG NORR AKTIEBOLAG"),
    ("Kista Bollklubb", "KISTA BK"),
    ("Stockholms Stadsmission", "Stiftelsen Stockholms Stadsmission"),
    ("Fryshuset & Co ek. för.", "Fryshuset och Co ekonomisk förening"),
    ("B.R.A Bygg AB", "BRA BYGG AB"),
    ("Skärholmens Fotbollsförening", "Skärholmens FF"),
    ("Café Åsö AB", "CAFE ÅSÖ AB"),
])
def test_same_organisation_written_differently_matches(payee, holder):
    assert by_name(payee, holder) == MTCH


@pytest.mark.parametrize("payee, holder", [
    ("IFK Norrköping", "IFK Norrtälje"),
    ("Hässelby SK", "Hässelby IK"),
    ("Posten Meddelande AB", "PostNord Sverige AB"),
    ("Somaliska föreningen i Järva", "Somaliska Riksförbundet i Sverige"),
    ("Byggservice Söder AB", "Söders Bygg & Måleri AB"),
    ("Trygg Vardag Assistans AB", "Assistansgruppen Trygg Vardag AB"),
    ("Hovsta IF", "Hövsta IF"),
    ("Gemenskap i Rinkeby", "Gemenskap i Tensta"),
    ("Assistans 1 AB", "Assistans 2 AB"),
])
def test_different_organisations_with_similar_names_do_not_match(payee, holder):
    assert by_name(payee, holder) != MTCH


@pytest.mark.parametrize("payee, holder", [
    ("Hjärt- och Lungsjukas Förening Göteborg", "Hjärt och Lungsjukas förening Goteborg"),
    ("Stockholms Läns Bandyförbund", "Stockholms Läns Bandyförbund Ungdom"),
    ("Rinkeby Internationella Kulturförening", "Rinkeby Internationella Kulturförening Ung"),
])
def test_near_miss_is_a_close_match_for_a_person_to_judge(payee, holder):
    assert by_name(payee, holder) == CMTC


def test_clearly_different_is_no_match():
    assert by_name("Kvinnojouren Trygghet", "Rinkeby Fritidsförening") == NMTC
