"""The facts form on the Law page: the offence engine's facts, in GOV.UK form wording."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from palermo.law.vocab import CONDUCT_LABELS, EXPLOITATION_LABELS

JURISDICTION_CHOICES = [
    ("england_wales", _("England and Wales")),
    ("scotland", _("Scotland")),
    ("northern_ireland", _("Northern Ireland")),
    ("outside_uk", _("Outside the UK")),
]
TRI_STATE = [("yes", _("Yes")), ("no", _("No")), ("unknown", _("Not known"))]


class LawFactsForm(forms.Form):
    day = forms.IntegerField(min_value=1, max_value=31, error_messages={"required": _("Enter the date of the conduct"), "invalid": _("Date of the conduct must be a real date")})
    month = forms.IntegerField(min_value=1, max_value=12, error_messages={"required": _("Enter the date of the conduct"), "invalid": _("Date of the conduct must be a real date")})
    year = forms.IntegerField(min_value=1900, max_value=2100, error_messages={"required": _("Enter the date of the conduct"), "invalid": _("Date of the conduct must be a real date")})
    jurisdiction = forms.ChoiceField(choices=JURISDICTION_CHOICES, error_messages={"required": _("Select where the conduct took place")})
    conduct = forms.ChoiceField(choices=list(CONDUCT_LABELS.items()), error_messages={"required": _("Select what was done")})
    exploitation = forms.ChoiceField(choices=list(EXPLOITATION_LABELS.items()), error_messages={"required": _("Select the purpose of exploitation")})
    offender_nationality = forms.ChoiceField(choices=[("british", _("British")), ("foreign", _("Not British"))],
                                             error_messages={"required": _("Select the offender's nationality")})
    offender_is_uk_company = forms.BooleanField(required=False)
    victim_previously_trafficked_into_uk = forms.ChoiceField(choices=TRI_STATE, initial="unknown", required=False)
    third_party_exploitative_conduct_for_gain = forms.ChoiceField(choices=TRI_STATE, initial="unknown", required=False)

    def clean(self):
        data = super().clean()
        if {"day", "month", "year"} <= set(data):
            try:
                data["date"] = dt.date(data["year"], data["month"], data["day"])
            except ValueError:
                self.add_error("day", _("Date of the conduct must be a real date"))
        return data

    def facts(self) -> dict:
        d = self.cleaned_data

        def tri(v):
            return {"yes": True, "no": False}.get(v)

        return {
            "date": d["date"].isoformat(),
            "jurisdiction": d["jurisdiction"],
            "conduct": d["conduct"],
            "exploitation": d["exploitation"],
            "offender_nationality": d["offender_nationality"],
            "offender_is_uk_company": bool(d.get("offender_is_uk_company")),
            "victim_previously_trafficked_into_uk": tri(d.get("victim_previously_trafficked_into_uk")),
            "third_party_exploitative_conduct_for_gain": tri(d.get("third_party_exploitative_conduct_for_gain")),
        }

    def error_summary(self) -> list[tuple[str, str]]:
        anchors = {"day": "#day", "month": "#day", "year": "#day"}
        out, seen = [], set()
        for name in self.fields:
            for msg in self.errors.get(name, []):
                if msg not in seen:
                    seen.add(msg)
                    out.append((msg, anchors.get(name, f"#{name}")))
        return out
