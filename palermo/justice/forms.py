"""Prosecution entry, outcome, victim and statistics forms. GOV.UK wording: "Enter…", "Select…".
The page records up to two defendants with up to three charges each; the API takes more."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from palermo.intelligence.models import LAWFUL_REASON_CHOICES
from palermo.justice.models import COURT_KIND_CHOICES, NATION_CHOICES
from palermo.justice.reference import disposals, outcomes
from palermo.justice.schemas import MAX_CUSTODY_MONTHS, MAX_POUNDS, REASON_MAX
from palermo.law.offences import offence_list
from palermo.web.forms.base import GovukDateField, GovukForm, required, text_validator

DEFENDANT_ROWS, CHARGE_ROWS = 2, 3


def offence_choices() -> list[tuple[str, str]]:
    return [("", "")] + [(o.id, f"{o.title} ({o.statute} s{o.section}; {o.extent_text()})") for o in offence_list()]


def _entity_ref(value: str) -> int:
    v = value.strip().upper().removeprefix("E-")
    if not v.isdigit() or not 0 < int(v) < 2**31:
        raise forms.ValidationError(_("Enter a reference like E-000012"))
    return int(v)


class ProsecutionForm(GovukForm):
    nation = forms.ChoiceField(label=_("Whose law applies?"), widget=forms.RadioSelect, choices=NATION_CHOICES,
                               error_messages=required(_("Select the nation whose law applies")))
    court_kind = forms.ChoiceField(label=_("Court"), choices=[("", "")] + COURT_KIND_CHOICES,
                                   error_messages=required(_("Select the court")))
    court_name = forms.CharField(label=_("Name of the court"), max_length=100,
                                 help_text=_("For example, Southwark Crown Court"),
                                 error_messages=required(_("Enter the name of the court")),
                                 validators=[text_validator(_("Name of the court"), multiline=False)])
    operation = forms.CharField(label=_("Operation (optional)"), max_length=20, required=False,
                                help_text=_("The reference of the operation it arose from, for example OP-2008-000001"),
                                validators=[text_validator(_("Operation"), multiline=False)])
    charged_on = GovukDateField(subject=_("date of charge"), label=_("Date of charge"),
                                help_text=_("For example, 27 3 2008"), past_or_today=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = offence_choices()
        for d in range(1, DEFENDANT_ROWS + 1):
            self.fields[f"defendant_{d}"] = forms.CharField(
                label=_("Defendant %(d)s: intelligence reference") % {"d": d}, max_length=12, required=d == 1,
                help_text=_("A person in intelligence, for example E-000012") if d == 1 else _("Optional"),
                error_messages=required(_("Enter the reference of defendant %(d)s") % {"d": d}))
            for c in range(1, CHARGE_ROWS + 1):
                self.fields[f"d{d}_charge_{c}_offence"] = forms.ChoiceField(
                    label=_("Defendant %(d)s, charge %(c)s: offence") % {"d": d, "c": c}, choices=choices,
                    required=False, error_messages=required(_("Select the offence of charge %(c)s") % {"c": c}))
                self.fields[f"d{d}_charge_{c}_on"] = GovukDateField(
                    subject=_("date of the offence"), required=False,
                    label=_("Defendant %(d)s, charge %(c)s: date of the offence") % {"d": d, "c": c},
                    help_text=_("Its first day, if it went on for a time"))

    def clean(self):
        data = super().clean()
        for d in range(1, DEFENDANT_ROWS + 1):
            ref = (data.get(f"defendant_{d}") or "").strip()
            if ref:
                try:
                    data[f"defendant_{d}_id"] = _entity_ref(ref)
                except forms.ValidationError as exc:
                    self.add_error(f"defendant_{d}", exc)
            any_charge = False
            for c in range(1, CHARGE_ROWS + 1):
                offence, on = data.get(f"d{d}_charge_{c}_offence"), data.get(f"d{d}_charge_{c}_on")
                if offence and not on and f"d{d}_charge_{c}_on" not in self.errors:
                    self.add_error(f"d{d}_charge_{c}_on", _("Enter the date of the offence"))
                if on and not offence:
                    self.add_error(f"d{d}_charge_{c}_offence", _("Select the offence of charge %(c)s") % {"c": c})
                any_charge = any_charge or bool(offence)
            if ref and not any_charge:
                self.add_error(f"d{d}_charge_1_offence", _("Select at least one offence for defendant %(d)s") % {"d": d})
        return data

    def payload(self) -> dict:
        d = self.cleaned_data
        defendants = []
        for i in range(1, DEFENDANT_ROWS + 1):
            if not d.get(f"defendant_{i}_id"):
                continue
            defendants.append({"entity_id": d[f"defendant_{i}_id"], "charges": [
                {"offence_id": d[f"d{i}_charge_{c}_offence"], "offence_on": d[f"d{i}_charge_{c}_on"]}
                for c in range(1, CHARGE_ROWS + 1) if d.get(f"d{i}_charge_{c}_offence")]})
        return {"nation": d["nation"], "court_kind": d["court_kind"], "court_name": d["court_name"].strip(),
                "charged_on": d["charged_on"], "defendants": defendants, "operation": (d.get("operation") or "").strip()}

    def field_for_service(self, key: str) -> str:
        """``defendants.0.charges.1.offence_id`` → ``d1_charge_2_offence``."""
        parts = key.split(".")
        if parts[0] != "defendants" or len(parts) < 3:
            return key
        d = int(parts[1]) + 1
        if parts[2] == "entity_id":
            return f"defendant_{d}"
        return f"d{d}_charge_{int(parts[3]) + 1}_" + ("on" if parts[-1] == "offence_on" else "offence")


class OutcomeForm(GovukForm):
    outcome = forms.ChoiceField(label=_("What was the outcome of this charge?"), widget=forms.RadioSelect,
                                error_messages=required(_("Select the outcome of the charge")))
    outcome_on = GovukDateField(subject=_("date of the outcome"), label=_("Date of the outcome"),
                                help_text=_("For example, 27 3 2009"), past_or_today=True)
    disposal = forms.ChoiceField(label=_("Sentence imposed for this offence (if found guilty)"), required=False,
                                 error_messages=required(_("Select the sentence")))
    custody_months = forms.IntegerField(label=_("Custodial term in months (immediate or suspended)"), required=False,
                                        min_value=1, max_value=MAX_CUSTODY_MONTHS,
                                        error_messages={"invalid": _("Enter the custodial term as a whole number of months"),
                                                        "min_value": _("The custodial term must be at least 1 month"),
                                                        "max_value": _("The custodial term must be no more than %(limit_value)s months")})
    fine_pounds = forms.IntegerField(label=_("Fine in pounds"), required=False, min_value=1, max_value=MAX_POUNDS,
                                     error_messages={"invalid": _("Enter the fine as a whole number of pounds"),
                                                     "min_value": _("The fine must be at least £1"),
                                                     "max_value": _("The fine must be no more than £%(limit_value)s")})
    confiscation_pounds = forms.IntegerField(
        label=_("Confiscation order against the defendant, in pounds (if made)"), required=False, min_value=1,
        max_value=MAX_POUNDS, error_messages={"invalid": _("Enter the confiscation order as a whole number of pounds"),
                                              "min_value": _("The confiscation order must be at least £1"),
                                              "max_value": _("The confiscation order must be no more than £%(limit_value)s")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [(o.code, o.label) for o in outcomes() if o.code != "pending"]
        self.fields["disposal"].choices = [("", "")] + [(d.code, d.label) for d in disposals()]

    def payload(self) -> dict:
        d = self.cleaned_data
        return {k: d.get(k) for k in ("outcome", "outcome_on", "custody_months", "fine_pounds", "confiscation_pounds")} | {
            "disposal": d.get("disposal") or ""}


class VictimForm(GovukForm):
    pseudonym = forms.CharField(label=_("NRM person reference"), max_length=12, help_text=_("For example, P-7K2M9Q"),
                                error_messages=required(_("Enter the NRM person reference")))
    lawful_reason = forms.ChoiceField(label=_("Lawful reason"), widget=forms.RadioSelect, choices=LAWFUL_REASON_CHOICES,
                                      error_messages=required(_("Select the lawful reason")))
    reason_text = forms.CharField(label=_("Why this link is lawful and necessary"), widget=forms.Textarea,
                                  max_length=REASON_MAX, error_messages=required(_("Enter why this link is lawful and necessary")),
                                  validators=[text_validator(_("Why this link is lawful and necessary"))])


class StatisticsForm(GovukForm):
    nation = forms.ChoiceField(label=_("Nation"), required=False, choices=[("", _("United Kingdom"))] + NATION_CHOICES)
    start_year = forms.IntegerField(label=_("From year"), required=False, min_value=2003, max_value=2100,
                                    error_messages={"invalid": _("Enter the first year as 4 numbers"),
                                                    "min_value": _("The first year must be 2003 or later"),
                                                    "max_value": _("The first year must be 2100 or earlier")})
    end_year = forms.IntegerField(label=_("To year"), required=False, min_value=2003, max_value=2100,
                                  error_messages={"invalid": _("Enter the last year as 4 numbers"),
                                                  "min_value": _("The last year must be 2003 or later"),
                                                  "max_value": _("The last year must be 2100 or earlier")})

    def clean(self):
        data = super().clean()
        if data.get("start_year") and data.get("end_year") and data["end_year"] < data["start_year"]:
            self.add_error("end_year", _("The last year must be the same as or after the first year"))
        return data
