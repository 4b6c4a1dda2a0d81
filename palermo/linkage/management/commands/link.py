"""``palermo link``: person linkage from the command line.

* ``palermo link people --input people.csv --output clusters.csv`` — deduplicate (or merge)
  people lists into clusters; ``--pairs pairs.csv`` also writes the scored pairs for review;
* ``palermo link train`` — re-estimate the model on synthetic (or given) records and save it;
* ``palermo link run`` — link everyone in the database, propose possible matches for review
  (never confirmed automatically) and write a report (:mod:`palermo.linkage.batch`);
* ``palermo link rescore`` — rescore the pending possible matches that another model scored
  (:mod:`palermo.linkage.rescoring`);
* ``palermo link repeats`` — repeat-referral statistics (aggregates only).

The command only parses and reports; the work is in :mod:`palermo.linkage.filemode` and
:mod:`palermo.linkage.linking`.
"""

from __future__ import annotations

import time
from importlib import resources
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from palermo.linkage.backends import BACKENDS, BackendUnavailable
from palermo.linkage.classifier import TRAINING_SIZES, train_classifier
from palermo.linkage.clustering import ASSIGN_THRESHOLD
from palermo.linkage.filemode import InputFileError, link_file, read_people_csv
from palermo.linkage.linking import DEFAULT_THRESHOLD, train_model
from palermo.linkage.model import DEFAULT_MODEL, ModelError


def _probability(text: str) -> float:
    value = float(text)
    if not 0 < value <= 1:
        raise ValueError(text)
    return value


_probability.__name__ = "probability between 0 and 1"


class Command(BaseCommand):
    help = "Link records of the same person (Splink). Subcommands: people, train, train-classifier, run, rescore, repeats."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, parser_class=type(parser))
        people = sub.add_parser(
            "people",
            help="Cluster the people in a CSV file",
            description="Cluster records of the same person in a CSV "
            "(record_id, given_name, family_name, date_of_birth, gender, nationality, recorded_on, source).",
            called_from_command_line=getattr(parser, "called_from_command_line", None),
        )
        people.add_argument("--input", required=True, type=Path, help="people CSV to link")
        people.add_argument("--output", required=True, type=Path, help="clusters CSV to write")
        people.add_argument(
            "--threshold",
            type=_probability,
            default=DEFAULT_THRESHOLD,
            help=f"match probability at or above which records are linked (default {DEFAULT_THRESHOLD})",
        )
        people.add_argument("--pairs", type=Path, help="also write the scored candidate pairs to this CSV")
        people.add_argument(
            "--pairs-threshold",
            type=_probability,
            default=0.5,
            help="lowest match probability of the pairs written with --pairs (default 0.5)",
        )
        people.add_argument(
            "--assign-threshold",
            type=_probability,
            default=ASSIGN_THRESHOLD,
            help="place a record with no full date of birth with its best match when that is at least this "
            f"probable among all it could join (default {ASSIGN_THRESHOLD})",
        )
        people.add_argument(
            "--no-assign",
            action="store_true",
            help="link records without a full date of birth only at --threshold, like all others",
        )
        people.add_argument("--model", type=Path, help="trained model JSON (default: the packaged model)")
        people.add_argument(
            "--classifier", type=Path,
            help="pair classifier JSON (palermo link train-classifier) to re-score the model's candidate pairs",
        )  # fmt: skip
        people.add_argument("--backend", choices=BACKENDS, default="duckdb", help="where Splink runs")

        train = sub.add_parser(
            "train",
            help="Re-estimate the linkage model and save it as JSON",
            called_from_command_line=getattr(parser, "called_from_command_line", None),
        )
        train.add_argument("--input", type=Path, help="people CSV to train on (default: synthetic records)")
        train.add_argument("--records", type=int, default=50_000, help="synthetic records to generate")
        train.add_argument("--seed", type=int, default=11, help="seed for the synthetic records and sampling")
        train.add_argument("--names", choices=("caseload", "calibrated"), default="caseload",
                           help="name frequencies of the synthetic records (palermo.synth.people)")
        train.add_argument(
            "--output", type=Path, help="where to save the model (default: the packaged model file)"
        )
        train.add_argument("--backend", choices=BACKENDS, default="duckdb", help="where Splink runs")

        train_classifier = sub.add_parser(
            "train-classifier",
            help="Train the pair classifier on labelled synthetic records and save it as JSON",
            description="Train a gradient-boosted classifier over the model's comparison levels on synthetic "
            "records whose truth is known (palermo.synth.people), for `palermo link people --classifier`.",
            called_from_command_line=getattr(parser, "called_from_command_line", None),
        )
        train_classifier.add_argument("--output", required=True, type=Path, help="where to save the classifier")
        train_classifier.add_argument(
            "--model", type=Path, help="the linkage model whose candidate pairs it re-scores (default: packaged)"
        )
        train_classifier.add_argument(
            "--sizes", default=",".join(str(n) for n in TRAINING_SIZES),
            help="comma-separated record counts of the training sets (default %(default)s)",
        )  # fmt: skip
        train_classifier.add_argument("--seed", type=int, default=11, help="seed of the first training set")
        train_classifier.add_argument("--names", choices=("caseload", "calibrated"), default="calibrated",
                                      help="name frequencies of the synthetic records (default calibrated)")

        run = sub.add_parser(
            "run",
            help="Link everyone in the database and propose possible matches for review",
            called_from_command_line=getattr(parser, "called_from_command_line", None),
        )
        run.add_argument("--report", type=Path, help="HTML report to write (default: in the data folder)")
        run.add_argument(
            "--threshold", type=_probability, default=None,
            help="lowest match probability proposed for review (default: PALERMO_LINK_REVIEW_THRESHOLD, 0.5)",
        )  # fmt: skip
        run.add_argument(
            "--link-threshold", type=_probability, default=DEFAULT_THRESHOLD,
            help=f"probability counted as a link in the report (default {DEFAULT_THRESHOLD}); nothing is linked automatically",
        )  # fmt: skip
        run.add_argument("--model", type=Path, help="trained model JSON (default: the packaged model)")
        run.add_argument("--actor", help="username recorded in the audit log (default: system)")
        rescore = sub.add_parser(
            "rescore",
            help="Rescore the pending possible matches that another model scored",
            description="Rescore, with the current model, the pending possible matches scored by another model. "
            "One now below the review threshold is withdrawn (kept, with its history); decided ones are left alone.",
            called_from_command_line=getattr(parser, "called_from_command_line", None),
        )
        rescore.add_argument("--model", type=Path, help="trained model JSON (default: the packaged model)")
        rescore.add_argument("--actor", help="username recorded in the audit log (default: system)")
        rescore.add_argument("--dry-run", action="store_true", help="count what would change and write nothing")
        sub.add_parser(
            "repeats",
            help="Repeat-referral statistics (aggregates only)",
            called_from_command_line=getattr(parser, "called_from_command_line", None),
        )

    def handle(self, *args, **options):
        console = Console(stderr=True, quiet=options["verbosity"] == 0, highlight=False)
        start = time.perf_counter()

        def progress(message: str) -> None:
            console.print(f"[dim]{time.perf_counter() - start:7.1f}s[/dim] {message}")

        if options["subcommand"] == "repeats":
            from palermo.linkage.report import print_repeats
            from palermo.linkage.selectors import repeat_referral_stats

            print_repeats(repeat_referral_stats(), Console(file=self.stdout, highlight=False, width=110))
            return
        try:
            if options["subcommand"] == "run":
                self._run(options, progress)
                return
            if options["subcommand"] == "rescore":
                self._rescore(options)
                return
            with console.status("Linking…" if options["subcommand"] == "people" else "Training…"):
                if options["subcommand"] == "people":
                    self._people(options, progress)
                elif options["subcommand"] == "train-classifier":
                    self._train_classifier(options, progress)
                else:
                    self._train(options, progress)
        except (InputFileError, ModelError, BackendUnavailable, ValueError) as exc:
            raise CommandError(str(exc)) from exc

    def _people(self, options, progress) -> None:
        result = link_file(
            input_path=options["input"],
            output_path=options["output"],
            pairs_path=options["pairs"],
            threshold=options["threshold"],
            pairs_threshold=options["pairs_threshold"],
            model_path=options["model"],
            backend=options["backend"],
            progress=progress,
            assign_threshold=None if options["no_assign"] else options["assign_threshold"],
            classifier_path=options["classifier"],
        )
        stats = result.stats
        self.stdout.write(
            f"{stats['records']} records, {stats['clusters']} clusters written to {options['output']}"
            + (
                f" ({stats['assigned_without_full_date']} placed without a full date of birth)"
                if stats.get("assigned_without_full_date")
                else ""
            )
        )

    @staticmethod
    def _actor(options):
        from django.contrib.auth import get_user_model

        if not options["actor"]:
            return None
        actor = get_user_model().objects.filter(username=options["actor"], is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user called {options['actor']!r}")
        return actor

    def _rescore(self, options) -> None:
        from palermo.linkage.rescoring import link_candidates_rescore

        actor = self._actor(options)
        result = link_candidates_rescore(actor=actor, model_path=options["model"], dry_run=options["dry_run"])
        self.stdout.write(
            f"Model {result['model_version']}, review threshold {result['threshold']}"
            + (" (dry run: nothing written)" if result["dry_run"] else "")
        )
        for key, label in (
            ("rescored", "rescored (pending or withdrawn, scored by another model)"),
            ("raised", "  probability raised"),
            ("lowered", "  probability lowered"),
            ("unchanged", "  probability unchanged"),
            ("withdrawn", "withdrawn (now below the review threshold)"),
            ("reinstated", "proposed again (withdrawn, now at or above it)"),
            ("decided_left_alone", "decided by a person, left alone"),
            ("not_scored", "not scored (a person no longer has an NRM case)"),
        ):
            self.stdout.write(f"{label:<60} {result[key]:>6,}")

    def _run(self, options, progress) -> None:
        from django.conf import settings
        from django.utils import timezone

        from palermo.linkage.batch import link_run
        from palermo.linkage.report import print_report, write_html_report

        actor = self._actor(options)
        stats = link_run(
            actor=actor, threshold=options["threshold"], link_threshold=options["link_threshold"],
            model_path=options["model"], progress=progress,
        )  # fmt: skip
        report = options["report"] or Path(settings.DATA_DIR) / "linkage" / (
            f"linkage-report-{timezone.localtime():%Y%m%d-%H%M%S}.html"
        )
        write_html_report(stats, report)
        print_report(stats, Console(file=self.stdout, highlight=False, width=110))
        self.stdout.write(
            f"{stats['candidates_created']} new possible matches for review; report written to {report}"
        )

    def _train_classifier(self, options, progress) -> None:
        try:
            sizes = [int(part) for part in options["sizes"].split(",")]
        except ValueError as exc:
            raise CommandError(f"--sizes must be whole numbers separated by commas, not {options['sizes']!r}") from exc
        if not sizes or min(sizes) < 100:
            raise CommandError("each training set needs at least 100 records")
        classifier = train_classifier(
            output=options["output"], fs_model=options["model"], sizes=sizes, seed=options["seed"],
            names=options["names"], progress=progress,
        )  # fmt: skip
        self.stdout.write(f"Pair classifier ({len(classifier.trees)} trees) saved to {options['output']}")

    def _train(self, options, progress) -> None:
        if options["input"]:
            records = read_people_csv(path=options["input"])
            described = f"{options['input'].name} ({len(records)} records)"
        else:
            from palermo.synth.people import generate_people

            names = options.get("names") or "caseload"
            records = generate_people(n_records=options["records"], seed=options["seed"], names=names)
            described = f"palermo.synth.people, {options['records']} records, seed {options['seed']}"
            if names != "caseload":
                described += f", {names} names"
        progress(f"Training on {described}")
        output = options["output"] or Path(str(resources.files(DEFAULT_MODEL[0]).joinpath(DEFAULT_MODEL[1])))
        train_model(
            records=records,
            output=output,
            training_data=described,
            seed=options["seed"],
            backend=options["backend"],
            progress=progress,
        )
        self.stdout.write(f"Model saved to {output}")
