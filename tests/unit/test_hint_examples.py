"""Every example organisation number a hint gives passes its own check digit (issue 11,
defect 10: the hint's example must not be refused by the field it explains)."""
from __future__ import annotations

import pathlib
import re

from oversight.identifiers import validate_orgnr

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLE = re.compile(r"t\.ex\. (\d{6}-\d{4})")


def test_every_example_organisation_number_in_a_hint_is_valid():
    found = {}
    for package in ("oversight", "suppliers", "associations", "registries", "assistance", "templates"):
        for path in (ROOT / package).rglob("*"):
            if path.suffix in (".py", ".html"):
                for number in EXAMPLE.findall(path.read_text(encoding="utf-8")):
                    found[number] = path.relative_to(ROOT).as_posix()
    assert found, "no example found: the pattern no longer matches the hints"
    invalid = {n: where for n, where in found.items() if not validate_orgnr(n).valid}
    assert not invalid, invalid
