"""The caseload filter (a GET form) and the forms of the decision, review and withdrawal pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from palermo.accounts.models import Organisation
from palermo.core.calendar import NATION_LABELS
from palermo.nrm import codes, workflow
from palermo.web.forms.base import GovukDateField, GovukForm, required, text_validator


class CaseFilterForm(GovukForm):
    """Filters for the caseload. Every field is optional; an unknown value is ignored."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    competent_authority = forms.ChoiceField(label=_("Competent authority"), required=False)
    exploitation_type = forms.ChoiceField(label=_("Type of exploitation"), required=False)
    nation = forms.ChoiceField(label=_("Nation"), required=False)
    age_group = forms.ChoiceField(label=_("Child or adult"), required=False)
    due = forms.ChoiceField(label=_("Due"), required=False)
    reference = forms.CharField(label=_("Reference number"), required=False, max_length=40,
                                help_text=_("Palermo's reference or its last 8 characters, or the reference the case "
                                            "had in an earlier system"))
    possible_matches = forms.BooleanField(label=_("Only cases with a possible match to check"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        any_ = [("", _("Any"))]
        self.fields["status"].choices = any_ + list(workflow.STATUS_CHOICES)
        self.fields["competent_authority"].choices = any_ + [
            (o.code, o.name) for o in Organisation.objects.filter(kind="competent_authority").order_by("name")
        ]
        self.fields["exploitation_type"].choices = any_ + codes.choices("exploitation_types")
        self.fields["nation"].choices = any_ + list(NATION_LABELS.items())
        self.fields["age_group"].choices = any_ + [("child", _("Child")), ("adult", _("Adult"))]
        self.fields["due"].choices = any_ + [("overdue", _("Overdue")), ("soon", _("Due in the next 2 working days"))]

    def filters(self) -> dict:
        """The valid filters only: a tampered value is dropped rather than failing the page."""
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v}


KIND_TITLES = {
    "reasonable_grounds": _("Record a reasonable grounds decision"),
    "conclusive_grounds": _("Record a conclusive grounds decision"),
    "reconsideration": _("Record a reconsideration decision"),
}


class DecisionForm(GovukForm):
    """One decision: outcome, coded reasons that fit the outcome, date and explanation.

    The reasons are one list rather than a list revealed under each outcome: GOV.UK's
    conditional reveal puts ``aria-expanded`` on radio buttons, which fails axe's
    aria-allowed-attr rule, and the page must work the same without JavaScript."""

    outcome = forms.ChoiceField(label=_("What is your decision?"), widget=forms.RadioSelect,
                                error_messages=required(_("Select the decision")))
    reasons = forms.MultipleChoiceField(label=_("Reasons for the decision"), widget=forms.CheckboxSelectMultiple,
                                        help_text=_("Select all that apply."),
                                        error_messages=required(_("Select at least one reason for the decision")))
    decided_on = GovukDateField(subject=_("date of the decision"), label=_("Date of the decision"),
                                help_text=_("For example, 27 3 2026"), past_or_today=True)
    reason_text = forms.CharField(label=_("Explain the decision"), widget=forms.Textarea, max_length=20000,
                                  validators=[text_validator(_("The explanation"))],
                                  error_messages=required(_("Enter an explanation of the decision")),
                                  help_text=_("Refer to the evidence and the guidance you applied."))

    def __init__(self, *args, kind: str, child: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        list_name = "reconsideration_reasons" if kind == "reconsideration" else "decision_reasons"
        self.codes = {k: c for k, c in codes.codes(list_name).items()
                      if not c.disabled_on and (child or not c.children_only)}
        self.fields["reasons"].choices = [(k, c.label) for k, c in self.codes.items()]
        if kind == "reconsideration":
            self.fields["outcome"].label = _("What is your decision on the reconsideration?")
            self.fields["outcome"].choices = [("positive", _("Reconsider: the case goes back for a fresh decision")),
                                              ("negative", _("Refuse: the decision stands"))]
            fits = {"positive": _("Only when reconsidering"), "negative": _("Only when refusing")}
        else:
            self.fields["outcome"].choices = [("positive", _("Positive")), ("negative", _("Negative"))]
            self.fields["outcome"].item_hints = {
                "negative": _("A negative decision takes effect only when a reviewer agrees with it."),
            }
            fits = {"positive": _("For a positive decision"), "negative": _("For a negative decision")}
        self.fields["reasons"].item_hints = {
            k: fits[c.applies_to[0]] for k, c in self.codes.items() if c.applies_to and len(c.applies_to) == 1
        }

    def clean(self):
        data = super().clean()
        outcome, reasons = data.get("outcome"), data.get("reasons") or []
        if outcome and reasons:
            wrong = [k for k in reasons if self.codes[k].applies_to and outcome not in self.codes[k].applies_to]
            if wrong:
                self.add_error("reasons", _("Select only reasons that fit a %(outcome)s decision")
                               % {"outcome": dict(self.fields["outcome"].choices)[outcome].lower()}
                               if self.kind != "reconsideration" else _("Select only reasons that fit your decision"))
        data["reason_codes"] = reasons
        return data

    def add_service_error(self, field: str, message: str) -> None:
        super().add_service_error("reasons" if field == "reason_codes" else field, message)


class ReviewForm(GovukForm):
    """Second review: agree, or return the decision with a reason."""

    agree = forms.ChoiceField(label=_("Do you agree with this decision?"), widget=forms.RadioSelect,
                              choices=[("yes", _("Yes, I agree: the decision takes effect")),
                                       ("no", _("No, return it to the decision maker"))],
                              error_messages=required(_("Select whether you agree with the decision")))
    note = forms.CharField(label=_("If you are returning it, why?"), widget=forms.Textarea, required=False,
                           max_length=5000, help_text=_("The decision maker will see this."),
                           validators=[text_validator(_("The reason"))])
    reviewed_on = GovukDateField(subject=_("date of the review"), label=_("Date of the review"),
                                 help_text=_("For example, 27 3 2026"), past_or_today=True)

    def clean(self):
        data = super().clean()
        if data.get("agree") == "no" and not (data.get("note") or "").strip():
            self.add_error("note", _("Enter why you are returning the decision"))
        return data


class WithdrawForm(GovukForm):
    reason_code = forms.ChoiceField(label=_("Why is the case being withdrawn?"), widget=forms.RadioSelect,
                                    error_messages=required(_("Select why the case is being withdrawn")))
    withdrawn_on = GovukDateField(subject=_("date of withdrawal"), label=_("Date of withdrawal"),
                                  help_text=_("For example, 27 3 2026"), past_or_today=True)
    note = forms.CharField(label=_("Notes (optional)"), widget=forms.Textarea, required=False, max_length=5000,
                           validators=[text_validator(_("Notes"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason_code"].choices = codes.choices("withdrawal_reasons")


class ElementsForm(GovukForm):
    """Act, means and purpose evidenced (Palermo Protocol art 3(a), seed note §1). Codes the
    referral suggests carry a hint; nothing is ticked for the decision maker."""

    act = forms.MultipleChoiceField(label=_("Act"), widget=forms.CheckboxSelectMultiple, required=False,
                                    help_text=_("Select all that the evidence shows"))
    means = forms.MultipleChoiceField(label=_("Means"), widget=forms.CheckboxSelectMultiple, required=False,
                                      help_text=_("Select all that the evidence shows. For a child the means need not be shown."))
    purpose = forms.MultipleChoiceField(label=_("Purpose of exploitation"), widget=forms.CheckboxSelectMultiple,
                                        required=False, help_text=_("Select all that the evidence shows"))

    def __init__(self, *args, element_codes: dict, suggested: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("act", "means", "purpose"):
            field = self.fields[name]
            field.choices = [(code, label[:1].upper() + label[1:]) for code, label in element_codes[name].items()]
            field.item_hints = {code: _("Suggested by the referral") for code in suggested.get(name, [])}
