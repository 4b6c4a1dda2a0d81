"""Demo decision letters (issue 14): the documents of the latest letters of a few decided cases
referred by the Metropolitan Police (the demo first responder's organisation), so the case pages
list letters that are already made. Every other letter is made the first time it is opened.
Idempotent: letters already made are skipped; few are made, so the demo stays quick."""

from __future__ import annotations

from palermo.children.models import DecisionLetter
from palermo.letters import services
from palermo.letters.models import LetterDocument

DEMO_LETTERS = 6


def letters_demo_load(users) -> int:
    made = 0
    letters = (DecisionLetter.objects.filter(decision__state="effective", case__referral__first_responder_org__code="MET",
                                             case__competent_authority__code="SCA", case__referral__anonymised_on__isnull=True)
               .select_related("case").order_by("-issued_on", "-id")[:DEMO_LETTERS])
    for letter in letters:
        if LetterDocument.objects.filter(letter=letter, recipient="first_responder").exists():
            continue
        services.letter_document_get(user=users["decider"], letter=letter, recipient="first_responder")
        made += 1
    return made
