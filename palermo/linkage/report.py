"""The batch run's report: rich tables in the terminal and a self-contained HTML page with an
inline SVG chart of match weights (drawn here: no plotting dependency). Counts only: no names,
no dates of birth, no ids of people."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from rich.console import Console
from rich.table import Table


def print_report(stats: dict, console: Console) -> None:
    counts = Table(title="Person linkage: batch run", show_header=False, title_justify="left")
    counts.add_column(style="bold")
    counts.add_column(justify="right")
    for label, value in _count_rows(stats):
        counts.add_row(label, value)
    console.print(counts)
    sizes = Table(title="Cluster sizes (clusters of two or more people)", title_justify="left")
    sizes.add_column("people in cluster", justify="right")
    sizes.add_column("confirmed clusters", justify="right")
    sizes.add_column("if every pending match were confirmed", justify="right")
    all_sizes = sorted(set(stats["confirmed_cluster_sizes"]) | set(stats["proposed_cluster_sizes"]))
    for size in all_sizes:
        sizes.add_row(str(size), str(stats["confirmed_cluster_sizes"].get(size, 0)),
                      str(stats["proposed_cluster_sizes"].get(size, 0)))
    if not all_sizes:
        sizes.add_row("–", "0", "0")
    console.print(sizes)
    hist = stats["weight_histogram"]
    chart = Table(title=f"Match weight of scored pairs (probability ≥ {stats['chart_floor']})", title_justify="left")
    chart.add_column("match weight", justify="right")
    chart.add_column("pairs", justify="right")
    chart.add_column("", no_wrap=True)
    top = max((b["count"] for b in hist), default=0) or 1
    for b in hist:
        n_prop = round(40 * b["proposed"] / top)
        n_rest = round(40 * b["count"] / top) - n_prop
        chart.add_row(f"{b['lo']:+.0f} to {b['hi']:+.0f}", str(b["count"]),
                      f"[green]{'█' * n_prop}[/green][dim]{'░' * max(0, n_rest)}[/dim]")
    console.print(chart)
    console.print(f"[green]█[/green] at or above the review threshold ({stats['review_threshold']}): proposed for review;"
                  " [dim]░[/dim] below it")


def _count_rows(stats: dict) -> list[tuple[str, str]]:
    by = stats["candidates_by_status"]
    stale = stats["stale_rescored"]
    return [
        ("people linked", f"{stats['people']:,}"),
        (f"pairs scored (probability ≥ {stats['chart_floor']})", f"{stats['pairs_scored']:,}"),
        (f"pairs at or above the review threshold ({stats['review_threshold']})", f"{stats['pairs_at_review_threshold']:,}"),
        (f"pairs at or above the link threshold ({stats['link_threshold']})", f"{stats['pairs_at_link_threshold']:,}"),
        ("new possible matches proposed", f"{stats['candidates_created']:,}"),
        ("pending matches rescored", f"{stats['candidates_rescored']:,}"),
        ("withdrawn matches proposed again", f"{stats['candidates_reinstated']:,}"),
        ("pairs already decided (left alone)", f"{stats['already_decided']:,}"),
        ("earlier model's matches rescored (not proposed by this run)", f"{stale['rescored']:,}"),
        ("  of which withdrawn (now below the review threshold)", f"{stale['withdrawn']:,}"),
        ("possible matches waiting for a decision", f"{by['pending']:,}"),
        ("confirmed links", f"{by['confirmed']:,}"),
        ("rejected", f"{by['rejected']:,}"),
        ("unlinked", f"{by['unlinked']:,}"),
        ("withdrawn (no longer proposed by the model)", f"{by['withdrawn']:,}"),
        ("model", stats["model_version"]),
        ("seconds", f"{stats['seconds']}"),
    ]


def weight_chart_svg(hist: list[dict], *, width: int = 720, height: int = 260) -> str:
    """A bar chart of the match-weight histogram as inline SVG, with a text alternative."""
    if not hist:
        return '<p class="empty">No pairs were scored.</p>'
    left, bottom, top_pad = 48, 36, 12
    plot_w, plot_h = width - left - 8, height - bottom - top_pad
    top = max(b["count"] for b in hist) or 1
    bar_w = plot_w / len(hist)
    parts = [
        f'<svg role="img" aria-labelledby="chart-title chart-desc" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" font-family="Arial, sans-serif" font-size="12">',
        '<title id="chart-title">Match weight of scored pairs</title>',
        '<desc id="chart-desc">Number of scored pairs in each band of match weight; the darker part of each bar is '
        'the pairs proposed for review.</desc>',
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{left + plot_w}" y2="{top_pad + plot_h}" stroke="#0b0c0c"/>',
        f'<line x1="{left}" y1="{top_pad}" x2="{left}" y2="{top_pad + plot_h}" stroke="#0b0c0c"/>',
        f'<text x="{left - 6}" y="{top_pad + 4}" text-anchor="end">{top}</text>',
        f'<text x="{left - 6}" y="{top_pad + plot_h}" text-anchor="end">0</text>',
    ]
    step = max(1, len(hist) // 12)
    for i, b in enumerate(hist):
        x = left + i * bar_w
        h_all = plot_h * b["count"] / top
        h_prop = plot_h * b["proposed"] / top
        y0 = top_pad + plot_h
        label = f"{b['lo']:+.0f} to {b['hi']:+.0f}: {b['count']} pairs, {b['proposed']} proposed"
        parts.append(f'<g><title>{html.escape(label)}</title>'
                     f'<rect x="{x + 1:.1f}" y="{y0 - h_all:.1f}" width="{max(bar_w - 2, 1):.1f}" height="{h_all - h_prop:.1f}" fill="#b1b4b6"/>'
                     f'<rect x="{x + 1:.1f}" y="{y0 - h_prop:.1f}" width="{max(bar_w - 2, 1):.1f}" height="{h_prop:.1f}" fill="#1d70b8"/></g>')
        if i % step == 0:
            parts.append(f'<text x="{x:.1f}" y="{y0 + 16}" text-anchor="middle">{b["lo"]:+.0f}</text>')
    parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 4}" text-anchor="middle">match weight (log2 Bayes factor)</text>')
    parts.append("</svg>")
    return "".join(parts)


def html_report(stats: dict) -> str:
    esc = html.escape
    count_rows = "".join(f"<tr><th scope='row'>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in _count_rows(stats))
    sizes = sorted(set(stats["confirmed_cluster_sizes"]) | set(stats["proposed_cluster_sizes"]))
    size_rows = "".join(
        f"<tr><td>{s}</td><td>{stats['confirmed_cluster_sizes'].get(s, 0)}</td><td>{stats['proposed_cluster_sizes'].get(s, 0)}</td></tr>"
        for s in sizes
    ) or "<tr><td colspan='3'>No clusters of two or more people</td></tr>"
    hist_rows = "".join(
        f"<tr><td>{b['lo']:+.0f} to {b['hi']:+.0f}</td><td>{b['count']}</td><td>{b['proposed']}</td></tr>"
        for b in stats["weight_histogram"]
    )
    when = dt.datetime.now().strftime("%-d %B %Y %H:%M")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Person linkage report – Palermo</title>
<meta name="robots" content="noindex, nofollow">
<style>
body {{ font-family: Arial, sans-serif; color: #0b0c0c; max-width: 960px; margin: 2em auto; padding: 0 1em; line-height: 1.4; }}
h1 {{ font-size: 2em; }} h2 {{ margin-top: 1.5em; }}
table {{ border-collapse: collapse; margin: 1em 0; min-width: 50%; }}
th, td {{ text-align: left; padding: .4em 1em .4em 0; border-bottom: 1px solid #b1b4b6; }}
td {{ font-variant-numeric: tabular-nums; }}
.key span {{ display: inline-block; width: 1em; height: 1em; vertical-align: middle; margin-right: .3em; }}
.note {{ color: #505a5f; }}
</style></head>
<body>
<h1>Person linkage report</h1>
<p class="note">Made by <code>palermo link run</code> on {esc(when)}. Counts only: this report holds no names, dates of
birth or record ids. Possible matches are proposed for a caseworker to confirm or reject; nothing is linked
automatically.</p>
<h2>Counts</h2>
<table>{count_rows}</table>
<h2>Cluster sizes</h2>
<table><thead><tr><th scope="col">People in cluster</th><th scope="col">Confirmed clusters</th>
<th scope="col">If every pending match were confirmed</th></tr></thead><tbody>{size_rows}</tbody></table>
<h2>Match weights</h2>
<p>Scored pairs with a match probability of at least {stats['chart_floor']}, by match weight.</p>
<p class="key"><span style="background:#1d70b8"></span>at or above the review threshold ({stats['review_threshold']}), proposed
for review &nbsp; <span style="background:#b1b4b6"></span>below it</p>
{weight_chart_svg(stats['weight_histogram'])}
<details><summary>The chart as a table</summary>
<table><thead><tr><th scope="col">Match weight</th><th scope="col">Pairs</th><th scope="col">Proposed</th></tr></thead>
<tbody>{hist_rows}</tbody></table></details>
</body></html>
"""


def write_html_report(stats: dict, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(html_report(stats), encoding="utf-8")
    tmp.replace(path)
    return path


def print_repeats(stats: dict, console: Console) -> None:
    t = Table(title="Repeat referrals (people = clusters of confirmed links)", show_header=False, title_justify="left")
    t.add_column(style="bold")
    t.add_column(justify="right")
    days = stats["days_between_referrals"]
    for label, value in (
        ("people", stats["people"]),
        ("NRM referrals", stats["referrals"]),
        ("people referred more than once", stats["people_referred_more_than_once"]),
        ("  of which the same person record", stats["of_which_same_person_record"]),
        ("  of which joined by confirmed links", stats["of_which_by_confirmed_link"]),
        ("repeat referrals", stats["repeat_referrals"]),
        ("later referrals after a positive RG/CG decision", stats["later_referrals_after_positive_decision"]),
        ("people referred again after a positive decision", stats["people_referred_again_after_positive_decision"]),
        ("median days between referrals", "–" if days["median"] is None else days["median"]),
        ("shortest / longest (days)", "–" if days["min"] is None else f"{days['min']} / {days['max']}"),
    ):
        t.add_row(label, str(value))
    console.print(t)
    d = Table(title="Days between consecutive referrals of the same person", title_justify="left")
    d.add_column("days", justify="right")
    d.add_column("referrals", justify="right")
    for band, n in days["distribution"].items():
        d.add_row(band, str(n))
    console.print(d)
