"""Pages: search, My cases, workload, and allocating one case (issue 14). Thin: each parses,
calls a selector or ``services.case_allocate``, and renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from palermo.accounts import roles as R
from palermo.core.exceptions import NotAllowed, TransitionRefused, ValidationFailed
from palermo.nrm import workflow
from palermo.web.views.common import case_or_error, requires

from . import selectors, services
from .forms import AllocateForm, SearchForm
from .search import search_query_from_text

KIND_LABELS = {
    "reference": _lazy("reference"), "name": _lazy("name"), "person_reference": _lazy("person reference"),
    "date_of_birth": _lazy("date of birth"),
}


@require_http_methods(["GET", "POST"])
@requires(selectors.can_search, _lazy("Your role does not include working on cases, so there is nothing to search."))
def search(request):
    """The search page. What was typed comes in a POST body, never in the address: a name or
    a date of birth in a URL would end up in server and proxy logs."""
    form = SearchForm(request.POST if request.method == "POST" else None)
    result = None
    if request.method == "POST" and form.is_valid():
        query = search_query_from_text(form.cleaned_data["q"])
        if query.kind in {"name", "date_of_birth"} and not selectors.can_search_identity(request.user):
            form.add_error("q", _("Enter a case reference or a person reference: your role does not include searching "
                                  "by name or date of birth"))
        else:
            result = selectors.case_search_for_user(user=request.user, query=query)
    today = timezone.localdate()
    rows = []
    for case in result.cases if result else []:
        allocation = getattr(case, "allocation", None) if hasattr(case, "allocation") else None
        rows.append({"case": case, "reference": case.referral.reference,
                     "person_reference": case.referral.person.pseudonym if case.referral.person else "",
                     "status": case.status, "status_label": workflow.STATUS_LABELS.get(case.status, case.status),
                     "received_on": case.referral.received_on, "competent_authority": case.competent_authority.name,
                     "allocated_to": _display(allocation.allocated_to) if allocation else "",
                     "due": selectors.due_row(case, today)})
    return render(request, "casework/search.html", {
        "form": form, "result": result, "rows": rows,
        "kind_label": KIND_LABELS.get(result.query.kind, "") if result else "",
        "identity_search": selectors.can_search_identity(request.user),
    })


def _display(user) -> str:
    return user.get_full_name() or user.username


@requires(lambda u: u.has_role(R.DECISION_MAKER), _lazy("Only decision makers have cases allocated to them."))
def my_cases(request):
    today = timezone.localdate()
    return render(request, "casework/my_cases.html", {
        "rows": selectors.my_cases_for_user(user=request.user, today=today), "today": today})


@requires(lambda u: u.has_role(R.TEAM_LEADER), _lazy("Only team leaders see the workload of decision makers."))
def workload(request):
    return render(request, "casework/workload.html", {"teams": selectors.workload_for_user(user=request.user)})


@require_http_methods(["GET", "POST"])
@login_required
def case_allocate(request, case_id: int):
    """Allocate a case: a team leader chooses any decision maker at the case's competent
    authority; a decision maker can take it themself."""
    case = case_or_error(request, case_id)
    if not services.may_allocate(request.user, case):
        raise PermissionDenied(_("Only a team leader or a decision maker at the competent authority this case is "
                                 "routed to can allocate it."))
    if case.status not in workflow.OPEN_STATUSES:
        return render(request, "web/cannot.html", {"case": case, "message": _(
            "This case is closed: there is nothing left to decide, so it cannot be allocated.")}, status=409)
    current = selectors.allocation_of(case)
    if services.may_allocate_to_others(request.user, case):
        people = list(selectors.decision_makers_at(case.competent_authority_id))
    else:
        people = [request.user]
    choices = [(str(u.pk), _display(u) + (_(" (you)") if u.pk == request.user.pk else "")) for u in people]
    form = AllocateForm(request.POST if request.method == "POST" else None, choices=choices,
                        initial={"to_user": str(current.allocated_to_id)} if current else None)
    if request.method == "POST" and form.is_valid():
        to_user = get_user_model().objects.get(pk=int(form.cleaned_data["to_user"]))
        try:
            services.case_allocate(actor=request.user, case=case, to_user=to_user)
        except ValidationFailed as exc:
            form.add_error("to_user", exc.fields.get("to_user", exc.message))
        except (NotAllowed, TransitionRefused) as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Case %(ref)s is allocated to %(name)s.") % {
                "ref": case.referral.reference, "name": _display(to_user)})
            return redirect("web:case_detail", case_id=case.pk)
    return render(request, "casework/allocate.html", {"case": case, "form": form, "current": current,
                                                      "self_only": len(people) == 1})
