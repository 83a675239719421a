"""associations.ledger (reading), associations.matching (clustering) and the match-ledger CLI."""
import csv
import io
import json
import zipfile
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from associations.cli import associations_cli
from associations.ledger import LedgerError, parse_amount, parse_org_nr, read_ledger
from associations.matching import cluster_ledger, multi_department_clusters

OREBRO = Path(__file__).resolve().parents[3] / "shared" / "data" / \
    "orebro-2016-03-leverantorsfakturor.xlsx"
STANDARD = "department;payee_name;org_nr;bank_account;amount;date;account_text;purpose\n"


def write(tmp_path, text: str, name="ledger.csv", encoding="utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(tmp_path, rows, name="ledger.xlsx") -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    path = tmp_path / name
    book.save(path)
    return path


# --- reading --------------------------------------------------------------------------------

def test_standard_csv_with_bom_decimal_comma_and_thousands(tmp_path):
    path = write(tmp_path, "\ufeff" + STANDARD +
                 "Kultur;Gemenskap i Rinkeby;802400-0849;123-4567;1\u00a0234,50;2016-03-01;"
                 "45300 Bidrag;Läxhjälp\n"
                 "Fritid;IFK Norrköping;;;-12,5;;;\n")
    rows = list(read_ledger(path, "standard"))
    assert [r.row for r in rows] == [1, 2]
    first = rows[0]
    assert (first.department, first.payee_name, first.org_nr) == \
        ("Kultur", "Gemenskap i Rinkeby", "802400-0849")
    assert first.amount == Decimal("1234.50") and str(first.date) == "2016-03-01"
    assert (first.bank_account, first.account_text, first.purpose) == \
        ("123-4567", "45300 Bidrag", "Läxhjälp")
    assert rows[1].amount == Decimal("-12.5") and rows[1].org_nr is None


def test_only_department_payee_and_amount_are_required(tmp_path):
    path = write(tmp_path, "amount,payee_name,department\n\"1,234.75\",Hovsta IF,Fritid\n")
    (row,) = read_ledger(path)
    assert row.amount == Decimal("1234.75") and row.org_nr_raw is None
    assert row.org_nr_problem is None  # no org.nr column: nothing was claimed


def test_tab_separated_cp1252(tmp_path):
    text = "department\tpayee_name\tamount\nFörskola\tHövsta IF\t1 000\n"
    (row,) = read_ledger(write(tmp_path, text, encoding="cp1252"))
    assert row.payee_name == "Hövsta IF" and row.department == "Förskola"
    assert row.amount == Decimal("1000")


def test_blank_lines_are_skipped_but_numbering_follows_the_file(tmp_path):
    path = write(tmp_path, STANDARD + "A;X AB;;;1;;;\n;;;;;;;\nB;Y AB;;;2;;;\n")
    assert [r.row for r in read_ledger(path)] == [1, 3]


def test_goteborg_headers_case_insensitive_and_by_prefix(tmp_path):
    text = ("FÖRVALTNING;Leverantör;Organisationsnummer;Fakturanummer;Verifikationsnummer;"
            "Konto;Kontotext;Belopp exkl moms;Bokföringsdatum\n"
            "Kulturförvaltningen;Gemenskap i Rinkeby;802400-0849;F1;V1;4530;Bidrag;"
            "25 000,00;2021-02-03\n")
    (row,) = read_ledger(write(tmp_path, text), "goteborg")
    assert (row.department, row.org_nr, row.account_text) == \
        ("Kulturförvaltningen", "802400-0849", "Bidrag")
    assert row.amount == Decimal("25000.00") and str(row.date) == "2021-02-03"


def test_orebro_preset_xlsx(tmp_path):
    path = write_xlsx(tmp_path, [
        ["RN1/FÖRVALTNING", "LEVERANTÖR", "ORGANISATIO", "FAKT NR", "KONTO", "UTFALL"],
        ["TFT Fritidsnämnd", "AXBERGS IF ", "875000-7331", 1, "45300 Bidrag, förening", 5000],
        ["TKM Kulturnämnd", "HANDELS-&amp; JURIST INKASSO", "SAKNAS", 2, "74900 Övrigt", 12.5],
    ])
    rows = list(read_ledger(path, "orebro"))
    assert rows[0].payee_name == "AXBERGS IF" and rows[0].org_nr == "875000-7331"
    assert rows[0].amount == Decimal("5000") and rows[1].amount == Decimal("12.5")
    assert rows[1].org_nr is None and "SAKNAS" in rows[1].org_nr_problem


@pytest.mark.parametrize("raw, problem", [
    ("SAKNAS", "SAKNAS"), ("NULL", "NULL"), ("", "saknas"),
    ("556811-9357/556168-8523", "Flera organisationsnummer"),
    ("502007-7862, 663000-0013", "Flera organisationsnummer"),
    ("DK78479310", "Utländskt momsregistreringsnummer (DK)"),
    ("556811-9358", "Ogiltigt organisationsnummer"),
])
def test_bad_org_numbers_are_flagged_not_dropped(raw, problem):
    org, message = parse_org_nr(raw)
    assert org is None and problem in message


def test_org_number_forms():
    assert parse_org_nr("5568119357") == ("556811-9357", None)
    assert parse_org_nr("SE556811935701") == ("556811-9357", None)  # Swedish VAT number
    assert parse_org_nr(5560160680) == ("556016-0680", None)         # number cell


def test_rows_with_bad_org_numbers_are_kept(tmp_path):
    path = write(tmp_path, STANDARD + "A;X AB;SAKNAS;;1;;;\nA;Y AB;556811-9358;;2;;;\n")
    rows = list(read_ledger(path))
    assert len(rows) == 2 and all(r.org_nr_problem for r in rows)
    assert rows[1].org_nr_raw == "556811-9358"


@pytest.mark.parametrize("raw, expected", [
    ("1 234,50", "1234.50"), ("1.234,50", "1234.50"), ("1,234.50", "1234.50"),
    ("12,5-", "-12.5"), ("1.234.567", "1234567"), ("-0,01", "-0.01"), (1234.5, "1234.5"),
    (7, "7"), ("100 kr", "100"),
])
def test_parse_amount(raw, expected):
    assert parse_amount(raw) == Decimal(expected)


def test_unreadable_amount_names_the_row(tmp_path):
    path = write(tmp_path, STANDARD + "A;X AB;;;1;;;\nA;Y AB;;;tolv kronor;;;\n")
    with pytest.raises(LedgerError) as err:
        list(read_ledger(path))
    assert err.value.row == 2 and "Rad 2" in str(err.value) and "tolv kronor" in str(err.value)


def test_missing_column_is_named_in_swedish(tmp_path):
    path = write(tmp_path, "Förvaltning;Leverantör;Organisationsnummer\nA;B;C\n")
    with pytest.raises(LedgerError, match="Kolumnen 'Belopp' saknas"):
        read_ledger(path, "goteborg")  # raised at once, before any row is read
    with pytest.raises(LedgerError, match="Kolumnerna 'department', 'payee_name', 'amount'"):
        read_ledger(path, "standard")


def test_utf16_file_is_read(tmp_path):
    # the core issue: UTF-16 files used to get row-by-row NUL errors
    path = write(tmp_path, STANDARD + "A;Förening X;;;1;;;\n", encoding="utf-16")
    (row,) = read_ledger(path)
    assert row.payee_name == "Förening X" and row.amount == Decimal(1)


def test_broken_xlsx_is_refused_clearly(tmp_path):
    truncated = tmp_path / "broken.xlsx"
    good = write_xlsx(tmp_path, [["department", "payee_name", "amount"], ["A", "B", 1]])
    truncated.write_bytes(good.read_bytes()[:300])
    with pytest.raises(LedgerError, match="trasig eller avkortad"):  # not "a missing column"
        read_ledger(truncated)
    not_a_workbook = tmp_path / "other.xlsx"
    with zipfile.ZipFile(not_a_workbook, "w") as z:
        z.writestr("hello.txt", "not a workbook")
        z.writestr("more.txt", "two members")
    with pytest.raises(LedgerError, match="exakt en fil"):
        read_ledger(not_a_workbook)


def test_mixed_encoding_ledger_is_refused_naming_the_line(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(STANDARD.encode() + "A;Förening ett;;;1;;;\n".encode()
                     + "A;Förening två;;;2;;;\n".encode("cp1252"))
    with pytest.raises(LedgerError, match="rad 3"):
        read_ledger(path)


def test_duplicated_ledger_headers_are_refused(tmp_path):
    path = write(tmp_path, "department;payee_name;amount;Amount\nA;X;1;2\n")
    with pytest.raises(LedgerError, match="två gånger"):
        read_ledger(path)


def test_empty_file_and_unknown_preset(tmp_path):
    with pytest.raises(LedgerError, match="tom"):
        read_ledger(write(tmp_path, "\n\n"))
    with pytest.raises(LedgerError, match="Okänd förinställning"):
        read_ledger(write(tmp_path, STANDARD, "x.csv"), "malmo")


# --- clustering -----------------------------------------------------------------------------

LEDGER = [  # department, payee, org.nr, account, amount
    ("Kultur", "Föreningen Gemenskap i Rinkeby", "802400-0849", "", "100"),
    ("Social", "GEMENSKAP I RINKEBY, IDEELL FÖRENING", "", "", "200"),
    ("Fritid", "IFK Göteborg", "", "", "10"),
    ("Fritid", "IFK Göteborg Bandy", "", "", "20"),
    ("Kultur", "Hovsta IF", "", "", "30"),
    ("Fritid", "Hovsta IK", "", "", "40"),
    ("Fritid", "Hyresgästföreningen Region Stockholm", "", "", "50"),
    ("Social", "HYRESGÄSTFÖRENINGEN REGON STOCKHOLM", "", "", "60"),
    ("Kultur", "POSTEN MEDDELANDE AB", "556711-5695", "", "70"),
    ("Social", "POSTNORD SVERIGE AB", "556711-5695", "", "80"),
    ("Kultur", "Kvinnojouren Frida", "", "BG 5050-1055", "90"),
    ("Social", "Frida Stödcentrum", "", "BG 5050-1055", "100"),
    ("Kultur", "IFK Norrköping", "", "", "1"),
    ("Kultur", "IFK Norrtälje", "", "", "2"),
]


@pytest.fixture
def ledger_rows(tmp_path):
    lines = [";".join([d, p, o, a, amount, "", "45300 Bidrag", ""]) for d, p, o, a, amount in
             LEDGER]
    return list(read_ledger(write(tmp_path, STANDARD + "\n".join(lines) + "\n")))


def _groups(result):
    by_cluster = {}
    for a in result:
        by_cluster.setdefault(a.cluster_id, set()).add(LEDGER[a.row - 1][1])
    return sorted(sorted(g) for g in by_cluster.values())


def test_clusters_keep_confusers_apart(ledger_rows):
    groups = _groups(cluster_ledger(ledger_rows))
    assert ["Föreningen Gemenskap i Rinkeby", "GEMENSKAP I RINKEBY, IDEELL FÖRENING"] in groups
    assert ["HYRESGÄSTFÖRENINGEN REGON STOCKHOLM", "Hyresgästföreningen Region Stockholm"] \
        in groups
    assert ["POSTEN MEDDELANDE AB", "POSTNORD SVERIGE AB"] in groups
    assert ["Frida Stödcentrum", "Kvinnojouren Frida"] in groups
    for alone in ("IFK Göteborg", "IFK Göteborg Bandy", "Hovsta IF", "Hovsta IK",
                  "IFK Norrköping", "IFK Norrtälje"):
        assert [alone] in groups
    assert len(groups) == 10


def test_methods_confidence_and_resolved_org(ledger_rows):
    result = cluster_ledger(ledger_rows)
    by_row = {a.row: a for a in result}
    assert (by_row[1].method, by_row[2].method) == ("name_exact", "name_exact")
    assert by_row[2].resolved_org_nr == "802400-0849"  # learnt from the row that has it
    assert by_row[9].method == "orgnr" and by_row[9].confidence == 1.0
    assert by_row[11].method == "account"
    assert by_row[8].method == "name_fuzzy" and 0.85 <= by_row[8].confidence < 0.9
    assert by_row[3].method == "singleton"
    assert by_row[7].canonical_name == by_row[8].canonical_name
    explanation = " ".join(result.clusters[by_row[8].cluster_id].explanation)
    assert "regon" in explanation and "stavfel" in explanation


def test_ignore_orgnr_uses_names_only(ledger_rows):
    result = cluster_ledger(ledger_rows, use_orgnr=False)
    assert ["POSTEN MEDDELANDE AB"] in _groups(result)
    assert all(a.resolved_org_nr is None for a in result)


def test_a_cluster_never_holds_two_org_numbers(tmp_path):
    path = write(tmp_path, STANDARD + "A;Hovsta IF;875000-7331;;1;;;\n"
                 "B;Hovsta IF;802400-0849;;1;;;\nC;HOVSTA IF;;;1;;;\n"
                 "D;Hovsta IF;;BG 5050-1055;1;;;\nE;Gemenskap;875000-7331;BG 5050-1055;1;;;\n")
    result = cluster_ledger(list(read_ledger(path)))
    orgs = Counter((a.cluster_id, a.resolved_org_nr) for a in result)
    assert len({cid for cid, _ in orgs}) == len(orgs)  # one org.nr per cluster
    by_row = {a.row: a for a in result}
    assert by_row[1].cluster_id != by_row[2].cluster_id
    # the name belongs to two org numbers: the row without one is not given either by name
    assert by_row[3].resolved_org_nr is None


def test_multi_department_clusters(ledger_rows):
    multi = multi_department_clusters(cluster_ledger(ledger_rows), ledger_rows)
    by_name = {m.canonical_name: m for m in multi}
    rinkeby = next(m for m in multi if m.resolved_org_nr == "802400-0849")
    assert rinkeby.total == Decimal("300")
    assert [(d.department, d.amount) for d in rinkeby.departments] == \
        [("Social", Decimal("200")), ("Kultur", Decimal("100"))]
    assert sum(d.share for d in rinkeby.departments) == pytest.approx(1.0)
    assert rinkeby.accounts == ["45300 Bidrag"] and rinkeby.org_numbers == ["802400-0849"]
    assert rinkeby.explanation
    assert "IFK Göteborg" not in by_name  # one department only
    assert len(multi) == 4


# --- CLI ------------------------------------------------------------------------------------

def test_cli_match_ledger_writes_clusters_and_report(tmp_path, ledger_rows):
    source = tmp_path / "ledger.csv"
    out, report = tmp_path / "clusters.csv", tmp_path / "report.json"
    result = CliRunner().invoke(associations_cli, [
        "match-ledger", str(source), "--preset", "standard", "--output", str(out),
        "--report", str(report)])
    assert result.exit_code == 0, result.output
    lines = list(csv.reader(out.open(encoding="utf-8")))
    assert lines[0] == ["row", "cluster_id", "resolved_org_nr", "canonical_name", "method",
                        "confidence"]
    assert len(lines) - 1 == len(LEDGER)
    assert [int(line[0]) for line in lines[1:]] == list(range(1, len(LEDGER) + 1))
    data = json.loads(report.read_text(encoding="utf-8"))
    assert len(data["multi_department_clusters"]) == 4
    first = data["multi_department_clusters"][0]
    assert {"department", "amount", "share", "rows"} <= set(first["departments"][0])


def test_cli_is_excel_safe_and_reports_errors(tmp_path):
    source = write(tmp_path, STANDARD + "A;=HYPERLINK(\"http://x\");;;1;;;\nB;@SUM(A1);;;2;;;\n")
    result = CliRunner().invoke(associations_cli, ["match-ledger", str(source),
                                                   "--ignore-orgnr"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[1][3] == "'=HYPERLINK(\"http://x\")" and rows[2][3] == "'@SUM(A1)"
    bad = write(tmp_path, "Förvaltning;Leverantör\nA;B\n", "bad.csv")
    result = CliRunner().invoke(associations_cli, ["match-ledger", str(bad), "--preset",
                                                   "goteborg"])
    assert result.exit_code == 1 and "Kolumnen 'Belopp' saknas" in result.output


# --- the real Örebro ledger -----------------------------------------------------------------

@pytest.fixture(scope="module")
def orebro_rows():
    if not OREBRO.exists():
        pytest.skip(f"Örebro ledger not found at {OREBRO} (shared/data is not checked out)")
    return list(read_ledger(OREBRO, "orebro"))


def test_orebro_is_read_completely(orebro_rows):
    rows = orebro_rows
    assert len(rows) == 67755 and rows[-1].row == 67755
    assert len({r.department for r in rows}) == 31
    assert sum(r.amount for r in rows) == Decimal("448256766.57")
    assert sum(1 for r in rows if r.org_nr) == 67697
    assert len({r.org_nr for r in rows if r.org_nr}) == 1662
    problems = Counter(r.org_nr_problem.split(":")[0].split(" '")[0]
                       for r in rows if r.org_nr_problem)
    assert problems == {"Flera organisationsnummer i samma cell": 23,
                        "Inget organisationsnummer, bara texten": 20,
                        "Ogiltigt organisationsnummer": 9,
                        "Utländskt momsregistreringsnummer (DK)": 3,
                        "Organisationsnummer saknas": 2,
                        "Utländskt momsregistreringsnummer (EE)": 1}
    assert all(r.org_nr_raw for r in rows if r.org_nr_problem
               and "saknas" not in r.org_nr_problem)


def test_orebro_clusters(orebro_rows):
    result = cluster_ledger(orebro_rows)
    assert len(result.clusters) == 1694
    assert Counter(a.method for a in result) == {"orgnr": 66965, "singleton": 755,
                                                 "name_exact": 35}
    multi = multi_department_clusters(result, orebro_rows)
    assert len(multi) == 537
    associations = [m for m in multi if (m.resolved_org_nr or "").startswith("8")]
    assert len(associations) == 20  # "about 20" in the data README
    post = next(m for m in multi if m.resolved_org_nr == "556711-5695")
    assert set(post.names) == {"POSTEN MEDDELANDE AB", "POSTNORD SVERIGE AB"}


def test_orebro_names_alone_recover_the_org_numbers(orebro_rows):
    """Hide the org numbers: names must give the same groups (no wrong merge at all)."""
    result = cluster_ledger(orebro_rows, use_orgnr=False)
    ids = result.cluster_ids()
    truth = [(r.org_nr, cid) for r, cid in zip(orebro_rows, ids) if r.org_nr]
    clusters_per_org = Counter(org for org, _ in set(truth))
    orgs_per_cluster = Counter(cid for _, cid in set(truth))
    assert max(orgs_per_cluster.values()) == 1           # precision: never two org numbers
    # names that differ too much to join (23 before typo, cut-name and å/ä/ö-folding rules)
    assert sum(n - 1 for n in clusters_per_org.values()) <= 21


def test_an_account_used_by_two_organisations_attaches_no_one(tmp_path):
    path = write(tmp_path, STANDARD + "A;Alfa AB;556811-9357;BG 5050-1055;1;;;\n"
                 "B;Beta AB;556016-0680;BG 5050-1055;1;;;\nC;Gamma;;BG 5050-1055;1;;;\n"
                 "D;Delta;;BG 5050-1055;1;;;\n")
    by_row = {a.row: a for a in cluster_ledger(list(read_ledger(path)))}
    assert len({by_row[1].cluster_id, by_row[2].cluster_id, by_row[3].cluster_id}) == 3
    assert by_row[3].cluster_id == by_row[4].cluster_id and by_row[3].method == "account"
    assert by_row[3].resolved_org_nr is None


def test_xlsx_number_cells_and_missing_amount(tmp_path):
    path = write_xlsx(tmp_path, [["department", "payee_name", "org_nr", "amount"],
                                 ["A", "Alfa AB", 5568119357.0, 10], ["B", "Beta AB", None, None]])
    rows = read_ledger(path)
    assert next(rows).org_nr == "556811-9357"
    with pytest.raises(LedgerError, match="Rad 2: belopp saknas"):
        next(rows)


# --- names as different finance systems write them (issue: multi-department resolution) ----

VARIANTS = [  # (department, payee) — each group is one association
    [("Kultur", "Svenska Jerusalemsföreningen"), ("Fritid", "SVENSKA JERUSALEMSFORENINGEN")],
    [("Kultur", "glanshammarsbowlarna"), ("Fritid", "GLANSHAMMARSBOWLARNA (IDEELL F")],
    [("Kultur", "HULTSFREDSBYGDENS RIDKLUBB"), ("Social", "HULTSFREDSBYGDENS RK")],
    [("Kultur", "Hammarby Idrottsförening"), ("Fritid", "Hammabry Idrottsförening")],
    [("Kultur", "Lions Club Gävle"), ("Social", "Lions Clbu Gävle")],
    [("Kultur", "Billesholms IK"), ("Fritid", "Billesholms IK (IDEELL FÖRENIN")],
    [("Kultur", "EFS  I  FURULUND  OCH  ÖJERSJÖ"),
     ("Social", "EFS I FURULUND & OJERSJO FORSAMLING")],
]
CONFUSERS = ["IFK Göteborg", "IFK Göteborg Bandy", "Hovsta IF", "Hovsta IK", "Gamla Upsala SK",
             "Gamla Upsala FF", "Lions Club Gävle Norra"]


def test_variants_join_and_confusers_stay_apart(tmp_path):
    lines = [f"{d};{p};;;1;;;" for group in VARIANTS for d, p in group]
    lines += [f"Fritid;{p};;;1;;;" for p in CONFUSERS]
    rows = list(read_ledger(write(tmp_path, STANDARD + "\n".join(lines) + "\n")))
    result = cluster_ledger(rows, use_orgnr=False)
    ids = result.cluster_ids()
    n = sum(len(g) for g in VARIANTS)
    start = 0
    for group in VARIANTS:
        assert len(set(ids[start:start + len(group)])) == 1, group
        start += len(group)
    # every variant group is its own cluster, every confuser alone
    assert len(set(ids)) == len(VARIANTS) + len(CONFUSERS)
    assert len(set(ids[n:])) == len(CONFUSERS)
    typo = result.clusters[ids[6]]  # the Hammarby pair explains its join
    assert any("stavfel" in e and "hammabry" in e for e in typo.explanation)


def test_an_account_that_contradicts_a_typo_keeps_rows_apart(tmp_path):
    path = write(tmp_path, STANDARD + "A;Hammarby Idrottsförening;;BG 5050-1055;1;;;\n"
                 "B;Hammabry Idrottsförening;;BG 5402-1234;1;;;\n"
                 "C;Hammabry Idrottsförening;;;1;;;\n")
    ids = cluster_ledger(list(read_ledger(path)), use_orgnr=False).cluster_ids()
    assert ids[0] != ids[1]  # two accounts, names alike only through a typo


def test_same_name_under_several_org_numbers_is_flagged_not_joined(tmp_path):
    path = write(tmp_path, STANDARD + "A;Svenska Röda Korset;802001-5791;;1;;;\n"
                 "B;Svenska Röda Korset;802008-0704;;1;;;\n"
                 "C;SVENSKA RÖDA KORSET;;;1;;;\nD;Svenska Röda Korset;;;1;;;\n")
    result = cluster_ledger(list(read_ledger(path)))
    by_row = {a.row: a for a in result}
    assert len({by_row[1].cluster_id, by_row[2].cluster_id, by_row[3].cluster_id}) == 3
    name_only = result.clusters[by_row[3].cluster_id]
    assert by_row[3].cluster_id == by_row[4].cluster_id
    assert name_only.ambiguous_name and name_only.resolved_org_nr is None
    assert any("samma namn, flera organisationer möjliga" in e for e in name_only.explanation)
    assert not result.clusters[by_row[1].cluster_id].ambiguous_name
    multi = multi_department_clusters(result, list(read_ledger(path)))
    assert [m.ambiguous_name for m in multi if m.cluster_id == name_only.cluster_id] == [True]


def test_variant_benchmark_generator_is_deterministic_and_hides_org_numbers(orebro_rows):
    from bench.ledger_variants import variant_ledger
    rows, truth = variant_ledger(orebro_rows[:3000])
    again, truth2 = variant_ledger(orebro_rows[:3000])
    assert [r.payee_name for r in rows] == [r.payee_name for r in again] and truth == truth2
    assert all(r.org_nr is None for r in rows) and len(rows) == len(truth)
    result = cluster_ledger(rows, use_orgnr=False).cluster_ids()
    wrong = {cid for cid in result if len({t for t, c in zip(truth, result) if c == cid}) > 1}
    assert not wrong  # never two organisations in one cluster on real names
