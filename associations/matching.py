"""Resolve ledger payees to entities and find entities paid by several departments (pure).

Evidence, strongest first: a valid organisation number, a bank account, the exact normalized
name, a fuzzy name match (oversight.names.compare_names verdict "match"). Rows are first
collapsed into *atoms* (same normalized name, org.nr and account), so the work scales with the
number of distinct payees, not rows. Atoms are joined with union-find under one constraint: a
cluster never holds two different valid org numbers. A name shared by payees with different
org numbers is ambiguous, and rows carrying only that name are left unattached to either.

Fuzzy candidates come from cheap keys (name without spaces, sorted words without genitive -s)
and from rapidfuzz within blocks (first word, last word; head/tail of one-word names), compared
only with names of similar length — a ratio of 95 cannot be reached otherwise. compare_names
then decides each candidate pair, so its token rules (IF ≠ IK, Göteborg ≠ Göteborg Bandy) hold.
"""
from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter

from rapidfuzz import fuzz, process

from associations.ledger import LedgerRow
from oversight.gc_pause import paused_gc
from oversight.names import (
    MATCH_THRESHOLD,
    analyse_org_name,
    compare_names,
    fold_swedish_letters,
    looks_truncated,
)

METHODS = ("singleton", "name_fuzzy", "name_exact", "account", "orgnr")  # weakest first
SINGLETON, FUZZY, EXACT, ACCOUNT, ORGNR = range(5)
CONFIDENCE = {SINGLETON: 1.0, EXACT: 0.9, ACCOUNT: 0.95, ORGNR: 1.0}
MAX_EXPLANATIONS = 12  # per cluster: enough to check, bounded for huge clusters


@dataclass(frozen=True, slots=True)
class RowCluster:
    row: int
    cluster_id: int
    resolved_org_nr: str | None
    canonical_name: str
    method: str
    confidence: float


@dataclass
class Cluster:
    cluster_id: int
    canonical_name: str
    resolved_org_nr: str | None
    rows: int = 0
    names: list[str] = field(default_factory=list)
    explanation: list[str] = field(default_factory=list)
    # The name alone is used by several organisations (org numbers or accounts say so): these
    # rows could belong to any of them, so a person resolves the cluster.
    ambiguous_name: bool = False


AMBIGUOUS_NOTE = ("samma namn, flera organisationer möjliga: namnet används av flera "
                  "organisationsnummer eller konton, så raderna med bara namnet kopplas inte "
                  "till någon av dem")


class ClusterResult:
    """Per-row assignments (iterate, index by position) and the clusters by id."""

    def __init__(self, row_numbers, row_atoms, atom_cluster, atom_method, atom_conf, clusters):
        self._rows, self._atoms = row_numbers, row_atoms
        self._cluster, self._method, self._conf = atom_cluster, atom_method, atom_conf
        self.clusters: dict[int, Cluster] = clusters

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i: int) -> RowCluster:
        atom = self._atoms[i]
        c = self.clusters[self._cluster[atom]]
        method = self._method[atom] if c.rows > 1 else SINGLETON
        conf = self._conf[atom] if method == FUZZY else CONFIDENCE[method]
        return RowCluster(self._rows[i], c.cluster_id, c.resolved_org_nr, c.canonical_name,
                          METHODS[method], round(conf, 3))

    def __iter__(self) -> Iterator[RowCluster]:
        return (self[i] for i in range(len(self)))

    def cluster_ids(self) -> list[int]:
        """Cluster id per input row, in input order (cheap; for evaluation)."""
        return [self._cluster[a] for a in self._atoms]


class _UnionFind:
    """Sets of atoms; each root keeps the set's org.nr and its main name (most rows)."""

    def __init__(self, orgs: list[str | None], names: list[str], weights, accounts):
        self.parent = list(range(len(orgs)))
        self.org = list(orgs)
        self.canon = list(names)
        self.weight = list(weights)
        self.accounts: list[frozenset] = [frozenset([a]) if a else frozenset() for a in accounts]

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> bool | None:
        """True if joined, None if already together, False if the org numbers conflict."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        oa, ob = self.org[ra], self.org[rb]
        if oa and ob and oa != ob:
            return False
        self.parent[rb] = ra
        self.org[ra] = oa or ob
        if self.accounts[rb]:
            self.accounts[ra] = self.accounts[ra] | self.accounts[rb]
        if self.weight[rb] > self.weight[ra]:
            self.canon[ra] = self.canon[rb]
        self.weight[ra] += self.weight[rb]
        return True


_ACCOUNT_PREFIX = re.compile(r"^(BANKGIRO|BG|PLUSGIRO|PG)\b\.?:?")


def account_key(raw: str | None) -> str | None:
    """Join key for a bank account / giro: kind prefix (if written) + digits, IBAN as is."""
    if not raw:
        return None
    text = raw.upper().strip()
    compact = re.sub(r"[\s.-]", "", text)
    if re.fullmatch(r"SE\d{22}", compact):
        return compact
    kind = _ACCOUNT_PREFIX.match(text)
    digits = re.sub(r"\D", "", text)
    if len(digits) < 5:
        return None
    prefix = {"BANKGIRO": "BG", "PLUSGIRO": "PG"}.get(kind.group(1), kind.group(1)) if kind else ""
    return prefix + digits


class _Builder:
    """Collapses rows into atoms and records accepted links with their explanations."""

    def __init__(self, use_orgnr: bool):
        self.use_orgnr = use_orgnr
        self.atom_of: dict[tuple, int] = {}
        self.keys: list[tuple] = []
        self.raw_name: list[str] = []
        self.count = array("I")  # rows per atom
        self.row_numbers = array("I")
        self.row_atoms = array("I")  # atom per row
        self.norm: dict[str, str] = {}
        self.account: dict[str | None, str | None] = {}
        self.spelling: dict[str, str] = {}  # normalized name -> a raw spelling (a cut one first)

    def add_all(self, rows: Iterable[LedgerRow]) -> None:
        """Each row to its atom. Rows whose payee text, org.nr and account text are the same
        (a payee's rows repeat them) share one atom, found with one lookup: the distinct
        texts are collected and the rows mapped to atoms in C loops (map, dict, array)."""
        rows = rows if isinstance(rows, Sequence) else list(rows)
        fields = ("payee_name", "org_nr", "bank_account") if self.use_orgnr else \
            ("payee_name", "bank_account")
        texts = attrgetter(*fields)
        by_raw = dict.fromkeys(map(texts, rows))  # distinct, in order of first appearance
        for raw in by_raw:
            by_raw[raw] = self._atom(raw[0], raw[1] if self.use_orgnr else None, raw[-1])
        self.row_atoms = array("I", map(by_raw.__getitem__, map(texts, rows)))
        self.row_numbers = array("I", map(attrgetter("row"), rows))
        counts = Counter(self.row_atoms)
        self.count = array("I", [counts[atom] for atom in range(len(self.keys))])

    def _atom(self, payee: str, org: str | None, bank_account: str | None) -> int:
        norm = self.norm.get(payee)
        if norm is None:  # case/space variants share one normalisation
            folded = " ".join(payee.split()).casefold()
            norm = self.norm[payee] = analyse_org_name(folded)[0]
            if norm not in self.spelling or looks_truncated(payee):
                self.spelling[norm] = payee
        account = self.account.get(bank_account, False)
        if account is False:  # once per distinct account text (the regexes cost)
            account = self.account[bank_account] = account_key(bank_account)
        key = (norm, org, account)
        atom = self.atom_of.get(key)
        if atom is None:
            atom = self.atom_of[key] = len(self.keys)
            self.keys.append(key)
            self.raw_name.append(" ".join(payee.split()))
        return atom


def cluster_ledger(rows: Iterable[LedgerRow], *, use_orgnr: bool = True,
                   match_threshold: float = MATCH_THRESHOLD) -> ClusterResult:
    """Resolve each row's payee to an entity (cluster); see the module docstring."""
    with paused_gc():  # a million rows' worth of small acyclic objects (oversight.gc_pause)
        return _cluster(rows, use_orgnr, match_threshold)


def _cluster(rows: Iterable[LedgerRow], use_orgnr: bool, match_threshold: float) -> ClusterResult:
    b = _Builder(use_orgnr)
    b.add_all(rows)
    n = len(b.keys)
    uf = _UnionFind([k[1] for k in b.keys], [k[0] for k in b.keys], b.count,
                    [k[2] for k in b.keys])
    method = array("B", [EXACT if c > 1 else SINGLETON for c in b.count])
    for atom, key in enumerate(b.keys):
        if key[1] and b.count[atom] > 1:
            method[atom] = ORGNR
        elif key[2] and b.count[atom] > 1:
            method[atom] = ACCOUNT
    conf = array("f", [0.0] * n)
    edges: list[tuple[int, str]] = []

    def link(a: int, c: int, kind: int, why: str, score: float = 0.0) -> None:
        joined = uf.union(a, c)
        if joined is False:  # would put two org numbers in one cluster
            return
        if joined:
            edges.append((a, why))
        for x in (a, c):
            if kind > method[x] or (kind == method[x] == FUZZY and score > conf[x]):
                method[x], conf[x] = kind, score * 0.009  # 0.9 at a score of 100
    _link_shared(b, uf, link, 1, ORGNR, "samma organisationsnummer {}")
    _link_shared(b, uf, link, 2, ACCOUNT, "samma bankkonto/giro {}")
    ambiguous = _link_shared(b, uf, link, 0, EXACT, "samma namn efter normalisering '{}'")
    _link_fuzzy_names(b, uf, link, ambiguous, match_threshold)
    return _finish(b, uf, method, conf, edges, ambiguous)


def _link_shared(b: _Builder, uf: _UnionFind, link, part: int, kind: int,
                 label: str) -> set[str]:
    """Join atoms that share key ``part`` (org.nr, account or normalized name).

    A value claimed by several org numbers (one account or name used by two organisations) is
    ambiguous: only its atoms without an org.nr are joined, to each other. Returns those values.
    """
    groups: dict[str, list[int]] = defaultdict(list)
    for atom, key in enumerate(b.keys):
        if key[part]:
            groups[key[part]].append(atom)
    ambiguous: set[str] = set()
    for value, atoms in groups.items():
        if len(atoms) < 2:
            continue
        if len({uf.org[uf.find(a)] for a in atoms} - {None}) > 1:
            ambiguous.add(value)
            atoms = [a for a in atoms if uf.org[uf.find(a)] is None]
        for other in atoms[1:]:
            link(atoms[0], other, kind, label.format(value) +
                 f": '{b.raw_name[atoms[0]]}' och '{b.raw_name[other]}'")
    return ambiguous


def _link_fuzzy_names(b: _Builder, uf: _UnionFind, link, ambiguous: set[str],
                      threshold: float) -> None:
    first_atom: dict[str, int] = {}
    weight: Counter = Counter()
    for atom, key in enumerate(b.keys):
        first_atom.setdefault(key[0], atom)
        weight[key[0]] += b.count[atom]
    names = [n for n in first_atom if n and n not in ambiguous]
    cut = {n for n in names if looks_truncated(b.spelling[n])}
    canon_ok: dict[tuple[str, str], bool] = {}

    def same(x: str, y: str):
        return compare_names(b.spelling[x], b.spelling[y], match_threshold=threshold,
                             ledger_variants=True)
    # Pairs with the most used name first, then the most similar: variants attach to the
    # main spelling before they can gather round one another.
    order = sorted((-max(weight[x], weight[y]), -r, x, y)
                   for (x, y), r in candidate_pairs(names, threshold, cut).items())
    for _, _, x, y in order:
        ra, rb = uf.find(first_atom[x]), uf.find(first_atom[y])
        if ra == rb:
            continue  # already together (same account, or through another variant)
        cmp = same(x, y)
        if cmp.verdict != "match" or _accounts_disagree(uf, ra, rb, cmp.score):
            continue
        # No chaining: a typo variant may join one payee, but it cannot bridge two payees whose
        # main names do not match each other (Fagersta ~ Faersta ~ Farsta).
        ca, cb = sorted((uf.canon[ra], uf.canon[rb]))
        if ca != cb and (ca, cb) not in canon_ok:
            canon_ok[ca, cb] = same(ca, cb).verdict == "match"
        if ca == cb or canon_ok[ca, cb]:
            link(first_atom[x], first_atom[y], FUZZY, "liknande namn " + cmp.explanation,
                 cmp.score)


def _accounts_disagree(uf: _UnionFind, ra: int, rb: int, score: float) -> bool:
    """Evidence against a join: both sides are paid to accounts, none in common, and the names
    are alike only through a typo or a cut (not the same name once folded)."""
    a, b = uf.accounts[ra], uf.accounts[rb]
    return bool(a and b and not a & b and score < 98)


def candidate_pairs(names: Sequence[str], threshold: float = MATCH_THRESHOLD,
                    cut: set[str] | frozenset = frozenset()) -> dict:
    """{(name, name): rough similarity} for distinct normalized names that might be the same
    payee; compare_names has the last word.

    Keys on the form folded to a/a/o (systems without å/ä/ö): the name without spaces, the
    sorted words without genitive -s, and each word of 4+ letters with one letter deleted
    (a typo anywhere, the first word too, shares a key with the right spelling: SymSpell's
    deletion neighbourhood); names cut at a field width (``cut``) pair with the names they
    begin; rapidfuzz within blocks (first word, last word) catches the rest.
    """
    pairs: dict[tuple[str, str], float] = {}
    folded = {name: fold_swedish_letters(name) for name in names}
    for keyfunc in (_nospace_key, _loose_key):
        groups: dict[str, list[str]] = defaultdict(list)
        for name in names:
            groups[keyfunc(folded[name])].append(name)
        _pair_groups(groups.values(), pairs)
    _pair_groups(_typo_groups(names, folded), pairs, limit=MAX_TYPO_GROUP)
    _pair_prefixes(names, folded, cut, pairs)
    blocks: dict[str, list[str]] = defaultdict(list)
    for name in names:
        if len(name) >= 8:  # shorter names reach 95 only through the keys above
            for key in _block_keys(folded[name]):
                blocks[key].append(name)
    ratio = 200.0 / threshold - 1.0  # longest/shortest length that can still reach threshold
    for block in blocks.values():
        if len(block) > 1:
            _fuzzy_block(sorted(block, key=len), ratio, threshold, pairs)
    return pairs


MAX_TYPO_GROUP = 50  # a deletion key shared by more names than this carries no information


def _pair_groups(groups, pairs: dict, limit: int | None = None) -> None:
    for group in groups:
        if len(group) < 2 or (limit and len(group) > limit):
            continue
        for i, x in enumerate(group):
            for y in group[i + 1:]:
                if x != y:
                    pairs[min(x, y), max(x, y)] = 100.0


def _typo_groups(names: Sequence[str], folded: dict[str, str]):
    """Groups of names that are the same but for one word within one edit of the other.

    The deletion neighbourhood (SymSpell) is built over the distinct words, not the names, so
    the work grows with the vocabulary; a name then meets its neighbours by swapping one word
    for a neighbour word and looking the result up."""
    by_form: dict[str, list[str]] = defaultdict(list)
    for name in names:
        by_form[folded[name]].append(name)
    vocabulary = {w for form in by_form for w in form.split() if len(w) >= 4 and not w.isdigit()}
    deletions: dict[str, list[str]] = defaultdict(list)
    for word in vocabulary:
        deletions[word].append(word)
        for j in range(len(word)):
            deletions[word[:j] + word[j + 1:]].append(word)
    neighbours: dict[str, set[str]] = defaultdict(set)
    for words in deletions.values():
        if 1 < len(words) <= MAX_TYPO_GROUP:
            for w in words:
                neighbours[w].update(x for x in words if x != w)
    # Forms that are the same but for the word at one position share that position's context
    # (the words before and after it): look for neighbour words within each context, instead
    # of building every form a neighbour word would give (common words have many neighbours).
    contexts: dict[tuple, dict[str, str]] = defaultdict(dict)
    for form in by_form:
        words = form.split()
        for i, word in enumerate(words):
            if word in neighbours:
                contexts[tuple(words[:i]), tuple(words[i + 1:])][word] = form
    for members in contexts.values():
        if len(members) < 2:
            continue
        for word, form in members.items():
            mine = neighbours[word]
            for other in (mine if len(mine) < len(members) else members):
                if other > word and other in members and other in mine:  # each pair once
                    yield by_form[form] + by_form[members[other]]


def _pair_prefixes(names: Sequence[str], folded: dict[str, str], cut, pairs: dict) -> None:
    """A name cut at a field width pairs with every name it is the beginning of (sorted
    search, so each cut name costs a binary search and its matches)."""
    if not cut:
        return
    ordered = sorted((folded[n], n) for n in names)
    keys = [f for f, _ in ordered]
    for name in cut:
        prefix = folded[name]
        i = bisect_left(keys, prefix)
        while i < len(keys) and keys[i].startswith(prefix):
            other = ordered[i][1]
            if other != name:
                pairs.setdefault((min(name, other), max(name, other)), 100.0)
            i += 1


def _nospace_key(name: str) -> str:
    return name.replace(" ", "")


def _loose_key(name: str) -> str:
    return " ".join(sorted(w[:-1] if len(w) > 3 and w.endswith("s") else w
                           for w in name.split()))


def _block_keys(name: str) -> set[str]:
    words = name.split()
    if len(words) == 1:
        return {"<" + name[:4], ">" + name[-4:]}
    return {words[0], words[-1]}


def _fuzzy_block(block: list[str], ratio: float, threshold: float, pairs: dict) -> None:
    lengths = [len(n) for n in block]
    end = 0
    for i, name in enumerate(block):
        limit = lengths[i] * ratio + 1e-9  # ratio(name, other) >= threshold needs no more
        end = max(end, i + 1)
        while end < len(block) and lengths[end] <= limit:
            end += 1
        if end - i < 2:
            continue
        for other, score, _ in process.extract(name, block[i + 1:end], scorer=fuzz.ratio,
                                               score_cutoff=threshold, limit=None):
            if other != name:
                pairs.setdefault((min(name, other), max(name, other)), score)


def _finish(b: _Builder, uf: _UnionFind, method, conf, edges,
            ambiguous: set[str]) -> ClusterResult:
    root_cluster: dict[int, int] = {}
    clusters: dict[int, Cluster] = {}
    best: dict[int, int] = {}  # cluster id -> atom with the most rows (canonical name)
    atom_cluster = array("I", [0]) * len(b.keys)
    root_of = [uf.find(atom) for atom in range(len(b.keys))]
    # ids in order of first appearance in the rows
    for root in dict.fromkeys(map(root_of.__getitem__, b.row_atoms)):
        cid = root_cluster[root] = len(root_cluster) + 1
        clusters[cid] = Cluster(cid, "", uf.org[root] if b.use_orgnr else None)
    for atom in range(len(b.keys)):
        cid = root_cluster[root_of[atom]]
        atom_cluster[atom] = cid
        c = clusters[cid]
        c.rows += b.count[atom]
        c.names.append(b.raw_name[atom])
        if cid not in best or b.count[atom] > b.count[best[cid]]:
            best[cid] = atom
    for cid, atom in best.items():
        clusters[cid].canonical_name = b.raw_name[atom]
        clusters[cid].names = sorted(set(clusters[cid].names))
    for atom, key in enumerate(b.keys):
        c = clusters[atom_cluster[atom]]
        if key[0] in ambiguous and not c.resolved_org_nr and not c.ambiguous_name:
            c.ambiguous_name = True
            c.explanation.append(AMBIGUOUS_NOTE)
    for atom, why in edges:
        c = clusters[atom_cluster[atom]]
        if len(c.explanation) < MAX_EXPLANATIONS:
            c.explanation.append(why)
    return ClusterResult(b.row_numbers, b.row_atoms, atom_cluster, method, conf, clusters)


@dataclass
class DepartmentShare:
    department: str
    rows: int
    amount: Decimal
    share: float  # of the cluster's total


@dataclass
class MultiDepartmentCluster:
    cluster_id: int
    canonical_name: str
    resolved_org_nr: str | None
    total: Decimal
    departments: list[DepartmentShare]
    names: list[str]
    org_numbers: list[str]
    accounts: list[str]
    purposes: list[str]
    explanation: list[str]
    ambiguous_name: bool = False


def multi_department_clusters(result: ClusterResult, rows: Sequence[LedgerRow],
                              min_departments: int = 2) -> list[MultiDepartmentCluster]:
    """Entities paid by at least ``min_departments`` departments, largest total first."""
    with paused_gc():
        return _multi_department(result, rows, min_departments)


def _multi_department(result: ClusterResult, rows: Sequence[LedgerRow],
                      min_departments: int) -> list[MultiDepartmentCluster]:
    ids = result.cluster_ids()
    # departments per cluster, counted over the distinct (cluster, department) pairs
    departments = Counter(cid for cid, _ in set(zip(ids, map(attrgetter("department"), rows))))
    acc = {cid: _Totals() for cid, n in departments.items() if n >= min_departments}
    for a, row in zip(map(acc.get, ids), rows):
        if a is not None:
            a.add(row)
    out = [_summarise(result.clusters[cid], a) for cid, a in acc.items()]
    return sorted(out, key=lambda m: (-m.total, m.cluster_id))


class _Totals:
    """One multi-department cluster's amounts and rows per department, and what its rows say."""

    __slots__ = ("amounts", "rows", "orgs", "accounts", "purposes")

    def __init__(self):
        self.amounts: dict[str, Decimal] = defaultdict(Decimal)
        self.rows: Counter = Counter()
        self.orgs: set[str] = set()
        self.accounts: set[str] = set()
        self.purposes: set[str] = set()

    def add(self, row: LedgerRow) -> None:
        self.amounts[row.department] += row.amount
        self.rows[row.department] += 1
        if row.org_nr:
            self.orgs.add(row.org_nr)
        if row.account_text:
            self.accounts.add(row.account_text)
        if row.bank_account:
            self.accounts.add(row.bank_account)
        if row.purpose:
            self.purposes.add(row.purpose)


def _summarise(c: Cluster, a: _Totals) -> MultiDepartmentCluster:
    total = sum(a.amounts.values(), Decimal(0))
    shares = [DepartmentShare(d, a.rows[d], amt, float(amt / total) if total else 0.0)
              for d, amt in sorted(a.amounts.items(), key=lambda kv: -kv[1])]
    return MultiDepartmentCluster(c.cluster_id, c.canonical_name, c.resolved_org_nr, total,
                                  shares, c.names, sorted(a.orgs), sorted(a.accounts),
                                  sorted(a.purposes), c.explanation, c.ambiguous_name)
