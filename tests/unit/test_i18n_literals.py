"""Every message a user reads goes through gettext: no bare literal is raised or flashed.

An AST scan of the packages: a ``raise SomeError("…")`` or ``flash("…")`` whose text is a
string literal or an f-string (not a ``_()``/``gettext()`` call) fails the test, so the
English UI never shows a Swedish error. Developer-facing errors (a bug, a misconfiguration
an operator reads in a log) may stay literal: list them in ALLOWED with the reason.
"""
from __future__ import annotations

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
PACKAGES = ("oversight", "suppliers", "associations", "registries", "assistance")
# Other engineers are finishing these right now; the integrator adds them when they merge.
NOT_YET: tuple[str, ...] = ()

# (path, start of the message) of literals that are meant for developers, not users.
ALLOWED = {
    # Programming errors (a caller passed a value no user can choose): a bug, read in a log.
    ("oversight/identifiers.py", "Unknown identifier kind"),
    ("oversight/jobs.py", "no handler for job kind"),
    # A deployment setting refused at start (read by the operator in the service's log).
    ("oversight/logs.py", "OVERSIGHT_LOG_FORMAT must be"),
    ("oversight/rule_values.py", "unknown unit"),
    ("oversight/scoping.py", " is not a department-scoped model"),
    ("oversight/scoping.py", " has no owner column"),
    ("oversight/tabular.py", "unknown column kind"),
    ("oversight/tabular.py", "unknown limits"),
    ("assistance/timereport_rules.py", "rule values not registered"),
    ("suppliers/rules.py", "unknown regime"),
    ("registries/adapters.py", "okänt register"),
    ("registries/base.py", "unknown status"),
    ("registries/base.py", "a partial result must name"),
    ("registries/base.py", "a failed lookup cannot be conclusive"),
    # Checked when the app starts: an operator misconfigured the installation (English, as
    # the rest of the deployment documentation and the logs).
    ("oversight/auth/roles.py", "read-only role may act"),
    ("oversight/config.py", "OVERSIGHT_AUDIT_KEY must be set"),
    ("oversight/config.py", "OVERSIGHT_SECRET_KEY must be set"),
    ("oversight/config.py", "OVERSIGHT_PASSWORD_HASH_TIME_COST must be"),
}


def _text_of(node: ast.AST) -> str | None:
    """The literal text of a message argument, or None when it is not a bare literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values
                       if isinstance(v, ast.Constant) and isinstance(v.value, str))
    if isinstance(node, ast.BinOp):  # "Text " + something
        return _text_of(node.left) or _text_of(node.right)
    if isinstance(node, ast.IfExp):
        return _text_of(node.body) or _text_of(node.orelse)
    return None


def _message_args(node: ast.AST):
    """The message arguments of a raised exception, a flash(), a commit_or_flash() or a
    confirmation_page() call."""
    if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
        yield from node.exc.args[:1]
        yield from (k.value for k in node.exc.keywords if k.arg == "message")
    elif isinstance(node, ast.Call):
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name == "flash":
            yield from node.args[:1]
        elif name == "commit_or_flash":  # its success message is flashed
            yield from node.args[1:2]
            yield from (k.value for k in node.keywords if k.arg == "success")
        elif name == "confirmation_page":  # the confirmation step says what will happen
            yield from (k.value for k in node.keywords if k.arg in ("title", "what", "button"))


def bare_literals(root: pathlib.Path = ROOT):
    """(path, line, text) of every raised or flashed message that is a bare literal."""
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            if rel.startswith(NOT_YET):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
            for node in ast.walk(tree):
                for arg in _message_args(node):
                    text = _text_of(arg)
                    if not text or not any(c.isalpha() for c in text):
                        continue
                    if any(rel == p and text.startswith(s) for p, s in ALLOWED):
                        continue
                    yield rel, arg.lineno, text


def test_no_bare_literal_is_raised_or_flashed():
    found = [f"{path}:{line}: {text[:60]!r}" for path, line, text in bare_literals()]
    assert found == [], ("wrap these messages in _() (flask_babel.gettext) and add the English "
                         "to translations/en/LC_MESSAGES/messages.po:\n" + "\n".join(found))


def test_the_scan_finds_a_bare_literal(tmp_path):
    package = tmp_path / "suppliers"
    package.mkdir()
    (package / "x.py").write_text(
        'from flask_babel import gettext as _\n'
        'def f(n):\n'
        '    flash(_("Sparat."))\n'
        '    flash(f"Sparade {n} rader.")\n'
        '    raise ValueError(_("Fel på rad %(n)s.", n=n))\n'
        '    raise ValueError("Okänd roll.")\n', encoding="utf-8")
    assert sorted((line, text) for _p, line, text in bare_literals(tmp_path)) == [
        (4, "Sparade  rader."), (6, "Okänd roll.")]


def test_the_scan_finds_a_bare_success_message(tmp_path):
    package = tmp_path / "oversight"
    package.mkdir()
    (package / "v.py").write_text(
        'def f(run, name):\n'
        '    commit_or_flash(run, _("Sparat."))\n'
        '    commit_or_flash(run, f"{name} har fått tillgång.", ERRORS)\n', encoding="utf-8")
    assert [(line, text) for _p, line, text in bare_literals(tmp_path)] == [
        (3, " har fått tillgång.")]


def test_the_scan_finds_a_bare_confirmation_step(tmp_path):
    package = tmp_path / "suppliers"
    package.mkdir()
    (package / "v.py").write_text(
        'def f(d):\n'
        '    confirmation_page(title=_("Signera"), what="Beslutet signeras.", whom=d.name)\n',
        encoding="utf-8")
    assert [(line, text) for _p, line, text in bare_literals(tmp_path)] == [
        (2, "Beslutet signeras.")]
