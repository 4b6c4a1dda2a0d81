"""Duty to Notify reports: a first responder's organisation's own, and those a competent
authority receives (``selectors.dtn_list_for_user`` holds the scope)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _lazy

from palermo.nrm import codes
from palermo.nrm.selectors import dtn_list_for_user
from palermo.web import access
from palermo.web.views.common import requires


@requires(access.can_list_dtn, _lazy("Your role does not include Duty to Notify reports."))
def dtn_list(request):
    qs = dtn_list_for_user(user=request.user).prefetch_related("referral__exploitation_type_rows").order_by("-referral__received_on", "-id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    labels = dict(codes.choices("exploitation_types"))
    rows = [{
        "reference": d.reference, "received_on": d.referral.received_on, "anonymous": d.anonymous,
        "first_responder_org": d.referral.first_responder_org.name, "received_by": d.received_by.name,
        "exploitation_types": [labels.get(c, c) for c in d.referral.exploitation_types],
        "nation": d.referral.get_nation_display(),
    } for d in page.object_list]
    from palermo.web.views.cases import _page_numbers

    return render(request, "web/dtn_list.html", {"rows": rows, "page": page, "page_numbers": _page_numbers(page),
                                                 "total": page.paginator.count})
