"""Demo answers for the file-and-manual registries, imported through the normal import path,
then a lookup of every organisation in every registry (offline mode needs no network).
Idempotent: the files deduplicate by content and repeated lookups reuse recent answers."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from oversight.organisations.models import Organisation
from registries import filed, services
from registries.base import REGISTRIES


def _files(today: date) -> dict[str, str]:
    d = lambda days: (today - timedelta(days=days)).isoformat()  # noqa: E731
    return {
        "skatteverket": (
            "organisationsnummer;fskatt;moms;arbetsgivare;datum\n"
            f"556901-2346;ja;ja;ja;{d(20)}\n556874-3214;ja;ja;ja;{d(20)}\n"
            f"559012-8764;ja;ja;nej;{d(20)}\n556712-0984;nej;ja;ja;{d(20)}\n"),
        "kronofogden": (
            "organisationsnummer;belopp;måltyper;datum\n"
            f"556901-2346;312 000,00;allmänna mål;{d(20)}\n556874-3214;0;;{d(20)}\n"
            f"559012-8764;0;;{d(20)}\n556712-0984;1 284 500,00;allmänna mål, enskilda mål;{d(20)}\n"),
        "ivo": (
            "organisationsnummer;namn;verksamhet;beslutsdatum;status;diarienummer;datum\n"
            f"556901-2346;Omsorgspartner i Norden AB;LSS 9 § 2 personlig assistans;2019-08-15;gällande;"
            f"3.5.1-20190/2019;{d(40)}\n"
            f"556874-3214;Assistansgruppen Trygg Vardag AB;LSS 9 § 2 personlig assistans;{d(20)};återkallat;"
            f"3.5.1-12345/2026;{d(20)}\n"),
        "sanctions-list": (
            "namn;organisationsnummer;kategori;datum;källa\n"
            f"Fasadgruppen Söder AB;556712-0984;Hävt avtal;{d(300)};Exploateringskontoret\n"),
    }


def load(session: Session) -> str:
    lines = []
    for kind, text in _files(date.today()).items():
        imp = filed.import_records(session, None, kind, f"demo-{kind}.csv", text.encode("utf-8"))
        lines.append(f"{kind}: {imp.inserted} nya rader")
    orgnrs = list(session.scalars(select(Organisation.orgnr).order_by(Organisation.orgnr)))
    for registry in REGISTRIES:
        rows = services.batch_lookup(session, None, registry, orgnrs)
        lines.append(f"{registry}: {sum(r.conclusive for r in rows)} av {len(rows)} säkra svar")
    return "Registerdemo: " + "; ".join(lines) + "."
