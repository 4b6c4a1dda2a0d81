"""Forms of the search and allocation pages (GOV.UK wording)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from palermo.web.forms.base import GovukForm, required, text_validator


class SearchForm(GovukForm):
    q = forms.CharField(
        label=_("Search cases"), max_length=200,
        help_text=_("A case reference or its last 8 characters, a name, a person reference (P-…) or a date of birth "
                    "(for example, 27 3 1990)"),
        error_messages=required(_("Enter a reference, name, person reference or date of birth")) | {
            "max_length": _("Search must be 200 characters or fewer")},
        validators=[text_validator(_("Search"), multiline=False)],
    )

    def field_id(self, name: str) -> str:
        return "search-q" if name == "q" else super().field_id(name)


class AllocateForm(GovukForm):
    to_user = forms.ChoiceField(
        label=_("Who should this case be allocated to?"), widget=forms.RadioSelect,
        error_messages=required(_("Select a decision maker")),
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].choices = choices

    def field_id(self, name: str) -> str:
        return "to-user" if name == "to_user" else super().field_id(name)
