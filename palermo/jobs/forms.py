"""The import page's form: one CSV file, checked before anything is stored or queued — its
name ends in .csv, it is no larger than ``PALERMO_IMPORT_UPLOAD_MAX_BYTES`` and not empty, it is
UTF-8 text, and its header row names the import's columns (``import_rows.header_errors``). The
rows are checked by the import itself, in the background job."""

from __future__ import annotations

import hashlib
import io

from django import forms
from django.utils.translation import gettext as _

from palermo.core.csvread import CsvFile, Unreadable
from palermo.jobs.uploads import max_upload_bytes
from palermo.nrm.import_rows import header_errors
from palermo.web.forms.base import GovukForm

MAX_HEADER_PROBLEMS = 10


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB" if n >= 1024 * 1024 else f"{n // 1024:,} KB"


class ReferralUploadForm(GovukForm):
    file = forms.FileField(
        label=_("Upload a file"), max_length=200, allow_empty_file=True,
        error_messages={"required": _("Select a CSV file of referrals"),
                        "invalid": _("Select a CSV file of referrals"),
                        "max_length": _("The file name must be 200 characters or fewer")})

    def clean_file(self):
        f = self.cleaned_data["file"]
        limit = max_upload_bytes()
        if not f.name.lower().endswith(".csv"):
            raise forms.ValidationError(_("The selected file must be a CSV file"))
        if getattr(f, "too_large", False) or f.size > limit:
            raise forms.ValidationError(_("The selected file must be smaller than %(size)s") % {"size": _size(limit)})
        data = f.read()
        if not data.strip():
            raise forms.ValidationError(_("The selected file is empty"))
        try:
            header = CsvFile(io.BytesIO(data)).header
        except Unreadable as exc:
            raise forms.ValidationError(exc.message) from None
        problems = header_errors(header)
        if problems:
            raise forms.ValidationError([
                _("The header row of the selected file is wrong: %(problem)s") % {
                    "problem": f"{p.column}: {p.message}" if p.column else p.message}
                for p in problems[:MAX_HEADER_PROBLEMS]])
        self.data_bytes = data
        self.sha256 = hashlib.sha256(data).hexdigest()
        return f
