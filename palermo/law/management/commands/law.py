"""``palermo law``: ask the law knowledge base from the command line.

Subcommands:

* ``offences`` — which offences applied to facts given as JSON on stdin (or ``--facts FILE``), or
  as flags (``--date 2008-01-31 --jurisdiction outside_uk --conduct arrange_arrival ...``);
  ``--json`` prints ``{"offences": [...], "not_applicable": [...], "reasons": [...]}``.
* ``define TERM`` — a definition (seed note §1) with its sources.
* ``timeline`` — when offences came into force, changed and were repealed, by nation;
  ``--on DATE`` lists those in force on a date.
* ``assess`` — which Palermo elements (act / means / purpose) recorded codes evidence.
* ``check`` — validate every data file and run the YAML cases; exits non-zero naming the problem.

An interface only: each subcommand parses, calls one function in ``palermo.law.selectors``, prints.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from palermo.law import selectors
from palermo.law.vocab import CONDUCTS, EXPLOITATIONS, JURISDICTIONS, NATION_LABELS, NATIONS

_TRI = {"yes": True, "true": True, "no": False, "false": False, "unknown": None}


def _tri(value: str) -> bool | None:
    try:
        return _TRI[value.lower()]
    except KeyError:
        raise ValueError(f"{value!r}: use yes, no or unknown") from None


class Command(BaseCommand):
    help = "Which trafficking offences applied, definitions, the timeline, and data checks."
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)

        off = sub.add_parser("offences", help="which offences applied to a set of facts")
        off.add_argument("--json", action="store_true", dest="as_json", help="print JSON")
        off.add_argument("--facts", help="a JSON file of facts ('-' for stdin, the default)")
        off.add_argument("--date", help="date of the conduct, YYYY-MM-DD")
        off.add_argument("--jurisdiction", help=" | ".join(JURISDICTIONS))
        off.add_argument("--conduct", help=" | ".join(CONDUCTS))
        off.add_argument("--exploitation", help=" | ".join(EXPLOITATIONS))
        off.add_argument("--nationality", dest="offender_nationality", help="british | foreign")
        off.add_argument("--uk-company", dest="offender_is_uk_company", action="store_true", default=None)
        off.add_argument(
            "--previously-trafficked", dest="victim_previously_trafficked_into_uk", help="yes | no | unknown"
        )
        off.add_argument(
            "--third-party-gain", dest="third_party_exploitative_conduct_for_gain", help="yes | no | unknown"
        )
        off.add_argument("--country-of-movement", dest="country_of_movement", help="uk | other")
        off.add_argument(
            "--habitually-resident-in", dest="offender_habitually_resident_in", help=" | ".join(NATIONS)
        )

        define = sub.add_parser("define", help="a definition, with its sources")
        define.add_argument("term", nargs="+")

        tl = sub.add_parser("timeline", help="offences in force by date and nation")
        tl.add_argument("--nation", choices=NATIONS)
        tl.add_argument("--on", help="list the offences in force on this date (YYYY-MM-DD)")
        tl.add_argument("--json", action="store_true", dest="as_json")

        assess = sub.add_parser("assess", help="which Palermo elements recorded codes evidence")
        assess.add_argument("--act", action="append", default=[])
        assess.add_argument("--means", action="append", default=[])
        assess.add_argument("--purpose", action="append", default=[])
        assess.add_argument("--child", choices=["yes", "no", "unknown"], default="unknown")
        assess.add_argument("--consent-recorded", action="store_true")
        assess.add_argument("--json", action="store_true", dest="as_json")

        sub.add_parser("check", help="validate every law data file and run the YAML cases")

    # ------------------------------------------------------------------------------------------
    def handle(self, *args: Any, **options: Any) -> None:
        self.console = Console(file=self.stdout, width=110, highlight=False, soft_wrap=True)
        handler = getattr(self, f"_{options['subcommand']}")
        handler(options)

    def _print_json(self, data: Any) -> None:
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))

    # ---- offences ----------------------------------------------------------------------------
    def _read_facts(self, options: dict[str, Any]) -> dict[str, Any]:
        flag_keys = [
            "date",
            "jurisdiction",
            "conduct",
            "exploitation",
            "offender_nationality",
            "offender_is_uk_company",
            "victim_previously_trafficked_into_uk",
            "third_party_exploitative_conduct_for_gain",
            "country_of_movement",
            "offender_habitually_resident_in",
        ]
        flags = {k: options.get(k) for k in flag_keys if options.get(k) is not None}
        if flags:
            try:
                for k in (
                    "victim_previously_trafficked_into_uk",
                    "third_party_exploitative_conduct_for_gain",
                ):
                    if k in flags:
                        flags[k] = _tri(flags[k])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            return flags
        source = options.get("facts") or "-"
        if source == "-":
            stream = options.get("stdin") or sys.stdin
            text = stream.read()
        else:
            try:
                with open(source, encoding="utf-8") as fh:
                    text = fh.read()
            except OSError as exc:
                raise CommandError(f"cannot read {source}: {exc}") from exc
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(f"the facts are not valid JSON: {exc}") from exc

    def _offences(self, options: dict[str, Any]) -> None:
        try:
            answer = selectors.offences_applicable(self._read_facts(options))
        except selectors.FactsError as exc:
            raise CommandError("the facts cannot be used:\n  - " + "\n  - ".join(exc.problems)) from exc
        if options["as_json"]:
            data = answer.to_json()
            self._print_json({k: data[k] for k in ("offences", "not_applicable", "reasons", "facts")})
            return
        f = answer.facts
        self.console.print(
            f"[bold]Facts[/]: {f.date}, {NATION_LABELS[f.jurisdiction]}, {f.conduct}, exploitation {f.exploitation}, "
            f"{'UK company' if f.offender_is_uk_company else f.offender_nationality + ' national'}"
        )
        if answer.offences:
            for o in answer.offences:
                self.console.print(f"\n[bold green]Applied: {o.id}[/] — {o.title} ({o.statute} s{o.section})")
                self.console.print(f"  Nations: {', '.join(NATION_LABELS[n] for n in o.nations)}")
                self.console.print(f"  Maximum penalty: {o.max_penalty.text()}")
                if o.strict_liability:
                    self.console.print("  Strict liability")
                self.console.print("  How:")
                for step in o.rule_path:
                    cites = "; ".join(
                        s.citation + ("" if s.verified else " \\[unverified]") for s in step.citations
                    )
                    self.console.print(
                        f"    - {step.test}: {step.result}" + (f"  [dim]({cites})[/]" if cites else "")
                    )
        else:
            self.console.print("\n[bold]No offence applied.[/]")
        if answer.not_applicable:
            self.console.print("\n[bold]Did not apply[/]:")
            for n in answer.not_applicable:
                self.console.print(escape(f"  - {n.id} [{n.code}]: {n.reason}"))
        self.console.print("\n[bold]Reasons[/]:")
        for r in answer.reasons:
            self.console.print(escape(f"  - {r}"))

    # ---- define ------------------------------------------------------------------------------
    def _define(self, options: dict[str, Any]) -> None:
        term = " ".join(options["term"])
        try:
            d = selectors.definition_get(term)
        except KeyError as exc:
            raise CommandError(str(exc.args[0])) from exc
        entry = d.current()
        self.console.print(f"[bold]{d.term}[/] (from {entry.from_})")
        self.console.print(escape(entry.value.text.strip()))
        if entry.value.elements:
            for name, items in entry.value.elements.items():
                self.console.print(f"  {name}: " + "; ".join(f"{e.label} ({e.code})" for e in items))
        self.console.print("Sources:")
        for s in entry.sources:
            self.console.print(
                f"  - {s.citation}"
                + ("" if s.verified else " \\[unverified]")
                + (f" {s.url}" if s.url else "")
            )
        if d.see_also:
            self.console.print(f"See also: {', '.join(d.see_also)}")

    # ---- timeline ----------------------------------------------------------------------------
    def _timeline(self, options: dict[str, Any]) -> None:
        if options.get("on"):
            try:
                on = dt.date.fromisoformat(options["on"])
            except ValueError as exc:
                raise CommandError("--on must be a date, YYYY-MM-DD") from exc
            in_force = selectors.offences_in_force(on=on, nation=options.get("nation"))
            if options["as_json"]:
                self._print_json({"on": on.isoformat(), "in_force": in_force})
                return
            table = Table(title=f"Offences in force on {on}")
            table.add_column("Nation")
            table.add_column("Offences")
            for nation, ids in in_force.items():
                table.add_row(NATION_LABELS[nation], ", ".join(ids) or "none")
            self.console.print(table)
            return
        events = selectors.timeline(nation=options.get("nation"))
        if options["as_json"]:
            self._print_json([e.to_json() for e in events])
            return
        table = Table(title="Trafficking offences by date and nation")
        for col in ("Date", "Offence", "Nations", "Change"):
            table.add_column(col)
        for e in events:
            if e.kind == "penalty" and not e.detail.startswith("maximum penalty changed"):
                continue
            flag = " \\[unverified]" if e.unverified else ""
            table.add_row(
                e.date.isoformat(),
                e.offence_id,
                ", ".join(NATION_LABELS[n] for n in e.nations),
                escape(e.detail) + flag,
            )
        self.console.print(table)

    # ---- assess ------------------------------------------------------------------------------
    def _assess(self, options: dict[str, Any]) -> None:
        try:
            result = selectors.assess_palermo_elements(
                act=options["act"],
                means=options["means"],
                purpose=options["purpose"],
                victim_is_child=_tri(options["child"]),
                consent_recorded=options["consent_recorded"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["as_json"]:
            self._print_json(result.to_json())
            return
        for e in result.elements:
            self.console.print(escape(f"  {e.element}: {e.status} — {e.explanation}"))
        for n in result.notes:
            self.console.print(escape(f"  note: {n}"))
        self.console.print(result.not_a_decision)

    # ---- check -------------------------------------------------------------------------------
    def _check(self, options: dict[str, Any]) -> None:
        counts, problems = selectors.law_data_check()
        if problems:
            raise CommandError("law data check failed:\n  - " + "\n  - ".join(problems))
        self.console.print(
            "law data OK: "
            + ", ".join(f"{n} {k}" for k, n in counts.items())
            + " (every value cited, dates in order, cross-references known, every case passes)"
        )
