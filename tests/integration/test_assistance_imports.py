"""`flask assistance import`: row-numbered errors, all-or-nothing, idempotent."""
from datetime import date

from sqlalchemy import func, select

from assistance.models import Arrangement, AssistanceDecision, AssistanceUser, Permit
from tests.assistance_helpers import pnr
from tests.factories import orgnr


def _write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def _count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def _setup(make, db):
    jarva = make.department("sdf-jarva", "Järva stadsdelsförvaltning")
    bromma = make.department("sdf-bromma", "Bromma stadsdelsförvaltning")
    db.session.commit()
    return jarva, bromma


def test_full_chain_is_idempotent(runner, make, db, tmp_path):
    _setup(make, db)
    a, b = pnr("19750312", 11), pnr("19820101", 22)
    org = orgnr(5)
    users = _write(tmp_path, "u.csv", f"person_id;district;name;death_date\n{a};sdf-jarva;Anna A;\n"
                   f"{b[2:8]}-{b[8:]};Bromma stadsdelsförvaltning;Bo B;2026-03-01\n", "latin-1")
    decisions = _write(tmp_path, "d.csv", f"person_id;valid_from;valid_to;hours_per_week;basis\n"
                       f"{a};2026-01-01;2026-12-31;18,5;lss\n{b};2026-01-01;;40;fk_arranged\n")
    arrangements = _write(tmp_path, "a.csv", "person_id;valid_from;valid_to;kind;provider_org_nr;provider_name\n"
                          f"{a};2026-01-01;;provider;{org};Assistans Ett AB\n{b};2026-01-01;;own_employer;;\n")
    permits = _write(tmp_path, "p.csv", "org_nr;activity;status;decision_date;valid_from;valid_to;reference\n"
                     f"{org};LSS 9 § 2 personlig assistans;gällande;2015-02-01;2015-02-01;;8.1-1234/2015\n")
    for kind, path in (("users", users), ("decisions", decisions), ("arrangements", arrangements),
                       ("permits", permits)):
        result = runner.invoke(args=["assistance", "import", kind, path])
        assert result.exit_code == 0, result.output
        assert "2 nya" in result.output or "1 nya" in result.output
    counts = [_count(db, m) for m in (AssistanceUser, AssistanceDecision, Arrangement, Permit)]
    assert counts == [2, 2, 2, 1]
    for kind, path in (("users", users), ("decisions", decisions), ("arrangements", arrangements),
                       ("permits", permits)):
        result = runner.invoke(args=["assistance", "import", kind, path])
        assert result.exit_code == 0 and "0 nya" in result.output, result.output
    assert [_count(db, m) for m in (AssistanceUser, AssistanceDecision, Arrangement, Permit)] == counts
    bo = db.session.scalar(select(AssistanceUser).where(AssistanceUser.person_id == b))
    assert bo.death_date == date(2026, 3, 1) and bo.department.code == "sdf-bromma"


def test_malformed_permit_list_row_numbered_errors_and_nothing_changed(runner, make, db, tmp_path):
    _setup(make, db)
    org = make.organisation()
    db.session.commit()
    good = f"{org.orgnr};LSS 9 § 2 personlig assistans;gällande;2015-02-01;2015-02-01;;1"
    text = ("org_nr;activity;status;decision_date;valid_from;valid_to;reference\n"
            f"{good}\n"
            f"556016-0681;LSS 9 § 2 personlig assistans;gällande;2015-02-01;;;2\n"
            f"{org.orgnr};LSS 9 § 2 personlig assistans;kanske;2015-02-01;;;3\n"
            f"{org.orgnr};LSS 9 § 2 personlig assistans;återkallat;2026-13-01;;;4\n"
            f"{org.orgnr};LSS 9 § 2 personlig assistans;återkallat;;2026-05-01;2026-04-01;5\n")
    result = runner.invoke(args=["assistance", "import", "permits", _write(tmp_path, "p.csv", text)])
    assert result.exit_code != 0
    out = result.output
    assert "Inget importerades (4 fel)" in out
    assert "Rad 3, kolumn org_nr" in out and "Kontrollsiffran" in out
    assert "Rad 4, kolumn status" in out and "kanske" in out
    assert "Rad 5, kolumn decision_date" in out
    assert "Rad 6, kolumn valid_to" in out
    assert _count(db, Permit) == 0  # not even the good row


def test_unknown_user_and_missing_column(runner, make, db, tmp_path):
    _setup(make, db)
    path = _write(tmp_path, "d.csv", "person_id;valid_from;hours_per_week\n"
                  f"{pnr('19750312', 11)};2026-01-01;10\n")
    result = runner.invoke(args=["assistance", "import", "decisions", path])
    assert result.exit_code != 0 and "Rad 2, kolumn person_id: brukaren finns inte" in result.output
    path = _write(tmp_path, "u.csv", "person_id;name\n197503121234;X\n")
    result = runner.invoke(args=["assistance", "import", "users", path])
    assert result.exit_code != 0 and "district" in result.output
    assert _count(db, AssistanceUser) == 0


def test_provider_arrangement_needs_an_organisation_and_own_employer_none(runner, make, db, tmp_path):
    jarva, _ = _setup(make, db)
    a = pnr("19750312", 11)
    runner.invoke(args=["assistance", "import", "users",
                        _write(tmp_path, "u.csv", f"person_id;district;name\n{a};sdf-jarva;A\n")])
    org = orgnr(5)
    text = ("person_id;valid_from;valid_to;kind;provider_org_nr\n"
            f"{a};2026-01-01;;provider;\n{a};2026-02-01;;own_employer;{org}\n"
            f"{a};2026-03-01;;provider;{org}\n")
    result = runner.invoke(args=["assistance", "import", "arrangements", _write(tmp_path, "a.csv", text)])
    assert result.exit_code != 0
    assert "Rad 2, kolumn provider_org_nr" in result.output
    assert "Rad 3, kolumn provider_org_nr" in result.output
    assert "Rad 4, kolumn provider_org_nr" in result.output and "finns inte i registret" in result.output
    assert _count(db, Arrangement) == 0


def test_unknown_kind(runner, tmp_path):
    result = runner.invoke(args=["assistance", "import", "nonsense", _write(tmp_path, "x.csv", "a\n")])
    assert result.exit_code != 0 and "users" in result.output


def test_the_readme_example_files_import(runner, make, db, tmp_path):
    """The four example files in README.md import as documented, in order."""
    import re
    from pathlib import Path

    _setup(make, db)
    text = Path(__file__).resolve().parents[2].joinpath("README.md").read_text(encoding="utf-8")
    section = text.split("## Personal assistance", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 4
    for kind, block in zip(("users", "decisions", "arrangements", "permits"), blocks):
        result = runner.invoke(args=["assistance", "import", kind, _write(tmp_path, f"{kind}.csv", block)])
        assert result.exit_code == 0, (kind, result.output)
    assert [_count(db, m) for m in (AssistanceUser, AssistanceDecision, Arrangement, Permit)] == [2, 2, 2, 2]
