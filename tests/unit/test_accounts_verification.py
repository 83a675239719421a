"""The pure verification core: every result category, the cross-checks, fail-closed rules."""
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.accounts.verification import (
    CLOSED_ACCOUNT,
    CMTC,
    INVALID_ACCOUNT,
    MTCH,
    NMTC,
    NOAP,
    NOT_IN_REGISTER,
    PRIVATE_ACCOUNT,
    RECENT_CHANGE,
    REMOVED_ACCOUNT,
    SHARED_ACCOUNT,
    SHARED_ACCOUNT_ALLOWED,
    Allowance,
    Claim,
    Context,
    HolderAnswer,
    RegisterAccount,
    Settings,
    verify,
)

TODAY = date(2026, 3, 20)
BG = "5050-1006"  # valid bankgiro
BG_DIGITS = "50501006"
ORG = "802432-4009"  # Föreningen Gemenskap i Rinkeby (group 8: association)
OTHER_ORG = "556908-1234"
PERSONKONTO = "3300-8112189876"  # Nordea personkonto: the number is a personnummer


def answer(holder_name="GEMENSKAP I RINKEBY, IDEELL FÖRENING", holder_orgnr=None, *,
           personnummer=None, days_old=10, status="active", kind="bankgiro", digits=BG_DIGITS,
           id=1, source="bankgirot"):
    return HolderAnswer(id, kind, digits, holder_name, holder_orgnr, personnummer, source,
                        status, TODAY - timedelta(days=days_old))


def ctx(*answers, register=(), allowances=None, **settings_kw):
    c = Context(settings=Settings(**settings_kw), today=TODAY)
    c.add_evidence(answers)
    c.add_register(register)
    c.allowances = allowances or {}
    return c


def claim(number=BG, kind="bankgiro", name="Föreningen Gemenskap i Rinkeby", payee_id=ORG,
          org_id=1, association=True, pay_date=None, other_names=()):
    return Claim(kind=kind, number=number, payee_name=name, payee_id=payee_id,
                 organisation_id=org_id, other_names=other_names,
                 is_association=association, pay_date=pay_date)


def reg(org_id, orgnr, name, *, digits=BG_DIGITS, kind="bankgiro", added=TODAY - timedelta(days=400),
        removed=None, reason=None):
    return RegisterAccount(org_id, orgnr, name, kind, digits, added, removed, reason)


# --- result categories -----------------------------------------------------------------------

def test_equal_org_number_is_a_match_even_when_the_names_differ():
    v = verify(claim(), ctx(answer("Helt annat namn", ORG)))
    assert v.status == MTCH
    assert ORG in v.explanation and v.holder_name == "Helt annat namn"


def test_other_org_number_is_no_match_even_with_the_same_name():
    v = verify(claim(), ctx(answer("Föreningen Gemenskap i Rinkeby", OTHER_ORG)))
    assert v.status == NMTC
    assert OTHER_ORG in v.explanation and "går före namn" in v.explanation


def test_holder_name_match_without_numbers():
    v = verify(claim(payee_id=None), ctx(answer("GEMENSKAP I RINKEBY, IDEELL FÖRENING")))
    assert v.status == MTCH
    assert v.comparison.a_normalized == v.comparison.b_normalized == "gemenskap i rinkeby"
    assert "gemenskap i rinkeby" in v.explanation


def test_close_match_shows_the_registered_holder_name():
    v = verify(claim(name="Hjärt- och Lungsjukas Förening Göteborg", payee_id=None),
               ctx(answer("Hjärt och Lungsjukas förening Goteborg")))
    assert v.status == CMTC
    assert "Hjärt och Lungsjukas förening Goteborg" in v.explanation
    assert v.holder_name == "Hjärt och Lungsjukas förening Goteborg"
    assert v.score is not None and 85 <= v.score < 95


def test_similar_but_different_club_is_no_match():
    v = verify(claim(name="IFK Norrköping", payee_id=None, association=False),
               ctx(answer("IFK Norrtälje")))
    assert v.status == NMTC
    assert "norrköping≠norrtälje" in v.explanation


def test_former_name_of_the_organisation_counts():
    v = verify(claim(name="Rinkeby Kulturförening", payee_id=None,
                     other_names=("Föreningen Gemenskap i Rinkeby",)),
               ctx(answer("Gemenskap i Rinkeby")))
    assert v.status == MTCH


def test_thresholds_come_from_settings():
    loose = verify(claim(name="Hjärt- och Lungsjukas Förening Göteborg", payee_id=None),
                   ctx(answer("Hjärt och Lungsjukas förening Goteborg"), close_threshold=95))
    assert loose.status == NMTC


def test_no_evidence_is_noap():
    v = verify(claim(), ctx())
    assert v.status == NOAP and "inget besked" in v.explanation
    # fail closed: a payment that could not be verified needs a person, it is not "fine"
    assert v.needs_attention


def test_stale_evidence_is_noap_never_mtch():
    v = verify(claim(), ctx(answer("Föreningen Gemenskap i Rinkeby", ORG, days_old=181),
                            max_age_days=180))
    assert v.status == NOAP
    assert "äldre än 180 dagar" in v.explanation


def test_evidence_exactly_at_the_age_limit_still_counts():
    v = verify(claim(), ctx(answer(holder_orgnr=ORG, days_old=180), max_age_days=180))
    assert v.status == MTCH


def test_future_dated_evidence_is_noap():
    v = verify(claim(), ctx(answer(holder_orgnr=ORG, days_old=-3)))
    assert v.status == NOAP and "framtiden" in v.explanation


def test_uncovered_account_kind_is_noap():
    v = verify(claim(), ctx(answer(holder_orgnr=ORG), covered_kinds=("plusgiro",)))
    assert v.status == NOAP and "täcks inte" in v.explanation


def test_invalid_number_is_noap_with_a_finding():
    v = verify(claim(number="5050-1007"), ctx(answer(holder_orgnr=ORG)))
    assert v.status == NOAP
    assert [f.code for f in v.findings] == [INVALID_ACCOUNT]
    assert "Kontrollsiffran" in v.findings[0].text


def test_unknown_kind_is_noap():
    assert verify(claim(kind="swish"), ctx()).status == NOAP


def test_latest_fresh_answer_decides():
    old = answer("Annan Förening", OTHER_ORG, days_old=60, id=1)
    new = answer("Gemenskap i Rinkeby", ORG, days_old=5, id=2)
    assert verify(claim(), ctx(old, new)).status == MTCH
    newer_other = answer("Annan Förening", OTHER_ORG, days_old=1, id=3)
    assert verify(claim(), ctx(old, new, newer_other)).status == NMTC


def test_conflicting_answers_of_the_same_day_are_noap():
    a = answer("Gemenskap i Rinkeby", ORG, days_old=5, id=1)
    b = answer("Annan Förening", OTHER_ORG, days_old=5, id=2, source="bank")
    v = verify(claim(), ctx(a, b))
    assert v.status == NOAP and "Motstridiga" in v.explanation


def test_closed_account_is_noap_with_a_finding():
    v = verify(claim(), ctx(answer(holder_orgnr=ORG, status="closed")))
    assert v.status == NOAP
    assert CLOSED_ACCOUNT in {f.code for f in v.findings}


def test_closed_account_is_flagged_even_when_the_answer_is_old():
    v = verify(claim(), ctx(answer(holder_orgnr=ORG, status="not_found", days_old=900)))
    assert v.status == NOAP
    assert CLOSED_ACCOUNT in {f.code for f in v.findings}


def test_answer_without_name_or_number_is_noap():
    v = verify(claim(), ctx(answer(None, None)))
    assert v.status == NOAP


def test_no_payee_name_nor_number_is_noap():
    v = verify(claim(name="", payee_id=None), ctx(answer("Gemenskap i Rinkeby")))
    assert v.status == NOAP


# --- private accounts ------------------------------------------------------------------------

def test_association_paid_to_a_personkonto_by_number():
    v = verify(claim(number=PERSONKONTO, kind="bank_account"), ctx())
    finding = next(f for f in v.findings if f.code == PRIVATE_ACCOUNT)
    assert finding.severity == "danger" and "föreningen" in finding.text
    assert v.status == NOAP


def test_holder_is_a_private_person_for_a_company():
    v = verify(claim(association=False, name="Byggservice Söder AB", payee_id="556123-4005"),
               ctx(answer("Anna Svensson", personnummer="19811218-9876")))
    assert v.status == NMTC
    assert "privatperson" in v.explanation
    assert "9876" not in v.explanation  # the personnummer is masked
    finding = next(f for f in v.findings if f.code == PRIVATE_ACCOUNT)
    assert finding.severity == "warning"


def test_sole_trader_on_own_personnummer_is_a_match():
    v = verify(claim(association=False, name="Anna Svensson Konsult",
                     payee_id="19811218-9876"),
               ctx(answer("Anna Svensson", personnummer="19811218-9876")))
    assert v.status == MTCH
    assert PRIVATE_ACCOUNT not in {f.code for f in v.findings}
    assert "19811218-****" in v.explanation


# --- register cross-checks ------------------------------------------------------------------

def test_account_shared_with_another_organisation():
    register = [reg(1, ORG, "Föreningen Gemenskap i Rinkeby"),
                reg(2, OTHER_ORG, "Annan Förening")]
    v = verify(claim(), ctx(answer(holder_orgnr=ORG), register=register))
    assert v.status == MTCH  # the holder evidence says it is theirs ...
    shared = [f for f in v.findings if f.code == SHARED_ACCOUNT]
    assert shared and "Annan Förening" in shared[0].text  # ... but another org uses it too


def test_shared_account_on_the_allow_list_is_informational():
    register = [reg(1, ORG, "Föreningen Gemenskap i Rinkeby"),
                reg(2, OTHER_ORG, "Factoringbolaget AB")]
    allow = {("bankgiro", BG_DIGITS): Allowance("bankgiro", BG_DIGITS, "Factoringbolag",
                                                "Avtal dnr 2026/14")}
    v = verify(claim(), ctx(register=register, allowances=allow))
    codes = {f.code: f for f in v.findings}
    assert SHARED_ACCOUNT not in codes
    assert codes[SHARED_ACCOUNT_ALLOWED].severity == "info"
    assert "Avtal dnr 2026/14" in codes[SHARED_ACCOUNT_ALLOWED].text
    assert not v.alerts


def test_removed_register_rows_do_not_count_as_shared():
    register = [reg(1, ORG, "Föreningen Gemenskap i Rinkeby"),
                reg(2, OTHER_ORG, "Annan Förening", removed=TODAY - timedelta(days=30))]
    v = verify(claim(), ctx(register=register))
    assert SHARED_ACCOUNT not in {f.code for f in v.findings}


def test_account_changed_shortly_before_payment():
    register = [reg(1, ORG, "F", digits="58240003", added=TODAY - timedelta(days=500),
                    removed=TODAY - timedelta(days=10), reason="Byte enligt e-post"),
                reg(1, ORG, "F", added=TODAY - timedelta(days=10))]
    v = verify(claim(pay_date=TODAY), ctx(register=register, change_window_days=30))
    change = next(f for f in v.findings if f.code == RECENT_CHANGE)
    assert "10 dagar före betalningen" in change.text and "58240003" in change.text
    later = verify(claim(pay_date=TODAY + timedelta(days=25)),
                   ctx(register=register, change_window_days=30))
    assert RECENT_CHANGE not in {f.code for f in later.findings}


def test_first_account_is_not_a_change():
    register = [reg(1, ORG, "F", added=TODAY - timedelta(days=2))]
    v = verify(claim(pay_date=TODAY), ctx(register=register))
    assert RECENT_CHANGE not in {f.code for f in v.findings}


def test_account_not_registered_for_the_payee():
    v = verify(claim(), ctx(register=[reg(1, ORG, "F", digits="58240003")]))
    assert NOT_IN_REGISTER in {f.code for f in v.findings}


def test_account_closed_in_the_register():
    register = [reg(1, ORG, "F", removed=TODAY - timedelta(days=40), reason="Avslutat av banken")]
    v = verify(claim(), ctx(register=register))
    removed = next(f for f in v.findings if f.code == REMOVED_ACCOUNT)
    assert "Avslutat av banken" in removed.text


# --- fail closed, as a property -------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(days_old=st.integers(min_value=-400, max_value=2000),
       max_age=st.integers(min_value=1, max_value=720),
       holder=st.sampled_from([ORG, OTHER_ORG, None]),
       status=st.sampled_from(["active", "closed", "not_found"]))
def test_mtch_only_with_fresh_active_evidence(days_old, max_age, holder, status):
    c = ctx(answer("Gemenskap i Rinkeby", holder, days_old=days_old, status=status),
            max_age_days=max_age)
    v = verify(claim(), c)
    if v.status == MTCH:
        assert 0 <= days_old <= max_age and status == "active"
    if days_old > max_age or days_old < 0 or status != "active":
        assert v.status == NOAP


@pytest.mark.parametrize("number", ["", "abc", "1", "5050 1006 7", "0000-0000"])
def test_garbage_numbers_never_raise_and_never_match(number):
    v = verify(claim(number=number), ctx(answer(holder_orgnr=ORG)))
    assert v.status == NOAP
