"""The hearing letter (kommuniceringsbrev) to a supplier: plain text from a template, so the
officer can read and adjust it before it is sent; the printable page lays it out. Pure."""
from __future__ import annotations

from datetime import date

from suppliers import rules

SELF_CLEANING_REGIMES = {rules.LOU}  # LOU 13 kap.: self-cleaning; 19 kap. 17 § and LOV: comment

# The body only: date, sender, reference, recipient and title are laid out by the printable
# document (templates/macros.html ``document``). One paragraph per line, never a line break
# inside a sentence; "- " lines are the list of circumstances (a list on paper, no dashes).
TEMPLATE = "\n\n".join((
    "Ärende: {subject}",
    "{department} har kontrollerat {supplier} {context}. Kontrollen den {checked_on} visar "
    "omständigheter som kan innebära att {supplier} ska eller får {consequence}. Innan vi fattar "
    "beslut vill vi ge er möjlighet att yttra er över uppgifterna.",
    "Omständigheter\n{grounds}",
    "{invitation}",
    "Yttrandet ska ha kommit in senast {deadline}. Hänvisa till diarienummer {reference}. Om vi "
    "inte har fått något yttrande då kan beslut komma att fattas på befintligt underlag.",
    "Med vänliga hälsningar\n{officer}\n{department}",
)) + "\n"

SELF_CLEANING_TEXT = (
    "Ni har rätt att visa att ni har vidtagit tillräckliga åtgärder för att återställa er "
    "tillförlitlighet (självsanering, 13 kap. 5 § LOU): att ni har ersatt eller åtagit er att "
    "ersätta skada som brottet eller felet har orsakat, aktivt samarbetat med utredande "
    "myndigheter och vidtagit konkreta tekniska, organisatoriska och personalmässiga åtgärder "
    "för att förebygga ytterligare brott eller fel. Bifoga underlag som styrker åtgärderna.")
COMMENT_TEXT = (
    "Ni har rätt att lämna synpunkter på uppgifterna och ge in underlag som visar att de är "
    "felaktiga eller att förhållandena har ändrats.")


def hearing_letter(*, supplier: str, orgnr: str, department: str, officer: str, regime: str,
                   reference: str, deadline: date, checked_on: date, grounds: list[dict],
                   procurement: str | None = None, contract: str | None = None,
                   recipient: str | None = None) -> str:
    if contract:
        context, subject, consequence = (f"under avtalet {contract}", f"Avtal {contract}",
                                         "få avtalet uppsagt eller hävt")
    elif procurement:
        context, subject, consequence = (f"som anbudsgivare i upphandlingen {procurement}",
                                         f"Upphandling {procurement}",
                                         "uteslutas från upphandlingen")
    else:
        context, subject, consequence = ("som leverantör", "Kontroll av leverantör",
                                         "uteslutas från upphandlingar")
    lines = []
    for g in grounds:
        lines.append(f"- {g['label']} ({g['law']})")
        for reason in g.get("reasons", [])[:5]:
            lines.append(f"  * {reason}")
    return TEMPLATE.format(
        supplier=supplier, orgnr=orgnr, department=department, officer=officer,
        subject=subject,
        reference=reference, context=context, consequence=consequence,
        checked_on=checked_on.isoformat(), deadline=deadline.isoformat(),
        grounds="\n".join(lines) or "- inga omständigheter valda",
        invitation=SELF_CLEANING_TEXT if regime in SELF_CLEANING_REGIMES else COMMENT_TEXT)
