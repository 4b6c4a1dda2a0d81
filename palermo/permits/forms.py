"""The forms of the permit pages: an application (or a renewal) and a decision. GOV.UK wording:
say what to do ("Select…", "Enter…"), no "please", no "invalid"."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from palermo.law.parameters import parameter_history
from palermo.law.permits import PARAM_ELIGIBILITY
from palermo.law.vocab import PERMIT_GROUND_LABELS, PERMIT_GROUNDS
from palermo.permits import codes
from palermo.permits.schemas import REASON_TEXT_MAX, REFERENCE_MAX, reference_problem
from palermo.web.forms.base import GovukDateField, GovukForm, required, text_validator


def _day(d) -> str:
    return f"{d.day} {d:%B %Y}"


def ground_hints() -> dict[str, str]:
    """For each ground, when the rules recognised it ("Under the rules from 30 January 2023"), from
    the dated eligibility parameter, so the form does not need to know the dates."""
    spans: dict[str, list[str]] = {}
    for v in parameter_history(PARAM_ELIGIBILITY):
        if v.value is None:
            continue
        for g in v.value["grounds"]:
            if v.effective_to:
                spans.setdefault(g, []).append(
                    str(_("from %(start)s to %(end)s") % {"start": _day(v.effective_from), "end": _day(v.effective_to)}))
            else:
                spans.setdefault(g, []).append(str(_("from %(start)s") % {"start": _day(v.effective_from)}))
    return {g: str(_("Under the rules %(spans)s") % {"spans": str(_(" and ")).join(s)}) for g, s in spans.items()}


class PermitApplicationForm(GovukForm):
    grounds = forms.MultipleChoiceField(
        label=_("On what grounds is the permit applied for?"), widget=forms.CheckboxSelectMultiple,
        help_text=_("Select all that apply. Only the grounds of the rules in force on the date of the application "
                    "can be recorded."),
        error_messages=required(_("Select the grounds of the application")))
    investigation_reference = forms.CharField(
        label=_("Investigation reference (if there is one)"), required=False, max_length=REFERENCE_MAX,
        help_text=_("The police or prosecutor's reference for the investigation the person is helping with, "
                    "for example MET/2024/012345"))
    applied_on = GovukDateField(subject=_("date of the application"), label=_("Date of the application"),
                                help_text=_("For example, 27 3 2026"), past_or_today=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grounds"].choices = [(g, PERMIT_GROUND_LABELS[g][:1].upper() + PERMIT_GROUND_LABELS[g][1:])
                                          for g in PERMIT_GROUNDS]
        self.fields["grounds"].item_hints = ground_hints()

    def clean_investigation_reference(self):
        value = (self.cleaned_data.get("investigation_reference") or "").strip().upper()
        problem = reference_problem(value)
        if problem:
            raise forms.ValidationError(problem)
        return value


class PermitDecisionForm(GovukForm):
    outcome = forms.ChoiceField(label=_("What is your decision?"), widget=forms.RadioSelect,
                                choices=[("granted", _("Grant the permit")), ("refused", _("Refuse the permit"))],
                                error_messages=required(_("Select whether you grant or refuse the permit")))
    reasons = forms.MultipleChoiceField(label=_("Reasons for the decision"), widget=forms.CheckboxSelectMultiple,
                                        help_text=_("Select all that apply."),
                                        error_messages=required(_("Select at least one reason for the decision")))
    decided_on = GovukDateField(subject=_("date of the decision"), label=_("Date of the decision"),
                                help_text=_("For example, 27 3 2026"), past_or_today=True)
    reason_text = forms.CharField(label=_("Explain the decision (optional)"), widget=forms.Textarea, required=False,
                                  max_length=REASON_TEXT_MAX, validators=[text_validator(_("The explanation"))],
                                  help_text=_("Do not include the person's name or contact details."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.codes = {k: c for k, c in codes.codes().items() if not c.disabled_on}
        self.fields["reasons"].choices = [(k, c.label) for k, c in self.codes.items()]
        fits = {"granted": _("For a grant"), "refused": _("For a refusal")}
        self.fields["reasons"].item_hints = {k: fits[c.applies_to[0]] for k, c in self.codes.items()
                                             if c.applies_to and len(c.applies_to) == 1}

    def clean(self):
        data = super().clean()
        outcome, reasons = data.get("outcome"), data.get("reasons") or []
        if outcome and reasons:
            wrong = [k for k in reasons if self.codes[k].applies_to and outcome not in self.codes[k].applies_to]
            if wrong:
                self.add_error("reasons", _("Select only reasons that fit a grant") if outcome == "granted"
                               else _("Select only reasons that fit a refusal"))
        data["reason_codes"] = reasons
        return data

    def add_service_error(self, field: str, message: str) -> None:
        super().add_service_error("reasons" if field == "reason_codes" else field, message)
