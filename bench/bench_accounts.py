"""Benchmark of bank-account verification (prints figures; no assertions).

1. Throughput: a register of --orgs organisations (default 50 000) with bankgiro/plusgiro
   accounts, aliases and holder evidence in a fresh SQLite database, and a pain.001.001.09
   payment file of --payments payments (default 100 000). A child process (so that the
   generator's memory does not count) reads the file, loads the evidence in bulk, verifies
   every payment and stores the lines; wall time per phase and peak RSS are printed. The pure
   verification core (evidence already in memory) is timed on its own.
2. Name-matching quality of MTCH on labelled name pairs: generated from realistic Swedish
   organisation names with typical variations, plus real pairs from Örebro's ledger
   (/work/shared/data/orebro-2016-03-leverantorsfakturor.xlsx: the same organisation number
   under different spellings = positive; different numbers with similar names = negative).
   Precision of MTCH (target >= 0.99: a wrong "match" is the expensive error) and recall.

    .venv/bin/python bench/bench_accounts.py [--orgs 50000] [--payments 100000] [--skip-throughput]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from oversight.identifiers import luhn_check_digit, validate  # noqa: E402
from oversight.names import compare_names, normalize_org_name  # noqa: E402

OREBRO = ROOT.parent / "shared" / "data" / "orebro-2016-03-leverantorsfakturor.xlsx"
TODAY = date.today()

# --- realistic Swedish names ----------------------------------------------------------------

PLACES = ["Rinkeby", "Tensta", "Hjulsta", "Husby", "Akalla", "Kista", "Spånga", "Bromma",
          "Farsta", "Skärholmen", "Hässelby", "Vällingby", "Enskede", "Årsta", "Vantör",
          "Norrköping", "Norrtälje", "Örebro", "Göteborg", "Malmö", "Uppsala", "Västerås",
          "Södertälje", "Huddinge", "Botkyrka", "Haninge", "Täby", "Solna", "Sundbyberg",
          "Järfälla", "Hovsta", "Hövsta", "Kumla", "Hallsberg", "Lindesberg", "Karlskoga",
          "Nora", "Askersund", "Degerfors", "Laxå", "Hällefors", "Alby", "Fittja", "Hallunda",
          "Norsborg", "Rågsved", "Hagsätra", "Bagarmossen", "Skarpnäck", "Älvsjö"]
BRANCHES = ["Bygg", "Måleri", "Städ", "Omsorg", "Assistans", "Vård", "Transport", "Åkeri",
            "El", "VVS", "Konsult", "Redovisning", "Catering", "Restaurang", "Fastighetsservice",
            "Trädgård", "Data", "Säkerhet", "Hemtjänst", "Flytt", "Tolk", "Utbildning"]
WORDS = ["Trygg", "Nordic", "Svea", "Norra", "Södra", "Västra", "Östra", "Gemenskap",
         "Framtid", "Hopp", "Glädje", "Solsidan", "Eken", "Linden", "Björken", "Vision",
         "Kompetens", "Omtanke", "Stjärnan", "Kraft", "Balans", "Bron", "Fyren", "Källan",
         "Vägen", "Ankaret", "Nova", "Polaris", "Alfa", "Delta"]
SURNAMES = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
            "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson",
            "Bengtsson", "Lindberg", "Lindqvist", "Berg", "Holm", "Ali", "Hassan", "Mohammed",
            "Yilmaz", "Nguyen", "Öberg", "Åström", "Ekström", "Sjöberg"]
SPORTS = ["Fotboll", "Bandy", "Handboll", "Basket", "Innebandy", "Brottning", "Boxning",
          "Simning", "Friidrott", "Schack", "Tennis", "Bordtennis"]
CAUSES = ["Kulturförening", "Pensionärsförening", "Kvinnoförening", "Ungdomsförening",
          "Hyresgästförening", "Föräldraförening", "Idrottsförening", "Musikförening",
          "Hembygdsförening", "Scoutkår", "Kvinnojour", "Brottsofferjour"]
NATIONS = ["Somaliska", "Eritreanska", "Syrianska", "Kurdiska", "Bosniska", "Chilenska",
           "Iranska", "Turkiska", "Finska", "Assyriska", "Afghanska", "Polska"]
CLUB_FORMS = [("IF", "Idrottsförening"), ("IK", "Idrottsklubb"), ("BK", "Bollklubb"),
              ("SK", "Sportklubb"), ("FF", "Fotbollsförening")]


def make_name(rng: random.Random) -> tuple[str, int]:
    """(name, org group) in one of the shapes found in Swedish registers."""
    kind = rng.random()
    place, word = rng.choice(PLACES), rng.choice(WORDS)
    if kind < 0.15:
        abbr, _ = rng.choice(CLUB_FORMS)
        return f"{place} {abbr}", 8
    if kind < 0.25:
        return f"{place} {rng.choice(SPORTS)}klubb", 8
    if kind < 0.40:
        return f"{place}s {rng.choice(CAUSES)}", 8
    if kind < 0.50:
        return f"Föreningen {word} i {place}", 8
    if kind < 0.57:
        return f"{rng.choice(NATIONS)} föreningen i {place}", 8
    if kind < 0.72:
        return f"{word} {rng.choice(BRANCHES)} i {place} AB", 5
    if kind < 0.85:
        return f"{rng.choice(SURNAMES)}s {rng.choice(BRANCHES)} AB", 5
    if kind < 0.93:
        return f"{word} {rng.choice(BRANCHES)} AB", 5
    return f"{place} {rng.choice(BRANCHES)} & {rng.choice(BRANCHES)} HB", 9


def _typo(rng: random.Random, name: str) -> str | None:
    words = name.split()
    long = [i for i, w in enumerate(words) if len(w) >= 9 and w.isalpha()]
    if not long:
        return None
    i = rng.choice(long)
    w = words[i]
    j = rng.randrange(1, len(w) - 1)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]  # swap two letters
    return " ".join(words)


def positive_variant(rng: random.Random, name: str) -> tuple[str, str]:
    """The same organisation written the way another system writes it."""
    options = []
    if name.endswith(" AB"):
        base = name[:-3]
        options += [("aktiebolag", f"{base} Aktiebolag"), ("publ", f"{base} AB (publ)"),
                    ("ledger", f"{base.upper()};AB"), ("upper", name.upper())]
    if name.endswith(" HB"):
        options.append(("handelsbolag", name[:-3] + " Handelsbolag"))
    if name.startswith("Föreningen "):
        options.append(("ideell", f"{name[len('Föreningen '):].upper()}, IDEELL FÖRENING"))
    for abbr, full in CLUB_FORMS:
        if name.endswith(f" {abbr}"):
            options.append(("club", name[:-len(abbr)] + full))
    if " & " in name:
        options += [("och", name.replace(" & ", " och ")), ("amp", name.replace("&", "&amp;"))]
    options += [("case", name.lower()), ("spaces", "  " + name.replace(" ", "  ") + " "),
                ("punct", name.replace(" ", ", ", 1))]
    typo = _typo(rng, name)
    if typo:
        options.append(("typo", typo))
    folded = name.translate(str.maketrans("åäöÅÄÖ", "aaoAAO"))
    if folded != name:
        options.append(("no-åäö", folded))
    return rng.choice(options)


def negative_variant(rng: random.Random, name: str) -> tuple[str, str] | None:
    """Another organisation whose name looks like this one."""
    words = name.split()
    options = []
    for i, w in enumerate(words):
        bare = w.rstrip("s")
        if bare in PLACES:
            other = rng.choice([p for p in PLACES if p != bare])
            options.append(("place", " ".join(words[:i] + [other + w[len(bare):]] + words[i + 1:])))
        if w in BRANCHES:
            other = rng.choice([b for b in BRANCHES if b != w])
            options.append(("branch", " ".join(words[:i] + [other] + words[i + 1:])))
        if w in WORDS:
            other = rng.choice([x for x in WORDS if x != w])
            options.append(("word", " ".join(words[:i] + [other] + words[i + 1:])))
        if w.rstrip("s") in SURNAMES:
            other = rng.choice([x for x in SURNAMES if x != w.rstrip("s")])
            options.append(("surname", " ".join(words[:i] + [other + "s"] + words[i + 1:])))
        for abbr, _ in CLUB_FORMS:
            if w == abbr:
                other = rng.choice([a for a, _ in CLUB_FORMS if a != abbr])
                options.append(("club", " ".join(words[:i] + [other] + words[i + 1:])))
    options.append(("number", f"{name} 2" if not name.endswith(" AB") else name[:-3] + " 2 AB"))
    pairs = {"Norrköping": "Norrtälje", "Hovsta": "Hövsta", "Norra": "Södra", "Västra": "Östra"}
    for a, b in pairs.items():
        if a in name:
            options.append(("lookalike", name.replace(a, b)))
    return rng.choice(options) if options else None


def generated_pairs(n: int, seed: int = 7):
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        name, _ = make_name(rng)
        kind, variant = positive_variant(rng, name)
        out.append((name, variant, True, f"gen:{kind}"))
        neg = negative_variant(rng, name)
        if neg:
            out.append((name, neg[1], False, f"gen:{neg[0]}"))
    return out


def orebro_pairs():
    """Real pairs from Örebro's ledger: same valid orgnr = positive; different orgnr with
    similar normalised names (token-sort ratio >= 80, or a shared first word) = negative."""
    if not OREBRO.exists():
        return [], "Örebro-filen saknas: hoppar över riktiga par."
    import openpyxl
    from rapidfuzz import fuzz, process

    wb = openpyxl.load_workbook(OREBRO, read_only=True)
    names_by_org: dict[str, set[str]] = defaultdict(set)
    for i, row in enumerate(wb.active.iter_rows(values_only=True)):
        if i == 0 or not row[1] or not row[2]:
            continue
        result = validate("orgnr", str(row[2]))
        if result.valid and not result.details.get("sole_trader"):
            names_by_org[result.normalized].add(" ".join(str(row[1]).split()))
    pairs = []
    for orgnr, names in names_by_org.items():
        names = sorted(names)
        pairs += [(a, b, True, "orebro:same-orgnr") for i, a in enumerate(names)
                  for b in names[i + 1:]]
    entries = [(orgnr, name) for orgnr, names in names_by_org.items() for name in sorted(names)]
    normalized = [normalize_org_name(n) or n.casefold() for _, n in entries]
    matrix = process.cdist(normalized, normalized, scorer=fuzz.token_sort_ratio,
                           score_cutoff=80, workers=1)
    seen = set()
    for i in range(len(entries)):
        for j in matrix[i].nonzero()[0]:
            if j > i and entries[i][0] != entries[j][0]:
                key = (entries[i][1], entries[j][1])
                if key not in seen:
                    seen.add(key)
                    pairs.append((entries[i][1], entries[j][1], False, "orebro:similar-name"))
    first_words = defaultdict(list)
    for orgnr, name in entries:
        first = (normalize_org_name(name).split() or [""])[0]
        if len(first) >= 4:
            first_words[first].append((orgnr, name))
    for group in first_words.values():
        for i, (oa, na) in enumerate(group[:30]):
            for ob, nb in group[i + 1:30]:
                if oa != ob and (na, nb) not in seen:
                    seen.add((na, nb))
                    pairs.append((na, nb, False, "orebro:shared-first-word"))
    return pairs, f"{len(names_by_org)} giltiga organisationsnummer i Örebro-filen."


def quality(pairs, match_threshold: float, close_threshold: float) -> None:
    stats = defaultdict(Counter)
    false_matches = []
    for a, b, same, source in pairs:
        verdict = compare_names(a, b, match_threshold=match_threshold,
                                close_threshold=close_threshold).verdict
        group = source.split(":")[0]
        for key in (group, source, "all"):
            stats[key][(same, verdict)] += 1
        if verdict == "match" and not same:
            false_matches.append((a, b, source))
    print(f"  {'mängd':34} {'par':>6} {'pos':>6} {'neg':>6} {'MTCH':>6} {'precision':>9} "
          f"{'recall':>7} {'CMTC pos':>8} {'CMTC neg':>8}")
    for key in sorted(stats, key=lambda k: (k != "all", ":" in k, k)):
        c = stats[key]
        pos = sum(v for (s, _), v in c.items() if s)
        neg = sum(v for (s, _), v in c.items() if not s)
        tp, fp = c[(True, "match")], c[(False, "match")]
        precision = tp / (tp + fp) if tp + fp else float("nan")
        recall = tp / pos if pos else float("nan")
        print(f"  {key:34} {pos + neg:6d} {pos:6d} {neg:6d} {tp + fp:6d} {precision:9.4f} "
              f"{recall:7.3f} {c[(True, 'close')]:8d} {c[(False, 'close')]:8d}")
    if false_matches:
        print("  Felaktiga MTCH (upp till 10):")
        for a, b, source in false_matches[:10]:
            print(f"    {source}: {a!r} ~ {b!r}")


# --- throughput -----------------------------------------------------------------------------

def _orgnr(group: int, n: int) -> str:
    body = f"{group}{n % 10**8:08d}"
    body = body[:2] + "2" + body[3:] if int(body[2]) < 2 else body
    digits = body + luhn_check_digit(body)
    return f"{digits[:6]}-{digits[6:]}"


def _giro(n: int, width: int) -> str:
    body = f"{n:0{width - 1}d}"
    return body + luhn_check_digit(body)


def build_register(db_url: str, n_orgs: int, seed: int = 11) -> list[dict]:
    """Fill a fresh database; returns the payees the payment file is built from."""
    from sqlalchemy import insert

    from oversight.accounts.models import AccountHolderEvidence, SharedAccountAllowance
    from oversight.app import create_app
    from oversight.extensions import db
    from oversight.organisations.models import BankAccount, Organisation, OrganisationName

    rng = random.Random(seed)
    app = create_app({"DATABASE_URL": db_url, "TESTING": True})
    now = datetime.now(timezone.utc)
    payees = []
    with app.app_context():
        db.create_all()
        from oversight.rule_values import seed_defaults

        seed_defaults(db.session)  # as migration 0007 does
        db.session.commit()
        orgs, accounts, aliases, evidence = [], [], [], []
        for i in range(1, n_orgs + 1):
            name, group = make_name(rng)
            name = f"{name} {i}" if rng.random() < 0.3 else name  # many distinct names
            orgnr = _orgnr(group, i * 7919)
            orgs.append({"id": i, "orgnr": orgnr, "name": name, "org_group": group,
                         "is_sole_trader": False, "created_at": now, "updated_at": now})
            bg = _giro(1_000_000 + i, 8)
            accounts.append({"organisation_id": i, "kind": "bankgiro",
                             "number": f"{bg[:4]}-{bg[4:]}", "digits": bg,
                             "added_at": now - timedelta(days=rng.choice([10, 400, 900]))})
            if rng.random() < 0.2:
                pg = _giro(2_000_000 + i, 7)
                accounts.append({"organisation_id": i, "kind": "plusgiro",
                                 "number": f"{pg[:-1]}-{pg[-1]}", "digits": pg,
                                 "added_at": now - timedelta(days=700)})
            if rng.random() < 0.1:
                aliases.append({"organisation_id": i, "name": positive_variant(rng, name)[1],
                                "kind": "alias"})
            r = rng.random()
            holder_name = positive_variant(rng, name)[1] if rng.random() < 0.7 else name
            answered = TODAY - timedelta(days=rng.randint(0, 170))
            if r < 0.45:
                ev = (holder_name, orgnr)
            elif r < 0.80:
                ev = (holder_name, None)
            elif r < 0.85:
                ev = (make_name(rng)[0], _orgnr(5, 90_000_000 + i))  # someone else's account
            elif r < 0.92:
                ev, answered = (holder_name, orgnr), TODAY - timedelta(days=400)  # stale
            else:
                ev = None
            if ev:
                evidence.append({"kind": "bankgiro", "number": f"{bg[:4]}-{bg[4:]}", "digits": bg,
                                 "holder_name": ev[0], "holder_orgnr": ev[1], "source": "bank",
                                 "status": "active", "answered_on": answered, "entry": "import",
                                 "created_at": now})
            payees.append({"name": name, "orgnr": orgnr, "bg": bg, "group": group})
        # a few accounts shared by several organisations, one of them declared
        for k in range(0, min(n_orgs, 2000), 100):
            accounts.append({"organisation_id": orgs[k + 1]["id"], "kind": "bankgiro",
                             "number": accounts[k]["number"], "digits": accounts[k]["digits"],
                             "added_at": now})
        for chunk in range(0, len(orgs), 5000):
            db.session.execute(insert(Organisation), orgs[chunk:chunk + 5000])
        for table, rows in ((BankAccount, accounts), (OrganisationName, aliases),
                            (AccountHolderEvidence, evidence)):
            for chunk in range(0, len(rows), 5000):
                db.session.execute(insert(table), rows[chunk:chunk + 5000])
        db.session.execute(insert(SharedAccountAllowance), [{
            "kind": "bankgiro", "number": accounts[0]["number"], "digits": accounts[0]["digits"],
            "category": "factoring", "reason": "Bench", "created_at": now}])
        db.session.commit()
        print(f"  register: {len(orgs)} organisationer, {len(accounts)} konton, "
              f"{len(aliases)} alias, {len(evidence)} besked om kontohavare")
    return payees


def write_pain001(path: str, payees: list[dict], n: int, seed: int = 13) -> Decimal:
    rng = random.Random(seed)
    total = Decimal(0)
    txs = []
    for i in range(1, n + 1):
        p = rng.choice(payees)
        name, orgnr, account = p["name"], p["orgnr"].replace("-", ""), p["bg"]
        scheme = "<Prtry>BGNR</Prtry>"
        r = rng.random()
        if r < 0.05:
            account = _giro(3_000_000 + i, 8)  # an account the register does not know
        elif r < 0.08:
            account = rng.choice(payees)["bg"]  # another organisation's bankgiro
        elif r < 0.12:
            orgnr, name = _orgnr(5, 80_000_000 + i).replace("-", ""), make_name(rng)[0]
        elif r < 0.14:
            account = account[:-1] + str((int(account[-1]) + 1) % 10)  # invalid check digit
        if rng.random() < 0.3:
            name = positive_variant(rng, name)[1]
        orgid = f"<Id><OrgId><Othr><Id>{orgnr}</Id></Othr></OrgId></Id>" if rng.random() < 0.9 else ""
        amount = Decimal(rng.randint(100, 5_000_000)) / 100
        total += amount
        name = name.replace("&", "&amp;").replace("<", "&lt;")
        txs.append(f"<CdtTrfTxInf><PmtId><EndToEndId>E{i}</EndToEndId></PmtId><Amt>"
                   f"<InstdAmt Ccy=\"SEK\">{amount:.2f}</InstdAmt></Amt><Cdtr><Nm>{name}</Nm>"
                   f"{orgid}</Cdtr><CdtrAcct><Id><Othr><Id>{account}</Id><SchmeNm>{scheme}"
                   f"</SchmeNm></Othr></Id></CdtrAcct><RmtInf><Ustrd>Faktura {i}</Ustrd>"
                   "</RmtInf></CdtTrfTxInf>\n")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022'
                 ':tech:xsd:pain.001.001.09"><CstmrCdtTrfInitn><GrpHdr><MsgId>BENCH</MsgId>'
                 f"<CreDtTm>{datetime.now().isoformat(timespec='seconds')}</CreDtTm>"
                 f"<NbOfTxs>{n}</NbOfTxs><CtrlSum>{total:.2f}</CtrlSum><InitgPty><Nm>Bench</Nm>"
                 "</InitgPty></GrpHdr><PmtInf><PmtInfId>P1</PmtInfId><PmtMtd>TRF</PmtMtd>"
                 f"<ReqdExctnDt><Dt>{TODAY.isoformat()}</Dt></ReqdExctnDt><Dbtr><Nm>"
                 "Socialförvaltningen</Nm></Dbtr><DbtrAcct><Id><Othr><Id>53125001</Id><SchmeNm>"
                 "<Prtry>BGNR</Prtry></SchmeNm></Othr></Id></DbtrAcct><DbtrAgt><FinInstnId>"
                 "<BICFI>HANDSESS</BICFI></FinInstnId></DbtrAgt>\n")
        fh.writelines(txs)
        fh.write("</PmtInf></CstmrCdtTrfInitn></Document>\n")
    return total


def child(db_url: str, path: str) -> None:
    """Runs in a fresh process: parse, load, verify, store; prints JSON figures."""
    from types import SimpleNamespace

    from oversight.accounts.paymentfile import parse_payment_file
    from oversight.accounts.payments import (
        create_payment_check, load_payment_context, store_lines, summarize, verify_loaded,
    )
    from oversight.app import create_app
    from oversight.auth.models import Department
    from oversight.extensions import db

    app = create_app({"DATABASE_URL": db_url, "TESTING": True})
    figures = {}
    with app.app_context():
        dept = Department(code="bench", name="Bench", kind="district")
        db.session.add(dept)
        db.session.commit()
        figures["rss_before_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        data = Path(path).read_bytes()
        figures["file_mb"] = len(data) / 1e6
        t0 = time.perf_counter()
        parsed = parse_payment_file(data)
        t1 = time.perf_counter()
        pctx = load_payment_context(db.session, parsed.payments)
        t2 = time.perf_counter()
        results = verify_loaded(parsed.payments, pctx)
        t3 = time.perf_counter()
        check = create_payment_check(db.session, SimpleNamespace(id=None, department_id=dept.id),
                                     filename="bench.xml", data=data)
        store_lines(db.session, check, results)
        db.session.commit()
        t4 = time.perf_counter()
        figures.update(parse_s=t1 - t0, load_s=t2 - t1, core_s=t3 - t2, store_s=t4 - t3,
                       total_s=t4 - t0, payments=len(parsed.payments),
                       summary=summarize(results),
                       peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(figures, default=str))


def throughput(n_orgs: int, n_payments: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-accounts-") as tmp:
        db_url = "sqlite:///" + os.path.join(tmp, "bench.db")
        path = os.path.join(tmp, "payments.xml")
        t = time.perf_counter()
        payees = build_register(db_url, n_orgs)
        total = write_pain001(path, payees, n_payments)
        print(f"  genererat på {time.perf_counter() - t:.1f} s; betalfil "
              f"{os.path.getsize(path) / 1e6:.1f} MB, {n_payments} betalningar, {total} kr")
        env = dict(os.environ, OVERSIGHT_INSTANCE_PATH=tmp)
        out = subprocess.run([sys.executable, __file__, "--child", db_url, path], env=env,
                             capture_output=True, text=True, check=True)
        f = json.loads(out.stdout.strip().splitlines()[-1])
        s = f["summary"]
        print(f"  läsa pain.001 (strömmande, säker XML):   {f['parse_s']:7.2f} s")
        print(f"  ladda register och underlag i bulk:     {f['load_s']:7.2f} s")
        print(f"  verifiera (ren kärna, i minnet):        {f['core_s']:7.2f} s "
              f"({f['payments'] / f['core_s']:,.0f} betalningar/s)")
        print(f"  spara raderna i databasen:              {f['store_s']:7.2f} s")
        print(f"  totalt:                                 {f['total_s']:7.2f} s")
        print(f"  minne (RSS): före {f['rss_before_mb']:.0f} MB, topp {f['peak_rss_mb']:.0f} MB")
        print(f"  resultat: {s['counts']}, att kontrollera {s['attention']}, "
              f"utan träff i registret {s['unmatched']}")
        print(f"  avvikelser: {s['findings']}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=50_000)
    parser.add_argument("--payments", type=int, default=100_000)
    parser.add_argument("--pairs", type=int, default=5_000)
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("DB_URL", "FILE"))
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    from oversight.accounts.verification import Settings

    match, close = Settings().match_threshold, Settings().close_threshold
    if not args.skip_throughput:
        print(f"1. Betalfilskontroll: {args.payments} betalningar mot {args.orgs} organisationer")
        throughput(args.orgs, args.payments)
    print(f"2. Namnmatchning (MTCH vid {match:g}, CMTC vid {close:g})")
    pairs = generated_pairs(args.pairs)
    real, note = orebro_pairs()
    print(f"  {note}")
    quality(pairs + real, match, close)


if __name__ == "__main__":
    main()
