"""The shortcuts that make ledger clustering fast decide nothing on their own: each one is
checked here against the full computation it skips (names, candidate pairs, row order)."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from associations.ledger import LedgerRow
from associations.matching import _block_keys, candidate_pairs, cluster_ledger
from oversight.names import (
    FIELD_WIDTHS,
    _drop_legal_once,
    _nothing_to_drop,
    analyse_org_name,
    compare_names,
    fold_swedish_letters,
    looks_truncated,
)

# Legal-form words, their cut beginnings, edge words, club words and ordinary words.
WORDS = ["ab", "aktiebolag", "hb", "ek", "ekon", "för", "for", "förening", "föreningen",
         "ideell", "ideella", "ekonomisk", "i", "och", "stiftelsen", "församling", "a", "ide",
         "aktiebo", "idrottsföreni", "ridklu", "if", "ik", "rinkeby", "hovsta", "bandy",
         "göteborg", "lions", "club", "gävle", "kvinnokraft", "svenska", "publ", "kb"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=6), st.booleans())
def test_nothing_to_drop_means_the_full_pass_changes_nothing(words, cut):
    if _nothing_to_drop(words):
        families: set[str] = set()
        assert _drop_legal_once(list(words), families, cut) == words and not families


NAME_WORDS = st.sampled_from(["Rinkeby", "Hovsta", "Hammarby", "Hammabry", "Idrottsförening",
                              "IF", "IK", "Gemenskap", "Gemenskp", "Framtid", "Kulturföreningen",
                              "i", "Kista", "Kisra", "AB", "Bygg", "Byggg", "Svenska", "Röda",
                              "Korset", "Lions", "Club", "Clbu", "Gävle", "Norra"])
NAMES = st.lists(st.lists(NAME_WORDS, min_size=1, max_size=5).map(" ".join), min_size=2,
                 max_size=25)


@settings(max_examples=150, deadline=None)
@given(NAMES)
@example(["rinkeby gemenskap abcdefghijklmnopq", "rinkeby gemenskap abcdefghijklmnopqrs"])
@example(["rinkeby abcdefghijk", "rinkeby abcdefghijklm"])  # 2 * 19 / (19 + 21): exactly 95
def test_candidate_pairs_hold_every_pair_a_block_can_give(raw):
    """Every pair of names sharing a block (first or last word) whose whole-name ratio reaches
    the threshold is a candidate, with that ratio or 100 (found by a key): the length window
    only skips pairs that cannot reach it."""
    names = sorted({analyse_org_name(n)[0] for n in raw} - {""})
    pairs = candidate_pairs(names, 95.0)
    for i, x in enumerate(names):
        for y in names[i + 1:]:
            shared = _block_keys(fold_swedish_letters(x)) & _block_keys(fold_swedish_letters(y))
            score = fuzz.ratio(x, y)
            if shared and min(len(x), len(y)) >= 8 and score >= 95.0:
                assert pairs[min(x, y), max(x, y)] in (100.0, score)


@given(st.lists(NAME_WORDS, min_size=1, max_size=5).map(" ".join),
       st.lists(NAME_WORDS, min_size=1, max_size=5).map(" ".join))
@example("Hyresgästföreningen Gemenskap i Kista AB", "Hyresgästföreningen Gemenskap i Kista")
@example("Gemenskap Kista Framtid", "Framtid Gemenskap Kista")
def test_compare_names_is_the_same_whichever_side_is_cut(a, b):
    """The truncation and reordering checks run only where they can change the verdict."""
    for x, y in ((a, b), (a[:30], b), (a, b[:25])):
        one = compare_names(x, y, ledger_variants=True)
        other = compare_names(y, x, ledger_variants=True)
        assert (one.score, one.verdict) == (other.score, other.verdict)


def _row(i: int, name: str, dept: str = "Kultur") -> LedgerRow:
    return LedgerRow(i, dept, name, None, None, None, None, Decimal(1), None, None, None)


def test_rows_from_a_generator_cluster_as_from_a_list():
    names = ["Hammarby IF", "HAMMARBY IF ", "Hammabry Idrottsförening", "Hovsta IK",
             "Hovsta IF", "Lions Club Gävle", "Lions Clbu Gävle", "Hammarby IF"]
    rows = [_row(i + 1, n, ("Kultur", "Fritid")[i % 2]) for i, n in enumerate(names)]
    from_list = cluster_ledger(rows, use_orgnr=False)
    from_generator = cluster_ledger((r for r in rows), use_orgnr=False)
    assert list(from_list) == list(from_generator)
    assert from_list.cluster_ids() == [1, 1, 1, 2, 3, 4, 4, 1]


@given(st.text(alphabet="ab \t\u00a0", max_size=55))
def test_looks_truncated_by_table_is_the_width_loop(raw):
    text = raw.rstrip()
    expected = None
    for length in {len(text), len(" ".join(text.split()))}:
        expected = next((w for w in FIELD_WIDTHS if length in (w - 1, w)), None)
        if expected:
            break
    assert looks_truncated(raw) == expected
