"""Demo answers for the file-and-manual registries, imported through the normal import path,
then a lookup of every organisation in every registry (offline mode needs no network).
Idempotent: each demo file is imported once, and only organisations without an answer from a
registry are looked up."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext, ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from oversight.organisations.models import Organisation
from registries import filed, services
from registries.base import REGISTRIES, REGISTRY_LABELS
from registries.forms import IMPORT_KIND_LABELS
from registries.models import RegistryImport, RegistryLookup


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
    done = set(session.scalars(select(RegistryImport.filename).where(RegistryImport.filename.like("demo-%"))))
    for kind, text in _files(date.today()).items():
        filename = f"demo-{kind}.csv"
        inserted = 0 if filename in done else \
            filed.import_records(session, None, kind, filename, text.encode("utf-8")).inserted
        lines.append(f"{IMPORT_KIND_LABELS[kind]}: "
                     + ngettext("%(num)s ny rad", "%(num)s nya rader", inserted))
    for registry in REGISTRIES:
        checked = select(RegistryLookup.identifier).where(RegistryLookup.registry == registry)
        orgnrs = list(session.scalars(select(Organisation.orgnr).where(Organisation.orgnr.not_in(checked))
                                      .order_by(Organisation.orgnr)))
        rows = services.batch_lookup(session, None, registry, orgnrs) if orgnrs else []
        lines.append(f"{REGISTRY_LABELS[registry]}: "
                     + ngettext("%(num)s nytt uppslag", "%(num)s nya uppslag", len(rows)))
    return gettext("Registerdemo: %(parts)s.", parts="; ".join(lines))
