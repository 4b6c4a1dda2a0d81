"""The referral journey: a start page, one question per page, check your answers, and the
confirmation with the reference number. Nothing is written until "Accept and send", which
calls ``services.referral_create`` exactly as ``POST /api/v1/referrals`` does."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods
from pydantic import ValidationError

from palermo.accounts.models import Organisation
from palermo.core.calendar import NATION_LABELS
from palermo.core.exceptions import NotAllowed, NotFound, ValidationFailed
from palermo.drafts import services as drafts
from palermo.drafts.selectors import draft_expires_on, draft_get_for_user, saved_words
from palermo.nrm import codes, services
from palermo.people.countries import country_name
from palermo.web import access
from palermo.web.forms.referral import DraftActionForm
from palermo.web.referral import (
    CHECK,
    FIELD_STEPS,
    SECTION_COUNT,
    SENT_KEY,
    STEPS,
    Journey,
    pydantic_errors,
    section_of,
)
from palermo.web.views.common import requires
from palermo.web.words import long_date

REFER = requires(access.can_refer, _lazy("Only first responders at a designated organisation can refer a potential victim."))


# Pages whose answer is asked for on the page that follows: changing the first leads to the second.
FOLLOW_UPS = {"date-of-birth-known": ("date-of-birth",)}


def _step_url(slug: str, change: bool = False) -> str:
    url = reverse("web:refer_step", args=[slug])
    return url + "?change=1" if change else url


@require_http_methods(["GET", "POST"])
@REFER
def start(request):
    journey = Journey(request.session, request.user)
    if request.method == "POST":  # "Discard these answers and start again"
        journey.clear()
        return redirect("web:refer_step", slug=journey.steps()[0])
    return render(request, "web/refer/start.html", {
        "first_step": _step_url(journey.steps()[0]),
        "resume": _step_url(journey.first_unanswered()) if journey.started and journey.first_unanswered()
        else (reverse("web:refer_check") if journey.started else ""),
    })


def _form_for(step, journey: Journey, data=None):
    kwargs = {}
    if step.slug == "organisation":
        kwargs["organisations"] = journey.organisations
    return step.form(data, initial=journey.answers.get(step.slug, {}), **kwargs)


@require_http_methods(["GET", "POST"])
@REFER
def step(request, slug: str):
    if slug not in STEPS:
        raise Http404(_("Page not found"))
    journey = Journey(request.session, request.user)
    steps = journey.steps()
    if slug not in steps:
        # A page that does not apply to these answers (for example consent for a child).
        return redirect(_step_url(journey.first_unanswered()) if journey.first_unanswered() else reverse("web:refer_check"))
    # Pages are answered in order: jump back to the first gap before this one.
    for earlier in steps[: steps.index(slug)]:
        if earlier not in journey.answers:
            return redirect(_step_url(earlier))
    change = request.GET.get("change") == "1"
    st = STEPS[slug]
    form = _form_for(st, journey, request.POST if request.method == "POST" else None)
    saving = request.method == "POST" and request.POST.get("action") == "save"
    if saving and _blank(request.POST):
        # "Save and come back later" before answering this page: save what is answered so far.
        saved = _save_draft(request, journey)
        if not isinstance(saved, str):
            return saved
        form = _form_for(st, journey)
        form.add_error(None, saved)
    elif request.method == "POST" and form.is_valid():
        journey.save(slug, form.cleaned_data)
        if saving:
            saved = _save_draft(request, journey)
            if not isinstance(saved, str):
                return saved
            form.add_error(None, saved)
            return _question(request, journey, st, form, change)
        if change:
            gap = journey.first_unanswered()
            nxt = journey.next(slug)
            # Saying "yes, I know it" leads on to the date, even if a date was given before.
            if nxt in FOLLOW_UPS.get(slug, ()):
                return redirect(_step_url(nxt, change=True))
            return redirect(_step_url(gap, change=True) if gap else reverse("web:refer_check"))
        nxt = journey.next(slug)
        return redirect(_step_url(nxt) if nxt else reverse("web:refer_check"))
    return _question(request, journey, st, form, change)


def _question(request, journey: Journey, st, form, change: bool):
    slug = st.slug
    steps = journey.steps()
    prev = journey.previous(slug)
    back = reverse("web:refer_check") if change else (_step_url(prev) if prev else reverse("web:refer_start"))
    position = steps.index(slug) + 1
    return render(request, "web/refer/question.html", {
        "form": form, "step": st, "title": str(st.title), "back": back, "change": change,
        "position": position, "count": len(steps) + 1, "multi_heading": slug in MULTI,
        "section": section_of(slug), "section_count": SECTION_COUNT,
        "field_opts": FIELD_OPTIONS.get(slug, {}),
    })


def _blank(post) -> bool:
    """Nothing typed or chosen on the page (the CSRF token and the button aside)."""
    return not any(v.strip() for k, vs in post.lists() if k not in {"csrfmiddlewaretoken", "action"} for v in vs)


def _save_draft(request, journey: Journey):
    """Save the answers so far as the user's draft and leave the journey: the draft's page,
    with a banner. Returns the reason as a string when the draft cannot be saved."""
    step, section = journey.stopped_at()
    kwargs = {"actor": request.user, "answers": journey.answers, "step": step, "section": section}
    try:
        try:
            draft = drafts.referral_draft_save(draft_id=journey.draft_id, **kwargs)
        except NotFound:  # resumed from a draft deleted meanwhile: save a new one
            draft = drafts.referral_draft_save(draft_id=None, **kwargs)
    except ValidationFailed as exc:
        return next(iter(exc.fields.values()), exc.message)
    journey.clear()
    messages.success(request, _("Your answers have been saved. You can come back to them until %(on)s.")
                     % {"on": long_date(draft_expires_on(draft))})
    return redirect("web:refer_draft", draft_id=draft.pk)


# Pages with more than one question get a page heading; the rest use the label as the heading.
MULTI = {"person"}
FIELD_OPTIONS = {
    "what-happened": {"rows": 10},
    "contact": {"rows": 4},
}


def _rows(journey: Journey) -> list[dict]:
    """Check your answers: one section per part of the form, each row with a change link."""
    labels = {n: dict(codes.choices(n)) for n in ("exploitation_types", "indicators", "flags", "police_force_areas")}
    yes_no = {"yes": _("Yes"), "no": _("No")}
    get = journey.get
    steps = journey.steps()

    def row(slug, key, value, field=""):
        if slug not in steps:
            return None
        empty = value in (None, "", [])
        return {"key": key, "value": _("Not given") if empty else ("" if isinstance(value, list) else value),
                "values": value if isinstance(value, list) else [], "href": _step_url(slug, change=True), "field": field}

    def many(values, names):
        return [names.get(v, v) for v in values or []]

    la = Organisation.objects.filter(code=get("local-authority", "local_authority")).first()
    org = Organisation.objects.filter(code=get("organisation", "first_responder_org")).first()
    sections = [
        (_("About the referral"), [
            row("organisation", _("Referring organisation"), org.name if org else ""),
            row("where", _("Where you are making the referral"), NATION_LABELS.get(get("where", "nation"), "")),
            row("under-18", _("Under 18"), {"yes": _("Yes"), "no": _("No"), "not_sure": _("Not sure – treated as a child")}.get(get("under-18", "under_18"), "")),
            row("local-authority", _("Local authority contacted"), la.name if la else ""),
            row("consent", _("Consent"), {"given": _("Yes, they consent"), "refused": _("No – Duty to Notify report")}.get(get("consent", "consent"), "")),
            row("dtn-identity", _("Details in the report"), {"yes": _("Yes"), "no": _("No – anonymous report")}.get(get("dtn-identity", "share"), "")),
            row("immigration", _("In immigration detention or facing removal"), yes_no.get(get("immigration", "immigration_enforcement"), "")),
        ]),
        (_("What happened"), [
            row("age-at-exploitation", _("Age when exploited"), {"child": _("Under 18"), "adult": _("18 or over"), "unknown": _("Not known")}.get(get("age-at-exploitation", "age_at_exploitation"), "")),
            row("what-happened", _("What happened"), get("what-happened", "narrative", "")),
            row("where-exploited", _("Where it happened"), {"uk": _("In the UK"), "overseas": _("Outside the UK"), "both": _("Both in the UK and outside the UK"), "unknown": _("Not known")}.get(get("where-exploited", "exploitation_location"), "")),
            row("uk-area", _("Police force area"), labels["police_force_areas"].get(get("uk-area", "police_force_area"), "")),
            row("country", _("Country outside the UK"), country_name(get("country", "exploitation_country")) if get("country", "exploitation_country") else ""),
            row("exploitation-types", _("Types of exploitation"), many(get("exploitation-types", "exploitation_types"), labels["exploitation_types"])),
            row("indicators", _("Signs of trafficking"), many(get("indicators", "indicators"), labels["indicators"])),
            row("concerns", _("Other concerns"), many(get("concerns", "flags"), labels["flags"])),
        ]),
    ]
    if not journey.anonymous:
        name = " ".join(p for p in (get("person", "given_name", ""), get("person", "family_name", "")) if p)
        known = get("date-of-birth-known", "dob_known")
        dob = get("date-of-birth", "date_of_birth") if known == "yes" else None
        from palermo.web.templatetags.govuk import govuk_birth_date

        claimed = get("claimed-age", "claimed_age") if known == "no" else None
        dob_text = (govuk_birth_date(dob) + (" " + _("(estimated)") if get("date-of-birth", "dob_estimated") else "")) if dob else _("Not known")
        sections.append((_("The person"), [
            row("person", _("Name"), name),
            row("person", _("Other names"), [a for a in (get("person", "aliases") or "").splitlines() if a.strip()]),
            row("person", _("Gender"), {"female": _("Female"), "male": _("Male"), "other": _("Other"), "unknown": _("Not known")}.get(get("person", "gender"), "")),
            # Change goes to the date itself when one was given; else to "do you know it?".
            row("date-of-birth" if dob else "date-of-birth-known", _("Date of birth"), dob_text),
            row("claimed-age", _("Age they say they are"), claimed),
            row("nationality", _("Nationality"), country_name(get("nationality", "nationality")) if get("nationality", "nationality") else _("Not known")),
            row("interpreter", _("Interpreter needed"), yes_no.get(get("interpreter", "interpreter_needed"), "")),
            row("interpreter-language", _("Interpreter language"), get("interpreter-language", "language", "")),
            row("contact", _("Contact"), get("contact", "contact_details", "")),
        ]))
    return [(title, [r for r in rows if r]) for title, rows in sections]


@require_http_methods(["GET", "POST"])
@REFER
def check(request):
    journey = Journey(request.session, request.user)
    gap = journey.first_unanswered()
    if gap:
        return redirect(_step_url(gap))
    errors: list[tuple[str, str]] = []
    if request.method == "POST" and request.POST.get("action") == "save":
        saved = _save_draft(request, journey)
        if not isinstance(saved, str):
            return saved
        errors = [(saved, "#main-content")]
    elif request.method == "POST":
        try:
            data = journey.to_referral_in(today=timezone.localdate())
            referral = _send(request.user, journey, data)
        except ValidationError as exc:
            fields = pydantic_errors(exc)
            errors = _error_links(fields)
        except ValidationFailed as exc:
            errors = _error_links(exc.fields) or [(exc.message, "#main-content")]
        except NotAllowed as exc:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied(exc.message) from exc
        else:
            case = getattr(referral, "case", None) if data.consent != "refused" else None
            sent = {"reference": referral.reference, "kind": "nrm_case" if case else "duty_to_notify"}
            if case is not None:
                sent.update(case_id=case.pk, authority=case.competent_authority.name, rg_due=case.rg_due.isoformat(),
                            nation=referral.nation)
            else:
                sent.update(authority=referral.duty_to_notify.received_by.name)
            journey.clear()
            request.session[SENT_KEY] = sent
            return redirect("web:refer_confirmation")
    return render(request, "web/refer/check.html", {
        "sections": _rows(journey), "errors": errors, "dtn": journey.refused,
        "back": _step_url(journey.steps()[-1]), "section_count": SECTION_COUNT,
    }, status=422 if errors else 200)


def _send(user, journey: Journey, data):
    """Record the referral; one resumed from a draft deletes the draft in the same transaction."""
    if journey.draft_id is not None:
        try:
            return drafts.referral_draft_submit(actor=user, draft_id=journey.draft_id, data=data)
        except NotFound:  # the draft was deleted or expired meanwhile: the answers are still here
            pass
    return services.referral_create(actor=user, data=data)


def _error_links(fields: dict[str, str]) -> list[tuple[str, str]]:
    """Each service error linked to the page (and field) where the answer can be changed."""
    out = []
    for field, message in fields.items():
        slug, anchor = FIELD_STEPS.get(field, FIELD_STEPS.get(field.split(".")[0], ("where", "nation")))
        out.append((message, f"{_step_url(slug, change=True)}#{anchor}"))
    return out


@require_http_methods(["GET", "POST"])
@REFER
def draft(request, draft_id: int):
    """A saved draft: when it was saved, where it stopped, when it will be deleted; "Continue
    this referral" (POST resume) and "Delete this draft" (POST delete). Only its owner sees it;
    for anyone else there is no such page."""
    form = DraftActionForm(request.POST or None)
    try:
        if request.method == "POST" and form.is_valid():
            if form.cleaned_data["action"] == "delete":
                drafts.referral_draft_delete(actor=request.user, draft_id=draft_id)
                messages.success(request, _("Your saved referral has been deleted."))
                return redirect("web:dashboard")
            saved, answers = drafts.referral_draft_resume(actor=request.user, draft_id=draft_id)
            journey = Journey(request.session, request.user)
            journey.resume(answers, saved.pk)
            gap = journey.first_unanswered()
            return redirect(_step_url(gap) if gap else reverse("web:refer_check"))
        saved = draft_get_for_user(user=request.user, draft_id=draft_id)
    except NotFound as exc:
        raise Http404(_("Page not found")) from exc
    number, title = section_of(saved.step) if saved.step in STEPS or saved.step == CHECK else (1, "")
    return render(request, "web/refer/draft.html", {
        "draft": saved, "expires_on": draft_expires_on(saved), "section": (number, title), "saved_at": saved_words(saved),
        "section_count": SECTION_COUNT, "form": form,
    }, status=422 if form.errors else 200)


@REFER
def confirmation(request):
    sent = request.session.get(SENT_KEY)
    if not sent:
        return redirect("web:refer_start")
    from palermo.core.calendar import working_days_between

    ctx = {"sent": sent}
    if sent.get("rg_due"):
        import datetime as dt

        due = dt.date.fromisoformat(sent["rg_due"])
        ctx["rg_due"] = due
        ctx["rg_working_days"] = working_days_between(timezone.localdate(), due, nation=sent["nation"])
    return render(request, "web/refer/confirmation.html", ctx)
