"""Retention: removing what identifies a person once the dated, cited rule for the record allows.

The rules are law data (:mod:`palermo.law.retention`, ``law/data/policy/retention/``); this app
applies them: :mod:`.dates` (when a record is due), :mod:`.erasure` (what removal erases, field by
field), :mod:`.plan` (what is due, read-only), :mod:`.services` (``retention_apply``, the only
writer) and ``palermo retention`` (the command). See ``docs/retention.md``.
"""
