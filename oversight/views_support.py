"""Small helpers every blueprint uses: the shape of a form POST, and URLs built outside a
request (background jobs set ``result_url``)."""
from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from flask import abort, current_app, flash, has_request_context, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.routing import IntegerConverter

from oversight.extensions import db

# The largest id an INTEGER column holds (PostgreSQL's int4; SQLite stops at 2**63 - 1): a
# larger number in a URL is an unknown row (404), never a database overflow (500).
MAX_ID = 2**31 - 1
FORM_ERROR = "form-error"  # flash category shown in the one error summary (macros.html)
CONFIRM_FIELD = "confirmed"


def flash_form_errors(form) -> None:
    """Each field error as a flash message for the error summary: the field's label and the
    message, linked to the field (``#id``) so the summary leads the eye to it."""
    for field in form:
        if field.type == "CSRFTokenField":
            if field.errors:
                flash(_("Formuläret hade gått ut. Försök igen."), FORM_ERROR)
            continue
        for error in field.errors:
            flash(Markup('<a href="#{}">{}: {}</a>').format(field.id, field.label.text, error),
                  FORM_ERROR)


def needs_confirmation() -> bool:
    """True when a POST of an irreversible action lacks the confirmation step's field: the
    view must then show ``confirmation_page`` and change nothing."""
    return request.form.get(CONFIRM_FIELD) != "yes"


def confirmation_page(*, title: str, what: str, whom: str | None, action: str,
                      cancel_url: str, button: str | None = None):
    """The no-JavaScript confirmation step: a page saying what will happen and to whom, that
    posts the same fields again with ``confirmed=yes``."""
    fields = [(k, v) for k, v in request.form.items(multi=True)
              if k not in ("csrf_token", CONFIRM_FIELD)]
    return render_template("confirm.html", title=title, what=what, whom=whom, action=action,
                           cancel_url=cancel_url, fields=fields, button=button or title)


def commit_or_flash(action: Callable[[], object], success: str,
                    errors: tuple[type[Exception], ...] = (ValueError,)) -> bool:
    """Run a service call: commit and flash ``success``, or roll back and flash the service's
    (Swedish) message so nothing is half-saved. True when saved."""
    try:
        action()
    except errors as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return False
    db.session.commit()
    flash(success, "success")
    return True


def paginate(stmt, param: str = "page", per_page: int | None = None):
    """One page of a list statement: the page number from ``?page=`` (``param`` when a page
    holds several paged lists, e.g. ``failed_page``), ``PAGE_SIZE`` rows (one setting for every
    list) unless a list needs its own ``per_page``."""
    return db.paginate(stmt, page=_page_number(param),
                       per_page=per_page or int(current_app.config["PAGE_SIZE"]), error_out=False)


MAX_PAGE = 1_000_000  # past every real list; a larger number would overflow the database's integer


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` in every route (registered as ``int`` by the app factory): at most MAX_ID."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - Werkzeug's parameter name
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def id_arg(name: str) -> int | None:
    """An id from the query string (``?run=12``): None when absent or not a number; a number
    no row can have aborts with 404, as an unknown id does."""
    value = request.args.get(name, type=int)
    if value is not None and not 0 < value <= MAX_ID:
        abort(404)
    return value


def _page_number(param: str) -> int:
    number = request.args.get(param, 1, type=int) if has_request_context() else 1
    return min(number, MAX_PAGE) if number and number > 0 else 1


class RowsPage:
    """One page of a list already in memory, with the attributes of Flask-SQLAlchemy's page
    (``items``, ``page``, ``pages``, ``total``, ``has_prev``/``prev_num``, ``has_next``/
    ``next_num``) so the ``pagination`` and ``list_table`` macros take either."""

    def __init__(self, rows: list, page: int, per_page: int):
        self.total = len(rows)
        self.per_page = per_page
        self.pages = max(1, -(-self.total // per_page))
        self.page = min(max(1, page), self.pages)
        start = (self.page - 1) * per_page
        self.items = rows[start:start + per_page]
        self.has_prev, self.prev_num = self.page > 1, self.page - 1
        self.has_next, self.next_num = self.page < self.pages, self.page + 1

    def __iter__(self):
        return iter(self.items)


def paginate_rows(rows: list, param: str = "page") -> RowsPage:
    """``paginate`` for a list already in memory (a report computed in Python)."""
    return RowsPage(list(rows), _page_number(param), int(current_app.config["PAGE_SIZE"]))


def path_for(endpoint: str, **values) -> str:
    """``url_for`` that also works without a request (a background worker has only an app
    context): the path on the app's URL map, with ``_anchor`` as a fragment."""
    if has_request_context():
        return url_for(endpoint, **values)
    anchor = values.pop("_anchor", None)
    adapter = current_app.url_map.bind(
        current_app.config.get("SERVER_NAME") or "localhost",
        script_name=current_app.config.get("APPLICATION_ROOT") or "/")
    path = adapter.build(endpoint, values)
    return f"{path}#{quote(anchor)}" if anchor else path


def sorted_by(stmt, columns: dict, default: str, default_dir: str = "asc"):
    """Order a list statement by ``?sort=<key>&dir=asc|desc`` (the links of the ``sort_th``
    macro); ``columns`` maps the allowed keys to SQL expressions, anything else falls back to
    ``default``/``default_dir``. The last column of ``columns`` breaks ties for stable pages."""
    key = request.args.get("sort")
    if key not in columns:
        key, direction = default, default_dir
    else:
        direction = "desc" if request.args.get("dir") == "desc" else "asc"
    column = columns[key]
    ordered = stmt.order_by(column.desc() if direction == "desc" else column.asc())
    tie = list(columns.values())[-1]
    return ordered if tie is column else ordered.order_by(tie)


def sorted_rows(rows: list, keys: dict, default: str | None, default_dir: str = "asc") -> list:
    """``sorted_by`` for a list already in memory: ``keys`` maps the allowed sort keys to
    functions of a row (values of one key must compare; None sorts last). With ``default``
    None the rows keep their given order unless the reader chose a sort."""
    key = request.args.get("sort")
    if key not in keys:
        if default is None:
            return list(rows)
        key, direction = default, default_dir
    else:
        direction = "desc" if request.args.get("dir") == "desc" else "asc"
    get = keys[key]
    present = [r for r in rows if get(r) is not None]
    missing = [r for r in rows if get(r) is None]
    return sorted(present, key=get, reverse=direction == "desc") + missing
