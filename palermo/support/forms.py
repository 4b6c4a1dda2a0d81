"""The forms of the support pages, in GOV.UK wording ("Select …", "Enter …")."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from palermo.core.calendar import NATION_LABELS
from palermo.support import codes
from palermo.web.forms.base import GovukDateField, GovukForm, required

TRI_STATE = [("yes", _("Yes")), ("no", _("No")), ("unknown", _("Not known"))]
TRI = {"yes": True, "no": False}


def tri(value) -> bool | None:
    return TRI.get(value)


class MatchingFactsForm(GovukForm):
    """What Palermo cannot read from the case (a GET form, like the Law page's facts)."""

    trafficked_into_uk = forms.ChoiceField(label=_("Was the person trafficked into the UK?"), choices=TRI_STATE,
                                           required=False, widget=forms.RadioSelect, initial="unknown")
    willing_to_cooperate = forms.ChoiceField(label=_("Is the person willing to co-operate with the authorities?"),
                                             choices=TRI_STATE, required=False, widget=forms.RadioSelect,
                                             initial="unknown")

    def answers(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {k: tri(data.get(k)) for k in ("trafficked_into_uk", "willing_to_cooperate") if tri(data.get(k)) is not None}


class PlacementForm(GovukForm):
    """The caseworker's choice: one of the free places of the providers the person is eligible
    for (``PROVIDER:kind``), and the start date."""

    place = forms.ChoiceField(label=_("Choose a place"), widget=forms.RadioSelect,
                              error_messages=required(_("Select a place")))
    start_on = GovukDateField(subject=_("start date"), label=_("Start date"), help_text=_("For example, 27 3 2026"),
                              past_or_today=True)
    trafficked_into_uk = forms.ChoiceField(choices=TRI_STATE, required=False, widget=forms.HiddenInput)
    willing_to_cooperate = forms.ChoiceField(choices=TRI_STATE, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, places: list[tuple[str, str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [(value, label) for value, label, _hint in places]
        self.fields["place"].item_hints = {value: hint for value, _label, hint in places}

    def field_id(self, name: str) -> str:
        return {"place": "place", "start_on": "start-on"}.get(name, name.replace("_", "-"))


class ServiceForm(GovukForm):
    service = forms.ChoiceField(label=_("Which service did you deliver?"), widget=forms.RadioSelect,
                                error_messages=required(_("Select the service")))
    delivered_on = GovukDateField(subject=_("date of the service"), label=_("Date of the service"),
                                  help_text=_("For example, 27 3 2026"), past_or_today=True)

    def __init__(self, *args, offered: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = codes.labels("services")
        self.fields["service"].choices = [(c, labels[c]) for c, _label in codes.choices("services") if c in offered]


class PlacementEndForm(GovukForm):
    exit_reason = forms.ChoiceField(label=_("Why did the placement end?"), widget=forms.RadioSelect,
                                    choices=codes.choices("exit_reasons"),
                                    error_messages=required(_("Select why the placement ended")))
    end_on = GovukDateField(subject=_("date the placement ended"), label=_("Date the placement ended"),
                            help_text=_("The day the person left. For example, 27 3 2026"), past_or_today=True)


class NationFilterForm(GovukForm):
    nation = forms.ChoiceField(label=_("Nation"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nation"].choices = [("", _("All nations"))] + list(NATION_LABELS.items())

    def chosen(self) -> str | None:
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("nation") or None
