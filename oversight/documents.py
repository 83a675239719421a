"""Plain letter text as a document: paragraphs and lists, never a line break in the middle of
a sentence nor a literal "-" or "*" bullet on paper. Pure (no I/O).

The officer edits letters as plain text: a blank line separates paragraphs; lines starting with
"- " or "* " are list items (indented ones belong to the item above); a line break inside a
paragraph is kept only where the next line starts a new line of its own (an address line, a
signature: short lines, or the line before ends a sentence), otherwise the lines are one
sentence and are joined with a space."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_BULLET = re.compile(r"^(\s*)[-*•]\s+(.*)$")
_ENDS_LINE = (".", ":", "!", "?", ")")


@dataclass
class Item:
    text: str
    children: list[str] = field(default_factory=list)


@dataclass
class Block:
    kind: str  # "p": lines (each its own line on paper) | "ul": items
    lines: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)


WRAPPED_LENGTH = 60  # a line this long that ends mid-sentence was wrapped, not an address line


def _continues(previous: str, line: str) -> bool:
    """True when ``line`` goes on with the sentence of ``previous`` (a wrapped line): the
    previous line ends mid-sentence and this one starts in lower case or a digit, or the
    previous one is as long as wrapped text is."""
    first = line[:1]
    if not first or previous.endswith(_ENDS_LINE):
        return False
    return first.islower() or first.isdigit() or len(previous) >= WRAPPED_LENGTH


def _paragraph_lines(raw: list[str]) -> list[str]:
    lines: list[str] = []
    for line in raw:
        if lines and _continues(lines[-1], line):
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    return lines


def blocks(text: str | None) -> list[Block]:
    """The document's blocks in order."""
    out: list[Block] = []
    for chunk in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip()):
        pending: list[str] = []
        for raw in chunk.split("\n"):
            if not raw.strip():
                continue
            bullet = _BULLET.match(raw)
            if bullet:
                if pending:
                    out.append(Block("p", _paragraph_lines(pending)))
                    pending = []
                if not out or out[-1].kind != "ul":
                    out.append(Block("ul"))
                items = out[-1].items
                if bullet.group(1) and items:
                    items[-1].children.append(bullet.group(2).strip())
                else:
                    items.append(Item(bullet.group(2).strip()))
            elif out and out[-1].kind == "ul" and not pending and raw[:1].isspace() and out[-1].items:
                last = out[-1].items[-1]  # a wrapped list item
                if last.children:
                    last.children[-1] += " " + raw.strip()
                else:
                    last.text += " " + raw.strip()
            else:
                pending.append(raw.strip())
        if pending:
            out.append(Block("p", _paragraph_lines(pending)))
    return out
