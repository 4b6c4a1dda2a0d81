"""The bulletin's charts, drawn with matplotlib as SVG.

Readable without colour: bars are told apart by patterns (hatching) and a legend, and every bar
carries its figure as a label, so no meaning rests on colour alone. Each SVG has a ``<title>``
and a ``<desc>`` giving every figure in words (``role="img"``), so a screen reader gets the same
information; the table the chart comes from is linked beside it.

Every figure comes from published cells: a suppressed one has no bar and the label ``[c]``.

The SVG is cleaned so it can sit inside a page served with a Content-Security-Policy that allows
no inline style: matplotlib's ``style`` attributes become presentation attributes, its
``<style>`` and ``<metadata>`` go, ids get the chart's prefix (two charts on one page never share
one), and the output is byte-for-byte the same for the same figures (no date; fixed hash salt).
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass

from palermo.stats.definitions import NOT_SPECIFIED
from palermo.stats.disclosure import MARKER
from palermo.stats.release import Release

FILL = "#b1b4b6"  # GOV.UK mid-grey; patterns, not hues, tell series apart
HATCHES = ["", "///", "...", "xx"]
RC = {
    "svg.fonttype": "none",  # text stays text: selectable, and read by assistive technology
    "svg.hashsalt": "palermo-stats",
    "font.family": "sans-serif",
    "font.sans-serif": ["Arial", "Liberation Sans", "DejaVu Sans"],
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "hatch.linewidth": 0.8,
}


@dataclass
class Chart:
    id: str
    title: str
    description: str
    svg: str
    table_id: str
    table_number: int


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    return fig, fig.subplots()


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")
    return buf.getvalue()


_STYLE = re.compile(r'\sstyle="([^"]*)"')
_ID = re.compile(r'\bid="([^"]+)"')


def clean_svg(svg: str, *, prefix: str, title: str, description: str) -> str:
    """matplotlib's SVG made safe to inline under the CSP and accessible (module docstring)."""
    svg = re.sub(r"<\?xml[^>]*\?>\s*", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>\s*", "", svg, flags=re.S)
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r"<style[^>]*>.*?</style>\s*", "", svg, flags=re.S)
    svg = re.sub(r"<defs>\s*</defs>\s*", "", svg)

    def attributes(m: re.Match) -> str:
        out = []
        for decl in m.group(1).split(";"):
            if ":" in decl:
                name, value = (p.strip() for p in decl.split(":", 1))
                out.append(f' {name}="{html.escape(value, quote=True)}"')
        return "".join(out)

    svg = _STYLE.sub(attributes, svg)
    ids = set(_ID.findall(svg))
    svg = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})" if m.group(1) in ids else m.group(0), svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"' if m.group(1) in ids else m.group(0), svg)
    head = re.search(r"<svg\b[^>]*>", svg)
    tag = head.group(0)
    new = re.sub(r'\s(width|height)="[^"]*"', "", tag)
    new = new[:-1] + (f' role="img" aria-labelledby="{prefix}-title {prefix}-desc" stroke-linejoin="round" '
                      f'stroke-linecap="butt" class="app-chart__svg">')
    inner = (f'<title id="{prefix}-title">{html.escape(title)}</title>'
             f'<desc id="{prefix}-desc">{html.escape(description)}</desc>')
    return (svg[:head.start()] + new + inner + svg[head.end():]).strip() + "\n"


def _label(value: int | None) -> str:
    return MARKER if value is None else f"{value:,}"


def _say(value: int | None) -> str:
    return "not published" if value is None else f"{value:,}"


def _quarter_chart(release: Release) -> Chart:
    import matplotlib

    t = release.table("referrals_quarter_age_gender")
    quarters = t.values("quarter")
    series = [("adult", "Adults"), ("child", "Children")]
    if any((t.cell(quarter=q, age=NOT_SPECIFIED).shown or 0) > 0 or t.cell(quarter=q, age=NOT_SPECIFIED).shown is None
           for q in quarters):
        series.append((NOT_SPECIFIED, "Age not specified"))
    with matplotlib.rc_context(RC):
        fig, ax = _figure(8, 3.6)
        width = 0.8 / len(series)
        for i, (code, name) in enumerate(series):
            shown = [t.cell(quarter=q, age=code).shown for q in quarters]
            xs = [j + (i - (len(series) - 1) / 2) * width for j in range(len(quarters))]
            bars = ax.bar(xs, [v or 0 for v in shown], width=width, label=name, color=FILL if i == 0 else "white",
                          edgecolor="black", linewidth=0.8, hatch=HATCHES[i])
            ax.bar_label(bars, labels=[_label(v) for v in shown], padding=2, fontsize=9)
        ax.set_xticks(range(len(quarters)), [q.replace("-", " ") for q in quarters])
        ax.set_ylabel("Referrals")
        ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
        ax.margins(y=0.15)
        svg = _svg(fig)
    title = "NRM referrals by quarter and age at exploitation"
    parts = []
    for q in quarters:
        figures = "; ".join(f"{name.lower()} {_say(t.cell(quarter=q, age=code).shown)}" for code, name in series)
        parts.append(f"{q.replace('-', ' ')}: {figures}")
    desc = "Bar chart. " + ". ".join(parts) + "."
    return Chart("chart-quarter", title, desc, clean_svg(svg, prefix="chart-quarter", title=title, description=desc), t.id,
                 t.number)


def _bar_chart(*, chart_id: str, title: str, rows: list[tuple[str, int | None]], table, xlabel: str) -> Chart:
    import matplotlib

    with matplotlib.rc_context(RC):
        fig, ax = _figure(8, 0.42 * max(3, len(rows)) + 0.8)
        labels = [label for label, _ in rows][::-1]
        values = [v for _, v in rows][::-1]
        bars = ax.barh(labels, [v or 0 for v in values], color=FILL, edgecolor="black", linewidth=0.8)
        ax.bar_label(bars, labels=[_label(v) for v in values], padding=3, fontsize=9)
        ax.set_xlabel(xlabel)
        ax.margins(x=0.15)
        svg = _svg(fig)
    desc = "Bar chart. " + "; ".join(f"{label}: {_say(v)}" for label, v in rows) + "."
    return Chart(chart_id, title, desc, clean_svg(svg, prefix=chart_id, title=title, description=desc), table.id,
                 table.number)


def _exploitation_chart(release: Release) -> Chart:
    t = release.table("referrals_exploitation_location")
    rows = [(t.label("exploitation", code), t.cell(exploitation=code).shown) for code in t.values("exploitation")]
    return _bar_chart(chart_id="chart-exploitation", title="NRM referrals by exploitation type", rows=rows,
                      table=t, xlabel="Referrals")


def _nationality_chart(release: Release, top: int = 10) -> Chart:
    """The most common nationalities among published totals (ties by name), then everyone else as
    one bar, which is the published total less the bars shown."""
    t = release.table("referrals_nationality_age_gender")
    published = [(code, t.cell(nationality=code).shown) for code in t.values("nationality") if code != NOT_SPECIFIED]
    ranked = sorted([r for r in published if r[1]], key=lambda r: (-r[1], t.label("nationality", r[0])))[:top]
    rows = [(t.label("nationality", code), n) for code, n in ranked]
    total = t.total().shown
    if total is not None and sum(n for _, n in rows) < total:
        rows.append(("All other nationalities", total - sum(n for _, n in rows)))
    return _bar_chart(chart_id="chart-nationality", title=f"NRM referrals: the {len(ranked)} most common nationalities",
                      rows=rows, table=t, xlabel="Referrals")


def charts(release: Release) -> list[Chart]:
    """The three charts of the bulletin: referrals by quarter, by exploitation type and by nationality."""
    return [_quarter_chart(release), _exploitation_chart(release), _nationality_chart(release)]
