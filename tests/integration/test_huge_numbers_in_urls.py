"""Numbers no row can have, in a path (``/cases/99999999999999999999``) or in the query string
(``?page=…``, ``?run=…``), are an unknown page or an empty list: never a database overflow
(a 500 on SQLite's and PostgreSQL's integers)."""
from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from oversight.views_support import MAX_ID

HUGE = "99999999999999999999"
QUERY_NUMBERS = ("page", "failed_page", "run", "department", "org")


def _get_rules(app, only_int_arguments: bool):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        ints = {name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)}
        if only_int_arguments and (not rule.arguments or ints != set(rule.arguments)):
            continue
        if not only_int_arguments and rule.arguments:
            continue
        yield rule, ints


@pytest.fixture
def users(make):
    dept = make.department(code="sdf-x", name="X")
    return [make.user(role=role, department=dept) for role in ("admin", "investigator", "lss",
                                                               "grants", "procurement")]


def test_every_id_in_a_path_at_and_beyond_the_largest_is_404_not_500(app, db, users, login_as):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a 500 as the user would get it
    rules = list(_get_rules(app, only_int_arguments=True))
    assert len(rules) > 30
    for user in users[:2]:
        client = login_as(user)
        for rule, ints in rules:
            largest = rule.build({name: MAX_ID for name in ints}, append_unknown=False)[1]
            assert client.get(largest).status_code < 500, (user.role, largest)
            beyond = largest.replace(str(MAX_ID), HUGE)
            assert client.get(beyond).status_code == 404, (user.role, beyond)


def test_huge_numbers_in_the_query_string_never_reach_the_database(app, db, users, login_as):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    lists = [rule.rule for rule, _ints in _get_rules(app, only_int_arguments=False)]
    for user in users:
        client = login_as(user)
        for path in lists:
            for name in QUERY_NUMBERS:
                r = client.get(f"{path}?{name}={HUGE}")
                assert r.status_code < 500, (user.role, path, name)
