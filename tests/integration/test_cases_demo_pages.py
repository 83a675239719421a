"""The demo tells the investigator's story, and every case page renders for the roles."""
from sqlalchemy import select

from oversight.cases.models import Case, CaseDecision
from tests.conftest import login

DEMO_PASSWORD = "demo-losenord-2026"


def test_demo_story_for_utredare_in_jarva(runner, db, app):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    client = app.test_client()
    assert login(client, "utredare", DEMO_PASSWORD).status_code == 302
    start = client.get("/").get_data(as_text=True)
    for text in ("Utredning inte påbörjad i tid: DEMO-JARVA-2", "Missad avbetalning: DEMO-JARVA-4",
                 "Uppföljning av begäran: DEMO-JARVA-3", "tips att bedöma", "Mina pågående ärenden"):
        assert text in start
    listing = client.get("/cases/").get_data(as_text=True)
    assert "DEMO-JARVA-5" in listing and "HIST-SDF-BROMMA" not in listing
    for ref in ("DEMO-JARVA-1", "DEMO-JARVA-2", "DEMO-JARVA-3", "DEMO-JARVA-4", "DEMO-JARVA-5", "DEMO-JARVA-6"):
        case = db.session.scalar(select(Case).where(Case.reference == ref))
        assert client.get(f"/cases/{case.id}").status_code == 200, ref
    decision = db.session.scalar(select(CaseDecision).where(CaseDecision.kind == "recovery"))
    assert client.get(f"/cases/decisions/{decision.id}/letter").status_code == 200
    assert client.get(f"/cases/{case.id}/decisions/new").status_code == 200
    assert client.get("/cases/new").status_code == 200
    controls = client.get("/cases/controls").get_data(as_text=True)
    assert "Älmhults modell" in controls and "försenad" in controls
    stats = client.get("/statistics/").get_data(as_text=True)
    assert "Järva" in stats and "<svg" in stats
    assert client.get("/statistics/?measure=recovery_amount&month=3").status_code == 200
    # another district's investigator sees none of Järva's cases but the same statistics
    bromma = app.test_client()
    login(bromma, "lss.bromma", DEMO_PASSWORD)
    jarva_case = db.session.scalar(select(Case).where(Case.reference == "DEMO-JARVA-2"))
    assert bromma.get(f"/cases/{jarva_case.id}").status_code == 403
    assert bromma.get("/statistics/").status_code == 200


def test_case_and_statistics_pages_in_english(db, make, login_as):
    from oversight.cases import services

    dept = make.department()
    inv = make.user(role="investigator", department=dept)
    case = services.register_case(db.session, inv, department=dept, title="T", source="authority")
    client = login_as(inv)
    client.post("/language/en", data={"next": "/"})
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Other authority" in page and "Record the assessment" in page
    stats = client.get("/statistics/").get_data(as_text=True)
    assert "Incoming information" in stats and "Tips and findings received in the period" in stats
