"""Operation pages' forms. GOV.UK wording: "Enter…", "Select…". Each form's ``payload`` is the
API's input shape, so a page and the API call the same service with the same checks."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from palermo.accounts.models import Organisation
from palermo.law.offences import offence_list
from palermo.operations import reference as ref
from palermo.operations.models import NATION_CHOICES
from palermo.operations.schemas import MAX_COUNTS, MAX_PENCE, NAME_MAX
from palermo.web.forms.base import GovukDateField, GovukForm, required, text_validator

DATE_HINT = _("For example, 3 10 2007")


def _nation():
    return forms.ChoiceField(label=_("Where in the UK?"), choices=NATION_CHOICES, widget=forms.RadioSelect,
                             error_messages=required(_("Select where in the UK")))


def _entity(label):
    return forms.CharField(label=label, required=False, max_length=12, help_text=_("For example, E-000012. Leave empty "
                           "if it is not in intelligence reports you may see."))


class OperationForm(GovukForm):
    name = forms.CharField(label=_("Name of the operation"), max_length=NAME_MAX, help_text=_("For example, Pentameter 2"),
                           error_messages=required(_("Enter the name of the operation")),
                           validators=[text_validator(_("Name of the operation"), multiline=False)])
    starts_on = GovukDateField(subject=_("start date"), label=_("Start date"), help_text=DATE_HINT, past_or_today=True)
    ends_on = GovukDateField(subject=_("end date"), label=_("End date (if it has ended)"), help_text=DATE_HINT,
                             required=False)
    participating_organisations = forms.MultipleChoiceField(
        label=_("Organisations taking part"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Your own organisation leads it."), error_messages=required(_("Select organisations from the list")))
    aims = forms.MultipleChoiceField(label=_("Aims"), required=False, widget=forms.CheckboxSelectMultiple,
                                     choices=ref.choices(ref.AIMS), error_messages=required(_("Select aims from the list")))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participating_organisations"].choices = list(
            Organisation.objects.order_by("name").values_list("code", "name"))

    def payload(self) -> dict:
        d = self.cleaned_data
        return {"name": d["name"].strip(), "starts_on": d["starts_on"], "ends_on": d.get("ends_on"),
                "participating_organisations": d.get("participating_organisations", []), "aims": d.get("aims", [])}


class PremisesVisitForm(GovukForm):
    visited_on = GovukDateField(subject=_("date of the visit"), label=_("Date of the visit"), help_text=DATE_HINT,
                                past_or_today=True)
    kind = forms.ChoiceField(label=_("Kind of premises"), widget=forms.RadioSelect, choices=ref.choices(ref.PREMISES_KINDS),
                             error_messages=required(_("Select the kind of premises")))
    nation = _nation()
    entity = _entity(_("The premises in intelligence (optional)"))

    def payload(self) -> dict:
        d = self.cleaned_data
        return {"visited_on": d["visited_on"], "kind": d["kind"], "nation": d["nation"], "entity": d.get("entity", "").strip()}


class VictimForm(GovukForm):
    referral_reference = forms.CharField(
        label=_("Reference of the NRM referral"), max_length=20,
        help_text=_("A referral made during the operation by an organisation taking part in it. Palermo shows the "
                    "person by their reference (P-…), never their name."),
        error_messages=required(_("Enter the reference of the NRM referral")),
        validators=[text_validator(_("Reference of the NRM referral"), multiline=False)])

    def payload(self) -> dict:
        return {"referral_reference": self.cleaned_data["referral_reference"].strip()}


def _offence_choices():
    return [(o.id, f"{o.title} ({o.statute} s{o.section})") for o in offence_list()]


class ChargeFields(GovukForm):
    offence_id = forms.ChoiceField(label=_("Offence charged"), error_messages=required(_("Select the offence charged")))
    counts = forms.IntegerField(label=_("Number of counts"), min_value=1, max_value=MAX_COUNTS, initial=1,
                                error_messages={"required": _("Enter the number of counts"),
                                                "invalid": _("Number of counts must be a whole number, like 2"),
                                                "min_value": _("Number of counts must be 1 or more"),
                                                "max_value": _("Number of counts must be %(limit_value)s or fewer")})
    offence_on = GovukDateField(subject=_("date of the alleged offence"), label=_("Date of the alleged offence"),
                                help_text=DATE_HINT, past_or_today=True)
    charged_on = GovukDateField(subject=_("date of the charge"), label=_("Date of the charge"), help_text=DATE_HINT,
                                past_or_today=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offence_id"].choices = [("", "")] + _offence_choices()

    def payload(self) -> dict:
        d = self.cleaned_data
        return {"offence_id": d["offence_id"], "counts": d["counts"], "offence_on": d["offence_on"],
                "charged_on": d["charged_on"]}


class ArrestForm(GovukForm):
    arrested_on = GovukDateField(subject=_("date of the arrest"), label=_("Date of the arrest"), help_text=DATE_HINT,
                                 past_or_today=True)
    nation = _nation()
    entity = _entity(_("The person in intelligence (optional)"))

    def payload(self) -> dict:
        d = self.cleaned_data
        return {"arrested_on": d["arrested_on"], "nation": d["nation"], "entity": d.get("entity", "").strip()}


class ChargeForm(ChargeFields):
    arrest = forms.CharField(label=_("Arrest"), max_length=12, help_text=_("For example, A-000012"),
                             error_messages=required(_("Enter the reference of the arrest")))

    field_order = ["arrest", "offence_id", "counts", "offence_on", "charged_on"]

    def clean_arrest(self):
        value = self.cleaned_data["arrest"].strip().upper().removeprefix("A-")
        if not value.isdigit():
            raise forms.ValidationError(_("Enter a reference like A-000012"))
        return int(value)


class AssetForm(GovukForm):
    recorded_on = GovukDateField(subject=_("date"), label=_("Date recovered or restrained"), help_text=DATE_HINT,
                                 past_or_today=True)
    kind = forms.ChoiceField(label=_("What happened to the assets?"), widget=forms.RadioSelect,
                             choices=ref.choices(ref.ASSET_KINDS), error_messages=required(_("Select what happened to the assets")))
    amount = forms.CharField(label=_("Amount, in pounds"), max_length=20, help_text=_("For example, 12500 or 12500.50"),
                             error_messages=required(_("Enter the amount")))
    arrest = forms.CharField(label=_("Arrest it was recovered from (optional)"), required=False, max_length=12,
                             help_text=_("For example, A-000012"))

    def clean_amount(self):
        raw = self.cleaned_data["amount"].strip().replace(",", "").removeprefix("£")
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise forms.ValidationError(_("Amount must be a number of pounds, like 12500 or 12500.50")) from None
        if value != value.quantize(Decimal("0.01")) or value <= 0:
            raise forms.ValidationError(_("Amount must be more than £0, in pounds and pence"))
        pence = int(value * 100)
        if pence > MAX_PENCE:
            raise forms.ValidationError(_("Amount must be £100,000,000,000 or less"))
        return pence

    def payload(self) -> dict:
        d = self.cleaned_data
        return {"recorded_on": d["recorded_on"], "kind": d["kind"], "amount_pence": d["amount"],
                "arrest": d.get("arrest", "").strip()}


class GatheredForm(GovukForm):
    report_reference = forms.CharField(label=_("Reference of the intelligence report"), max_length=20,
                                       help_text=_("For example, IR-2008-000012"),
                                       error_messages=required(_("Enter the reference of the intelligence report")),
                                       validators=[text_validator(_("Reference"), multiline=False)])

    def payload(self) -> dict:
        return {"report_reference": self.cleaned_data["report_reference"].strip()}
