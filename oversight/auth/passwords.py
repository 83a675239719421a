"""Password rules after NIST SP 800-63B (pure: no database, no app).

* at least 12 characters, no composition rules, no expiry;
* not a common password, keyboard pattern, repetition or sequence: zxcvbn (its bundled lists
  of common passwords, names and words, and its pattern matchers) must rate it at least
  ``MIN_SCORE`` of 4;
* not built from the user's own data (username, name, e-mail) with digits or symbols around it.

Reuse of the current password is checked by the service, which holds the hash.
"""
from __future__ import annotations

import re
import unicodedata

from flask_babel import gettext as _
from zxcvbn import zxcvbn

MIN_LENGTH = 12
# zxcvbn's lists are English: Swedish words that common passwords are built from are given to
# it as extra dictionary words (``Sommar2024!!``, ``Välkommen123``).
SWEDISH_WORDS = (
    "sommar", "vinter", "hösten", "hosten", "våren", "varen", "lösenord", "losenord",
    "välkommen", "valkommen", "hemligt", "hemlig", "sverige", "stockholm", "göteborg",
    "goteborg", "malmö", "malmo", "uppsala", "kommunen", "kommun", "förvaltning", "jobbet",
    "kaffe", "katten", "hunden", "älskling", "alskling", "fotboll", "hejsan", "hejhej",
)
MIN_SCORE = 3
_ZXCVBN_MAX = 100  # zxcvbn is slow on very long input; the first 100 characters tell enough


def _letters(text: str) -> str:
    """Lower-case letters only, accents folded (Åsa -> asa): what remains of a password or a
    name once digits, spaces and symbols are taken away."""
    folded = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in folded if c.isalpha() and not unicodedata.combining(c))


def _personal_parts(user_inputs: list[str]) -> set[str]:
    parts = set()
    for value in user_inputs:
        for token in re.split(r"[\s@._\-]+", value or ""):
            token = _letters(token)
            if len(token) >= 3:
                parts.add(token)
        whole = _letters((value or "").split("@")[0])
        if len(whole) >= 3:
            parts.add(whole)
    return parts


def built_from_user_data(password: str, user_inputs: list[str]) -> bool:
    """True when the password's letters are only the user's own name parts (in any order and
    repetition), e.g. ``anna.svensson2024`` or ``Svensson!Anna1``."""
    rest = _letters(password)
    if not rest:
        return False
    parts = sorted(_personal_parts(user_inputs), key=len, reverse=True)
    for part in parts:
        rest = rest.replace(part, "")
    return len(rest) < 3


def problem(password: str, user_inputs: list[str]) -> str | None:
    """The reason in Swedish why ``password`` may not be used, or None."""
    if len(password) < MIN_LENGTH:
        return _("Lösenordet måste ha minst %(num)d tecken.", num=MIN_LENGTH)
    if built_from_user_data(password, user_inputs):
        return _("Lösenordet får inte bygga på ditt användarnamn, namn eller e-postadress. "
                 "Välj något som inte går att koppla till dig.")
    inputs = [v for v in user_inputs if v] + list(SWEDISH_WORDS)
    result = zxcvbn(password[:_ZXCVBN_MAX], user_inputs=inputs)
    if result["score"] < MIN_SCORE:
        return _("Lösenordet är för lätt att gissa: det är ett vanligt lösenord eller följer ett "
                 "mönster (upprepningar, talföljder, tangentbordsrader). Välj en längre fras av "
                 "flera ord.")
    return None
