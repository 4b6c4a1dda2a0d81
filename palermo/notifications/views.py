"""The notifications page: your own notifications, newest first, unread ones marked; mark one or
all read (POST forms, no JavaScript)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from palermo.core.exceptions import NotFound
from palermo.notifications import services
from palermo.notifications.selectors import notification_list_for_user, unread_count

PAGE_SIZE = 50


@require_GET
@login_required
def notification_list(request):
    page = Paginator(notification_list_for_user(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    items = [{"n": n, "link": services.notification_link(n)} for n in page.object_list]
    return render(request, "notifications/list.html", {"page": page, "items": items, "unread": unread_count(request.user)})


@require_POST
@login_required
def notification_read(request, notification_id: int):
    try:
        services.notification_mark_read(actor=request.user, notification_id=notification_id)
    except NotFound as exc:
        raise Http404(_("Page not found")) from exc
    return redirect("notifications:list")


@require_POST
@login_required
def notifications_read_all(request):
    services.notifications_mark_all_read(actor=request.user)
    return redirect("notifications:list")
