"""The service API in offline mode: evidence storage, caching, latest results, file-and-manual
registries (imports, manual answers with documents, staleness) and the local sanctions list."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from oversight.audit import AuditEntry
from registries import services
from registries.assess import NOT_CHECKED, OK, STALE, WARNING, assess
from registries.base import FOUND, NOT_FOUND, UNAVAILABLE
from registries.csvfiles import ImportRejected
from registries.documents import DocumentError
from registries.models import (
    RegistryBlob,
    RegistryDocument,
    RegistryImport,
    RegistryLookup,
    RegistryRecord,
)

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
TODAY = date.today()


def test_lookup_stores_evidence_with_the_raw_answer_once(make, db):
    user = make.user()
    org = make.organisation(name="Omsorgspartner i Norden AB", orgnr="556901-2346")
    first = services.lookup(db.session, user, "bolagsverket", "5569012346", use_cache=False)
    second = services.lookup(db.session, user, "bolagsverket", "556901-2346", use_cache=False)
    assert first.id != second.id and first.raw_sha256 == second.raw_sha256
    assert db.session.scalar(select(func.count()).select_from(RegistryBlob)) == 1
    assert first.organisation_id == org.id and first.user_id == user.id and first.source == "fixture"
    assert first.records[0].proceedings[0].code == "FR"
    assert assess(first).level == WARNING
    # the lookup is part of the hash-chained audit trail
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity_type == "registry_lookup")) == 2


def test_cache_reuses_conclusive_answers_only(make, db):
    stored = services.lookup(db.session, None, "bolagsverket", "556874-3214")
    assert services.lookup(db.session, None, "bolagsverket", "556874-3214").id == stored.id
    assert services.lookup(db.session, None, "bolagsverket", "556874-3214", use_cache=False).id != stored.id
    unknown = services.lookup(db.session, None, "bolagsverket", "556016-0680")
    assert unknown.status == UNAVAILABLE and "Offlineläge" in unknown.message
    again = services.lookup(db.session, None, "bolagsverket", "556016-0680")
    assert again.id != unknown.id  # an answer that could not be had is asked for again


def test_bad_identifier_is_refused_before_anything_is_stored(db):
    with pytest.raises(services.RegistryInputError, match="Kontrollsiffran"):
        services.lookup(db.session, None, "bolagsverket", "556901-2347")
    with pytest.raises(services.RegistryInputError):
        services.lookup(db.session, None, "bolagsregistret", "556901-2346")
    assert db.session.scalar(select(func.count()).select_from(RegistryLookup)) == 0


def test_latest_results_per_registry(make, db):
    org = make.organisation(name="Bygg & Fasad Söder AB", orgnr="556712-0984")
    services.lookup(db.session, None, "bolagsverket", org.orgnr)
    newest = services.lookup(db.session, None, "bolagsverket", org.orgnr, use_cache=False)
    sanctions = services.lookup(db.session, None, "sanctions", org.orgnr)
    latest = services.latest_results(db.session, org)
    assert latest == {"bolagsverket": newest, "sanctions": sanctions}
    assert sanctions.status == FOUND and assess(sanctions).level == WARNING


def test_batch_lookup_keeps_the_order_and_resolves_duplicates(db):
    numbers = ["556712-0984", "5569012346", "556712-0984"]
    rows = services.batch_lookup(db.session, None, "bolagsverket", numbers)
    assert [r.identifier for r in rows] == ["556712-0984", "556901-2346", "556712-0984"]
    assert rows[0] is rows[2]


SKV = ("organisationsnummer;F-skatt;moms;arbetsgivare;datum\n"
       f"556901-2346;ja;ja;ja;{TODAY - timedelta(days=10)}\n"
       f"559012-8764;ja;ja;nej;{TODAY - timedelta(days=200)}\n")


def test_skatteverket_file_import_lookup_staleness_and_reimport(db):
    imp = services.import_registry_file(db.session, None, "skatteverket", "skv.csv", data=SKV.encode())
    assert (imp.rows_total, imp.inserted, imp.unchanged) == (2, 2, 0)
    fresh = services.lookup(db.session, None, "skatteverket", "556901-2346")
    assert fresh.status == FOUND and fresh.records[0].f_tax is True and fresh.source == "import"
    assert assess(fresh, 90).level == OK
    old = services.lookup(db.session, None, "skatteverket", "559012-8764")
    assert old.document_date == TODAY - timedelta(days=200)
    assert assess(old, 90).level == WARNING  # not an employer: a finding even when old
    assert any("äldre än 90 dagar" in n for n in assess(old, 90).notes)
    again = services.import_registry_file(db.session, None, "skatteverket", "skv.csv", data=SKV.encode())
    assert (again.inserted, again.unchanged) == (0, 2)
    assert db.session.scalar(select(func.count()).select_from(RegistryRecord)) == 2


def test_an_old_clean_answer_is_stale_not_ok(db):
    text = f"organisationsnummer;belopp;datum\n556901-2346;0;{TODAY - timedelta(days=120)}\n"
    services.import_registry_file(db.session, None, "kronofogden", "kfm.csv", data=text.encode("latin-1"))
    stored = services.lookup(db.session, None, "kronofogden", "556901-2346")
    assert stored.status == FOUND and assess(stored, 90).level == STALE and assess(stored, 365).level == OK


def test_a_bad_file_is_refused_whole_with_line_numbers(db):
    text = ("organisationsnummer;belopp;måltyper;datum\n"
            f"556901-2346;12 000,50;allmänna mål;{TODAY}\n"
            f"556901-2347;0;;{TODAY}\n"
            f"556712-0984;mycket;;{TODAY}\n"
            f"556874-3214;0;;{TODAY + timedelta(days=3)}\n")
    with pytest.raises(ImportRejected) as excinfo:
        services.import_registry_file(db.session, None, "kronofogden", "kfm.csv", data=text.encode())
    assert [e["line"] for e in excinfo.value.errors] == [3, 4, 5]
    assert "Kontrollsiffran" in excinfo.value.errors[0]["error"] and "framtiden" in excinfo.value.errors[2]["error"]
    assert db.session.scalar(select(func.count()).select_from(RegistryRecord)) == 0
    assert db.session.scalar(select(func.count()).select_from(RegistryImport)) == 0


def test_nothing_on_file_is_not_checked_not_clean(db):
    stored = services.lookup(db.session, None, "kronofogden", "556901-2346")
    assert stored.status == UNAVAILABLE and assess(stored).level == NOT_CHECKED


def test_ivo_latest_answer_per_activity_and_no_permit(db):
    text = ("organisationsnummer;namn;verksamhet;beslutsdatum;status;diarienummer;datum\n"
            "556874-3214;Assistansgruppen;LSS 9 § 2 personlig assistans;2013-02-01;gällande;3.5.1-1/2013;2013-02-01\n"
            f"556874-3214;Assistansgruppen;LSS 9 §  2 Personlig assistans;{TODAY};aterkallat;3.5.1-9/2026;{TODAY}\n"
            "556874-3214;Assistansgruppen;LSS 9 § 9 bostad med särskild service;2015-01-01;gällande;;2015-01-01\n"
            f"556016-0680;Ingen AB;LSS 9 § 2 personlig assistans;;saknas;;{TODAY}\n")
    services.import_registry_file(db.session, None, "ivo", "ivo.csv", data=text.encode())
    stored = services.lookup(db.session, None, "ivo", "556874-3214")
    assert sorted((r.activity, r.status) for r in stored.records) == [
        ("LSS 9 § 2 Personlig assistans", "återkallat"), ("LSS 9 § 9 bostad med särskild service", "gällande")]
    assert assess(stored).level == WARNING and "återkallat" in assess(stored).findings[0]
    none = services.lookup(db.session, None, "ivo", "556016-0680")
    assert none.status == NOT_FOUND and assess(none).level == WARNING


def test_manual_answer_with_document(make, db):
    user = make.user()
    row = {"orgnr": "556712-0984", "amount": "1 284 500", "case_types": "allmänna mål, enskilda mål"}
    stored = services.enter_manual_answer(db.session, user, "kronofogden", row, "utdrag.pdf", PDF, TODAY)
    assert stored.status == FOUND and stored.source == "manual" and stored.document.filename == "utdrag.pdf"
    assert stored.records[0].amount == 1284500 and stored.records[0].case_types == ("allmänna mål", "enskilda mål")
    assert stored.document.sha256 == db.session.scalar(select(RegistryBlob.sha256).where(RegistryBlob.size == len(PDF)))
    assert "1 284 500 kr" in assess(stored).findings[0].replace("\u00a0", " ")


@pytest.mark.parametrize("filename, data, message", [
    ("virus.exe", b"MZ\x90\x00", "inte en PDF"), ("tom.pdf", b"", "tomt"),
    ("stor.pdf", b"%PDF-" + b"0" * (2 * 1024 * 1024), "större än 1 MB")])
def test_manual_answer_refuses_bad_documents_and_saves_nothing(app, monkeypatch, db, filename, data, message):
    monkeypatch.setitem(app.config, "REGISTRY_DOCUMENT_MAX_MB", 1)
    with pytest.raises(DocumentError, match=message):
        services.enter_manual_answer(db.session, None, "skatteverket", {"orgnr": "556901-2346", "f_tax": "ja"},
                                     filename, data, TODAY)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(RegistryDocument)) == 0


def test_manual_answer_with_bad_values_is_refused(db):
    with pytest.raises(services.RegistryInputError, match="Status 'okänd' är okänd"):
        services.enter_manual_answer(db.session, None, "ivo", {"orgnr": "556901-2346", "activity": "LSS",
                                                               "status": "okänd"}, "a.pdf", PDF, TODAY)


def test_local_list_matches_number_and_name(db):
    text = (f"namn;organisationsnummer;kategori;datum;källa\n"
            f"Fasadgruppen Söder AB;556712-0984;Hävt avtal;{TODAY};Exploateringskontoret\n"
            f"Omsorgspartner Norden AB;;Varning;{TODAY};Egen lista\n")
    services.import_registry_file(db.session, None, "sanctions-list", "lista.csv", data=text.encode())
    by_number = services.lookup(db.session, None, "sanctions", "556712-0984")
    assert {h.source for h in by_number.records} == {"yente", "local-list"} and by_number.status == FOUND
    by_name = services.lookup(db.session, None, "sanctions", "556901-2346", name="Omsorgspartner i Norden AB")
    local = [h for h in by_name.records if h.source == "local-list"]
    assert local and local[0].category == "Varning"
    assert by_name.status == (FOUND if local[0].match else NOT_FOUND)
    assert assess(by_name).level == WARNING  # a hit or a candidate to review, never "no remarks"


def test_other_modules_store_their_own_answers_as_evidence(make, login_as, db):
    """The bank-account holder module's path: its own record type, a document, store_result."""
    from dataclasses import dataclass

    from registries.assess import READ
    from registries.base import RegistryResult
    from registries.documents import store_document
    from registries.normalized import register_record_type
    from registries.store import store_result

    @dataclass(frozen=True)
    class HolderAnswer:
        account: str
        verdict: str

    register_record_type("test-holder", HolderAnswer, "Kontohavare (test)")
    user = make.user()
    document = store_document(db.session, user, "besked.pdf", PDF, TODAY, 1024 * 1024)
    stored = store_result(db.session, user, RegistryResult(
        registry="test-holder", identifier="5050-1238", status=FOUND, source="manual", document_date=TODAY,
        records=(HolderAnswer("5050-1238", "NMTC"),), document_id=document.id))
    assert stored.records == (HolderAnswer("5050-1238", "NMTC"),)
    assert assess(stored).level == READ  # no rules for this registry: never "no remarks"
    page = login_as(user).get(f"/registries/lookups/{stored.id}").get_data(as_text=True)
    assert "Kontohavare (test)" in page and "NMTC" in page and "besked.pdf" in page
