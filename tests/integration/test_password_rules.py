"""Issue 10, defect 9, through the pages and the CLI as a user and an administrator would."""
import pytest

from tests.conftest import PASSWORD


def _change(c, new, current=PASSWORD):
    return c.post("/password", data={"current": current, "new": new, "repeat": new})


@pytest.mark.parametrize("new, message", [
    ("aaaaaaaaaaaa", "för lätt att gissa"),
    ("123456789012", "för lätt att gissa"),
    (PASSWORD, "får inte vara samma som det nuvarande"),
])
def test_change_refuses_weak_and_current_passwords(login_as, make, new, message):
    c = login_as(make.user())
    response = _change(c, new)
    assert response.status_code == 200 and message in response.get_data(as_text=True)


def test_change_refuses_username_with_digits(login_as, make):
    user = make.user(username="karin.lind")
    c = login_as(user)
    page = _change(c, "karin.lind2024!").get_data(as_text=True)
    assert "användarnamn, namn eller e-postadress" in page
    assert _change(c, "en-helt-annan-mening").status_code == 302


def test_admin_cannot_set_a_common_password(login_as, make, db):
    dept = make.department()
    admin = make.user(role="admin", department=dept)
    page = login_as(admin).post("/admin/users/new", data={
        "username": "ny.person", "name": "Ny Person", "role": "grants",
        "department_id": dept.id, "active": "y", "password": "123456789012"},
        follow_redirects=True).get_data(as_text=True)
    assert "för lätt att gissa" in page


def test_cli_refuses_username_with_digits(runner, make, db):
    make.department(code="sdf-pw")
    db.session.commit()
    result = runner.invoke(args=["users", "create", "olle.berg", "--name", "Olle Berg", "--role",
                                 "lss", "--department", "sdf-pw", "--password", "olleberg123456"])
    assert result.exit_code != 0 and "användarnamn" in result.output
