"""Benchmark of ledger payee clustering (prints figures; no assertions).

1. Örebro's real ledger (March 2016) with org numbers hidden (use_orgnr=False): pairwise
   precision / recall / F1 against the org-number column (rows with a valid org number), and
   wall time, for associations.matching and for splink (DuckDB) side by side.
3. Real names as 20 departments' finance systems write them (bench/ledger_variants.py: å/ä/ö
   dropped, names cut at a field width, legal forms appended, abbreviations, typos): pairwise
   P/R/F1 against the organisation number, ours and splink side by side.
2. A generated ledger of --rows rows (default 1 000 000) with Swedish association and company
   names and realistic variations (case, legal forms, &/och, typos, &amp;, ledger notation),
   20 departments: wall time (read + cluster + multi-department) and peak memory, measured in a
   child process so that the generator's memory does not count.

    .venv/bin/python bench/bench_ledger_matching.py [--rows 1000000] [--skip-splink]
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from associations.ledger import read_ledger  # noqa: E402
from associations.matching import cluster_ledger, multi_department_clusters  # noqa: E402
from oversight.names import normalize_org_name  # noqa: E402

OREBRO = ROOT.parent / "shared" / "data" / "orebro-2016-03-leverantorsfakturor.xlsx"
FOLD = str.maketrans("åäö", "aao")


# --- metrics --------------------------------------------------------------------------------

def _pairs(labels) -> int:
    return sum(n * (n - 1) // 2 for n in Counter(labels).values())


def pairwise_prf(truth: list, predicted: list) -> tuple[float, float, float]:
    """Pairwise precision, recall, F1 of a clustering against true labels."""
    tp = _pairs(list(zip(truth, predicted)))
    p_all, t_all = _pairs(predicted), _pairs(truth)
    precision = tp / p_all if p_all else 1.0
    recall = tp / t_all if t_all else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


# --- part 1: Örebro, ours vs splink ---------------------------------------------------------

def run_ours(rows) -> tuple[list, float]:
    start = time.perf_counter()
    result = cluster_ledger(rows, use_orgnr=False)
    return result.cluster_ids(), time.perf_counter() - start


def run_splink_names(rows, threshold: float = 0.5) -> tuple[list, float]:
    """splink 4 for the variant ledger: the cleaned, a/a/o-folded name (Jaro-Winkler levels)
    and the account; no department comparison (departments pay the same payees by design).
    Blocking on the first and last word and on the first and last four letters, so a typo in
    the first word is still compared; u by random sampling, m by EM on the account and on the
    first word; the default match probability 0.5."""
    import logging

    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    start = time.perf_counter()
    records: dict[tuple, int] = {}
    row_record = []
    for r in rows:
        key = (normalize_org_name(r.payee_name).translate(FOLD), r.bank_account)
        row_record.append(records.setdefault(key, len(records)))
    df = pd.DataFrame([{"unique_id": i, "name": k[0], "account": k[1],
                        "first_token": (k[0].split() or [""])[0],
                        "last_token": (k[0].split() or [""])[-1],
                        "head": k[0].replace(" ", "")[:4], "tail": k[0].replace(" ", "")[-4:]}
                       for k, i in records.items()])
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[cl.JaroWinklerAtThresholds("name", [0.97, 0.93, 0.88, 0.8]),
                     cl.ExactMatch("account")],
        blocking_rules_to_generate_predictions=[block_on("first_token"), block_on("last_token"),
                                                block_on("head"), block_on("tail")])
    linker = Linker(df, settings, db_api=DuckDBAPI(), set_up_basic_logging=False)
    linker.training.estimate_probability_two_random_records_match([block_on("name")], recall=0.5)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("account"), fix_u_probabilities=True)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_token"), fix_u_probabilities=True)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold).as_pandas_dataframe()
    cluster_of = dict(zip(clusters["unique_id"], clusters["cluster_id"]))
    return [cluster_of[i] for i in row_record], time.perf_counter() - start


def run_splink(rows) -> tuple[list, float]:
    """splink 4 on DuckDB: name (Jaro-Winkler levels) + department (+ account if present),
    blocking on the first and last name token, u by random sampling, m by EM.

    Rows are first collapsed to distinct (name, department, account) records — identical
    records are trivially the same payee, and splink on 68k near-identical rows would spend
    its time on pairs that carry no information. The name is cleaned with the same
    normalize_org_name as ours, so the comparison is of the matching, not the cleaning.
    """
    import logging

    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    start = time.perf_counter()
    records: dict[tuple, int] = {}
    row_record = []
    for r in rows:
        # cleaned with our normal form, folded to a/a/o (systems without å/ä/ö)
        key = (normalize_org_name(r.payee_name).translate(FOLD), r.department, r.bank_account)
        row_record.append(records.setdefault(key, len(records)))
    df = pd.DataFrame([{"unique_id": i, "name": k[0], "department": k[1], "account": k[2],
                        "first_token": (k[0].split() or [""])[0],
                        "last_token": (k[0].split() or [""])[-1],
                        # a typo in the first word still shares the name's start or end
                        "head": k[0].replace(" ", "")[:4], "tail": k[0].replace(" ", "")[-4:]}
                       for k, i in records.items()])
    comparisons = [cl.JaroWinklerAtThresholds("name", [0.98, 0.94, 0.88]),
                   cl.ExactMatch("department")]
    if df["account"].notna().any():
        comparisons.append(cl.ExactMatch("account"))
    else:
        df = df.drop(columns=["account"])
    settings = SettingsCreator(
        link_type="dedupe_only", comparisons=comparisons,
        blocking_rules_to_generate_predictions=[block_on("first_token"),
                                                block_on("last_token"), block_on("head"),
                                                block_on("tail")])
    linker = Linker(df, settings, db_api=DuckDBAPI(), set_up_basic_logging=False)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("name")], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_token"), fix_u_probabilities=True)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("department"), fix_u_probabilities=True)
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.5).as_pandas_dataframe()
    cluster_of = dict(zip(clusters["unique_id"], clusters["cluster_id"]))
    labels = [cluster_of[i] for i in row_record]
    return labels, time.perf_counter() - start


def bench_orebro(skip_splink: bool) -> None:
    if not OREBRO.exists():
        print(f"Örebro file not found at {OREBRO}: part 1 skipped")
        return
    start = time.perf_counter()
    rows = list(read_ledger(OREBRO, "orebro"))
    print(f"Örebro: {len(rows)} rows read in {time.perf_counter() - start:.1f} s "
          f"(openpyxl; not part of the matching times below)")
    truth_idx = [i for i, r in enumerate(rows) if r.org_nr]
    truth = [rows[i].org_nr for i in truth_idx]
    print(f"truth: {len(truth_idx)} rows with a valid org number, {len(set(truth))} entities,"
          f" {_pairs(truth)} true pairs\n")
    print(f"{'method':<10} {'precision':>10} {'recall':>10} {'F1':>10} {'time s':>8}")
    contenders = [("ours", run_ours)] + ([] if skip_splink else [("splink", run_splink)])
    for name, run in contenders:
        labels, seconds = run(rows)
        p, r, f = pairwise_prf(truth, [labels[i] for i in truth_idx])
        print(f"{name:<10} {p:>10.5f} {r:>10.5f} {f:>10.5f} {seconds:>8.2f}")
    print()


# --- part 3: real names as 20 departments' systems write them ------------------------------

def bench_variants(skip_splink: bool) -> None:
    """Örebro's real payee names, written by 20 departments with their own habits
    (bench/ledger_variants.py): pairwise P/R/F1 against the organisation number."""
    from bench.ledger_variants import variant_ledger

    if not OREBRO.exists():
        print(f"Örebro file not found at {OREBRO}: part 3 skipped")
        return
    rows, truth = variant_ledger(list(read_ledger(OREBRO, "orebro")))
    print(f"Variant ledger: {len(rows)} rows, {len(set(truth))} entities, "
          f"{len({r.payee_name for r in rows})} distinct spellings, {_pairs(truth)} true pairs")
    print(f"{'method':<10} {'precision':>10} {'recall':>10} {'F1':>10} {'time s':>8}")
    contenders = [("ours", run_ours)] + ([] if skip_splink else [("splink", run_splink_names)])
    for name, run in contenders:
        labels, seconds = run(rows)
        p, r, f = pairwise_prf(truth, labels)
        print(f"{name:<10} {p:>10.5f} {r:>10.5f} {f:>10.5f} {seconds:>8.2f}")
    print()


# --- part 2: generated ledger ---------------------------------------------------------------

PLACES = ("Rinkeby Tensta Kista Hovsta Hövsta Axberg Adolfsberg Brickebacken Almby Ervalla "
          "Glanshammar Kumla Hallsberg Lindesberg Nora Askersund Karlskoga Degerfors Lekeberg "
          "Laxå Ljusnarsberg Hällefors Vivalla Varberga Baronbackarna Oxhagen Mikaelsgården "
          "Norrköping Norrtälje Göteborg Malmö Uppsala Västerås Eskilstuna Linköping "
          "Jönköping Sundsvall Gävle Borås Södertälje Karlstad Täby Växjö Halmstad Luleå Umeå "
          "Trollhättan Östersund Borlänge Falun Skövde Uddevalla Motala Landskrona Kalmar "
          "Sollentuna Huddinge Botkyrka Haninge Tyresö Nacka Solna Sundbyberg Järfälla Lidingö "
          "Vallentuna Ekerö Enköping Sigtuna Knivsta Tierp Östhammar Heby Sala Köping Arboga "
          "Fagersta Avesta Hedemora Ludvika Mora Rättvik Leksand Orsa Älvdalen Malung Vansbro "
          "Hammarby Skogås Farsta Bandhagen Hägersten Älvsjö Skarpnäck Vällingby Hässelby "
          "Spånga Bromma Kungsholmen Södermalm Östermalm Vasastan Gamlestaden Angered Biskopsgården "
          "Frölunda Majorna Lundby Kortedala Bergsjön Hjällbo Hammarkullen Rosengård Husie Fosie "
          "Lindängen Hyllie Oxie Limhamn Bunkeflo Kirseberg Sofielund Möllevången Backa Tuve").split()
CLUBS = ("IF IK BK SK FF IFK FK GoIF AIK BTK Ridklubb Scoutkår Hembygdsförening Pensionärsförening "
         "Kulturförening Musikförening Schacksällskap Fältrittklubb Skytteförening Simsällskap "
         "Brukshundklubb Konstförening Körsällskap Dansförening Friluftsförening Motorklubb "
         "Handbollsklubb Innebandyklubb Basketklubb Volleybollklubb Tennisklubb Golfklubb").split()
PREFIXES = ("Föreningen Stiftelsen Kulturföreningen Hyresgästföreningen Intresseföreningen "
            "Kvinnoföreningen Ungdomsföreningen Idrottsföreningen Samfundet Församlingen "
            "Kooperativet Studieförbundet Nätverket Rådet").split()
TOPICS = ("Gemenskap Framtid Hopp Bro Brobyggarna Trygghet Glädje Solidaritet Samverkan "
          "Integration Kvinnokraft Ungdomskraft Läxhjälp Mötesplats Språkcafé Vänskap "
          "Fritidsgården Familjestöd Seniorerna Musikskolan Teaterhuset Dansstudion "
          "Kulturhuset Läsfrämjandet Idrottsalliansen Kompis Mentorerna Nattvandrarna").split()
SURNAMES = ("Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson "
            "Gustafsson Pettersson Jonsson Jansson Hansson Bengtsson Jönsson Lindberg Jakobsson "
            "Magnusson Lindström Olofsson Lindqvist Lindgren Berg Axelsson Bergström Lundberg "
            "Lind Lundgren Lundqvist Mattsson Berglund Fredriksson Sandberg Henriksson Forsberg "
            "Sjöberg Wallin Engström Eklund Danielsson Lundin Håkansson Björk Bergman Gunnarsson "
            "Holm Wikström Samuelsson Isaksson Fransson Bergqvist Nyström Holmberg Arvidsson "
            "Löfgren Söderberg Nyberg Blomqvist Claesson Nordström Mårtensson Lundström Ali "
            "Mohammed Hussein Ahmed Yilmaz Nguyen Kowalski Virtanen Hassan Abdi Omar").split()
TRADES = ("Bygg Måleri El VVS Städ Transport Åkeri Trädgård Fastighetsservice Konsult Redovisning "
          "Data IT-konsult Bilservice Tryckeri Reklam Catering Bageri Konditori Restaurang Pizzeria "
          "Taxi Flytt Låsservice Glasmästeri Plåtslageri Snickeri Schakt Entreprenad Omsorg Assistans "
          "Vård Hemtjänst Utbildning Kompetens Rekrytering Bemanning Säkerhet Bevakning Larm "
          "Ventilation Kyla Värme Energi Solenergi Miljö Återvinning Kontorsmaterial Möbler "
          "Inredning Blommor Foto Film Ljud Ljus Event Konferens Resor Hotell Frisör Hälsa").split()
WORDS = ("Nord Syd Väst Öst Mitt Svea Göta Nordic Scandinavia Sverige Skandinavien Norden Mälar "
         "Bergslag Närke Kvarn Sjö Skog Fjäll Dal Ek Björk Lind Sol Stjärn Guld Silver Järn "
         "Sten Vatten Vind Eld Ljus Blå Grön Röd Vit Svart Stor Lill Ny Gamla Prima Bästa "
         "Snabb Trygg Smart Enkel Proffs Expert Total Allt Allians").split()
DEPARTMENTS = [f"{c} {n}" for c, n in zip(
    "BGR BFÖ VVV BGY VVÖ STÖ VFH VSÖ TVA STV ÖKA ÖKF TKM TFT SPM VPN VSV BPN STA SMN".split(),
    ("Grundskolenämnd;Förskolenämnd;Vård- och omsorgsnämnd väster;Gymnasienämnd;Vård- och "
     "omsorgsnämnd öster;Teknisk nämnd övrigt;Nämnd för funktionshindrade;Socialnämnd öster;"
     "Vuxenutb- o arbetsmarknadsnämnd;Teknisk nämnd VA;Kommunstyrelseförvaltningen;Fastigheter;"
     "Kulturnämnd;Fritidsnämnd;Samhällsbyggnadsnämnd mark;Nämnd för social välfärd;Socialnämnd "
     "väster;Programnämnd barn;Teknisk nämnd avfall;Miljönämnd").split(";"))]
ACCOUNTS = ("45300 Bidrag, förening kommunalförb;45200 Bidrag till organisationer;"
            "45100 Bidrag till föreningar;46362 Köp medicinskt färdigbeh;"
            "74900 Övriga främmande tjänster;64100 Förbrukningsmaterial;"
            "70100 Reparation och underhåll;76500 Avg kurser konf studieb mässor").split(";")


def _luhn_digit(payload: str) -> str:
    total = 0
    for i, ch in enumerate(payload):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def _orgnr(rng: random.Random, group: str) -> str:
    body = group + str(rng.randint(0, 9)) + str(rng.randint(2, 9)) + f"{rng.randint(0, 999999):06d}"
    return f"{body[:6]}-{body[6:]}{_luhn_digit(body)}"


def _entity_name(rng: random.Random) -> tuple[str, str]:
    """(name, org group digit) of one invented association or company."""
    kind = rng.random()
    place = rng.choice(PLACES)
    if kind < 0.25:
        return f"{place} {rng.choice(CLUBS)}", "8"
    if kind < 0.45:
        return f"{rng.choice(PREFIXES)} {rng.choice(TOPICS)} i {place}", "8"
    if kind < 0.55:
        suffix = rng.choice(["ideell förening", "IDEELL FÖRENING", "förening"])
        return f"{rng.choice(TOPICS)} {rng.choice(TOPICS)} i {place}, {suffix}", "8"
    if kind < 0.75:
        return f"{rng.choice(SURNAMES)}s {rng.choice(TRADES)} i {place} AB", "5"
    if kind < 0.9:
        return f"{rng.choice(WORDS)}{rng.choice(WORDS).lower()} {rng.choice(TRADES)} AB", "5"
    return f"{rng.choice(SURNAMES)} & {rng.choice(SURNAMES)} {rng.choice(TRADES)} HB", "9"


def _typo(rng: random.Random, name: str) -> str:
    words = name.split()
    long_words = [i for i, w in enumerate(words) if len(w) >= 7]
    if not long_words:
        return name
    i = rng.choice(long_words)
    w = words[i]
    p = rng.randrange(1, len(w) - 1)
    op = rng.random()
    if op < 0.33:
        w = w[:p] + w[p + 1:]
    elif op < 0.66:
        w = w[:p] + w[p + 1] + w[p] + w[p + 2:]
    else:
        w = w[:p] + rng.choice("aeinrst") + w[p + 1:]
    words[i] = w
    return " ".join(words)


def _variant(rng: random.Random, name: str) -> str:
    """How the same payee's name appears on different lines of a ledger."""
    r = rng.random()
    if r < 0.55:
        return name
    if r < 0.70:
        return name.upper() + " " * rng.randint(0, 3)
    if r < 0.76:
        return name.replace(" AB", "").replace(" HB", " Handelsbolag") \
            .replace(", ideell förening", "")
    if r < 0.82:
        return name.replace(" & ", " och ") if " & " in name else name.replace(" och ", " & ")
    if r < 0.86:
        return name.replace("&", "&amp;").upper()
    if r < 0.89 and name.endswith(" AB"):
        return name[:-3].upper() + ";AB"
    return _typo(rng, name)


def generate_ledger(path: Path, n_rows: int, seed: int = 42) -> None:
    rng = random.Random(seed)
    n_entities = max(10, n_rows // 15)
    entities, seen = [], set()
    while len(entities) < n_entities:
        name, group = _entity_name(rng)
        if normalize_org_name(name) in seen:
            continue
        seen.add(normalize_org_name(name))
        account = f"{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}" \
            if rng.random() < 0.3 else ""  # bankgiro-like; a few collide, as in life
        home = rng.sample(DEPARTMENTS, rng.choice([1, 1, 1, 2, 3]))
        entities.append((name, _orgnr(rng, group), account, home))
    weights = [1.0 / (i + 10) for i in range(n_entities)]  # a few big payees, a long tail
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, delimiter=";")
        out.writerow(["department", "payee_name", "org_nr", "bank_account", "amount", "date",
                      "account_text", "purpose"])
        for idx in rng.choices(range(n_entities), weights=weights, k=n_rows):
            name, org, account, home = entities[idx]
            amount = f"{rng.randint(100, 250000)},{rng.randint(0, 99):02d}"
            out.writerow([rng.choice(home), _variant(rng, name), org,
                          account if rng.random() < 0.8 else "", amount,
                          f"2016-03-{rng.randint(1, 31):02d}", rng.choice(ACCOUNTS), ""])


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(path: str) -> None:
    """Child process: read + cluster + multi-department on the generated file."""
    from oversight.gc_pause import paused_gc
    from oversight.tabular_files import MB, Limits

    cpu = _cpu()
    start = time.perf_counter()
    # 1 M generated rows are 129 MB: above the default 100 MB import limit (IMPORT_MAX_FILE_MB)
    with paused_gc():  # as `flask associations match-ledger` reads
        rows = list(read_ledger(path, "standard", limits=Limits(max_bytes=1024 * MB,
                                                                max_rows=2_000_000)))
    read_s = time.perf_counter() - start
    t = time.perf_counter()
    result = cluster_ledger(rows, use_orgnr=False)
    cluster_s = time.perf_counter() - t
    t = time.perf_counter()
    multi = multi_department_clusters(result, rows)
    multi_s = time.perf_counter() - t
    cpu = _cpu() - cpu
    peak_measured = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with_org = time.perf_counter()
    cluster_ledger(rows, use_orgnr=True)
    with_org = time.perf_counter() - with_org
    ids = result.cluster_ids()
    p, r, f = pairwise_prf([x.org_nr for x in rows], ids)
    print(json.dumps({
        "rows": len(rows), "read_s": read_s, "cluster_s": cluster_s, "multi_s": multi_s,
        "total_s": read_s + cluster_s + multi_s, "cpu_s": cpu, "cluster_with_orgnr_s": with_org,
        "peak_mb": peak_measured,
        "peak_end_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "clusters": len(result.clusters), "entities": len(set(x.org_nr for x in rows)),
        "multi_department": len(multi), "precision": p, "recall": r, "f1": f}))


def bench_generated(n_rows: int, keep: str | None = None, profile: str | None = None) -> None:
    """``keep``: the generated file's path, reused when it exists; ``profile``: write a
    cProfile of the measured child there."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(keep) if keep else Path(tmp) / "ledger.csv"
        if not path.exists():
            start = time.perf_counter()
            generate_ledger(path, n_rows)
            print(f"generated ledger: {n_rows} rows, {path.stat().st_size / 1e6:.0f} MB "
                  f"in {time.perf_counter() - start:.1f} s (not measured)")
        runner = ["-m", "cProfile", "-o", profile] if profile else []
        out = subprocess.run([sys.executable, *runner, __file__, "--measure", str(path)],
                             capture_output=True, text=True, check=True)
    m = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"read {m['read_s']:.1f} s + cluster (names only) {m['cluster_s']:.1f} s + "
          f"multi-department {m['multi_s']:.1f} s = {m['total_s']:.1f} s wall, "
          f"{m['cpu_s']:.1f} s CPU (user+system); peak RSS {m['peak_mb']:.0f} MB; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"clustering with org numbers: {m['cluster_with_orgnr_s']:.1f} s (not in the CPU "
          f"time; peak RSS with it and the scoring: {m['peak_end_mb']:.0f} MB)")
    print(f"{m['clusters']} clusters for {m['entities']} true entities; "
          f"{m['multi_department']} multi-department clusters; names-only pairwise "
          f"P {m['precision']:.5f} R {m['recall']:.5f} F1 {m['f1']:.5f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--skip-splink", action="store_true")
    parser.add_argument("--skip-orebro", action="store_true")
    parser.add_argument("--keep", help="keep the generated ledger at this path (reused)")
    parser.add_argument("--profile", help="write a cProfile of the 1 M-row run here")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    if not args.skip_orebro:
        bench_orebro(args.skip_splink)
        bench_variants(args.skip_splink)
    if args.rows:
        bench_generated(args.rows, args.keep, args.profile)


if __name__ == "__main__":
    main()
