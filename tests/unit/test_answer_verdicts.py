"""One age rule and one IVO verdict for the organisation page, the supplier check and the
assistance module (registries/verdicts.py)."""
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from registries import verdicts
from registries.assess import STALE, WARNING, assess
from registries.models import RegistryLookup
from suppliers import evidence as ev
from suppliers import rules
from suppliers.registry_adapter import LookupRequest, translate
from suppliers.rule_values import defaults_on as values_on
from tests.unit.test_suppliers_rules import clean_bundle, ctx, outcome

ON = date(2026, 12, 2)


def test_the_boundary_day_is_still_in_time_and_no_date_is_too_old():
    assert not verdicts.freshness(ON - timedelta(days=30), ON, 30).stale
    assert verdicts.freshness(ON - timedelta(days=31), ON, 30).stale
    assert verdicts.freshness(None, ON, 30).stale
    assert not verdicts.freshness(None, ON, None).stale
    assert verdicts.freshness(ON - timedelta(days=1), ON, 0).stale  # 0 is a limit, not "none"


def test_the_day_of_an_answer_is_the_swedish_day():
    late_evening = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # 00:30 on 1 December in Sweden
    assert verdicts.answer_day(None, late_evening) == date(2026, 12, 1)
    assert verdicts.answer_day(date(2026, 1, 1), late_evening) == date(2026, 1, 1)


@settings(deadline=None)  # no timing assertions (the first call configures the ORM mappers)
@given(days=st.integers(min_value=-3, max_value=120), limit=st.one_of(st.none(), st.integers(0, 90)),
       minute=st.integers(0, 24 * 60 - 1), with_document=st.booleans())
def test_registry_page_and_supplier_check_agree_on_staleness(days, limit, minute, with_document):
    retrieved = datetime.combine(ON - timedelta(days=days), datetime.min.time(), UTC) + timedelta(minutes=minute)
    document = (ON - timedelta(days=days)) if with_document else None
    stored = RegistryLookup(registry="ivo", status="found", retrieved_at=retrieved, document_date=document)
    evidence = ev.Evidence(source=ev.IVO, subject="org", subject_label="X", status="found",
                           retrieved_at=retrieved, document_date=document)
    assert stored.evidence_date == evidence.dated
    assert stored.is_stale(limit, ON) == evidence.is_stale(ON, limit)


def _stored(status, days_old=40, decided=date(2019, 8, 15)):
    return RegistryLookup(registry="ivo", status="found", retrieved_at=datetime.now(UTC),
                          document_date=ON - timedelta(days=days_old),
                          normalized={"records": [{
                              "orgnr": "5569012346", "holder_name": "Omsorgspartner", "status": status,
                              "activity": "LSS 9 § 2 personlig assistans", "decision_date": decided.isoformat(),
                              "diarienummer": "3.5.1-1/2019"}]})


def _check(stored):
    item = translate(stored, LookupRequest("ivo", "5569012346", "org", "Omsorgspartner"))
    context = ctx(on_date=ON, permit_required=True, permit_activity="personlig assistans",
                  values=values_on(ON))
    return outcome(rules.evaluate(context, clean_bundle(ivo=item)), "permit")


def test_a_too_old_valid_permit_reads_the_same_on_both_pages():
    stored = _stored("gällande", days_old=40)
    page = assess(stored, 30, ON)
    check = _check(stored)
    assert page.level == STALE and page.label == verdicts.STALE_LABEL
    assert check.outcome == rules.UNKNOWN
    sentence = verdicts.stale_sentence(ON - timedelta(days=40), 30)
    assert "äldre än 30 dagar" in sentence
    assert sentence in page.notes and any(sentence in p for p in check.problems)


def test_a_revoked_permit_is_a_finding_on_both_pages_even_in_an_old_answer():
    stored = _stored("återkallat", days_old=40, decided=date(2026, 11, 12))
    page, check = assess(stored, 30, ON), _check(stored)
    assert page.level == WARNING and check.outcome == rules.FOUND
    text = "LSS 9 § 2 personlig assistans: återkallat (beslut 2026-11-12, dnr 3.5.1-1/2019)."
    assert page.findings == (text,)
    assert f"IVO: {text}" in check.reasons
    assert any("för gammalt" in r for r in check.reasons)  # the age is said, not hidden


def test_a_fresh_valid_permit_passes_on_both_pages_with_the_same_sentence():
    stored = _stored("gällande", days_old=5)
    page, check = assess(stored, 30, ON), _check(stored)
    assert page.label == "Inga anmärkningar" and check.outcome == rules.CLEAR
    assert page.notes[0] in " ".join(check.reasons)
