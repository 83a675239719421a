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
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from rapidfuzz import fuzz, process

from associations.ledger import LedgerRow
from oversight.names import MATCH_THRESHOLD, analyse_org_name, compare_names

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

    def __init__(self, orgs: list[str | None], names: list[str], weights):
        self.parent = list(range(len(orgs)))
        self.org = list(orgs)
        self.canon = list(names)
        self.weight = list(weights)

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
        self.count = array("I")
        self.row_numbers = array("I")
        self.row_atoms = array("I")
        self.norm: dict[str, str] = {}

    def add(self, row: LedgerRow) -> None:
        norm = self.norm.get(row.payee_name)
        if norm is None:  # case/space variants share one normalisation
            folded = " ".join(row.payee_name.split()).casefold()
            norm = self.norm[row.payee_name] = analyse_org_name(folded)[0]
        org = row.org_nr if self.use_orgnr else None
        key = (norm, org, account_key(row.bank_account))
        atom = self.atom_of.get(key)
        if atom is None:
            atom = self.atom_of[key] = len(self.keys)
            self.keys.append(key)
            self.raw_name.append(" ".join(row.payee_name.split()))
            self.count.append(0)
        self.count[atom] += 1
        self.row_numbers.append(row.row)
        self.row_atoms.append(atom)


def cluster_ledger(rows: Iterable[LedgerRow], *, use_orgnr: bool = True,
                   match_threshold: float = MATCH_THRESHOLD) -> ClusterResult:
    """Resolve each row's payee to an entity (cluster); see the module docstring."""
    b = _Builder(use_orgnr)
    for row in rows:
        b.add(row)
    n = len(b.keys)
    uf = _UnionFind([k[1] for k in b.keys], [k[0] for k in b.keys], b.count)
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
    return _finish(b, uf, method, conf, edges)


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
    canon_ok: dict[tuple[str, str], bool] = {}
    # Pairs with the most used name first, then the most similar: variants attach to the
    # main spelling before they can gather round one another.
    order = sorted((-max(weight[x], weight[y]), -r, x, y)
                   for (x, y), r in candidate_pairs(names, threshold).items())
    for _, _, x, y in order:
        ra, rb = uf.find(first_atom[x]), uf.find(first_atom[y])
        if ra == rb:
            continue  # already together (same account, or through another variant)
        cmp = compare_names(x, y, match_threshold=threshold)
        if cmp.verdict != "match":
            continue
        # No chaining: a typo variant may join one payee, but it cannot bridge two payees whose
        # main names do not match each other (Fagersta ~ Faersta ~ Farsta).
        ca, cb = sorted((uf.canon[ra], uf.canon[rb]))
        if ca != cb and (ca, cb) not in canon_ok:
            canon_ok[ca, cb] = compare_names(ca, cb, match_threshold=threshold).verdict == "match"
        if ca == cb or canon_ok[ca, cb]:
            link(first_atom[x], first_atom[y], FUZZY, "liknande namn " + cmp.explanation,
                 cmp.score)


def candidate_pairs(names: Sequence[str], threshold: float = MATCH_THRESHOLD) -> dict:
    """{(name, name): rough similarity} for distinct normalized names that might reach
    ``threshold``; compare_names has the last word."""
    pairs: dict[tuple[str, str], float] = {}
    for keyfunc in (_nospace_key, _loose_key):
        groups: dict[str, list[str]] = defaultdict(list)
        for name in names:
            groups[keyfunc(name)].append(name)
        for group in groups.values():
            for i, x in enumerate(group):
                for y in group[i + 1:]:
                    pairs[min(x, y), max(x, y)] = 100.0
    blocks: dict[str, list[str]] = defaultdict(list)
    for name in names:
        if len(name) >= 8:  # shorter names reach 95 only through the keys above
            for key in _block_keys(name):
                blocks[key].append(name)
    ratio = 200.0 / threshold - 1.0  # longest/shortest length that can still reach threshold
    for block in blocks.values():
        if len(block) > 1:
            _fuzzy_block(sorted(block, key=len), ratio, threshold, pairs)
    return pairs


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
        limit = lengths[i] * ratio + 1
        end = max(end, i + 1)
        while end < len(block) and lengths[end] <= limit:
            end += 1
        if end - i < 2:
            continue
        for other, score, _ in process.extract(name, block[i + 1:end], scorer=fuzz.ratio,
                                               score_cutoff=threshold, limit=None):
            if other != name:
                pairs.setdefault((min(name, other), max(name, other)), score)


def _finish(b: _Builder, uf: _UnionFind, method, conf, edges) -> ClusterResult:
    root_cluster: dict[int, int] = {}
    clusters: dict[int, Cluster] = {}
    best: dict[int, int] = {}  # cluster id -> atom with the most rows (canonical name)
    atom_cluster = array("I", [0]) * len(b.keys)
    for atom in b.row_atoms:  # ids in order of first appearance
        root = uf.find(atom)
        cid = root_cluster.get(root)
        if cid is None:
            cid = root_cluster[root] = len(root_cluster) + 1
            org = uf.org[root] if b.use_orgnr else None
            clusters[cid] = Cluster(cid, "", org)
    for atom in range(len(b.keys)):
        cid = root_cluster[uf.find(atom)]
        atom_cluster[atom] = cid
        c = clusters[cid]
        c.rows += b.count[atom]
        c.names.append(b.raw_name[atom])
        if cid not in best or b.count[atom] > b.count[best[cid]]:
            best[cid] = atom
    for cid, atom in best.items():
        clusters[cid].canonical_name = b.raw_name[atom]
        clusters[cid].names = sorted(set(clusters[cid].names))
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


def multi_department_clusters(result: ClusterResult, rows: Sequence[LedgerRow],
                              min_departments: int = 2) -> list[MultiDepartmentCluster]:
    """Entities paid by at least ``min_departments`` departments, largest total first."""
    ids = result.cluster_ids()
    depts: dict[int, set[str]] = defaultdict(set)
    for cid, row in zip(ids, rows):
        depts[cid].add(row.department)
    wanted = {cid for cid, d in depts.items() if len(d) >= min_departments}
    acc: dict[int, dict] = {cid: {"amounts": defaultdict(Decimal), "rows": Counter(),
                                  "orgs": set(), "accounts": set(), "purposes": set()}
                            for cid in wanted}
    for cid, row in zip(ids, rows):
        if cid in wanted:
            a = acc[cid]
            a["amounts"][row.department] += row.amount
            a["rows"][row.department] += 1
            a["orgs"].update([row.org_nr] if row.org_nr else [])
            a["accounts"].update(x for x in (row.account_text, row.bank_account) if x)
            a["purposes"].update([row.purpose] if row.purpose else [])
    out = [_summarise(result.clusters[cid], a) for cid, a in acc.items()]
    return sorted(out, key=lambda m: (-m.total, m.cluster_id))


def _summarise(c: Cluster, a: dict) -> MultiDepartmentCluster:
    total = sum(a["amounts"].values(), Decimal(0))
    shares = [DepartmentShare(d, a["rows"][d], amt, float(amt / total) if total else 0.0)
              for d, amt in sorted(a["amounts"].items(), key=lambda kv: -kv[1])]
    return MultiDepartmentCluster(c.cluster_id, c.canonical_name, c.resolved_org_nr, total,
                                  shares, c.names, sorted(a["orgs"]), sorted(a["accounts"]),
                                  sorted(a["purposes"]), c.explanation)
