"""One form per question page of the referral journey (after the Home Office's digital NRM
referral form). Each validates only its own page; the whole referral is checked again by
``services.referral_validate`` at "Accept and send"."""

from __future__ import annotations

from functools import cache

import pycountry
from django import forms
from django.utils.translation import gettext_lazy as _

from palermo.accounts.models import Organisation
from palermo.core.calendar import NATION_LABELS
from palermo.nrm import codes
from palermo.people.names import ALIASES_MAX, NAME_MAX_LENGTH
from palermo.web.forms.base import GovukDateField, GovukForm, name_validator, required, text_validator

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


@cache
def country_choices() -> tuple[tuple[str, str], ...]:
    rows = [(c.alpha_3, getattr(c, "common_name", None) or c.name) for c in pycountry.countries]
    return tuple(sorted(rows, key=lambda r: r[1]))


class OrganisationForm(GovukForm):
    first_responder_org = forms.ChoiceField(label=_("Which organisation are you referring for?"), widget=forms.RadioSelect,
                                            error_messages=required(_("Select the organisation you are referring for")))

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_responder_org"].choices = [(o.code, o.name) for o in organisations]


class WhereForm(GovukForm):
    nation = forms.ChoiceField(
        label=_("Where in the UK are you making this referral?"), widget=forms.RadioSelect,
        choices=list(NATION_LABELS.items()),
        help_text=_("The decision deadline counts working days in this nation, so its bank holidays apply."),
        error_messages=required(_("Select where in the UK you are making this referral")))


class Under18Form(GovukForm):
    under_18 = forms.ChoiceField(
        label=_("Is the potential victim under 18?"), widget=forms.RadioSelect,
        choices=[("yes", _("Yes")), ("no", _("No")), ("not_sure", _("Not sure"))],
        error_messages=required(_("Select whether the potential victim is under 18")))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["under_18"].item_hints = {
            "not_sure": _("They will be treated as a child until their age is known, and you must contact a local authority."),
        }


class LocalAuthorityForm(GovukForm):
    local_authority = forms.ChoiceField(
        label=_("Which local authority have you contacted about the child?"),
        help_text=_("A child does not need to consent to a referral, but the local authority must know about them."),
        error_messages=required(_("Select the local authority you contacted")))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].choices = [("", _("Select a local authority"))] + [
            (o.code, o.name) for o in Organisation.objects.filter(kind="local_authority", disabled_on__isnull=True).order_by("name")
        ]


class AgeAtExploitationForm(GovukForm):
    age_at_exploitation = forms.ChoiceField(
        label=_("How old was the person when the exploitation happened?"), widget=forms.RadioSelect,
        choices=[("child", _("Under 18")), ("adult", _("18 or over")), ("unknown", _("Not known"))],
        help_text=_("If it happened over a period of time, answer for when it started."),
        error_messages=required(_("Select how old the person was when the exploitation happened")))


class WhatHappenedForm(GovukForm):
    narrative = forms.CharField(
        label=_("What happened to the person?"), widget=forms.Textarea, max_length=20000,
        validators=[text_validator(_("What happened"))],
        help_text=_("Describe how they were recruited, moved and exploited, in their own words where you can."),
        error_messages={**required(_("Enter what happened to the person")),
                        "max_length": _("What happened must be 20,000 characters or fewer")})


class WhereExploitedForm(GovukForm):
    exploitation_location = forms.ChoiceField(
        label=_("Where did the exploitation happen?"), widget=forms.RadioSelect,
        choices=[("uk", _("In the UK")), ("overseas", _("Outside the UK")), ("both", _("Both in the UK and outside the UK")),
                 ("unknown", _("Not known"))],
        error_messages=required(_("Select where the exploitation happened")))


class UkAreaForm(GovukForm):
    police_force_area = forms.ChoiceField(
        label=_("Which police force area did the exploitation happen in?"), required=False,
        help_text=_("If it happened in more than one, choose where most of it happened."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["police_force_area"].choices = [("", _("Not known"))] + sorted(codes.choices("police_force_areas"), key=lambda c: c[1])


class CountryForm(GovukForm):
    exploitation_country = forms.ChoiceField(
        label=_("Which country outside the UK did the exploitation happen in?"),
        help_text=_("If it happened in more than one, choose where most of it happened."),
        error_messages=required(_("Select the country where the exploitation happened")))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exploitation_country"].choices = [("", _("Select a country"))] + [
            c for c in country_choices() if c[0] != "GBR"]


class ExploitationTypesForm(GovukForm):
    exploitation_types = forms.MultipleChoiceField(
        label=_("What types of exploitation were involved?"), widget=forms.CheckboxSelectMultiple,
        help_text=_("Select all that apply."),
        error_messages=required(_("Select at least one type of exploitation")))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        f = self.fields["exploitation_types"]
        f.choices = codes.choices("exploitation_types")
        f.divider_before = ("unknown",)
        f.exclusive = ("unknown",)

    def clean_exploitation_types(self):
        value = self.cleaned_data["exploitation_types"]
        if "unknown" in value and len(value) > 1:
            raise forms.ValidationError(_("Select the types of exploitation, or select ‘Not known’"))
        return value


class IndicatorsForm(GovukForm):
    indicators = forms.MultipleChoiceField(
        label=_("Which signs of trafficking did you see?"), widget=forms.CheckboxSelectMultiple, required=False,
        help_text=_("Select all that apply. Leave them all unticked if you saw none of these."),
        error_messages=required(_("Select the signs of trafficking you saw")))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].choices = codes.choices("indicators")


class ConcernsForm(GovukForm):
    flags = forms.MultipleChoiceField(
        label=_("Are there any other concerns?"), widget=forms.CheckboxSelectMultiple, required=False,
        help_text=_("Select all that apply. Leave them all unticked if there are none."),
        error_messages=required(_("Select the other concerns")))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["flags"].choices = codes.choices("flags")


class ConsentForm(GovukForm):
    consent = forms.ChoiceField(
        label=_("Does the person consent to being referred to the National Referral Mechanism?"), widget=forms.RadioSelect,
        choices=[("given", _("Yes, they consent")), ("refused", _("No, they do not consent"))],
        error_messages=required(_("Select whether the person consents to the referral")))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].item_hints = {
            "refused": _("You must still tell the Home Office, in a Duty to Notify report. It is not a referral."),
        }


class DtnIdentityForm(GovukForm):
    share = forms.ChoiceField(
        label=_("Does the person agree to their details being in the Duty to Notify report?"), widget=forms.RadioSelect,
        choices=YES_NO,
        help_text=_("If not, the report is anonymous: it records what happened, but not who they are."),
        error_messages=required(_("Select whether the person agrees to their details being in the report")))


class ImmigrationForm(GovukForm):
    immigration_enforcement = forms.ChoiceField(
        label=_("Is the person in immigration detention, or facing removal or deportation?"), widget=forms.RadioSelect,
        choices=YES_NO,
        help_text=_("This can decide which competent authority makes the decisions."),
        error_messages=required(_("Select whether the person is in immigration detention or facing removal")))


class PersonForm(GovukForm):
    given_name = forms.CharField(label=_("Given names"), max_length=NAME_MAX_LENGTH, required=False,
                                 validators=[name_validator(_("Given names"))],
                                 error_messages={"max_length": _("Given names must be 200 characters or fewer")})
    family_name = forms.CharField(label=_("Family name"), max_length=NAME_MAX_LENGTH, required=False,
                                  validators=[name_validator(_("Family name"))],
                                  error_messages={"max_length": _("Family name must be 200 characters or fewer")})
    aliases = forms.CharField(label=_("Other names they are known by (optional)"), widget=forms.Textarea, required=False,
                              help_text=_("Put each name on its own line."), max_length=ALIASES_MAX * (NAME_MAX_LENGTH + 2),
                              error_messages={"max_length": _("Enter 20 other names or fewer")})
    gender = forms.ChoiceField(label=_("Gender"), widget=forms.RadioSelect,
                               choices=[("female", _("Female")), ("male", _("Male")), ("other", _("Other")),
                                        ("unknown", _("Not known"))],
                               error_messages=required(_("Select the person's gender")))

    def clean_aliases(self):
        """One name a line, each a name by the same rule as the API, at most 20 of them."""
        value = self.cleaned_data["aliases"]
        names = [line.strip() for line in value.splitlines() if line.strip()]
        if len(names) > ALIASES_MAX:
            raise forms.ValidationError(_("Enter 20 other names or fewer"))
        if any(len(n) > NAME_MAX_LENGTH for n in names):
            raise forms.ValidationError(_("Each other name must be 200 characters or fewer"))
        for n in names:
            name_validator(_("Other names"))(n)
        return value

    def clean(self):
        data = super().clean()
        if not (data.get("given_name", "").strip() or data.get("family_name", "").strip()) and "given_name" not in self.errors:
            self.add_error("given_name", _("Enter the person's name"))
        return data


class DobKnownForm(GovukForm):
    dob_known = forms.ChoiceField(
        label=_("Do you know the person's date of birth?"), widget=forms.RadioSelect,
        choices=[("yes", _("Yes")), ("no", _("No"))], help_text=_("An estimate is fine if you tell us it is one."),
        error_messages=required(_("Select whether you know the person's date of birth")))


class DateOfBirthForm(GovukForm):
    """Asked only when the date of birth is known. (GOV.UK's conditional reveal is not used:
    its ``aria-expanded`` on radio buttons fails axe's aria-allowed-attr rule, and a page per
    question is clearer anyway.)"""

    date_of_birth = GovukDateField(subject=_("date of birth"), label=_("What is the person's date of birth?"),
                                   help_text=_("For example, 27 3 2007"), past_or_today=True)
    dob_estimated = forms.BooleanField(label=_("This date is an estimate"), required=False)


class ClaimedAgeForm(GovukForm):
    claimed_age = forms.IntegerField(label=_("How old does the person say they are? (optional)"), required=False,
                                     min_value=0, max_value=120, help_text=_("Leave it blank if they have not said."),
                                     error_messages={"invalid": _("Age must be a number, like 16"),
                                                     "min_value": _("Age must be 0 or more"),
                                                     "max_value": _("Age must be 120 or less")})


class NationalityForm(GovukForm):
    nationality = forms.ChoiceField(label=_("What is the person's nationality?"), required=False,
                                    help_text=_("If they have more than one, choose the one they use most."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nationality"].choices = [("", _("Not known"))] + list(country_choices())


class InterpreterForm(GovukForm):
    interpreter_needed = forms.ChoiceField(
        label=_("Does the person need an interpreter?"), widget=forms.RadioSelect, choices=YES_NO,
        error_messages=required(_("Select whether the person needs an interpreter")))


class LanguageForm(GovukForm):
    language = forms.CharField(label=_("Which language does the person need an interpreter for?"), max_length=100,
                               validators=[text_validator(_("Language"), multiline=False)],
                               error_messages={**required(_("Enter the language the person needs an interpreter for")),
                                               "max_length": _("Language must be 100 characters or fewer")})


class ContactForm(GovukForm):
    contact_details = forms.CharField(
        label=_("How can the person be contacted safely? (optional)"), widget=forms.Textarea, required=False, max_length=2000,
        validators=[text_validator(_("Contact details"))],
        help_text=_("For example, a phone number, or the support worker to go through. Leave it blank if it is not safe to record."),
        error_messages={"max_length": _("Contact details must be 2,000 characters or fewer")})


class DraftActionForm(GovukForm):
    """The buttons of a saved draft's page: carry on with it, or delete it."""

    action = forms.ChoiceField(choices=[("resume", _("Continue this referral")), ("delete", _("Delete this draft"))],
                               error_messages=required(_("Select what to do with the saved referral")))
