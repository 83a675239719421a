"""Issue 10, defect 10: a CSV export names its content type and charset once."""


def test_csv_export_content_type_is_exactly_once(login_as, make):
    c = login_as(make.user(role="auditor"))
    response = c.get("/admin/audit?format=csv")
    assert response.headers.getlist("Content-Type") == ["text/csv; charset=utf-8"]
    xlsx = c.get("/admin/audit?format=xlsx")
    assert xlsx.headers["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
