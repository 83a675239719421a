"""A count is printed with its noun in the right number (issue 11, defect 6: "1 dag", "1
förvaltning"): command-line output, demo summaries and start-page items use ngettext (or
``oversight.formatting.count_text``), never an f-string such as ``f"{n} rader"``, which reads
"1 rader" and stays Swedish in the English UI.

An AST scan of the modules that print counts (CLI commands, demo loaders, start-page hooks and
alerts): a formatted value followed by a space and a lower-case word fails the test."""
from __future__ import annotations

import ast
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
PACKAGES = ("oversight", "suppliers", "associations", "registries", "assistance")
SCANNED = re.compile(r"(^|/)(cli|\w+_cli|commands|demo|\w+_demo|hooks|attention|alerts|"
                     r"\w+_reminders|load)\.py$")
# (path, text after the value) that are not a count and its noun.
ALLOWED = {
    ("assistance/timereport_cli.py", " h: "),  # hours, a unit
    ("assistance/demo.py", " i Stockholm AB"),  # a company name of the demo data
}
_NOUN = re.compile(r"^ [a-zåäö]")


def counted_nouns(root: pathlib.Path = ROOT):
    """(path, line, text) of every f-string in the scanned modules that prints a value followed
    by a lower-case word."""
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            if not SCANNED.search(rel):
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=rel)):
                if not isinstance(node, ast.JoinedStr):
                    continue
                for value, text in zip(node.values, node.values[1:]):
                    if (isinstance(value, ast.FormattedValue) and isinstance(text, ast.Constant)
                            and isinstance(text.value, str) and _NOUN.match(text.value)
                            and not any(rel == p and text.value.startswith(s) for p, s in ALLOWED)):
                        yield rel, node.lineno, text.value


def test_no_count_is_printed_with_a_bare_noun():
    found = [f"{path}:{line}: {text[:40]!r}" for path, line, text in counted_nouns()]
    assert found == [], ("use ngettext('%(num)s rad', '%(num)s rader', n) and add the English to "
                         "translations/en/LC_MESSAGES/messages.po:\n" + "\n".join(found))


def test_the_scan_finds_a_count_with_a_bare_noun(tmp_path):
    package = tmp_path / "suppliers"
    package.mkdir()
    (package / "cli.py").write_text(
        'def f(n, name):\n'
        '    click.echo(f"{n} rader importerade")\n'
        '    click.echo(ngettext("%(num)s rad", "%(num)s rader", n))\n'
        '    click.echo(f"{name}: klar")\n', encoding="utf-8")
    (package / "views.py").write_text('x = f"{n} rader"\n', encoding="utf-8")  # not scanned
    assert [(line, text) for _p, line, text in counted_nouns(tmp_path)] == [
        (2, " rader importerade")]


def test_age_text_reads_in_the_right_number_and_language(app):
    from datetime import date

    from flask_babel import force_locale

    from oversight.formatting import age_text

    today = date(2026, 12, 3)
    with app.test_request_context():
        assert [age_text(d, today) for d in (None, today, date(2026, 12, 2), date(2026, 12, 1))] == [
            "aldrig", "i dag", "i går", "2 dagar sedan"]
        with force_locale("en"):
            assert [age_text(d, today) for d in (None, today, date(2026, 12, 2),
                                                 date(2026, 12, 1))] == [
                "never", "today", "yesterday", "2 days ago"]
