"""The report entry form and the search form. GOV.UK wording: "Enter…", "Select…"."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from palermo.accounts.models import Organisation
from palermo.accounts.roles import INTELLIGENCE_OFFICER, ROLE_ORG_KINDS
from palermo.intelligence.models import ENTITY_KIND_CHOICES
from palermo.intelligence.schemas import CONDITIONS_MAX, IDENTIFIER_MAX, TEXT_MAX
from palermo.law.grading import PARAM
from palermo.law.parameters import parameter_history
from palermo.web.forms.base import GovukDateField, GovukForm, required, text_validator

ENTITY_ROWS = 5


def _day(d) -> str:
    return f"{d.day} {d:%B %Y}"


def _grade_choices(key: str) -> list[tuple[str, str]]:
    """Every code of every scheme, labelled with the scheme and its dates (the service checks the
    code against the scheme in force on the report's date)."""
    out: dict[str, list[str]] = {}
    for pv in parameter_history(PARAM):
        if pv.value is None:
            continue
        span = (f"{pv.value['scheme']}, {_day(pv.effective_from)} to {_day(pv.effective_to)}" if pv.effective_to
                else f"{pv.value['scheme']}, from {_day(pv.effective_from)}")
        for g in pv.value[key]:
            out.setdefault(g["code"], []).append(f"{g['label']} ({span})")
    return [(code, f"{code}: " + "; ".join(labels)) for code, labels in out.items()]


class ReportForm(GovukForm):
    reported_on = GovukDateField(subject=_("date of the report"), label=_("Date of the report"),
                                 help_text=_("For example, 27 3 2008. The grading scheme in force on this date applies: "
                                             "5x5x5 before 1 January 2016, 3x5x2 from then."), past_or_today=True)
    source_evaluation = forms.ChoiceField(label=_("Source evaluation"), error_messages=required(_("Select the source evaluation")))
    intelligence_assessment = forms.ChoiceField(label=_("Intelligence assessment"),
                                                error_messages=required(_("Select the intelligence assessment")))
    handling_code = forms.ChoiceField(label=_("Handling code"), error_messages=required(_("Select the handling code")))
    handling_conditions = forms.CharField(
        label=_("Conditions of sharing (if the handling code has conditions)"), required=False, max_length=CONDITIONS_MAX,
        widget=forms.Textarea, validators=[text_validator(_("Conditions of sharing"))])
    permitted_organisations = forms.MultipleChoiceField(
        label=_("Organisations that may see it (if the handling code has conditions)"), required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("Your own organisation always may."))
    text = forms.CharField(label=_("What the intelligence says"), max_length=TEXT_MAX, widget=forms.Textarea,
                           error_messages=required(_("Enter what the intelligence says")),
                           validators=[text_validator(_("What the intelligence says"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_evaluation"].choices = [("", "")] + _grade_choices("source_evaluation")
        self.fields["intelligence_assessment"].choices = [("", "")] + _grade_choices("intelligence_assessment")
        self.fields["handling_code"].choices = [("", "")] + _grade_choices("handling_codes")
        self.fields["permitted_organisations"].choices = list(
            Organisation.objects.filter(kind__in=ROLE_ORG_KINDS[INTELLIGENCE_OFFICER]).order_by("name")
            .values_list("code", "name"))
        for i in range(1, ENTITY_ROWS + 1):
            self.fields[f"entity_{i}_kind"] = forms.ChoiceField(
                label=_("Entity %(n)s: kind") % {"n": i}, required=False, choices=[("", "")] + ENTITY_KIND_CHOICES,
                error_messages=required(_("Select the kind of entity %(n)s") % {"n": i}))
            self.fields[f"entity_{i}_value"] = forms.CharField(
                label=_("Entity %(n)s: name, number, registration, address or handle") % {"n": i}, required=False,
                max_length=IDENTIFIER_MAX, validators=[text_validator(_("Entity %(n)s") % {"n": i}, multiline=False)],
                help_text=_("The report links entity 1 to each of the others.") if i == 1 else "")

    def clean(self):
        data = super().clean()
        for i in range(1, ENTITY_ROWS + 1):
            kind, value = data.get(f"entity_{i}_kind"), (data.get(f"entity_{i}_value") or "").strip()
            if kind and not value:
                self.add_error(f"entity_{i}_value", _("Enter entity %(n)s, or remove its kind") % {"n": i})
            if value and not kind:
                self.add_error(f"entity_{i}_kind", _("Select the kind of entity %(n)s") % {"n": i})
        return data

    def payload(self) -> dict:
        d = self.cleaned_data
        entities = [{"kind": d[f"entity_{i}_kind"], "value": d[f"entity_{i}_value"].strip()}
                    for i in range(1, ENTITY_ROWS + 1) if d.get(f"entity_{i}_kind")]
        return {"reported_on": d["reported_on"], "source_evaluation": d["source_evaluation"],
                "intelligence_assessment": d["intelligence_assessment"], "handling_code": d["handling_code"],
                "handling_conditions": d.get("handling_conditions", ""),
                "permitted_organisations": d.get("permitted_organisations", []), "text": d["text"],
                "entities": entities,
                "links": [{"source": 0, "target": j, "kind": "associate"} for j in range(1, len(entities))]}

    def field_for_service(self, key: str) -> str:
        """The form field a service error on ``key`` (``entities.2.value``) belongs to."""
        if key.startswith("entities."):
            parts = key.split(".")
            return f"entity_{int(parts[1]) + 1}_value"
        return key


class SearchForm(GovukForm):
    kind = forms.ChoiceField(label=_("Kind of identifier"), choices=[("", "")] + [c for c in ENTITY_KIND_CHOICES if c[0] != "person"],
                             error_messages=required(_("Select the kind of identifier")))
    value = forms.CharField(label=_("Identifier"), max_length=IDENTIFIER_MAX,
                            help_text=_("An exact phone number, registration, account, address, handle or group name"),
                            error_messages=required(_("Enter the identifier")),
                            validators=[text_validator(_("Identifier"), multiline=False)])


class PathForm(GovukForm):
    """Two entity references (E-000123): not personal, so they may go in the query string."""

    start = forms.CharField(label=_("From entity"), max_length=12, help_text=_("For example, E-000012"),
                            error_messages=required(_("Enter the reference of the first entity")))
    end = forms.CharField(label=_("To entity"), max_length=12, help_text=_("For example, E-000034"),
                          error_messages=required(_("Enter the reference of the second entity")))

    def _ref(self, name):
        value = self.cleaned_data[name].strip().upper().removeprefix("E-")
        if not value.isdigit():
            raise forms.ValidationError(_("Enter a reference like E-000012"))
        return int(value)

    def clean_start(self):
        return self._ref("start")

    def clean_end(self):
        return self._ref("end")


class FiguresForm(GovukForm):
    start = GovukDateField(subject=_("start of the period"), label=_("From"), help_text=_("For example, 1 4 2002"))
    end = GovukDateField(subject=_("end of the period"), label=_("To"), help_text=_("For example, 31 3 2003"))


class GroupStatusForm(GovukForm):
    status = forms.ChoiceField(label=_("What has happened to the group?"), widget=forms.RadioSelect,
                               error_messages=required(_("Select what has happened to the group")))
    on = GovukDateField(subject=_("date"), label=_("Date"), help_text=_("For example, 27 3 2003"), past_or_today=True)

    def __init__(self, *args, allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        from palermo.intelligence.models import GROUP_STATUS_CHOICES

        self.fields["status"].choices = [c for c in GROUP_STATUS_CHOICES if c[0] in allowed]


class MatchDecisionForm(GovukForm):
    """The Confirm / Reject buttons of one match proposal: a person decides, nothing is automatic."""

    decision = forms.ChoiceField(label=_("Are these the same person?"),
                                 choices=[("same", _("Same person")), ("different", _("Different people"))],
                                 error_messages=required(_("Select whether they are the same person")))


class VictimLinkForm(GovukForm):
    """Record that an intelligence person is an NRM potential victim, with the lawful reason."""

    pseudonym = forms.CharField(label=_("NRM person reference"), max_length=12,
                                help_text=_("The reference of the person in the National Referral Mechanism, "
                                            "for example, P-7K2M9Q"),
                                error_messages=required(_("Enter the NRM person reference")),
                                validators=[text_validator(_("NRM person reference"), multiline=False)])
    lawful_reason = forms.ChoiceField(label=_("Lawful reason for the link"), widget=forms.RadioSelect,
                                      error_messages=required(_("Select the lawful reason for the link")))
    reason_text = forms.CharField(label=_("Why the link is lawful and necessary"), max_length=CONDITIONS_MAX,
                                  widget=forms.Textarea,
                                  error_messages=required(_("Enter why the link is lawful and necessary")),
                                  validators=[text_validator(_("Why the link is lawful and necessary"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from palermo.intelligence.models import LAWFUL_REASON_CHOICES

        self.fields["lawful_reason"].choices = LAWFUL_REASON_CHOICES

    def clean_pseudonym(self):
        value = self.cleaned_data["pseudonym"].strip().upper()
        if len(value) < 3:
            raise forms.ValidationError(_("Enter the NRM person reference, like P-7K2M9Q"))
        return value
