"""The forms of the release pages: a private release, and the period of the monitoring report."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from palermo.releases.dp import DIMENSIONS
from palermo.web.forms.base import GovukDateField, GovukForm, required


class PrivateReleaseForm(GovukForm):
    year = forms.ChoiceField(label=_("Which year's referrals?"), error_messages=required(_("Select the year")))
    dimension = forms.ChoiceField(label=_("What should the cases be counted by?"), widget=forms.RadioSelect,
                                  error_messages=required(_("Select what to count the cases by")))
    epsilon = forms.CharField(
        label=_("Privacy loss (epsilon) to spend"), max_length=10,
        help_text=_("A number from 0.01 to 1. More gives less noise, and leaves less of the year's budget."),
        error_messages={"required": _("Enter the privacy loss to spend, like 0.5"),
                        "max_length": _("Enter the privacy loss as a number, like 0.5")})

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Choose a year"))] + [(str(y), str(y)) for y in years]
        self.fields["dimension"].choices = [(k, d.label) for k, d in DIMENSIONS.items()]


class PeriodForm(GovukForm):
    """The monitoring report's period (both optional): referrals received from, to."""

    received_from = GovukDateField(subject=_("start of the period"), label=_("Referrals received from"),
                                   help_text=_("For example, 1 4 2009"), required=False)
    received_to = GovukDateField(subject=_("end of the period"), label=_("Referrals received up to"),
                                 help_text=_("For example, 30 6 2011"), required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and end < start:
            self.add_error("received_to", _("The end of the period must be on or after its start"))
        return data
