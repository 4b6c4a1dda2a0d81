"""Template tags that render form fields and small values in GOV.UK Frontend markup.

``{% govuk_field form.name heading=True size="l" %}`` picks the component from the field's
widget (input, textarea, select, radios, checkboxes, date input) and renders the partial in
``templates/govuk/``; those partials follow GOV.UK Frontend's own component HTML
(``node_modules/govuk-frontend/dist/govuk/components/*/template-*.html``).
"""

from __future__ import annotations

import datetime as dt

from django import forms, template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from palermo.nrm import workflow
from palermo.web.forms.base import GovukDateField

register = template.Library()

# Status → tag colour. The tag always says the status in words: colour is never the only cue.
STATUS_TAG_CLASSES = {
    workflow.REFERRED: "govuk-tag--blue",
    workflow.RG_REVIEW: "govuk-tag--yellow",
    workflow.RG_NEGATIVE: "govuk-tag--red",
    workflow.RECOVERY_PERIOD: "govuk-tag--light-blue",
    workflow.CG_REVIEW: "govuk-tag--yellow",
    workflow.IDENTIFIED: "govuk-tag--green",
    workflow.NOT_IDENTIFIED: "govuk-tag--red",
    workflow.WITHDRAWN: "govuk-tag--grey",
}


# Short status labels for tables, with "RG" and "CG" explained above the table.
STATUS_SHORT_LABELS = {
    workflow.REFERRED: _lazy("Awaiting RG decision"),
    workflow.RG_REVIEW: _lazy("RG negative: in second review"),
    workflow.RG_NEGATIVE: _lazy("RG negative"),
    workflow.RECOVERY_PERIOD: _lazy("Recovery period: awaiting CG"),
    workflow.CG_REVIEW: _lazy("CG negative: in second review"),
    workflow.IDENTIFIED: _lazy("CG positive: identified"),
    workflow.NOT_IDENTIFIED: _lazy("CG negative"),
    workflow.WITHDRAWN: _lazy("Withdrawn"),
}


def _kind(field: forms.Field) -> str:
    widget = field.widget
    if isinstance(field, GovukDateField):
        return "date"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    return "input"


def _items(bf, base_id: str, selected: set[str], opts: dict) -> list[dict]:
    form = bf.form
    field = bf.field
    hints = getattr(field, "item_hints", {}) or {}
    conditionals = getattr(form, "conditionals", {}).get(bf.name, {})
    items = []
    n = 0
    for value, label in field.choices:
        if value in ("", None):
            continue
        n += 1
        item_id = base_id if n == 1 else f"{base_id}-{n}"
        child_html = ""
        if value in conditionals:
            child_html = mark_safe("".join(render_field(form[c]) for c in conditionals[value]))
        items.append({
            "id": item_id, "value": value, "label": label, "checked": str(value) in selected,
            "hint": hints.get(value, ""), "conditional": child_html,
            "divider": _("or") if value in getattr(field, "divider_before", ()) else "",
            "exclusive": value in getattr(field, "exclusive", ()),
        })
    return items


def render_field(bf, **opts) -> str:
    form = bf.form
    field = bf.field
    kind = _kind(field)
    base_id = form.field_id(bf.name) if hasattr(form, "field_id") else bf.auto_id
    errors = list(bf.errors)
    hint = opts.get("hint", field.help_text)
    ctx = {
        "name": bf.html_name, "id": base_id, "label": opts.get("label", bf.label), "hint": hint,
        "error": errors[0] if errors else "", "heading": opts.get("heading", False),
        "size": opts.get("size", ""), "classes": opts.get("classes", ""), "inline": opts.get("inline", False),
        "small": opts.get("small", False), "autocomplete": opts.get("autocomplete", ""),
        "input_type": opts.get("type", "text"), "spellcheck": opts.get("spellcheck", None),
        "rows": opts.get("rows", 5), "inputmode": opts.get("inputmode", ""), "caption": opts.get("caption", ""),
    }
    value = bf.value()
    if kind == "date":
        parts = field.widget.decompress(value)
        ctx["parts"] = [
            {"id": f"{base_id}-{p}", "name": f"{bf.html_name}-{p}", "label": lab, "value": parts[i] if i < len(parts) else "",
             "width": 4 if p == "year" else 2}
            for i, (p, lab) in enumerate((("day", _("Day")), ("month", _("Month")), ("year", _("Year"))))
        ]
    elif kind in {"radios", "checkboxes"}:
        if value is None:
            selected = set()
        elif isinstance(value, list | tuple):
            selected = {str(v) for v in value}
        else:
            selected = {str(value)}
        ctx["items"] = _items(bf, base_id, selected, opts)
    elif kind == "checkbox":
        ctx["checked"] = bool(value) and value not in ("False", "false", "0", "off")
    elif kind == "select":
        ctx["options"] = [
            {"value": v, "label": lab, "selected": str(v) == str(value if value is not None else "")}
            for v, lab in field.choices
        ]
    else:
        # A password is never sent back to the browser, even after a failed sign-in.
        secret = isinstance(field.widget, forms.PasswordInput) and not field.widget.render_value
        ctx["value"] = "" if value is None or secret else value
    return render_to_string(f"govuk/{kind}.html", ctx)


@register.simple_tag
def govuk_field(bf, **opts):
    return mark_safe(render_field(bf, **opts))


@register.inclusion_tag("govuk/error_summary.html")
def govuk_error_summary(*forms_):
    """The error summary for one or more forms, each message linked to its field."""
    items = []
    for form in forms_:
        if form is not None and hasattr(form, "error_summary") and form.is_bound:
            items.extend(form.error_summary())
    return {"items": items}


@register.inclusion_tag("govuk/status_tag.html")
def status_tag(status: str, label: str | None = None, short: bool = False):
    if short:
        label = STATUS_SHORT_LABELS.get(status, label)
    return {"label": label or workflow.STATUS_LABELS.get(status, status), "classes": STATUS_TAG_CLASSES.get(status, "govuk-tag--grey")}


@register.filter
def govuk_date(value) -> str:
    """"Friday 4 December 2026": dates always with the weekday, so a working day is visible."""
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    from django.utils.formats import date_format

    return date_format(value, "l j F Y")


@register.filter
def govuk_birth_date(value) -> str:
    """A date of birth: "6 May 1994" (no weekday: it says nothing about a birth date)."""
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    from django.utils.formats import date_format

    return date_format(value, "j F Y")


@register.filter
def language_names(codes) -> str:
    """ISO 639 codes as language names ("vie" -> "Vietnamese"); anything else as given."""
    import pycountry

    out = []
    for code in codes or []:
        lang = pycountry.languages.get(alpha_3=code) if len(code) == 3 else (
            pycountry.languages.get(alpha_2=code) if len(code) == 2 else None)
        out.append(lang.name if lang else code)
    return ", ".join(out)


@register.filter
def working_days_text(days) -> str:
    """"Due in 3 working days", "Due today", "Overdue by 2 working days" (no date known here)."""
    if days is None:
        return ""
    days = int(days)
    if days == 0:
        return _("Due today")
    if days > 0:
        return ngettext("Due in %(n)d working day", "Due in %(n)d working days", days) % {"n": days}
    return ngettext("Overdue by %(n)d working day", "Overdue by %(n)d working days", -days) % {"n": -days}


@register.simple_tag
def next_due_text(next_due) -> str:
    """The next due date as what to do about it (``palermo.web.words.due_words``): a conclusive
    grounds decision is never "overdue" (it has an earliest date, not a deadline), a window in
    the past is "closed on …", and long counts become dates."""
    from palermo.web.words import due_words

    if not next_due:
        return ""
    return due_words(next_due.get("kind"), next_due.get("date"), next_due.get("working_days_left"))


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters changed (for sorting and paging links)."""
    request = context["request"]
    q = request.GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            q.pop(key, None)
        else:
            q[key] = value
    encoded = q.urlencode()
    return "?" + encoded if encoded else "?"


@register.filter
def get_item(mapping, key):
    return mapping.get(key, key) if mapping else key


@register.inclusion_tag("govuk/rule_value.html")
def rule_value(value, version, nation=None, summary=None):
    """A value (a date, an authority) and, behind a "Why this date?" disclosure, the dated rule
    that set it in plain words (``palermo.law.explain``). The one way pages show a stored rule
    version: the raw version string appears only inside the disclosure, for auditors."""
    from palermo.law.explain import rule_explain

    return {"value": value, "rule": rule_explain(version, nation=nation),
            "summary": summary or _("Why this date?")}


@register.inclusion_tag("govuk/source_details.html")
def source_details(source, summary=None):
    """A citation ("seed note §1") behind a "Source" disclosure, never in a label."""
    return {"source": source, "summary": summary or _("Source")}


@register.simple_tag
def abbr(code):
    """``<abbr title="Single Competent Authority">SCA</abbr>``: the one helper for the
    abbreviations caseworkers meet (``palermo.web.words.ABBREVIATIONS``); anything else as given."""
    from django.utils.html import format_html

    from palermo.web.words import ABBREVIATIONS

    if code in ABBREVIATIONS:
        return format_html('<abbr title="{}">{}</abbr>', ABBREVIATIONS[code], code)
    from palermo.web.words import abbreviate

    return abbreviate(code)  # a longer text: its abbreviations each in <abbr>


@register.filter(is_safe=True)
def abbreviate(text):
    """Text with each known abbreviation in an ``<abbr title>`` (``palermo.web.words.abbreviate``)."""
    from palermo.web.words import abbreviate as _abbreviate

    return _abbreviate(text)


@register.filter
def spelled_out(code) -> str:
    """"Single Competent Authority (SCA)": the first use on a page, spelled out."""
    from palermo.web.words import ABBREVIATIONS

    return f"{ABBREVIATIONS[code]} ({code})" if code in ABBREVIATIONS else code


@register.inclusion_tag("govuk/text_with_source.html")
def text_with_source(text):
    """Text from law data that cites in brackets ("… (seed note §1).") as plain words, with the
    citation behind a "Source" disclosure."""
    from palermo.web.words import split_citation

    plain, source = split_citation(str(text))
    return {"text": plain, "source": source, "summary": _("Source")}
