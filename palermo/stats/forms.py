"""The statistics page's form: which quarters, and (analysts) which figures."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from palermo.stats.periods import Period, Quarter, default_period, published_quarters
from palermo.stats.release import PUBLISHED_VIEW, UNSUPPRESSED_VIEW
from palermo.web.forms.base import GovukForm


class StatsPeriodForm(GovukForm):
    from_quarter = forms.ChoiceField(label=_("From"), error_messages={"required": _("Select the first quarter"),
                                                                      "invalid_choice": _("Select the first quarter")})
    to_quarter = forms.ChoiceField(label=_("To"), error_messages={"required": _("Select the last quarter"),
                                                                  "invalid_choice": _("Select the last quarter")})
    figures = forms.ChoiceField(required=False, choices=[
        (PUBLISHED_VIEW, _("As published (small numbers suppressed)")),
        (UNSUPPRESSED_VIEW, _("Every count, not suppressed (not for publication)"))])

    def __init__(self, data=None, *, today: dt.date, unsuppressed_allowed: bool):
        super().__init__(data)
        choices = [(q.slug, q.label) for q in published_quarters(today)]
        self.fields["from_quarter"].choices = choices
        self.fields["to_quarter"].choices = choices
        if not unsuppressed_allowed:
            del self.fields["figures"]
        default = default_period(today)
        self.initial = {"from_quarter": Quarter.of(default.start).slug, "to_quarter": Quarter.of(default.end).slug,
                        "figures": PUBLISHED_VIEW}

    def clean(self):
        data = super().clean()
        first, last = data.get("from_quarter"), data.get("to_quarter")
        if first and last and Quarter.parse(last) < Quarter.parse(first):
            self.add_error("to_quarter", _("The last quarter must be the same as or after the first quarter"))
        return data

    def period(self) -> Period:
        return Period.of_quarters(Quarter.parse(self.cleaned_data["from_quarter"]),
                                  Quarter.parse(self.cleaned_data["to_quarter"]))

    def view(self) -> str:
        return self.cleaned_data.get("figures") or PUBLISHED_VIEW

    def field_id(self, name: str) -> str:
        return name.replace("_", "-")
