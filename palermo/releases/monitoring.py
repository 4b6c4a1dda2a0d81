"""The monitoring report: what a National Rapporteur asks of the NRM (seed note §8, §10: an
independent body whose role is data collection and analysis), with evidence a reader can check.

Seed note §5.1 records that organisations criticised the NRM "for the emphasis that it places on
a person's immigration status". This report makes that question answerable: are positive
decisions less likely for some nationality groups, exploitation types, ages or kinds of first
responder, and by more than chance would explain?

* **Decision times by competent authority**: working days from the referral to the first
  reasonable grounds decision made (in the referral's nation's calendar), and calendar days from
  the positive reasonable grounds decision to the first conclusive grounds decision: median and
  quartiles.
* **Positive-decision rates**, for reasonable grounds and for conclusive grounds decisions in
  effect (a negative counts once a second reviewer agreed it; the latest decision in effect
  counts), by nationality group (UK, EEA on the referral date, other, not known), exploitation
  type (a case with two types counts in both), child or adult, and the kind of first responder
  organisation. Each rate has a 95% **Wilson score interval** (``scipy.stats.binomtest``).
* **Flags**: each group is compared with all other cases of the same stage by **Fisher's exact
  test** (two-sided). The p-values of every comparison in the report are adjusted together by
  **Holm's step-down method** (family-wise error rate 5%), and a group is flagged when its
  adjusted p-value is below 0.05. A flag says a difference is unlikely to be chance; it does not
  say why (case mix may explain it), and it decides nothing about anyone.
* **Small cells are suppressed**: a group with fewer decisions than the dated minimum
  (``releases.monitoring_minimum_cell``, 10) shows no counts, rate or interval and is not tested;
  if exactly one group of a breakdown is suppressed, the next smallest is suppressed too, so the
  total cannot give it back. A decision-time cell with fewer cases than the minimum is suppressed.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from palermo.accounts.models import ORG_KIND_CHOICES, Organisation
from palermo.core.calendar import working_days_between
from palermo.law.parameters import parameter_at
from palermo.nrm import codes
from palermo.releases.dataset import AGE_GROUPS, NATIONALITY_GROUPS, CaseFacts, case_facts

ALPHA = 0.05
STAGES = [("reasonable_grounds", "Reasonable grounds decisions"), ("conclusive_grounds", "Conclusive grounds decisions")]


@dataclass
class Group:
    key: str
    label: str
    n: int = 0
    positive: int = 0
    suppressed: bool = False
    rate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None
    p_adjusted: float | None = None
    flag: bool = False

    def public(self) -> dict:
        out = {"key": self.key, "label": self.label, "suppressed": self.suppressed, "flag": self.flag}
        if not self.suppressed:
            out.update(n=self.n, positive=self.positive, rate=self.rate, ci_low=self.ci_low, ci_high=self.ci_high,
                       p_value=self.p_value, p_adjusted=self.p_adjusted)
        return out


@dataclass
class Breakdown:
    stage: str
    stage_label: str
    dimension: str
    label: str
    groups: list[Group] = field(default_factory=list)
    total: Group | None = None


def wilson(positive: int, n: int) -> tuple[float, float]:
    from scipy.stats import binomtest  # imported here: scipy.stats costs ~1.5 s at every process start

    ci = binomtest(positive, n).proportion_ci(confidence_level=0.95, method="wilson")
    return float(ci.low), float(ci.high)


def holm(p_values: list[float]) -> list[float]:
    """Holm's step-down adjustment: the i-th smallest of m p-values times (m - i + 1), made
    non-decreasing, capped at 1."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


def _dimensions() -> list[tuple[str, str, list[tuple[str, str]], object]]:
    org_kinds = [(k, str(label)) for k, label in ORG_KIND_CHOICES]
    return [
        ("nationality_group", "Nationality group", NATIONALITY_GROUPS, lambda f: [f.nationality_group]),
        ("exploitation_type", "Type of exploitation", codes.choices("exploitation_types"),
         lambda f: f.exploitation_types),
        ("age_group", "Child or adult", AGE_GROUPS, lambda f: ["child" if f.child else "adult"]),
        ("first_responder_kind", "Kind of first responder", org_kinds, lambda f: [f.first_responder_kind]),
    ]


def _suppress(groups: list[Group], minimum: int) -> None:
    for g in groups:
        if g.n < minimum:
            g.suppressed = True
    hidden = [g for g in groups if g.suppressed and g.n > 0]
    shown = sorted((g for g in groups if not g.suppressed and g.n > 0), key=lambda g: (g.n, g.key))
    if len(hidden) == 1 and shown:
        shown[0].suppressed = True  # complementary suppression: the total would give the one back
    for g in groups:
        if g.suppressed:
            g.rate = g.ci_low = g.ci_high = None


def _rates(facts: list[CaseFacts], minimum: int) -> list[Breakdown]:
    from scipy.stats import fisher_exact  # imported here, as in wilson()

    out = []
    for stage, stage_label in STAGES:
        decided = [(f, f.rg_outcome if stage == "reasonable_grounds" else f.cg_outcome) for f in facts]
        decided = [(f, o) for f, o in decided if o is not None]
        total = Group("all", "All cases", n=len(decided), positive=sum(o == "positive" for _, o in decided))
        for dim, label, keys, values_of in _dimensions():
            b = Breakdown(stage, stage_label, dim, label, total=total)
            by_key = {k: Group(k, str(lbl)) for k, lbl in keys}
            for f, outcome in decided:
                for v in values_of(f):
                    g = by_key.get(v)
                    if g is not None:
                        g.n += 1
                        g.positive += outcome == "positive"
            b.groups = list(by_key.values())
            _suppress(b.groups, minimum)
            for g in b.groups:
                if not g.suppressed and g.n:
                    g.rate = g.positive / g.n
                    g.ci_low, g.ci_high = wilson(g.positive, g.n)
                    rest_n, rest_pos = total.n - g.n, total.positive - g.positive
                    if dim == "exploitation_type":  # overlapping groups: compare with the cases not of this type
                        inside = [o for f, o in decided if g.key in f.exploitation_types]
                        rest_n = total.n - len(inside)
                        rest_pos = total.positive - sum(o == "positive" for o in inside)
                    if rest_n >= minimum:
                        g.p_value = float(fisher_exact([[g.positive, g.n - g.positive],
                                                        [rest_pos, rest_n - rest_pos]]).pvalue)
            out.append(b)
        if total.n:
            total.rate = total.positive / total.n
            total.ci_low, total.ci_high = wilson(total.positive, total.n)
        total.suppressed = total.n < minimum
    tested = [g for b in out for g in b.groups if g.p_value is not None]
    for g, adj in zip(tested, holm([g.p_value for g in tested]), strict=True):
        g.p_adjusted = adj
        g.flag = adj < ALPHA
    return out


def _spread(values: list[int], minimum: int) -> dict:
    if len(values) < minimum:
        return {"n": len(values), "suppressed": True}
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else (values[0],) * 3
    return {"n": len(values), "suppressed": False, "median": median, "lower_quartile": q1, "upper_quartile": q3}


def _times(facts: list[CaseFacts], minimum: int) -> list[dict]:
    names = dict(Organisation.objects.filter(kind="competent_authority").values_list("code", "name"))
    by_authority: dict[str, tuple[list[int], list[int]]] = {}
    for f in facts:
        rg, cg = by_authority.setdefault(f.authority, ([], []))
        if f.first_rg_on:
            rg.append(working_days_between(f.received_on, f.first_rg_on, nation=f.nation))
        if f.rg_positive_on and f.first_cg_on and f.first_cg_on >= f.rg_positive_on:
            cg.append((f.first_cg_on - f.rg_positive_on).days)
    return [{"competent_authority": code, "name": names.get(code, code),
             "reasonable_grounds_working_days": _spread(rg, minimum),
             "conclusive_grounds_days_after_reasonable_grounds": _spread(cg, minimum)}
            for code, (rg, cg) in sorted(by_authority.items())]


def monitoring_report(*, received_from: dt.date | None = None, received_to: dt.date | None = None,
                      today: dt.date | None = None) -> dict:
    """The whole report for referrals received in the period (both ends included)."""
    today = today or dt.date.today()
    minimum = parameter_at("releases.monitoring_minimum_cell", today)
    facts = case_facts(received_from=received_from, received_to=received_to)
    breakdowns = _rates(facts, int(minimum.value))
    return {
        "period": {"received_from": received_from, "received_to": received_to},
        "cases": len(facts),
        "minimum_cell": int(minimum.value),
        "minimum_cell_rule": minimum.version,
        "decision_times": _times(facts, int(minimum.value)),
        "rates": [{"stage": b.stage, "stage_label": b.stage_label, "dimension": b.dimension, "label": b.label,
                   "total": b.total.public() if b.total else None, "groups": [g.public() for g in b.groups]}
                  for b in breakdowns],
        "method": {
            "interval": "Wilson score interval, 95% (scipy.stats.binomtest(...).proportion_ci(method='wilson'))",
            "test": "Fisher's exact test, two-sided: the group against every other case of the same stage",
            "multiple_comparisons": f"Holm step-down adjustment over all {sum(g.p_value is not None for b in breakdowns for g in b.groups)} comparisons in the report; flagged when the adjusted p-value is below {ALPHA}",
            "suppression": f"Groups with fewer than {int(minimum.value)} decisions are suppressed, and a second group when only one is",
        },
    }
