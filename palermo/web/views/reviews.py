"""The reviewer's queue of negative decisions and the second-review page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from palermo.accounts import roles as R
from palermo.core.audit import audit_record
from palermo.core.exceptions import TransitionRefused, ValidationFailed
from palermo.nrm import codes, services
from palermo.nrm.elements import case_elements_assessment
from palermo.nrm.models import Decision
from palermo.nrm.schemas import ReviewIn
from palermo.nrm.selectors import decisions_awaiting_review_for_user
from palermo.web.forms.cases import ReviewForm
from palermo.web.views.common import case_or_error, decision_date_errors, requires


def _is_reviewer(user) -> bool:
    return user.has_role(R.REVIEWER)


@requires(_is_reviewer, _lazy("Only reviewers have a review queue."))
def review_list(request):
    return render(request, "web/review_list.html", {
        "decisions": list(decisions_awaiting_review_for_user(user=request.user)),
    })


@require_http_methods(["GET", "POST"])
@requires(_is_reviewer, _lazy("Only reviewers can review decisions."))
def review_detail(request, decision_id: int):
    decision = Decision.objects.select_related("case", "decided_by").filter(pk=decision_id).first()
    if decision is None:
        raise Http404(_("Page not found"))
    case = case_or_error(request, decision.case_id)
    if not request.user.has_perm("nrm.review_decision", case):
        raise PermissionDenied(_("Only a reviewer at the competent authority this case is routed to can review its decisions."))
    reasons = {**dict(codes.choices("decision_reasons")), **dict(codes.choices("reconsideration_reasons"))}
    ctx = {"case": case, "decision": decision, "reason_labels": [reasons.get(c, c) for c in decision.reason_codes]}
    if decision.state != "awaiting_review":
        return render(request, "web/cannot.html", {"case": case, "message": _("this decision is not awaiting a second review")}, status=409)
    if decision.decided_by_id == request.user.pk:
        return render(request, "web/cannot.html", {"case": case, "message": _("you made this decision, and a second person must review it")}, status=409)
    form = ReviewForm(request.POST if request.method == "POST" else None, initial={"reviewed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        agree = form.cleaned_data["agree"] == "yes"
        try:
            services.decision_review(actor=request.user, decision=decision, data=ReviewIn(
                agree=agree, reviewed_on=form.cleaned_data["reviewed_on"], note=form.cleaned_data["note"] if not agree else ""))
        except ValidationFailed as exc:
            decision_date_errors(form, exc)
        except TransitionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("You agreed with the decision. It now takes effect.") if agree
                             else _("You returned the decision to the decision maker."))
            return redirect("web:case_detail", case_id=case.pk)
    # The page shows the decision maker's free-text reasons (encrypted at rest): an audited read.
    audit_record(actor=request.user, action="decision.view", obj=decision, detail={"case_id": case.pk})
    return render(request, "web/review_form.html", {**ctx, "form": form, "info": case_elements_assessment(case)})
