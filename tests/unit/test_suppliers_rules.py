"""The exclusion rules, ground by ground: positive, negative and could-not-check cases, time
limits at the boundary days, and fail-closed handling of partial, failed and stale evidence."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from suppliers import evidence as ev
from suppliers import rules
from suppliers.rule_values import defaults_on as values_on

TODAY = date(2026, 3, 16)
NOW = datetime(2026, 3, 16, 8, 0, tzinfo=timezone.utc)
VD = rules.Person("person:1", "VD Cecilia Provdahl")


def ctx(regime=rules.LOU, **kw) -> rules.CheckContext:
    base = dict(regime=regime, on_date=TODAY, supplier_name="Testbolaget AB",
                orgnr="556901-2346", values=values_on(TODAY), representatives=(VD,))
    base.update(kw)
    return rules.CheckContext(**base)


def e(source, status=ev.FOUND, facts=(), subject="org", **kw) -> ev.Evidence:
    return ev.Evidence(source=source, subject=subject, subject_label=subject, status=status,
                       retrieved_at=NOW, facts=tuple(facts), **kw)


def clean_bundle(**replace_by_key) -> ev.EvidenceBundle:
    """Every source answered, fresh, and showed nothing."""
    items = {
        (ev.BOLAGSVERKET, "org"): e(ev.BOLAGSVERKET, facts=[ev.CompanyStatus(
            "556901-2346", "Testbolaget AB", True)]),
        (ev.SKATTEVERKET, "org"): e(ev.SKATTEVERKET, facts=[ev.TaxStatus(True, True, True)]),
        (ev.KRONOFOGDEN, "org"): e(ev.KRONOFOGDEN, ev.NOT_FOUND),
        (ev.SANCTIONS, "org"): e(ev.SANCTIONS, ev.NOT_FOUND),
        (ev.SANCTIONS, VD.key): e(ev.SANCTIONS, ev.NOT_FOUND, subject=VD.key),
        (ev.IVO, "org"): e(ev.IVO, facts=[ev.Permit("LSS 9 § 2 personlig assistans",
                                                    "gällande", date(2019, 1, 1))]),
        (ev.WARNINGS, "org"): e(ev.WARNINGS, ev.NOT_FOUND),
        (ev.COMPLAINTS, "org"): e(ev.COMPLAINTS, ev.NOT_FOUND),
        (ev.DECISIONS, "org"): e(ev.DECISIONS, ev.NOT_FOUND),
        (ev.CRIMINAL_RECORD, "org"): extract("org"),
        (ev.CRIMINAL_RECORD, VD.key): extract(VD.key),
    }
    for key, value in replace_by_key.items():
        source, _, subject = key.partition("__")
        subject = {"vd": VD.key, "": "org"}.get(subject, subject)
        if value is None:
            items.pop((source, subject), None)
        else:
            items[(source, subject)] = value
    return ev.EvidenceBundle(list(items.values()))


def extract(subject, *convictions, on=TODAY) -> ev.Evidence:
    return ev.Evidence(source=ev.CRIMINAL_RECORD, subject=subject, subject_label=subject,
                       status=ev.FOUND if convictions else ev.NOT_FOUND, document_date=on,
                       facts=(ev.RecordExtract(1, subject, on, tuple(convictions)),))


def outcome(outcomes, code) -> rules.GroundOutcome:
    matches = [o for o in outcomes if o.code == code]
    assert len(matches) == 1, [o.code for o in outcomes]
    return matches[0]


def run(bundle, **kw):
    return rules.evaluate(ctx(**kw), bundle)


# --- the whole picture -----------------------------------------------------------------------

def test_clean_supplier_is_clear_on_every_ground():
    outcomes = run(clean_bundle(), permit_required=True, permit_activity="personlig assistans")
    assert {o.code: o.outcome for o in outcomes} == {
        "crime": "clear", "taxes": "clear", "insolvency": "clear", "misconduct": "clear",
        "deficiency": "clear", "sanctions": "clear", "tax_registration": "clear",
        "permit": "clear"}
    assert rules.overall(outcomes) == rules.CLEAR
    # ingen grund funnen lists what was checked
    assert all(o.reasons and o.evidence for o in outcomes)


def test_grounds_per_regime():
    codes = lambda regime: [o.code for o in run(clean_bundle(), regime=regime)]  # noqa: E731
    assert codes(rules.LOU) == ["crime", "taxes", "insolvency", "misconduct", "deficiency",
                                "sanctions", "tax_registration"]
    assert codes(rules.LOV) == ["crime", "taxes", "insolvency", "misconduct", "sanctions",
                                "tax_registration"]
    lov_crime = outcome(run(clean_bundle(), regime=rules.LOV), "crime")
    assert lov_crime.law.startswith("7 kap. 1 §")
    assert "19 kap. 17 §" in outcome(run(clean_bundle(), regime=rules.LOU19), "taxes").law


def test_no_outcomes_is_not_clear():
    assert rules.overall([]) == rules.UNKNOWN


def test_regime_for_procedures():
    assert rules.regime_for("lov", above_threshold=True, welfare=True) == rules.LOV
    assert rules.regime_for("lou_open", above_threshold=True, welfare=False) == rules.LOU
    assert rules.regime_for("lou_open", above_threshold=True, welfare=True) == rules.LOU19
    assert rules.regime_for("direct_award", above_threshold=False, welfare=False) == rules.LOU19
    assert rules.regime_for("framework", above_threshold=True, welfare=False) == rules.LOU
    assert rules.regime_for("call_off", above_threshold=False, welfare=False) == rules.LOU19


# --- 13:1 crimes ------------------------------------------------------------------------------

def conviction(category="bribery", judged=date(2024, 1, 10), **kw):
    return ev.Conviction(category=category, judgment_date=judged, description="Mutbrott",
                         court="Stockholms tingsrätt", case_number="B 123-23", **kw)


def test_crime_found_for_representative_and_mandatory_above_threshold():
    o = outcome(run(clean_bundle(criminal_record__vd=extract(VD.key, conviction()))), "crime")
    assert o.outcome == rules.FOUND and o.mandatory
    assert "VD Cecilia Provdahl" in o.reasons[0] and "Bestickning" in o.reasons[0]
    below = outcome(run(clean_bundle(criminal_record__vd=extract(VD.key, conviction())),
                        regime=rules.LOU19), "crime")
    assert below.outcome == rules.FOUND and not below.mandatory and below.hearing_required


def test_crime_clear_when_only_other_crimes():
    o = outcome(run(clean_bundle(criminal_record=extract("org", conviction("other")))), "crime")
    assert o.outcome == rules.CLEAR


def test_crime_unknown_without_extract_for_company_or_representative():
    o = outcome(run(clean_bundle(criminal_record=None)), "crime")
    assert o.outcome == rules.UNKNOWN
    assert any("belastningsregistret" in a for a in o.actions)
    o = outcome(run(clean_bundle(criminal_record__vd=None)), "crime")
    assert o.outcome == rules.UNKNOWN and "VD Cecilia Provdahl" in o.problems[0]


def test_crime_unknown_when_no_representatives_are_registered():
    o = outcome(run(clean_bundle(criminal_record__vd=None), representatives=()), "crime")
    assert o.outcome == rules.UNKNOWN
    assert "Inga företrädare" in o.problems[0]


@pytest.mark.parametrize("judged, expected", [
    (date(2021, 3, 16), rules.FOUND),   # exactly five years: still counts
    (date(2021, 3, 15), rules.CLEAR),   # five years and one day: no longer
    (date(2026, 3, 16), rules.FOUND),   # today
])
def test_crime_five_year_limit_at_the_boundary(judged, expected):
    bundle = clean_bundle(criminal_record=extract("org", conviction(judged=judged)))
    o = outcome(run(bundle), "crime")
    assert o.outcome == expected
    if expected == rules.CLEAR:
        assert "Äldre än 5 år" in " ".join(o.reasons)


def test_leap_day_judgment_counts_until_28_february():
    bundle = clean_bundle(criminal_record=extract("org", conviction(judged=date(2020, 2, 29))))
    for day, expected in ((date(2025, 2, 28), rules.FOUND), (date(2025, 3, 1), rules.CLEAR)):
        o = outcome(rules.evaluate(ctx(on_date=day, values=values_on(day)), bundle), "crime")
        assert o.outcome == expected, day


def test_stale_extract_is_unknown():
    old = extract("org", on=date(2025, 9, 1))  # older than 180 days
    o = outcome(run(clean_bundle(criminal_record=old)), "crime")
    assert o.outcome == rules.UNKNOWN and "för gammalt" in o.problems[0]


# --- 13:2 taxes -------------------------------------------------------------------------------

def test_taxes_found_for_public_debt():
    debt = e(ev.KRONOFOGDEN, facts=[ev.DebtStatus(Decimal("48200"), ("allmänna mål",))])
    o = outcome(run(clean_bundle(kronofogden=debt)), "taxes")
    assert o.outcome == rules.FOUND and "48\u00a0200\u00a0kr" in o.reasons[0]
    assert any("lagakraftvunnen" in r for r in o.reasons)


def test_taxes_clear_for_private_debt_only_but_noted():
    debt = e(ev.KRONOFOGDEN, facts=[ev.DebtStatus(Decimal("5000"), ("enskilda mål",))])
    o = outcome(run(clean_bundle(kronofogden=debt)), "taxes")
    assert o.outcome == rules.CLEAR and "enskilda mål" in o.reasons[0]


def test_debt_of_unknown_kind_counts():
    debt = e(ev.KRONOFOGDEN, facts=[ev.DebtStatus(Decimal("100"))])
    assert outcome(run(clean_bundle(kronofogden=debt)), "taxes").outcome == rules.FOUND


@pytest.mark.parametrize("status", [ev.ERROR, ev.UNAVAILABLE, ev.MISSING])
def test_taxes_unknown_when_kronofogden_failed(status):
    o = outcome(run(clean_bundle(kronofogden=e(ev.KRONOFOGDEN, status, message="Tidsgräns"))),
                "taxes")
    assert o.outcome == rules.UNKNOWN and o.actions


def test_taxes_unknown_without_any_kronofogden_answer():
    assert outcome(run(clean_bundle(kronofogden=None)), "taxes").outcome == rules.UNKNOWN


@pytest.mark.parametrize("age, expected", [(90, rules.CLEAR), (91, rules.UNKNOWN)])
def test_kronofogden_answer_freshness_boundary(age, expected):
    from datetime import timedelta
    answer = e(ev.KRONOFOGDEN, ev.NOT_FOUND, document_date=TODAY - timedelta(days=age))
    assert outcome(run(clean_bundle(kronofogden=answer)), "taxes").outcome == expected


# --- 13:3 2 insolvency --------------------------------------------------------------------

def company(**kw):
    return e(ev.BOLAGSVERKET, facts=[ev.CompanyStatus("556901-2346", "Testbolaget AB",
                                                      kw.pop("active", True), **kw)])


@pytest.mark.parametrize("code", ["KK", "LI", "FR", "AC"])
def test_insolvency_found_for_distress_proceedings(code):
    bv = company(proceedings=(ev.Proceeding(code, rules.DISTRESS_PROCEEDINGS[code],
                                            date(2026, 2, 1)),))
    o = outcome(run(clean_bundle(bolagsverket=bv)), "insolvency")
    assert o.outcome == rules.FOUND and "2026-02-01" in o.reasons[0]
    assert not o.mandatory


def test_insolvency_found_for_deregistration_for_bankruptcy():
    bv = company(active=False, deregistered_on=date(2025, 11, 3), deregistration_code="KKAV",
                 deregistration_label="Konkurs")
    o = outcome(run(clean_bundle(bolagsverket=bv)), "insolvency")
    assert o.outcome == rules.FOUND and "Konkurs" in o.reasons[0]


def test_merger_is_not_insolvency():
    bv = company(proceedings=(ev.Proceeding("FUOL", "Överlåtande i fusion"),))
    o = outcome(run(clean_bundle(bolagsverket=bv)), "insolvency")
    assert o.outcome == rules.CLEAR and "fusion" in o.reasons[0]


def test_unknown_proceeding_code_fails_closed():
    bv = company(proceedings=(ev.Proceeding("XX", "Nytt förfarande"),))
    assert outcome(run(clean_bundle(bolagsverket=bv)), "insolvency").outcome == rules.UNKNOWN


def test_insolvency_unknown_when_not_in_register():
    missing = e(ev.BOLAGSVERKET, ev.NOT_FOUND)
    o = outcome(run(clean_bundle(bolagsverket=missing)), "insolvency")
    assert o.outcome == rules.UNKNOWN and "finns inte i registret" in o.problems[0]
    o = outcome(run(clean_bundle(bolagsverket=missing), in_company_register=False), "insolvency")
    assert o.outcome == rules.UNKNOWN and "ideell förening" in o.problems[0]


def test_partial_answer_usable_only_when_the_needed_part_is_there():
    names_missing = replace(company(), status=ev.PARTIAL, missing_parts=("SNI-koder",))
    assert outcome(run(clean_bundle(bolagsverket=names_missing)),
                   "insolvency").outcome == rules.CLEAR
    proceedings_missing = replace(company(), status=ev.PARTIAL, missing_parts=(
        "pågående konkurs, likvidation eller rekonstruktion",))
    o = outcome(run(clean_bundle(bolagsverket=proceedings_missing)), "insolvency")
    assert o.outcome == rules.UNKNOWN and "ofullständigt svar" in o.problems[0]
    unnamed = replace(company(), status=ev.PARTIAL)
    assert outcome(run(clean_bundle(bolagsverket=unnamed)), "insolvency").outcome == rules.UNKNOWN


def test_stale_bolagsverket_answer_is_unknown():
    old = replace(company(), retrieved_at=datetime(2026, 2, 13, tzinfo=timezone.utc))  # 31 days
    o = outcome(run(clean_bundle(bolagsverket=old)), "insolvency")
    assert o.outcome == rules.UNKNOWN and "för gammalt" in o.problems[0]
    ok = replace(company(), retrieved_at=datetime(2026, 2, 14, tzinfo=timezone.utc))  # 30 days
    assert outcome(run(clean_bundle(bolagsverket=ok)), "insolvency").outcome == rules.CLEAR


def test_trading_ban_of_representative_is_insolvency_ground():
    ban = conviction("trading_ban", judged=date(2024, 5, 1), until=date(2027, 5, 1))
    o = outcome(run(clean_bundle(criminal_record__vd=extract(VD.key, ban))), "insolvency")
    assert o.outcome == rules.FOUND and "näringsförbud" in o.reasons[0]
    ended = conviction("trading_ban", judged=date(2020, 5, 1), until=date(2023, 5, 1))
    o = outcome(run(clean_bundle(criminal_record__vd=extract(VD.key, ended))), "insolvency")
    assert o.outcome == rules.CLEAR


def test_found_even_when_other_evidence_is_missing():
    bv = company(proceedings=(ev.Proceeding("KK", "Konkurs", date(2026, 1, 5)),))
    o = outcome(run(clean_bundle(bolagsverket=bv, criminal_record__vd=None)), "insolvency")
    assert o.outcome == rules.FOUND


# --- 13:3 3 misconduct ----------------------------------------------------------------------

def warning(category="exclusion", issued=date(2026, 3, 10), own=False):
    return ev.WarningFact(7, category, category, "Järva stadsdelsförvaltning", issued,
                          "Avtalet hävdes efter falska tidrapporter.", own)


def test_warning_from_other_department_is_misconduct_and_deficiency():
    outcomes = run(clean_bundle(warnings=e(ev.WARNINGS, facts=[warning()])))
    for code in ("misconduct", "deficiency"):
        o = outcome(outcomes, code)
        assert o.outcome == rules.FOUND and "Järva" in o.reasons[0]


@pytest.mark.parametrize("issued, expected", [
    (date(2023, 3, 16), rules.FOUND), (date(2023, 3, 15), rules.CLEAR)])
def test_warning_three_year_limit_at_the_boundary(issued, expected):
    bundle = clean_bundle(warnings=e(ev.WARNINGS, facts=[warning("suspected_crime", issued)]))
    assert outcome(run(bundle), "misconduct").outcome == expected


def sanctions(subject="org", **hit):
    base = dict(caption="Testbolaget AB", score=0.93, match=True, datasets=("eu_edes",))
    base.update(hit)
    return e(ev.SANCTIONS, facts=[ev.SanctionsHit(**base)], subject=subject)


def test_debarment_hit_is_misconduct_sanction_hit_is_requirement():
    outcomes = run(clean_bundle(sanctions=sanctions()))
    assert outcome(outcomes, "misconduct").outcome == rules.FOUND
    assert outcome(outcomes, "sanctions").outcome == rules.CLEAR
    outcomes = run(clean_bundle(sanctions__vd=sanctions(VD.key, caption="Cecilia Provdahl",
                                                        datasets=("eu_fsf",),
                                                        topics=("sanction",))))
    o = outcome(outcomes, "sanctions")
    assert o.outcome == rules.FOUND and o.outcome_label == "Brist"
    assert "VD Cecilia Provdahl" in o.reasons[0]
    assert outcome(outcomes, "misconduct").outcome == rules.CLEAR


def test_weak_hit_below_threshold_is_only_noted():
    o = outcome(run(clean_bundle(sanctions=sanctions(match=False, score=0.5))), "misconduct")
    assert o.outcome == rules.CLEAR and "svaga namnträffar" in " ".join(o.reasons)


@pytest.mark.parametrize("subject_key", ["sanctions", "sanctions__vd"])
def test_sanctions_failure_for_company_or_person_is_unknown(subject_key):
    subject = VD.key if subject_key.endswith("vd") else "org"
    failed = e(ev.SANCTIONS, ev.UNAVAILABLE, subject=subject, message="yente svarar inte")
    outcomes = run(clean_bundle(**{subject_key: failed}))
    assert outcome(outcomes, "misconduct").outcome == rules.UNKNOWN
    assert outcome(outcomes, "sanctions").outcome == rules.UNKNOWN


def test_revoked_permit_is_misconduct_even_when_not_permit_bound():
    ivo = e(ev.IVO, facts=[ev.Permit("LSS 9 § 2 personlig assistans", "återkallat",
                                     date(2026, 2, 2), "3.5.1-12345/2026")])
    o = outcome(run(clean_bundle(ivo=ivo)), "misconduct")
    assert o.outcome == rules.FOUND and "återkallat" in o.reasons[0]


def test_professional_conviction_within_three_years_is_misconduct():
    c = conviction("professional", judged=date(2024, 6, 1))
    o = outcome(run(clean_bundle(criminal_record=extract("org", c))), "misconduct")
    assert o.outcome == rules.FOUND


# --- 13:3 7 deficiencies ------------------------------------------------------------------

def complaint(severity="minor", status="open", occurred=date(2025, 10, 1), cid=1):
    return ev.ComplaintFact(cid, "AVT-1", "Farsta", occurred, severity, status, "Uteblivna besök")


def test_one_minor_complaint_is_noted_two_are_found():
    one = clean_bundle(complaints=e(ev.COMPLAINTS, facts=[complaint()]))
    o = outcome(run(one), "deficiency")
    assert o.outcome == rules.CLEAR and "1 klagomål" in o.reasons[0]
    two = clean_bundle(complaints=e(ev.COMPLAINTS, facts=[complaint(), complaint(cid=2)]))
    assert outcome(run(two), "deficiency").outcome == rules.FOUND


def test_serious_complaint_alone_is_found_rejected_does_not_count():
    serious = clean_bundle(complaints=e(ev.COMPLAINTS, facts=[complaint("serious")]))
    assert outcome(run(serious), "deficiency").outcome == rules.FOUND
    rejected = clean_bundle(complaints=e(ev.COMPLAINTS, facts=[
        complaint("serious", "rejected")]))
    assert outcome(run(rejected), "deficiency").outcome == rules.CLEAR


@pytest.mark.parametrize("occurred, expected", [
    (date(2023, 3, 16), rules.FOUND), (date(2023, 3, 15), rules.CLEAR)])
def test_complaint_three_year_limit_at_the_boundary(occurred, expected):
    bundle = clean_bundle(complaints=e(ev.COMPLAINTS, facts=[complaint("serious",
                                                                       occurred=occurred)]))
    assert outcome(run(bundle), "deficiency").outcome == expected


def test_own_termination_decision_is_deficiency():
    d = ev.DecisionFact(1, "terminate_breach", date(2025, 5, 1), "Socialförvaltningen", "Hävning")
    o = outcome(run(clean_bundle(decisions=e(ev.DECISIONS, facts=[d]))), "deficiency")
    assert o.outcome == rules.FOUND


def test_lov_folds_deficiencies_into_misconduct():
    bundle = clean_bundle(complaints=e(ev.COMPLAINTS, facts=[complaint("serious")]))
    assert outcome(run(bundle, regime=rules.LOV), "misconduct").outcome == rules.FOUND


# --- requirements -----------------------------------------------------------------------------

def test_missing_f_tax_is_a_shortcoming_unknown_flag_is_unknown():
    no_f = e(ev.SKATTEVERKET, facts=[ev.TaxStatus(False, True, True)])
    o = outcome(run(clean_bundle(skatteverket=no_f)), "tax_registration")
    assert o.outcome == rules.FOUND and "saknar F-skatt" in o.reasons[0]
    unknown = e(ev.SKATTEVERKET, facts=[ev.TaxStatus(None, True, True)])
    o = outcome(run(clean_bundle(skatteverket=unknown)), "tax_registration")
    assert o.outcome == rules.UNKNOWN


def test_permit_requirement():
    kw = dict(permit_required=True, permit_activity="personlig assistans")
    assert outcome(run(clean_bundle(), **kw), "permit").outcome == rules.CLEAR
    revoked = e(ev.IVO, facts=[ev.Permit("LSS 9 § 2 personlig assistans", "återkallat")])
    assert outcome(run(clean_bundle(ivo=revoked), **kw), "permit").outcome == rules.FOUND
    other = e(ev.IVO, facts=[ev.Permit("HVB för barn och unga", "gällande")])
    assert outcome(run(clean_bundle(ivo=other), **kw), "permit").outcome == rules.UNKNOWN
    nothing = e(ev.IVO, ev.NOT_FOUND)
    assert outcome(run(clean_bundle(ivo=nothing), **kw), "permit").outcome == rules.UNKNOWN
    assert "permit" not in [o.code for o in run(clean_bundle())]


# --- property: no failure ever reads as clear ------------------------------------------------

SOURCES = [(ev.BOLAGSVERKET, "org"), (ev.SKATTEVERKET, "org"), (ev.KRONOFOGDEN, "org"),
           (ev.SANCTIONS, "org"), (ev.SANCTIONS, VD.key), (ev.IVO, "org"),
           (ev.CRIMINAL_RECORD, "org"), (ev.CRIMINAL_RECORD, VD.key)]
AFFECTS = {ev.BOLAGSVERKET: {"insolvency"}, ev.SKATTEVERKET: {"tax_registration"},
           ev.KRONOFOGDEN: {"taxes"}, ev.SANCTIONS: {"misconduct", "sanctions"},
           ev.IVO: {"permit"}, ev.CRIMINAL_RECORD: {"crime"}}


@given(st.lists(st.tuples(st.sampled_from(SOURCES),
                          st.sampled_from([ev.ERROR, ev.UNAVAILABLE, ev.PARTIAL, ev.MISSING,
                                           "stale", "absent"])),
                min_size=1, max_size=5, unique_by=lambda t: t[0]))
def test_any_failed_source_makes_its_grounds_unknown_never_clear(failures):
    bundle = clean_bundle()
    broken = set()
    for (source, subject), how in failures:
        current = bundle.get(source, subject)
        bundle.items.remove(current)
        broken |= AFFECTS[source]
        if how == "absent":
            continue
        if how == "stale":
            bundle.add(replace(current, retrieved_at=datetime(2020, 1, 1, tzinfo=timezone.utc),
                               document_date=None))
        else:
            bundle.add(replace(current, status=how,
                               missing_parts=("avregistrering",) if how == ev.PARTIAL else ()))
    outcomes = run(bundle, permit_required=True, permit_activity="personlig assistans")
    for o in outcomes:
        if o.code in broken:
            assert o.outcome == rules.UNKNOWN, (o.code, failures)
            assert o.problems and o.actions
    assert rules.overall(outcomes) == rules.UNKNOWN
