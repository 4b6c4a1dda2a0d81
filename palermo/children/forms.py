"""The forms of the children's pages, in GOV.UK wording ("Enter…", "Select…"; no "please", no
"invalid"). Each builds the same input the API takes (``palermo.children.schemas``)."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palermo.accounts.models import Organisation
from palermo.children.models import (
    FOUND_WHERE_CHOICES,
    MISSING_FROM_CHOICES,
    PLACEMENT_END_CHOICES,
    SETTING_KIND_CHOICES,
)
from palermo.children.schemas import CONDITION_MAX, DETAIL_MAX, EVIDENCE_MAX
from palermo.web.forms.base import GovukDateField, GovukForm, required, text_validator

_TIME = re.compile(r"^\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*$")


class GovukTimeField(forms.CharField):
    """A time of day as hours and minutes ("14:30", 24-hour clock)."""

    def __init__(self, *, subject: str, **kwargs):
        self.subject = subject
        kwargs.setdefault("max_length", 5)
        kwargs.setdefault("help_text", _("Use the 24-hour clock, for example 14:30"))
        kwargs.setdefault("error_messages", required(_("Enter the %(subject)s") % {"subject": subject}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)  # text, its length checked
        if not value:
            return None
        match = _TIME.match(value)
        if match is None:
            raise forms.ValidationError(_("Enter the %(subject)s as hours and minutes, for example 14:30")
                                        % {"subject": self.subject}, code="time")
        return dt.time(int(match.group(1)), int(match.group(2)))


def _combine(form: forms.Form, date_field: str, time_field: str, label: str) -> dt.datetime | None:
    """Date and time as one aware datetime in Palermo's time zone; an error on the time when it is
    in the future."""
    day, time = form.cleaned_data.get(date_field), form.cleaned_data.get(time_field)
    if day is None or time is None:
        return None
    at = timezone.make_aware(dt.datetime.combine(day, time))
    if at > timezone.now():
        form.add_error(time_field, _("%(label)s must be now or in the past") % {"label": label})
        return None
    return at


def _date(subject, label, **kw):
    return GovukDateField(subject=subject, label=label, help_text=_("For example, 27 3 2026"), past_or_today=True, **kw)


class AgeAssessmentForm(GovukForm):
    assessed_on = _date(_("date of the assessment"), _("Date of the assessment"))
    assessed_by = forms.ChoiceField(label=_("Who assessed the age?"), error_messages=required(
        _("Select the local authority or agency that assessed the age")))
    claimed_age = forms.IntegerField(label=_("Age the person says they are (optional)"), required=False, min_value=0,
                                     max_value=120, error_messages={"invalid": _("Enter the age as a number, like 16"),
                                                                    "min_value": _("Age must be 0 or more"),
                                                                    "max_value": _("Age must be 120 or less")})
    assessed_age = forms.IntegerField(label=_("Assessed age"), min_value=0, max_value=120,
                                      error_messages={"required": _("Enter the assessed age"),
                                                      "invalid": _("Enter the assessed age as a number, like 16"),
                                                      "min_value": _("Assessed age must be 0 or more"),
                                                      "max_value": _("Assessed age must be 120 or less")})
    local_authority = forms.ChoiceField(label=_("Which local authority will lead?"), required=False,
                                        help_text=_("Answer if the assessment says the person is under 18: a child's case "
                                                    "needs a local authority."))
    adult_consent = forms.ChoiceField(
        label=_("If the assessment says the person is 18 or over: do they consent to stay in the NRM?"),
        widget=forms.RadioSelect, required=False,
        choices=[("given", _("Yes, they consent: the case carries on as an adult's")),
                 ("refused", _("No: the case is withdrawn"))],
        help_text=_("An adult's case needs their consent. A child's does not."),
        error_messages=required(_("Select whether the person consents to stay in the NRM")))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessed_by"].choices = [("", _("Select who assessed"))] + [
            (o.code, o.name) for o in Organisation.objects.filter(kind__in=["local_authority", "border_agency"],
                                                                  disabled_on__isnull=True).order_by("name")]
        self.fields["local_authority"].choices = [("", _("Select a local authority"))] + [
            (o.code, o.name) for o in Organisation.objects.filter(kind="local_authority", disabled_on__isnull=True)
            .order_by("name")]
        if case.referral.is_child:
            del self.fields["local_authority"]
        else:
            del self.fields["adult_consent"]


class NamedPersonForm(GovukForm):
    username = forms.ChoiceField(label=_("Who is responsible for the child's care?"), widget=forms.RadioSelect,
                                 error_messages=required(_("Select the person responsible for the child's care")))
    appointed_on = _date(_("date they were named"), _("Date they were named"))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].choices = [(u.username, u.get_full_name() or u.username) for u in candidates]


class PlacementForm(GovukForm):
    setting = forms.ChoiceField(label=_("Where has the child been placed?"), widget=forms.RadioSelect,
                                error_messages=required(_("Select where the child has been placed")))
    # Shown under the question (no conditional reveal: the page works the same without JavaScript,
    # and GOV.UK's reveal puts aria-expanded on radios, which axe refuses).
    new_setting_name = forms.CharField(label=_("If it is not listed: name of the new setting"), required=False,
                                       max_length=120,
                                       help_text=_("As the local authority names it, for example 'Foster care – Acorn "
                                                   "Fostering'. Never a carer's own name."),
                                       validators=[text_validator(_("The name"), multiline=False)])
    new_setting_kind = forms.ChoiceField(label=_("If it is not listed: what kind of setting is it?"), widget=forms.RadioSelect,
                                         required=False, choices=SETTING_KIND_CHOICES,
                                         error_messages=required(_("Select what kind of setting the new one is")))
    started_on = _date(_("date the placement started"), _("Date the placement started"))
    started_time = GovukTimeField(subject=_("time the placement started"), label=_("Time the placement started"))

    def __init__(self, *args, settings_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["setting"].choices = [(str(s.pk), f"{s.name} ({s.get_kind_display().lower()})") for s in settings_qs] + [
            ("new", _("A setting not listed here"))]
        self.fields["setting"].divider_before = ("new",) if settings_qs else ()

    def clean(self):
        data = super().clean()
        if data.get("setting") == "new":
            if not (data.get("new_setting_name") or "").strip():
                self.add_error("new_setting_name", _("Enter the name of the new setting"))
            if not data.get("new_setting_kind"):
                self.add_error("new_setting_kind", _("Select what kind of setting the new one is"))
        data["started_at"] = _combine(self, "started_on", "started_time", _("Time the placement started"))
        return data


class PlacementEndForm(GovukForm):
    end_reason = forms.ChoiceField(label=_("Why did the placement end?"), widget=forms.RadioSelect,
                                   choices=[c for c in PLACEMENT_END_CHOICES if c[0] != "assessed_adult"],
                                   error_messages=required(_("Select why the placement ended")))
    ended_on = _date(_("date the placement ended"), _("Date the placement ended"))
    ended_time = GovukTimeField(subject=_("time the placement ended"), label=_("Time the placement ended"))

    def clean(self):
        data = super().clean()
        data["ended_at"] = _combine(self, "ended_on", "ended_time", _("Time the placement ended"))
        return data


class MissingForm(GovukForm):
    went_missing_on = _date(_("date the child went missing"), _("Date the child went missing"))
    went_missing_time = GovukTimeField(subject=_("time the child went missing"), label=_("Time the child went missing"),
                                       help_text=_("The time they were last seen or found to be gone. Use the 24-hour "
                                                   "clock, for example 14:30"))
    missing_from = forms.ChoiceField(label=_("Where did the child go missing from?"), widget=forms.RadioSelect,
                                     choices=MISSING_FROM_CHOICES,
                                     error_messages=required(_("Select where the child went missing from")))
    missing_from_detail = forms.CharField(label=_("Details of where and how (optional)"), widget=forms.Textarea,
                                          required=False, max_length=DETAIL_MAX,
                                          validators=[text_validator(_("The details"))])
    reported_to_police = forms.ChoiceField(label=_("Has the child been reported missing to the police?"),
                                           widget=forms.RadioSelect, choices=[("yes", _("Yes")), ("no", _("Not yet"))],
                                           error_messages=required(_("Select whether the child has been reported to the police")))
    reported_on = _date(_("date reported to the police"), _("If yes: date reported to the police"), required=False)
    reported_time = GovukTimeField(subject=_("time reported to the police"), label=_("If yes: time reported to the police"),
                                   required=False)
    police_reference = forms.CharField(label=_("If yes: police reference"), required=False, max_length=40,
                                       validators=[text_validator(_("The police reference"), multiline=False)])
    request_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64,
                                  validators=[text_validator(_("The form"), multiline=False)])

    def clean(self):
        data = super().clean()
        data["went_missing_at"] = _combine(self, "went_missing_on", "went_missing_time", _("Time the child went missing"))
        data["reported_to_police_at"] = None
        if data.get("reported_to_police") == "yes":
            if not data.get("reported_on") and "reported_on" not in self.errors:
                self.add_error("reported_on", _("Enter the date reported to the police"))
            if not data.get("reported_time") and "reported_time" not in self.errors:
                self.add_error("reported_time", _("Enter the time reported to the police"))
            if not (data.get("police_reference") or "").strip() and "police_reference" not in self.errors:
                self.add_error("police_reference", _("Enter the police reference"))
            data["reported_to_police_at"] = _combine(self, "reported_on", "reported_time", _("Time reported to the police"))
        else:
            data["police_reference"] = ""
        return data


class ReturnForm(GovukForm):
    returned_on = _date(_("date the child was found or returned"), _("Date the child was found or returned"))
    returned_time = GovukTimeField(subject=_("time the child was found or returned"),
                                   label=_("Time the child was found or returned"))
    found_where = forms.ChoiceField(label=_("How was the child found?"), widget=forms.RadioSelect,
                                    choices=FOUND_WHERE_CHOICES, error_messages=required(_("Select how the child was found")))
    found_detail = forms.CharField(label=_("Where were they found? (optional)"), widget=forms.Textarea, required=False,
                                   max_length=DETAIL_MAX, validators=[text_validator(_("Where they were found"))])
    return_condition = forms.CharField(label=_("The child's condition on return"), widget=forms.Textarea,
                                       max_length=CONDITION_MAX,
                                       help_text=_("Any injury, signs of exploitation, what they said, and what was done "
                                                   "(a return interview, a doctor)."),
                                       validators=[text_validator(_("The condition on return"))],
                                       error_messages=required(_("Enter the child's condition on return")))

    def clean(self):
        data = super().clean()
        data["returned_at"] = _combine(self, "returned_on", "returned_time", _("Time the child was found or returned"))
        return data


class GradingForm(GovukForm):
    level = forms.ChoiceField(label=_("How likely is it that the child was trafficked?"), widget=forms.RadioSelect,
                              error_messages=required(_("Select a level from 1 to 5")))
    graded_on = _date(_("date of the grading"), _("Date of the grading"))
    evidence_summary = forms.CharField(label=_("The evidence the grading rests on"), widget=forms.Textarea,
                                       max_length=EVIDENCE_MAX, validators=[text_validator(_("The evidence"))],
                                       error_messages=required(_("Enter the evidence the grading rests on")))

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [(str(lv.level), lv.text) for lv in reversed(levels)]
