"""Possible double funding (pure): overlap in time and alike activity or purpose."""
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from associations.funding import FundingItem, find_overlaps, similarity


def item(key, grantor, purpose, activity=None, start=(2026, 1, 1), end=(2026, 12, 31),
         kind="grant"):
    return FundingItem(key, grantor, f"bidrag {key}", purpose, activity, date(*start),
                       date(*end), kind=kind)


def test_same_activity_in_overlapping_periods_is_flagged_with_a_reason():
    a = item("a", "Kulturförvaltningen", "Läxhjälp för barn", "Läxhjälp och språkcafé")
    b = item("b", "Järva", "Språkcafé för unga", "Språkcafé och läxhjälp", (2026, 3, 1),
             (2026, 11, 30))
    (overlap,) = find_overlaps([a, b])
    assert (overlap.overlap_start, overlap.overlap_end) == (date(2026, 3, 1), date(2026, 11, 30))
    assert overlap.similarity == 100.0
    assert "två finansiärer" in overlap.reason and "2026-03-01–2026-11-30" in overlap.reason


def test_no_flag_when_periods_do_not_overlap():
    a = item("a", "Kultur", "Läxhjälp", "Läxhjälp", end=(2025, 12, 31), start=(2025, 1, 1))
    b = item("b", "Järva", "Läxhjälp", "Läxhjälp")
    assert find_overlaps([a, b]) == []


def test_shared_target_group_words_do_not_make_activities_alike():
    a = item("a", "Social", "Stödsamtal för unga anhöriga", "Stödsamtal")
    b = item("b", "Arvsfonden", "Digital mötesplats för unga anhöriga", "Digital mötesplats")
    assert find_overlaps([a, b]) == []
    c = item("c", "Social", "Stödsamtal för unga anhöriga", kind="ledger")
    d = item("d", "Bromma", "Sommarläger för unga anhöriga", kind="ledger")
    assert find_overlaps([c, d]) == []


def test_ledger_items_compare_only_across_departments_and_not_with_grants():
    a = item("a", "Kultur", "Läxhjälp och språkcafé", kind="ledger")
    b = item("b", "Kultur", "Läxhjälp och språkcafé", kind="ledger")
    g = item("g", "Kultur", "Läxhjälp och språkcafé")
    assert find_overlaps([a, b, g]) == []
    c = item("c", "Järva", "Språkcafé och läxhjälp för unga", kind="ledger")
    assert [(o.a.key, o.b.key) for o in find_overlaps([a, c])] == [("a", "c")]


def test_same_grantor_twice_for_the_same_activity_is_flagged_too():
    a = item("a", "Kultur", "Kulturkvällar", "Kulturkvällar")
    b = item("b", "Kultur", "Kulturkvällar", "Kulturkvällar", (2026, 6, 1))
    (overlap,) = find_overlaps([a, b])
    assert "samma finansiär" in overlap.reason


@given(st.text(max_size=40), st.text(max_size=40))
def test_similarity_is_symmetric_and_bounded(x, y):
    a, b = item("a", "A", x, None), item("b", "B", y, None)
    s1, _ = similarity(a, b)
    s2, _ = similarity(b, a)
    assert s1 == s2 and 0.0 <= s1 <= 100.0
