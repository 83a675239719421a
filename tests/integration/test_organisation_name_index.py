"""The search's cached name index follows every change: a new organisation, a rename, an alias."""
from oversight.organisations import services


def _names(db, query):
    return [h.organisation.name for h in services.search_organisations(db.session, query)]


def test_search_sees_new_renamed_and_aliased_organisations(db):
    org = services.register_organisation(db.session, orgnr="556016-0680", name="Kvarnbyns Omsorg AB")
    db.session.commit()
    assert "Kvarnbyns Omsorg AB" in _names(db, "Kvarnbyns omsorg")
    services.register_organisation(db.session, orgnr="802412-3450", name="Ängsbackens Scoutkår")
    db.session.commit()
    assert "Ängsbackens Scoutkår" in _names(db, "angsbackens scoutkar")
    services.rename_organisation(db.session, org, "Tallåsens Assistans AB")
    db.session.commit()
    assert "Tallåsens Assistans AB" in _names(db, "Tallåsens assistans")
    hits = services.search_organisations(db.session, "Kvarnbyns Omsorg")
    assert [h.matched_on for h in hits if h.organisation.id == org.id] == ["former name"]
    services.add_alias(db.session, org, "TALLÅSEN ASSISTANS")
    db.session.commit()
    assert any(h.matched_text == "TALLÅSEN ASSISTANS"
               for h in services.search_organisations(db.session, "TALLASEN ASSISTANS"))
