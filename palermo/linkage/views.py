"""The possible-matches page of a case: each candidate side by side with the case's person, and
a form to confirm or reject it (or to unlink a confirmed link). No JavaScript needed.

The page shows identities, so it needs identity access to a case of both people (the same rule
as the API); reading it is audited by the selector.

The person-cluster page lists everyone joined to a person by confirmed links, with the same
visibility and audit as ``GET /api/v1/people/{pseudonym}/cluster``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from palermo.core.exceptions import NotAllowed, NotFound, TransitionRefused, ValidationFailed
from palermo.linkage import services
from palermo.linkage.models import CONFIRMED, PENDING, WITHDRAWN, reason_codes_for
from palermo.linkage.selectors import cluster_page_for_user, others_as_likely, pending_match_shares
from palermo.linkage.strength import evidence, evidence_words, share_words
from palermo.nrm.models import Case
from palermo.nrm.selectors import case_get_for_user
from palermo.people.countries import country_name
from palermo.web.forms.base import text_validator

DECISION_CHOICES = [("confirm", _("Yes, they are the same person")), ("reject", _("No, they are not the same person"))]


class _Form(forms.Form):
    """Fields named ``c<id>-…`` so several candidates' forms live on one page and each error
    links to its own field."""

    def error_summary(self) -> list[tuple[str, str]]:
        out = []
        for name in [*self.fields, "__all__"]:
            for message in self.errors.get(name, []):
                out.append((message, "#" + (self[name].auto_id if name in self.fields else "main-content")))
        return out

    def reason_groups(self) -> list[dict]:
        groups = []
        for value, label in self.fields["reason_code"].choices:
            if isinstance(label, list | tuple):
                groups.append({"label": value, "options": list(label)})
            elif value:
                groups.append({"label": "", "options": [(value, label)]})
        return groups


class DecisionForm(_Form):
    decision = forms.ChoiceField(choices=DECISION_CHOICES, error_messages={
        "required": _("Select whether these are the same person"), "invalid_choice": _("Select whether these are the same person")})
    reason_code = forms.ChoiceField(
        choices=[("", _("Choose a reason")),
                 (_("Same person"), reason_codes_for("confirm")), (_("Not the same person"), reason_codes_for("reject"))],
        error_messages={"required": _("Select the reason"), "invalid_choice": _("Select the reason")},
    )  # fmt: skip
    reason_text = forms.CharField(max_length=4000, error_messages={"required": _("Enter why")},
                                  validators=[text_validator(_("Why"))])


class UnlinkForm(_Form):
    reason_code = forms.ChoiceField(
        choices=[("", _("Choose a reason")), *reason_codes_for("unlink")],
        error_messages={"required": _("Select the reason"), "invalid_choice": _("Select the reason")},
    )
    reason_text = forms.CharField(max_length=4000, error_messages={"required": _("Enter why")},
                                  validators=[text_validator(_("Why"))])


def _case_or_error(request, case_id: int) -> Case:
    try:
        return case_get_for_user(user=request.user, case_id=case_id)
    except NotFound as exc:
        raise Http404("Page not found") from exc
    except NotAllowed as exc:
        raise PermissionDenied("You do not have access to this case.") from exc


def _person_view(person, user) -> dict:
    cases = [
        c for c in Case.objects.filter(referral__person=person).select_related("referral").order_by("referral__received_on")
        if user.has_perm("nrm.view_case", c)
    ]
    return {
        "pseudonym": person.pseudonym,
        "identity_removed": person.anonymised_on is not None,  # by a retention rule (palermo.retention)
        "name": person.full_name,
        "date_of_birth": person.date_of_birth,
        "dob_precision": person.get_dob_precision_display(),
        "gender": person.get_gender_display(),
        "nationalities": [country_name(n) for n in person.nationalities],
        "cases": [{"id": c.pk, "reference": c.referral.reference, "received_on": c.referral.received_on} for c in cases],
    }


@login_required
@require_http_methods(["GET", "POST"])
def case_candidates(request, case_id: int):
    case = _case_or_error(request, case_id)
    try:
        candidates = services_list(request.user, case)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    bound = None  # (candidate id, form) of a POST that has errors
    if request.method == "POST":
        try:
            cand_id = int(request.POST.get("candidate", ""))
        except ValueError as exc:
            raise Http404("Page not found") from exc
        cand = next((c for c in candidates if c.pk == cand_id), None)
        if cand is None:
            raise Http404("Page not found")
        action = "unlink" if request.POST.get("action") == "unlink" else "decide"
        form_class = UnlinkForm if action == "unlink" else DecisionForm
        form = form_class(request.POST, prefix=f"c{cand.pk}")
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "unlink":
                    services.link_unlink(actor=request.user, candidate=cand, reason_code=data["reason_code"],
                                         reason_text=data["reason_text"])
                    messages.success(request, _("The link has been removed."))
                else:
                    services.link_candidate_decide(actor=request.user, candidate=cand, decision=data["decision"],
                                                   reason_code=data["reason_code"], reason_text=data["reason_text"])
                    messages.success(request, _("You confirmed they are the same person.") if data["decision"] == "confirm"
                                     else _("You recorded that they are not the same person."))
            except NotAllowed as exc:
                raise PermissionDenied(exc.message) from exc
            except ValidationFailed as exc:
                for field, message in exc.fields.items():
                    form.add_error(field if field in form.fields else None, message)
                if not exc.fields:
                    form.add_error(None, exc.message)
            except TransitionRefused as exc:
                form.add_error(None, exc.message)
            else:
                return redirect("linkage:case_candidates", case_id=case.pk)
        bound = (cand.pk, form)
    this = _person_view(case.referral.person, request.user) if case.referral.person_id else None
    shares = pending_match_shares(candidates)
    flagged = others_as_likely(shares)
    rows = []
    for cand in candidates:
        other = cand.person_b if cand.person_a_id == case.referral.person_id else cand.person_a
        form = None
        removed = case.referral.person.anonymised_on is not None or other.anonymised_on is not None
        # no unlink once an identity is removed (a pending match is withdrawn in the same run)
        if cand.status == PENDING or (cand.status == CONFIRMED and not removed):
            if bound and bound[0] == cand.pk:
                form = bound[1]
            else:
                form = (DecisionForm if cand.status == PENDING else UnlinkForm)(prefix=f"c{cand.pk}")
        share = shares.get(cand.pk, cand.match_probability)
        rows.append({"candidate": cand, "other": _person_view(other, request.user), "form": form,
                     # never a rounded percentage: the odds share in words and which fields agree
                     "strength": share_words(share),
                     "evidence": evidence_words(evidence(case.referral.person, other)),
                     # as likely to be one of the others: say so before anyone confirms it
                     "others_as_likely": flagged.get(cand.pk, 0)})
    error_form = bound[1] if bound else None
    has_confirmed = this is not None and any(r["candidate"].status == CONFIRMED for r in rows)
    return render(request, "linkage/candidates.html", {
        "case": case, "this": this, "rows": rows,
        "cluster_url": reverse("linkage:person_cluster", args=[this["pseudonym"]]) if has_confirmed else "",
        "pending": [r for r in rows if r["candidate"].status == PENDING],
        "decided": [r for r in rows if r["candidate"].status not in (PENDING, WITHDRAWN)],
        "withdrawn": [r for r in rows if r["candidate"].status == WITHDRAWN],
        "error_items": error_form.error_summary() if error_form is not None else [],
    }, status=200)


@login_required
@require_GET
def person_cluster(request, pseudonym: str):
    """Everyone confirmed as the same person as ``pseudonym`` whom the user may see a case of.
    404 for an unknown person, 403 (the refusal audited) when the user may see no case of them.
    ``?case=`` names the case the user came from, for the back link."""
    try:
        cluster = cluster_page_for_user(user=request.user, pseudonym=pseudonym)
    except NotFound as exc:
        raise Http404("Page not found") from exc
    except NotAllowed as exc:
        raise PermissionDenied(str(_("You do not have access to this person's records."))) from exc
    start = next(m for m in cluster["members"] if m["is_start"])
    start_cases = [c["id"] for c in start["cases"]]
    back = request.GET.get("case", "")
    back_case = int(back) if back.isdecimal() and int(back) in start_cases else start_cases[-1]
    return render(request, "linkage/person_cluster.html", {
        "cluster": cluster, "back_case": back_case, "others": [m for m in cluster["members"] if not m["is_start"]],
    })


def services_list(user, case):
    from palermo.linkage.selectors import link_candidates_for_case

    return link_candidates_for_case(user=user, case=case)
