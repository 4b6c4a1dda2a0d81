"""The GOV.UK form layer: a base form that knows how to list its errors for the error summary
(each linked to the first input of its field), and a date field in the GOV.UK date pattern.

Error messages follow the GOV.UK Design System: say what to do ("Enter…", "Select…"), name the
thing, no "please", no "invalid", never Django's "This field is required".
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from palermo.core.text import text_problem
from palermo.people.names import name_problem


class GovukForm(forms.Form):
    """Base form. ``error_summary`` gives (message, href) pairs in field order; the href is the
    id of the first input of the field (``#dob-day`` for a date, ``#outcome`` for radios)."""

    template_name = None  # pages render fields one by one with {% govuk_field %}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Some pages show fields inside the conditional reveal of a radio button: the page
        # renders those inside the radio item instead of on their own.
        self.conditional_fields: set[str] = set()
        for children in getattr(self, "conditionals", {}).values():
            self.conditional_fields.update(children)

    def error_summary(self) -> list[tuple[str, str]]:
        out = []
        for name in list(self.fields) + ["__all__"]:
            for message in self.errors.get(name, []):
                out.append((message, "#" + self.first_input_id(name)))
        return out

    def first_input_id(self, name: str) -> str:
        if name == "__all__" or name not in self.fields:
            return "main-content"
        field = self.fields[name]
        if isinstance(field, GovukDateField):
            return f"{self.field_id(name)}-day"
        return self.field_id(name)

    def field_id(self, name: str) -> str:
        return name.replace("_", "-")

    def add_service_error(self, field: str, message: str) -> None:
        """Put an error from a service (``ValidationFailed.fields``) on the right field, or on
        the form as a whole when the field is not on this page."""
        self.add_error(field if field in self.fields else None, message)


class GovukDateWidget(forms.MultiWidget):
    """Three text inputs (day, month, year) named ``<name>-day`` and so on."""

    def __init__(self, attrs=None):
        widgets = {"-day": forms.TextInput, "-month": forms.TextInput, "-year": forms.TextInput}
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, str) and value:
            try:
                d = dt.date.fromisoformat(value)
            except ValueError:
                return ["", "", ""]
            return [str(d.day), str(d.month), str(d.year)]
        if isinstance(value, list | tuple):
            return list(value)
        return ["", "", ""]

    def value_from_datadict(self, data, files, name):
        return [(data.get(f"{name}-{part}") or "").strip() for part in ("day", "month", "year")]

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}-{part}" in data for part in ("day", "month", "year"))


class GovukDateField(forms.Field):
    """A date entered as day, month and year, with the GOV.UK date-input error messages.

    ``subject`` is the name of the date in lower case, used in messages: "Enter the
    ``date of birth``", "``Date of birth`` must include a month", "… must be a real date".
    """

    widget = GovukDateWidget

    def __init__(self, *, subject: str, past_or_today: bool = False, **kwargs):
        self.subject = subject
        self.past_or_today = past_or_today
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("required", _("Enter the %(subject)s") % {"subject": subject})
        super().__init__(**kwargs)

    def _subject_cap(self) -> str:
        return str(self.subject)[:1].upper() + str(self.subject)[1:]

    def to_python(self, value):
        if isinstance(value, dt.date):
            return value
        if not value or not any(value):
            return None
        day, month, year = (list(value) + ["", "", ""])[:3]
        missing = [label for label, part in ((_("a day"), day), (_("a month"), month), (_("a year"), year)) if not part]
        if missing:
            raise forms.ValidationError(
                _("%(subject)s must include %(parts)s") % {"subject": self._subject_cap(), "parts": _(" and ").join(str(m) for m in missing)},
                code="incomplete",
            )
        if year.isdigit() and len(year) != 4:
            raise forms.ValidationError(_("Year must include 4 numbers"), code="year_digits")
        try:
            d, m, y = int(day), int(month), int(year)
            if y < 1000:
                raise ValueError
            value = dt.date(y, m, d)
        except ValueError:
            raise forms.ValidationError(
                _("%(subject)s must be a real date") % {"subject": self._subject_cap()}, code="invalid"
            ) from None
        return value

    def validate(self, value):
        super().validate(value)
        if value and self.past_or_today:
            from django.utils import timezone

            if value > timezone.localdate():
                raise forms.ValidationError(
                    _("%(subject)s must be today or in the past") % {"subject": self._subject_cap()}, code="future"
                )

    def prepare_value(self, value):
        return value


def required(message) -> dict:
    """error_messages for a required field: the GOV.UK message, also used for a choice that
    is not one of the options (a tampered form)."""
    return {"required": message, "invalid_choice": message, "invalid_list": message, "invalid_pk_value": message}


def text_validator(label, *, multiline: bool = True):
    """The API's rule for free text on a page: no control characters (tabs and line breaks
    only in multi-line text). "What happened must not include control characters: remove …"."""

    def validate(value: str) -> None:
        problem = text_problem(value, multiline=multiline)
        if problem:
            raise forms.ValidationError(f"{label} {problem}", code="text")

    return validate


def name_validator(label):
    """The API's rule for a name (``palermo.people.names``): letters of any script, spaces,
    hyphens, apostrophes and full stops."""

    def validate(value: str) -> None:
        problem = name_problem(value)
        if problem:
            raise forms.ValidationError(f"{label} {problem}", code="name")

    return validate
