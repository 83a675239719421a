"""Demo data for suppliers (synthetic; run after ``oversight.demo.load`` and the registries'
demo answers, which it loads itself if they are missing). Idempotent: everything is found or
created by its natural key.

The story: the social administration procures personal assistance. Of the two tenderers,
Omsorgspartner i Norden AB has tax debts at Kronofogden and a warning from Järva (which
terminated its contract), and Assistansgruppen Trygg Vardag AB has lost its IVO permit; the
check shows both ground by ground, with evidence, and what could not be checked (the
criminal-record extract for Omsorgspartner is still missing). During the contract period the
monitoring run tells Bromma, which has a running contract with Assistansgruppen, that the
permit is revoked; Järva has complained about the facade work of Bygg & Fasad Söder AB.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oversight.audit import set_actor
from oversight.auth.models import User
from oversight.organisations import services as orgs
from suppliers import checks, monitoring, services
from suppliers.models import (
    Complaint,
    Contract,
    CriminalRecordExtract,
    MonitorRun,
    Procurement,
    SupplierCheck,
)

OMSORG, TRYGG, STAD, BYGG = "556901-2346", "556874-3214", "559012-8764", "556712-0984"
NAMES = {OMSORG: "Omsorgspartner i Norden AB", TRYGG: "Assistansgruppen Trygg Vardag AB",
         STAD: "Städkraft Stockholm AB", BYGG: "Bygg & Fasad Söder AB"}
PROCUREMENT = "SOC 2026/0412"
COMPLAINT = ("Byggställningen vid gruppbostaden lämnades osäkrad över helgen och "
             "arbetet har stått still i tre veckor utan besked.")


def _user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise RuntimeError(_("Ladda först plattformens demodata (oversight.demo.load): användaren %(username)s "
                             "saknas.",
                             username=username))
    return user


def _ensure_registry_answers(session: Session) -> None:
    from registries.models import RegistryRecord

    has = session.scalar(select(func.count()).select_from(RegistryRecord).where(
        RegistryRecord.registry == "skatteverket"))
    if not has:
        from registries import demo as registries_demo
        registries_demo.load(session)


def _contract(session, user, supplier, reference, **data) -> Contract:
    existing = session.scalar(select(Contract).where(Contract.reference == reference))
    if existing:
        return existing
    return services.create_contract(session, user, supplier, dict(reference=reference, **data))


def load(session: Session) -> str:
    set_actor(None)
    buyer, jarva, bromma = (_user(session, u) for u in ("upphandlare", "lss.jarva",
                                                         "lss.bromma"))
    _ensure_registry_answers(session)
    today = date.today()
    suppliers = {orgnr: services.ensure_supplier(session, buyer, orgnr=orgnr, name=name)
                 for orgnr, name in NAMES.items()}

    procurement = session.scalar(select(Procurement).where(Procurement.reference == PROCUREMENT))
    if procurement is None:
        procurement = services.create_procurement(session, buyer, {
            "reference": PROCUREMENT, "title": "Personlig assistans enligt LSS, ramavtal",
            "procedure": "framework", "welfare": True, "above_threshold": True,
            "permit_bound": True, "permit_activity": "personlig assistans",
            "estimated_value": "18000000", "status": "evaluating"})
    for orgnr in (OMSORG, TRYGG):
        services.add_tenderer(session, buyer, procurement, orgnr=orgnr,
                              submitted_on=today - timedelta(days=9))

    start = today - timedelta(days=400)
    _contract(session, buyer, suppliers[STAD], "SOC-AVT 2026/031",
              title="Lokalvård socialförvaltningens kontor", procedure="direct_award",
              value=Decimal("480000"), start_date=today - timedelta(days=60),
              end_date=today + timedelta(days=300))
    framework = _contract(session, buyer, suppliers[BYGG], "SOC-RAM 2024/007",
                          title="Fastighetsunderhåll, ramavtal", procedure="framework",
                          above_threshold=True, value=Decimal("4500000"), start_date=start,
                          end_date=today + timedelta(days=700))
    call_off = _contract(session, buyer, suppliers[BYGG], "JÄR-AVR 2026/015",
                         title="Fasadrenovering gruppbostad Rinkeby", procedure="call_off",
                         above_threshold=True, value=Decimal("860000"),
                         start_date=today - timedelta(days=45),
                         end_date=today + timedelta(days=90), framework_id=framework.id,
                         calling_department_id=jarva.department_id)
    _contract(session, jarva, suppliers[OMSORG], "JÄR-AVT 2025/102",
              title="Personlig assistans", procedure="lov", welfare=True, permit_bound=True,
              permit_activity="personlig assistans", start_date=start, status="terminated")
    _contract(session, bromma, suppliers[TRYGG], "BRO-AVT 2024/088",
              title="Personlig assistans", procedure="lov", welfare=True, permit_bound=True,
              permit_activity="personlig assistans", start_date=start,
              end_date=today + timedelta(days=365))

    if not session.scalar(select(Complaint).where(Complaint.description == COMPLAINT)):
        services.file_complaint(session, jarva, call_off,
                                occurred_on=today - timedelta(days=5), category="safety",
                                severity="serious", description=COMPLAINT)

    trygg = suppliers[TRYGG]
    if not session.scalar(select(CriminalRecordExtract).where(
            CriminalRecordExtract.organisation_id == trygg.organisation_id)):
        services.record_extract(session, buyer, trygg, key_person_id=None,
                                document_date=today - timedelta(days=8),
                                reference="BR 2026-0412-1", convictions=[])
        for person in trygg.organisation.key_persons:
            services.record_extract(session, buyer, trygg, key_person_id=person.id,
                                    document_date=today - timedelta(days=8),
                                    reference="BR 2026-0412-2", convictions=[])
    if orgs.get_by_orgnr(session, OMSORG) and not any(
            p.role == "styrelseledamot" for p in suppliers[OMSORG].organisation.key_persons):
        orgs.add_key_person(session, suppliers[OMSORG].organisation, role="styrelseledamot",
                            name="Eva Exempelsson", source="Bolagsverket, registreringsbevis")

    if not session.scalar(select(SupplierCheck).where(
            SupplierCheck.procurement_id == procurement.id)):
        checks.screen_procurement(session, buyer, procurement)
    if not session.scalar(select(MonitorRun)):
        monitoring.run_monitor(session)
    session.flush()
    n_checks = session.scalar(select(func.count()).select_from(SupplierCheck))
    return (_("Leverantörsdemo: %(suppliers)s, upphandling %(procurement)s med %(tenders)s, %(checks)s.",
              suppliers=ngettext("%(num)s leverantör", "%(num)s leverantörer", len(suppliers)),
              procurement=PROCUREMENT,
              tenders=ngettext("%(num)s anbudsgivare", "%(num)s anbudsgivare", len(procurement.tenders)),
              checks=ngettext("%(num)s kontroll", "%(num)s kontroller", n_checks)))
