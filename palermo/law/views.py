"""The Law pages: which offences applied to a set of facts, and each offence's history.

Pure reads of the law data (no personal data, nothing written); any signed-in user may use them.
The answer is information for a human decision, never a decision (issue 4).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from palermo.law.forms import LawFactsForm
from palermo.law.selectors import (
    FactsError,
    LawDataError,
    definition_list,
    offence_get,
    offence_history,
    offence_list,
    offences_applicable,
)
from palermo.law.vocab import NATION_LABELS


@login_required
def law_index(request):
    """A GET form, so the answer has a shareable address and works without JavaScript."""
    form = LawFactsForm(request.GET or None)
    answer, problems = None, []
    if request.GET and form.is_valid():
        try:
            answer = offences_applicable(form.facts())
        except FactsError as exc:
            problems = exc.problems
    select_fields = [form[name] for name in ("jurisdiction", "conduct", "exploitation", "offender_nationality",
                                             "victim_previously_trafficked_into_uk",
                                             "third_party_exploitative_conduct_for_gain")]
    return render(request, "law/index.html", {"form": form, "answer": answer, "problems": problems,
                                              "select_fields": select_fields, "nation_labels": NATION_LABELS})


@login_required
def offence_index(request):
    return render(request, "law/offences.html", {"offences": offence_list(), "nation_labels": NATION_LABELS})


@login_required
def offence_detail(request, offence_id: str):
    try:
        offence = offence_get(offence_id)
    except (KeyError, LawDataError, LookupError) as exc:
        raise Http404(f"No offence {offence_id}") from exc
    return render(request, "law/offence.html", {"offence": offence, "history": offence_history(offence_id),
                                                "nation_labels": NATION_LABELS})


@login_required
def definitions(request):
    return render(request, "law/definitions.html", {"definitions": definition_list()})
