"""Key results in sentences, with counts and percentages, as the Home Office writes its NRM
statistics ("In 2023, 17,004 potential victims were referred to the NRM; 7,432 (44%) were
adults…"). Every figure comes from a published cell of the release, and a percentage is of a
published total, so a sentence never says more than the tables; where a figure is suppressed
the sentence says it is withheld."""

from __future__ import annotations

from palermo.stats.definitions import NOT_SPECIFIED
from palermo.stats.release import Cell, Release, TableRelease

WITHHELD = "not published, to protect confidentiality"


def count(n: int) -> str:
    return f"{n:,}"


def percent(part: int, whole: int) -> str:
    """Whole percentages, as the Home Office gives them; 'less than 1%' rather than 0%."""
    if not whole:
        return "–"
    p = 100 * part / whole
    if 0 < p < 0.5:
        return "less than 1%"
    return f"{int(p + 0.5)}%"


def _share(cell: Cell, total: Cell) -> str | None:
    """'1,234 (56%)', or None when the cell or the total is suppressed."""
    if cell.shown is None or total.shown is None:
        return None
    return f"{count(cell.shown)} ({percent(cell.shown, total.shown)})"


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _ranked(table: TableRelease, dim: str, *, top: int, skip: set[str]) -> list[tuple[str, Cell]]:
    """The categories with the most, among those published (ties by label, so the order never
    depends on a suppressed figure)."""
    rows = [(code, table.cell(**{dim: code})) for code in table.values(dim) if code not in skip]
    rows = [(c, cell) for c, cell in rows if cell.shown]
    rows.sort(key=lambda r: (-r[1].shown, table.label(dim, r[0])))
    return rows[:top]


def key_results(release: Release) -> list[str]:
    """The bulletin's key results, each one sentence."""
    out: list[str] = []
    quarter = release.table("referrals_quarter_age_gender")
    total = quarter.total()
    period = release.period.label
    if total.shown is None:
        return [f"The number of potential victims referred to the NRM from {period} is {WITHHELD}."]
    if total.shown == 0:
        return [f"No potential victims were referred to the NRM from {period}."]
    out.append(f"From {period}, first responders referred {count(total.shown)} "
               f"{_plural(total.shown, 'potential victim', 'potential victims')} of trafficking to the National "
               "Referral Mechanism (NRM).")
    ages = [(label, _share(quarter.cell(age=code), total)) for code, label in
            (("adult", "adults"), ("child", "children"), (NOT_SPECIFIED, "of unknown age"))]
    shown = [f"{share} were {label}" for label, share in ages if share and not share.startswith("0 ")]
    if any(share is None for _, share in ages):
        shown.append(f"some figures by age are {WITHHELD}")
    if shown:
        out.append("Of these, " + _join(shown) + " when they were exploited.")
    genders = [(label, _share(quarter.cell(gender=code), total)) for code, label in
               (("female", "female"), ("male", "male"))]
    g = [f"{share} were {label}" for label, share in genders if share]
    if g:
        out.append(_join(g).capitalize() + ".")
    nat = release.table("referrals_nationality_age_gender")
    top = _ranked(nat, "nationality", top=3, skip={NOT_SPECIFIED})
    if top:
        parts = [f"{nat.label('nationality', code)} ({_share(cell, total).replace(' (', ', ').rstrip(')')})"
                 for code, cell in top]
        out.append(f"The most common {_plural(len(parts), 'nationality was', 'nationalities were')} " + _join(parts) + ".")
    exp = release.table("referrals_exploitation_location")
    top = _ranked(exp, "exploitation", top=2, skip={NOT_SPECIFIED, "more_than_one"})
    if top:
        code, cell = top[0]
        sentence = (f"{exp.label('exploitation', code)} was the most common type of exploitation "
                    f"({_share(cell, total).replace(' (', ', ').rstrip(')')})")
        multi = _share(exp.cell(exploitation="more_than_one"), total)
        if multi and not multi.startswith("0 "):
            sentence += f"; {multi} referrals recorded more than one type"
        out.append(sentence + ".")
    rep = release.table("referrals_repeat")
    before = [rep.cell(history="repeat"), rep.cell(history="repeat_after_positive")]
    if all(c.shown is not None for c in before):
        n = sum(c.shown for c in before)
        if n:
            out.append(f"{count(n)} ({percent(n, total.shown)}) were of people referred before, "
                       f"{count(before[1].shown)} of them after a positive decision on an earlier referral.")
    for table_id, kind in (("rg_decisions_quarter", "reasonable grounds"), ("cg_decisions_quarter", "conclusive grounds")):
        t = release.table(table_id)
        made = t.total()
        if made.shown is None:
            out.append(f"The number of {kind} decisions is {WITHHELD}.")
            continue
        positive = _share(t.cell(outcome="positive"), made)
        sentence = (f"The competent authorities made {count(made.shown)} {kind} "
                    f"{_plural(made.shown, 'decision', 'decisions')}")
        out.append(sentence + (f"; {positive} {_plural(t.cell(outcome='positive').shown or 0, 'was', 'were')} positive."
                               if positive and made.shown else "."))
    for row in release.summary:
        if row.withheld or row.quartiles[1] is None:
            continue
        low, median, high = (_num(q) for q in row.quartiles)
        out.append(f"The median time {row.phrase} was {median} {row.unit}; half of the decisions took between "
                   f"{low} and {high} {row.unit}.")
    dtn = release.table("dtn_nationality_quarter").total()
    if dtn.shown is None:
        out.append(f"The number of Duty to Notify reports is {WITHHELD}.")
    else:
        out.append(f"First responders made {count(dtn.shown)} Duty to Notify "
                   f"{_plural(dtn.shown, 'report', 'reports')} about adults who did not consent to a referral.")
    return out


def _num(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.1f}"


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]
