"""Documents on investigation activities, through the views as real roles: upload with an
activity, listed on the case page, downloaded by the owning department and an assigned
investigator (each download audited), refused to another department, to the auditor, when too
large, and when the content is not an accepted kind (executables, macros, old binary Office)."""
import io
import zipfile
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from oversight.audit import AuditEntry
from oversight.cases import services
from oversight.cases.models import CaseActivity, CaseDocument

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _office(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return buffer.getvalue()


DOCX = _office({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
DOCM = _office({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>",
                "word/vbaProject.bin": b"\x00" * 10})


@pytest.fixture
def setup(make, db):
    jarva = make.department(code="sdf-jarva", name="Järva")
    bromma = make.department(code="sdf-bromma", name="Bromma")
    central = make.department(code="central", name="Central FUT-enhet", kind="other")
    s = {
        "inv": make.user(role="investigator", department=jarva, username="inv.jarva"),
        "inv_bromma": make.user(role="investigator", department=bromma, username="inv.bromma"),
        "central": make.user(role="investigator", department=central, username="inv.central"),
        "auditor": make.user(role="auditor", department=jarva, username="rev.jarva"),
    }
    case = services.register_case(db.session, s["inv"], department=jarva, title="Oredovisad lön",
                                  source="caseworker", received_on=date.today() - timedelta(days=10))
    services.transition(db.session, s["inv"], case, "assessment")
    services.transition(db.session, s["inv"], case, "queued")
    services.transition(db.session, s["inv"], case, "investigation")
    db.session.commit()
    s["case"] = case
    return s


def _upload(client, case, data: bytes, name: str, kind: str = "document"):
    return client.post(f"/cases/{case.id}/activities", data={
        "act-kind": kind, "act-text": "Kontoutdrag från banken", "act-counterpart": "Banken",
        "act-document": (io.BytesIO(data), name)}, content_type="multipart/form-data",
        follow_redirects=True)


def test_upload_list_and_download_as_owner(setup, db, login_as):
    s, case = setup, setup["case"]
    client = login_as(s["inv"])
    page = _upload(client, case, PDF, "kontoutdrag.pdf").get_data(as_text=True)
    doc = db.session.scalar(select(CaseDocument))
    assert doc is not None and doc.case_id == case.id and doc.content_type == "application/pdf"
    assert len(doc.sha256) == 64 and doc.size == len(PDF) and doc.department_id == case.department_id
    assert "kontoutdrag.pdf" in page and f"/cases/{case.id}/documents/{doc.id}" in page
    assert doc.activity.text == "Kontoutdrag från banken"
    r = client.get(f"/cases/{case.id}/documents/{doc.id}")
    assert r.status_code == 200 and r.data == PDF and r.mimetype == "application/pdf"
    assert "attachment" in r.headers["Content-Disposition"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    audit = db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity_type == "fut_case_document")).all()
    assert {e.action for e in audit} >= {"create", "view"}  # the upload and the download
    assert any("laddade ned" in (e.summary or "") for e in audit if e.action == "view")


def test_office_file_accepted_and_its_type_kept(setup, db, login_as):
    client = login_as(setup["inv"])
    _upload(client, setup["case"], DOCX, "protokoll.docx", kind="meeting")
    doc = db.session.scalar(select(CaseDocument))
    assert doc.content_type.endswith("wordprocessingml.document")
    r = client.get(f"/cases/{setup['case'].id}/documents/{doc.id}")
    assert r.data == DOCX and r.headers["Content-Disposition"].endswith('.docx"')


def test_assigned_investigator_downloads_other_department_refused(setup, db, login_as):
    s, case = setup, setup["case"]
    _upload(login_as(s["inv"]), case, PDF, "a.pdf")
    doc = db.session.scalar(select(CaseDocument))
    url = f"/cases/{case.id}/documents/{doc.id}"
    assert login_as(s["inv_bromma"]).get(url).status_code == 404
    r = _upload(login_as(s["inv_bromma"]), case, PDF, "b.pdf")
    assert r.status_code == 404
    services.assign(db.session, s["inv"], case, s["central"], "Lån av utredare")
    db.session.commit()
    central = login_as(s["central"])
    assert central.get(url).data == PDF
    assert db.session.scalar(select(CaseDocument).where(CaseDocument.filename == "b.pdf")) is None


def test_auditor_may_not_upload_nor_read_case_documents(setup, db, login_as):
    s, case = setup, setup["case"]
    _upload(login_as(s["inv"]), case, PDF, "a.pdf")
    doc = db.session.scalar(select(CaseDocument))
    auditor = login_as(s["auditor"])
    assert _upload(auditor, case, PDF, "rev.pdf").status_code == 403
    assert auditor.get(f"/cases/{case.id}/documents/{doc.id}").status_code == 403
    assert db.session.scalar(select(CaseDocument).where(CaseDocument.filename == "rev.pdf")) is None


def test_document_of_another_case_is_not_served_through_this_case(setup, db, login_as, make):
    s = setup
    other = services.register_case(db.session, s["inv"], department=s["case"].department,
                                   title="Annat", source="caseworker")
    db.session.commit()
    client = login_as(s["inv"])
    _upload(client, s["case"], PDF, "a.pdf")
    doc = db.session.scalar(select(CaseDocument))
    assert client.get(f"/cases/{other.id}/documents/{doc.id}").status_code == 404


def test_too_large_refused_with_a_message_and_nothing_saved(setup, db, login_as, app, monkeypatch):
    monkeypatch.setitem(app.config, "CASES_DOCUMENT_MAX_MB", 0.001)  # about 1 kB
    client = login_as(setup["inv"])
    page = _upload(client, setup["case"], PDF + b"0" * 2000, "stor.pdf").get_data(as_text=True)
    assert "större än" in page
    assert db.session.scalar(select(CaseDocument)) is None
    assert db.session.scalar(select(CaseActivity)) is None  # the activity is not half-saved


@pytest.mark.parametrize("data,name,message", [
    (b"MZ\x90\x00" + b"\x00" * 200, "faktura.pdf", "är inte en"),
    (b"#!/bin/sh\nrm -rf /\n", "skript.pdf", "är inte en"),
    (b"<html><script>alert(1)</script></html>", "sida.pdf", "är inte en"),
    (DOCM, "makro.docx", "makron"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200, "gammal.doc", "äldre Office-fil"),
])
def test_wrong_type_refused_by_content(setup, db, login_as, data, name, message):
    page = _upload(login_as(setup["inv"]), setup["case"], data, name).get_data(as_text=True)
    assert message in page
    assert db.session.scalar(select(CaseDocument)) is None
