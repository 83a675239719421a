"""Swedish organisation names: normalisation and comparison (pure, no I/O).

Used for payee verification of bank accounts (MTCH / CMTC / NMTC) and for clustering payment
ledgers. A wrong "match" is the expensive error (money goes to the wrong payee, or two
associations are merged), so the comparison is built to be precise:

* the fuzzy score (rapidfuzz) only *proposes*; token rules can veto.
* a *hard conflict* (a word on one side replaced by a different word on the other: another
  place, another number, IF vs IK, Meddelande vs Sverige) gives "no_match".
* a *soft difference* (an extra word on one side such as "Bandy", a difference only in å/ä/ö,
  or different legal-form families such as AB vs ideell förening) gives at most "close":
  a person decides.
* å, ä and ö are separate letters in Swedish, but many finance and bank systems cannot store
  them. A name written without any å/ä/ö is compared with the other folded to a/a/o and can
  match ("SVENSKA JERUSALEMSFORENINGEN", VoP practice), and the explanation says so; two names
  that both have å/ä/ö and differ in them (Hövsta/Håvsta) are at most "close".
* Legal forms are dropped also when cut off by a field width ("(IDEELL F"), dotted
  abbreviations are expanded ("Fören.", "Sv."), club words are abbreviated (Ridklubb → RK).
* ``ledger_variants`` (clustering payment ledgers, not payee verification) also accepts one
  typo in a distinctive word whatever the name's length ("Hammabry IF", "Lions Clbu"), and a
  name cut at a usual field width that is the start of the other.
* A typo (a letter missing, added, or two letters swapped) is tolerated only in words of 5+
  letters (two typos in words of 12+) with the same first letter, and never in numbers, place
  names after "i" or short words (IF, IK, BK ...); even then the whole name has to reach the
  match threshold, which one typo does only in names of about 10-20 letters or more. One letter
  *replaced* by another (Jansson/Jonsson, Lindström/Lundström) is at most "close": in Swedish
  names it too often makes another real name.
* Words in another order, and a genitive -s (Axbergs IF / Axberg IF): the first is "close", the
  second a match.
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Indel

MATCH_THRESHOLD = 95.0
CLOSE_THRESHOLD = 85.0
SOFT_CAP = 90.0  # highest score with a soft difference: close at the default thresholds
HARD_CAP = 75.0  # highest score with a hard conflict: no match at the default thresholds
GENITIVE_SCORE = 97.0  # names that differ only by a genitive -s
TYPO_SCORE = 96.0  # ledgers: one typo in a distinctive word (checked word by word)
TRUNCATED_SCORE = 96.0  # ledgers: a name cut at a field width
# Widths at which finance and bank systems cut a payee name (Bankgirot's name fields are 35/36).
FIELD_WIDTHS = (20, 24, 25, 30, 32, 35, 36, 40, 50)
MIN_TRUNCATED_LENGTH = 12  # a cut name keeps enough of itself to be told apart

_KEEP = frozenset("åäö")
_EXTRA_FOLD = str.maketrans({"ø": "ö", "æ": "ä", "ß": "ss", "đ": "d", "ł": "l", "œ": "oe"})

# Legal-form words, dropped wherever they stand. Families let compare_names notice
# "X AB" against "X ideell förening": same words, different kinds of organisation.
_LEGAL_WORDS = {
    "ab": "bolag", "aktiebolag": "bolag", "aktiebolaget": "bolag", "publ": "bolag",
    "hb": "bolag", "kb": "bolag", "handelsbolag": "bolag", "handelsbolaget": "bolag",
    "kommanditbolag": "bolag", "kommanditbolaget": "bolag",
}
_LEGAL_PHRASES = [  # (tokens, family); longest first
    (("ekonomisk", "förening"), "ekonomisk"), (("ekonomiska", "föreningen"), "ekonomisk"),
    (("ekon", "förening"), "ekonomisk"), (("ek", "förening"), "ekonomisk"),
    (("ek", "för"), "ekonomisk"), (("ekon", "för"), "ekonomisk"),
    (("ideell", "förening"), "ideell"), (("ideella", "föreningen"), "ideell"),
    (("ideell", "för"), "ideell"), (("ek", "for"), "ekonomisk"), (("ideell", "for"), "ideell"),
    (("aktiebolag",), "bolag"), (("ekonomisk", "förening"), "ekonomisk"),
]
_PHRASES_BY_FIRST: dict[str, list] = {}
for _phrase in _LEGAL_PHRASES:
    _PHRASES_BY_FIRST.setdefault(_phrase[0][0], []).append(_phrase)
# Dropped only as the first or last word: inside a name they carry meaning.
# A congregation is written with and without "församling".
_EDGE_WORDS = {"förening": "ideell", "föreningen": "ideell", "stiftelse": "stiftelse",
               "stiftelsen": "stiftelse", "ek": "ekonomisk", "ekon": "ekonomisk",
               "ideell": "ideell", "församling": "församling", "församlingen": "församling"}
_LEAD_DROP = frozenset(_EDGE_WORDS) | {"och"}
_TAIL_DROP = _LEAD_DROP | {"i"}
# Sport-club words written out or abbreviated: unify to the abbreviation, which is kept
# (IFK, IF, IK are distinguishing, never dropped).
_CLUB_WORDS = {
    "idrottsförening": "if", "idrottsföreningen": "if", "idrottsklubb": "ik",
    "idrottsklubben": "ik", "bollklubb": "bk", "bollklubben": "bk", "sportklubb": "sk",
    "sportklubben": "sk", "fotbollsklubb": "fk", "fotbollsklubben": "fk",
    "fotbollsförening": "ff", "fotbollsföreningen": "ff", "bordtennisklubb": "btk",
    "bordtennisklubben": "btk", "ridklubb": "rk", "ridklubben": "rk",
}
_AND_WORDS = frozenset({"och", "o", "&"})
# Words for a kind of organisation, written with or without the definite ending ("Fören." is
# förening or föreningen); any other word's definite form is another name (Trygghet/Tryggheten).
_GENERIC_NOUNS = frozenset({"förening", "forening", "klubb", "sällskap", "sallskap", "förbund",
                            "forbund", "församling", "forsamling", "stiftelse", "kår", "kar"})
# Abbreviations written with a dot ("Fören.", "för.", "Sv."); "för" without a dot is the
# preposition and stays.
_DOTTED = ((re.compile(r"\bfören\b\.?"), "förening "), (re.compile(r"\bför\.(?!\w)"), "förening "),
           (re.compile(r"\bsv\.(?!\w)"), "svenska "))
_ASCII = str.maketrans("åäö", "aao")
# Finance systems without å/ä/ö write "FORENING": known words are recognised in that spelling
# too ("for" only inside a legal-form phrase, where _LEGAL_PHRASES lists it).
_VOCABULARY = {w.translate(_ASCII): w for w in
               [*_LEGAL_WORDS, *(t for p, _ in _LEGAL_PHRASES for t in p), *_EDGE_WORDS,
                *_CLUB_WORDS] if w.translate(_ASCII) != w and w != "för"}

_INITIALS = re.compile(r"\b(?:[^\W\d_]\.)+[^\W\d_]\b\.?")  # B.R.A -> BRA, D.E.T. -> DET
_CARE_OF = re.compile(r"\bc/o\b.*$")
_APOSTROPHES = re.compile(r"['’`´]")
_NON_WORD = re.compile(r"[^\w&]+|_")


@dataclass(frozen=True)
class NameComparison:
    score: float
    a_normalized: str
    b_normalized: str
    verdict: str  # "match" | "close" | "no_match"
    explanation: str


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in _KEEP or ch.isascii():
        return ch
    ch = ch.translate(_EXTRA_FOLD)
    return "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))


class _FoldTable(dict):
    """``str.translate`` table of ``_fold_char``, filled on first sight of each character."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


def _fold_diacritics(text: str) -> str:
    """é -> e, ü -> u, ø -> ö; å, ä and ö stay (they are letters of their own in Swedish)."""
    if text.isascii():
        return text
    return text.translate(_FOLD_TABLE)  # one C-level pass, not a Python call per character


def _finance_system_quirks(text: str) -> str:
    # Ledger exports write "SURNAME;GIVEN" or "NAME;AB": put the part after ';' first.
    # "NAME;PASSIV" marks an inactive supplier record and is not part of the name.
    head, sep, tail = text.partition(";")
    if sep:
        tail = tail.strip()
        text = head if tail in ("passiv", "") else f"{tail} {head}"
    return _CARE_OF.sub("", text.replace(";", " "))


def _tokens(name: str) -> list[str]:
    text = name or ""
    if "&" in text:
        text = html.unescape(html.unescape(text))
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = text.casefold()
    if ";" in text or "c/o" in text:
        text = _finance_system_quirks(text)
    text = _fold_diacritics(text)
    if "." in text:
        for pattern, expansion in _DOTTED:
            text = pattern.sub(expansion, text)
        text = _INITIALS.sub(lambda m: m.group().replace(".", ""), text)
    text = _APOSTROPHES.sub("", text).replace("&", " & ")
    words = [_VOCABULARY.get(w, w) for w in _NON_WORD.sub(" ", text).split()]
    return ["och" if w in _AND_WORDS else _CLUB_WORDS.get(w, w) for w in words]


def _drop_legal_forms(words: list[str], cut: bool = False) -> tuple[list[str], frozenset[str]]:
    """Drop legal-form words until none is left (removing one can expose another:
    "ideell AB för"); a name made only of them is kept whole. In a name ``cut`` at a field
    width, a last word that begins a legal form ("A", "IDE") is what is left of it."""
    families: set[str] = set()
    while not _nothing_to_drop(words):
        out = _drop_legal_once(words, families, cut)
        if not out or out == words:
            break
        words = out
    return words, frozenset(families)


def _nothing_to_drop(words: list[str]) -> bool:
    """True when ``_drop_legal_once`` would give ``words`` back unchanged (most names, and
    every name once its legal form is gone): no legal-form word, no droppable edge word, no
    last word that could be a cut legal form or club word. False means: look closer."""
    if not _DROPPABLE.isdisjoint(words):
        return False
    if len(words) < 2:
        return True
    if words[0] in _LEAD_DROP or words[-1] in _TAIL_DROP:
        return False
    last = words[-1].translate(_ASCII)
    return last not in _CUT_CLUB_WORDS and last not in _CUT_WORD_PREFIXES


def _drop_legal_once(words: list[str], families: set[str], cut: bool = False) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(words):
        for phrase, family in _PHRASES_BY_FIRST.get(words[i], ()):
            if tuple(words[i:i + len(phrase)]) == phrase:
                families.add(family)
                i += len(phrase)
                break
        else:
            family = _LEGAL_WORDS.get(words[i])
            if family:
                families.add(family)
            else:
                out.append(words[i])
            i += 1
    out = _drop_cut_legal_tail(out, families, cut)
    # "och"/"i" left dangling at an edge once a legal form is gone ("X i" from a cut name).
    while len(out) > 1 and out[0] in _LEAD_DROP:
        families.add(_EDGE_WORDS.get(out.pop(0), ""))
    while len(out) > 1 and out[-1] in _TAIL_DROP:
        families.add(_EDGE_WORDS.get(out.pop(), ""))
    families.discard("")
    return out


_CUT_PHRASES = [p for p, _ in _LEGAL_PHRASES if len(p) > 1 or len(p[0]) > 6] + [("ab",)]
_PHRASE_FAMILY = dict(_LEGAL_PHRASES)
# Precomputed for speed (every distinct payee name passes here): the folded beginnings of the
# legal-form words, and of the club words (6+ letters) with their abbreviation.
_CUT_WORD_PREFIXES = frozenset(w.translate(_ASCII)[:k] for p in _CUT_PHRASES for w in p
                               for k in range(1, len(w)))
_CUT_CLUB_WORDS = {w.translate(_ASCII)[:k]: abbreviation for w, abbreviation in _CLUB_WORDS.items()
                   for k in range(6, len(w))}
_DROPPABLE = frozenset(_PHRASES_BY_FIRST) | frozenset(_LEGAL_WORDS)


def _drop_cut_legal_tail(words: list[str], families: set[str], cut: bool) -> list[str]:
    """A name field cut at its length often ends inside an appended legal form:
    "GLANSHAMMARSBOWLARNA (IDEELL F", "Billesholms IK (IDEELL FÖRENIN", "X Aktiebo"."""
    if len(words) < 2:
        return words
    last = words[-1].translate(_ASCII)
    if last in _CUT_CLUB_WORDS:  # "Idrottsföreni" → if
        return words[:-1] + [_CUT_CLUB_WORDS[last]]
    if last not in _CUT_WORD_PREFIXES:
        return words
    for phrase in _CUT_PHRASES:
        for j in range(len(phrase), 0, -1):  # the cut may fall in any word of the phrase
            tail = words[-j:]
            if len(words) - j < 1 or tail[:-1] != list(phrase[:j - 1]):
                continue
            word = phrase[j - 1]
            if last != word and word.translate(_ASCII).startswith(last) \
                    and (j > 1 or len(last) >= 5 or cut):
                families.add(_PHRASE_FAMILY[phrase])
                return words[:-j]
    return words


@lru_cache(maxsize=200_000)
def analyse_org_name(name: str) -> tuple[str, frozenset[str]]:
    """(normalized name, legal-form families found) — cached: ledgers repeat names a lot."""
    words, families = _drop_legal_forms(_tokens(name), looks_truncated(name) is not None)
    return " ".join(words), families


def normalize_org_name(name: str) -> str:
    """Comparable form of an organisation name.

    Casefolded, HTML entities unescaped, '&'/'o'/'o.' -> 'och', punctuation removed, legal-form
    words dropped (AB, (publ), HB, KB, ek. för., ideell förening; förening(en) and stiftelse(n)
    only as first or last word), club words abbreviated (idrottsförening -> if), accents other
    than å/ä/ö removed, 'NAME;AB' ledger notation turned round. "i <ort>" is kept.
    """
    return analyse_org_name(name)[0]


def _ascii_fold(word: str) -> str:
    return word.translate(_ASCII)


def fold_swedish_letters(text: str) -> str:
    """å, ä, ö → a, a, o: the form to compare with names from systems without them."""
    return text.translate(_ASCII)


def search_key(name: str) -> str:
    """What a name is searched and blocked by: normalized, then folded to a/a/o."""
    return fold_swedish_letters(normalize_org_name(name) or (name or "").casefold())


def _place_words(words: list[str]) -> set[str]:
    return {words[i + 1] for i in range(len(words) - 1) if words[i] == "i"}


def _equivalence(x: str, y: str, places: set[str]) -> str | None:
    """How two differing words may still be the same word, or None (a conflict).

    "typo" (a letter missing, added or two letters swapped) and "genitive" allow "match".
    "diacritic" (Goteborg/Göteborg) and "substitution" (one letter for another: Jansson/Jonsson,
    Svartvik/Smartvik — often another real name) allow only "close". A different first letter
    is never a typo (Backa/Nacka), nor is any change in numbers or in a place after "i".
    """
    if _ascii_fold(x) == _ascii_fold(y):
        return "diacritic"
    if not (x + y).isalpha() and any(map(str.isdigit, x + y)):
        return None
    if len(x) >= 3 and len(y) >= 3 and (x + "s" == y or y + "s" == x):
        return "genitive"
    short, long_ = sorted((x, y), key=len)
    if short in _GENERIC_NOUNS and long_ in (short + "en", short + "n", short + "et"):
        return "genitive"  # the definite form ("Fören." is förening or föreningen)
    shortest = min(len(x), len(y))
    if x in places or y in places or shortest < 4 or x[0] != y[0]:
        return None
    if shortest == 4:  # "Clbu": only two letters swapped, never a letter more or less
        swapped = len(x) == len(y) and OSA.distance(x, y) == 1 and sorted(x) == sorted(y)
        return "typo" if swapped else None
    allowed = 2 if shortest >= 12 else 1
    if OSA.distance(x, y, score_cutoff=allowed) > allowed:
        return None
    if len(x) == len(y):
        diff = [i for i, (p, q) in enumerate(zip(x, y)) if p != q]
        swapped = len(diff) == 2 and diff[1] == diff[0] + 1 and x[diff[0]] == y[diff[1]]
        return "typo" if swapped else "substitution"
    return "typo" if Indel.distance(x, y) <= allowed else "substitution"


def _token_diff(wa: list[str], wb: list[str]):
    """Pair the words that differ; return (equivalent pairs, conflicting pairs, extra words)."""
    right = [w for w in wb if w != "och"]
    left = []
    for w in wa:  # multiset difference; names are short, so lists beat Counter
        if w in right:
            right.remove(w)
        elif w != "och":
            left.append(w)
    places = _place_words(wa) | _place_words(wb) if left and right else set()
    # Most similar pairs first; ties broken by the words themselves so that a/b order
    # cannot change the outcome (compare_names is symmetric). One word against one (the
    # usual difference) needs no ordering.
    candidates = [(0, 0, 0, 0, 0)] if len(left) == len(right) == 1 else \
        sorted((-fuzz.ratio(x, y), min(x, y), max(x, y), i, j)
               for i, x in enumerate(left) for j, y in enumerate(right))
    used_l: set[int] = set()
    used_r: set[int] = set()
    equivalent: list[tuple[str, str, str]] = []
    for *_, i, j in candidates:
        if i in used_l or j in used_r:
            continue
        kind = _equivalence(left[i], right[j], places)
        if kind:
            equivalent.append((left[i], right[j], kind))
            used_l.add(i)
            used_r.add(j)
    rest_l = [w for i, w in enumerate(left) if i not in used_l]
    rest_r = [w for j, w in enumerate(right) if j not in used_r]
    conflicts = list(zip(rest_l, rest_r))
    n = len(conflicts)
    return equivalent, conflicts, rest_l[n:] + rest_r[n:]


def _verdict(score: float, hard: bool, soft: bool, match: float, close: float) -> str:
    if score >= match and not hard and not soft:
        return "match"
    if score >= close and not hard:
        return "close"
    return "no_match"


def has_swedish_letters(text: str) -> bool:
    return not _KEEP.isdisjoint(text)


def looks_truncated(raw: str) -> int | None:
    """The field width a name seems cut at, or None: finance systems cut payee names at a
    fixed width (25, 30, 35 … characters), often inside the last word."""
    text = (raw or "").rstrip()
    if len(text) < _SHORTEST_CUT:  # spaces taken out make it no longer
        return None
    for length in {len(text), len(" ".join(text.split()))}:
        width = _WIDTH_OF_LENGTH.get(length)
        if width:
            return width
    return None


# length -> the first of FIELD_WIDTHS it is cut at (the width or one less: a trailing space)
_WIDTH_OF_LENGTH = {n: next(w for w in FIELD_WIDTHS if n in (w - 1, w))
                    for v in FIELD_WIDTHS for n in (v - 1, v)}
_SHORTEST_CUT = min(_WIDTH_OF_LENGTH)


def compare_names(a: str, b: str, *, match_threshold: float = MATCH_THRESHOLD,
                  close_threshold: float = CLOSE_THRESHOLD,
                  ledger_variants: bool = False) -> NameComparison:
    """Compare two organisation names; the explanation says why (in Swedish).

    A name written without any å/ä/ö (a system that cannot store them) is compared with the
    other folded to a/a/o: "SVENSKA JERUSALEMSFORENINGEN" is "Svenska Jerusalemsföreningen".
    ``ledger_variants`` also accepts what finance systems do to names of the same payee:
    one typo in a distinctive word, and a name cut at a field width (a prefix of the other).
    """
    na, fam_a = analyse_org_name(a or "")
    nb, fam_b = analyse_org_name(b or "")
    if not na or not nb:
        return _compare_empty(a, b, na, nb)
    folded = has_swedish_letters(na) != has_swedish_letters(nb)
    ca, cb = (_ascii_fold(na), _ascii_fold(nb)) if folded else (na, nb)
    if ca == cb or ca.replace(" ", "") == cb.replace(" ", ""):
        score, reasons = (100.0, ["identiska efter normalisering"]) if ca == cb else \
            (98.0, ["lika bortsett från mellanslag"])
        if folded:
            score, reasons = score - 1, reasons + [_ASCII_REASON]
        hard, soft = False, False
    elif ledger_variants and (truncated := _truncation(a, b, ca, cb)):
        score, reasons = TRUNCATED_SCORE, [truncated]
        hard, soft = False, False
    else:
        score = round(fuzz.ratio(na, nb), 1)
        reasons = [f"likhet {score:g}"]
        # Same words in another order: likely the same payee, but a person should look.
        # (No score above 100: from 95 on the reordering cannot count and is not computed.)
        was_reordered = score + 5 < 100 and \
            (reordered := round(fuzz.token_sort_ratio(na, nb), 1)) > score + 5
        if was_reordered:
            score = reordered
            reasons.append(f"samma ord i annan ordning ({reordered:g}, blockerar matchning)")
        equivalent, conflicts, extras = _token_diff(ca.split(), cb.split())
        hard = bool(conflicts)
        soft = bool(extras) or was_reordered or \
            any(kind in ("diacritic", "substitution") for *_, kind in equivalent)
        reasons += _describe(equivalent, conflicts, extras)
        if folded:
            reasons.append(_ASCII_REASON)
        kinds = {kind for *_, kind in equivalent}
        if not (hard or soft) and kinds == {"genitive"}:
            score = max(score, GENITIVE_SCORE)  # "Axbergs IF" is "Axberg IF"
        elif ledger_variants and not (hard or soft) and kinds and len(equivalent) == 1:
            # One typo in a distinctive word: the whole-name ratio would punish short names
            # for it ("Hammabry IF"); the token rules above already vetted the word.
            score = max(score, TYPO_SCORE)
            reasons.append("ett stavfel i ett särskiljande ord")
    if fam_a and fam_b and not fam_a & fam_b:
        soft = True
        reasons.append(f"olika associationsformer ({'/'.join(sorted(fam_a))} mot "
                       f"{'/'.join(sorted(fam_b))})")
    if hard:
        score = min(score, HARD_CAP)
    elif soft:
        score = min(score, SOFT_CAP)
    verdict = _verdict(score, hard, soft, match_threshold, close_threshold)
    text = f"'{na}' mot '{nb}': " + "; ".join(reasons) + f" → {_VERDICT_SV[verdict]}."
    return NameComparison(score, na, nb, verdict, text)


_ASCII_REASON = "skiljer bara i å/ä/ö: det ena namnet är skrivet utan å/ä/ö"


def _truncation(a: str, b: str, ca: str, cb: str) -> str | None:
    """Why the shorter name is the longer one cut at a field width, or None."""
    if (len(cb), b, cb) < (len(ca), a, ca):  # the shorter (then the first) is the cut one
        a, b, ca, cb = b, a, cb, ca
    short, long_ = ca, cb
    if len(short) < MIN_TRUNCATED_LENGTH or short == long_ or " " not in short \
            or not long_.startswith(short):
        return None
    width = looks_truncated(a)
    if width is None:
        return None
    return f"namnet verkar avkortat vid {width} tecken ('{short}' är början av '{long_}')"


def _compare_empty(a: str, b: str, na: str, nb: str) -> NameComparison:
    """Nothing left after normalisation (e.g. only punctuation): only identical text matches."""
    ra, rb = (a or "").strip().casefold(), (b or "").strip().casefold()
    if ra and ra == rb:
        return NameComparison(100.0, na, nb, "match", "Identisk text (inga ord att jämföra).")
    return NameComparison(0.0, na, nb, "no_match", "Tomt namn efter normalisering.")


_VERDICT_SV = {"match": "matchar", "close": "nästan lika (kontrollera)", "no_match": "matchar inte"}
_KIND_SV = {"diacritic": "skiljer bara i å/ä/ö", "genitive": "genitiv-s eller bestämd form", "typo": "stavfel",
            "substitution": "en bokstav utbytt: kan vara ett annat namn"}


def _describe(equivalent, conflicts, extras) -> list[str]:
    out = [f"{x}≈{y} ({_KIND_SV[kind]})" for x, y, kind in equivalent]
    out += [f"{x}≠{y} (skiljande ord, blockerar matchning)" for x, y in conflicts]
    if extras:
        out.append("ord bara på ena sidan: " + ", ".join(extras) + " (blockerar matchning)")
    return out
