"""``palermo retention``: the retention rules and applying them.

* ``palermo retention rules [--on DATE]`` — the rule for each record kind in force on a date, with
  its sources (unverified ones marked);
* ``palermo retention apply --dry-run [--as-of DATE]`` — what would be anonymised or deleted, per
  kind: counts, case or report references and pseudonyms (never names); changes nothing;
* ``palermo retention apply [--as-of DATE] [--batch-size N] [--actor USERNAME]`` — do it, in
  batches, each one transaction with its ``retention.apply`` audit event.

The command only parses and prints; the work is in :mod:`palermo.retention.plan` and
:mod:`palermo.retention.services`.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from palermo.core.exceptions import ValidationFailed
from palermo.law.retention import KINDS, retention_rules_in_force
from palermo.retention.plan import REFERRAL_KINDS, retention_plan
from palermo.retention.services import DEFAULT_BATCH, retention_apply


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


_date.__name__ = "date (YYYY-MM-DD)"


class Command(BaseCommand):
    help = "Retention rules per record kind, and applying them (anonymise or delete what is due)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, parser_class=type(parser))
        rules = sub.add_parser("rules", help="the rules in force on a date, with their sources",
                               called_from_command_line=getattr(parser, "called_from_command_line", None))
        rules.add_argument("--on", type=_date, help="date (default today)")
        apply = sub.add_parser("apply", help="anonymise or delete what the rules make due",
                               called_from_command_line=getattr(parser, "called_from_command_line", None))
        apply.add_argument("--dry-run", action="store_true", help="list what would be done; change nothing")
        apply.add_argument("--as-of", type=_date, help="apply the rules as on this date (default today; "
                           "a later date only with --dry-run)")
        apply.add_argument("--batch-size", type=int, default=DEFAULT_BATCH,
                           help=f"records per transaction (default {DEFAULT_BATCH})")
        apply.add_argument("--limit", type=int, default=20, help="references listed per kind in a dry run (default 20)")
        apply.add_argument("--actor", help="username recorded on the audit events (default: system)")

    def handle(self, *args, subcommand, **opts):
        if subcommand == "rules":
            return self._rules(opts["on"] or timezone.localdate())
        as_of = opts["as_of"] or timezone.localdate()
        if opts["dry_run"]:
            return self._dry_run(as_of, opts["limit"])
        actor = None
        if opts["actor"]:
            from palermo.accounts.models import User

            actor = User.objects.filter(username=opts["actor"]).first()
            if actor is None:
                raise CommandError(f"no user {opts['actor']!r}")
        if opts["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            counts = retention_apply(actor=actor, as_of=as_of, batch_size=opts["batch_size"],
                                     progress=lambda m: self.stdout.write(f"  {m}"))
        except ValidationFailed as exc:
            raise CommandError("; ".join(exc.fields.values()) or exc.message) from exc
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        if not counts:
            self.stdout.write(f"Retention on {as_of.isoformat()}: nothing is due.")
            return
        self.stdout.write(f"Retention on {as_of.isoformat()}: done in {counts.pop('batches', 0)} batches.")
        for key in sorted(counts):
            self.stdout.write(f"  {key}: {counts[key]}")

    def _rules(self, on: dt.date) -> None:
        self.stdout.write(f"Retention rules in force on {on.isoformat()}")
        for kind, rule in retention_rules_in_force(on):
            self.stdout.write(f"\n{kind} — {KINDS[kind].label}")
            if rule is None:
                self.stdout.write("  no rule in force (repealed): records are not processed")
                continue
            self.stdout.write(f"  {rule.version}: {rule.period_text}")
            for s in rule.sources:
                mark = "" if s.verified else " [unverified]"
                self.stdout.write(f"  - {s.citation}{mark}" + (f" <{s.url}>" if s.url else ""))

    def _dry_run(self, as_of: dt.date, limit: int) -> None:
        plan = retention_plan(as_of=as_of)
        self.stdout.write(f"Retention on {as_of.isoformat()} (dry run: nothing is changed)")
        for kind, kp in plan.kinds.items():
            rule = kp.rule_in_force
            head = f"{rule.version}: {rule.period_text}" if rule else "no rule in force"
            self.stdout.write(f"\n{kind} — {head}")
            if kind == "audit_event":
                self.stdout.write(f"  kept: {kp.kept} events")
                continue
            verb = "delete" if rule and rule.action == "delete" else "anonymise"
            self.stdout.write(f"  would {verb}: {kp.count}")
            if kp.versions:
                self.stdout.write("  by rule: " + ", ".join(f"{v} {n}" for v, n in sorted(kp.versions.items())))
            if kp.due:
                more = f" and {len(kp.due) - limit} more" if len(kp.due) > limit else ""
                self.stdout.write("  references: " + ", ".join(kp.due[:limit]) + more)
            if kp.people:
                more = f" and {len(kp.people) - limit} more" if len(kp.people) > limit else ""
                self.stdout.write("  people: " + ", ".join(kp.people[:limit]) + more)
            if kind in REFERRAL_KINDS:
                self.stdout.write(f"  not yet due: {kp.not_yet_due}; open: {kp.open}; held (another record of the "
                                  f"same person is still kept): {kp.held}; no rule: {kp.no_rule}")
