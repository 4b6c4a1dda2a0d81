"""A snapshot of the columns the statistics need, read once from the database into DuckDB.

Every table is a count over first-class columns (never free text, never a name). The snapshot reads
those columns in one consistent read (PostgreSQL ``REPEATABLE READ, READ ONLY``; on SQLite a deferred
read transaction, so writers carry on), with the sealed audit chain's head read in the same instant,
so a release can say exactly which state of the records it counted.

It then builds four *populations*, each a DuckDB table with one row per unit counted and one
column per dimension, the values as category codes (``adult``, ``VNM``, ``SCA``…):

``nrm_referral``  NRM referrals (a case was opened), by ``day`` received
``dtn_report``    Duty to Notify reports, by ``day`` received
``rg_decision``   reasonable grounds decisions in effect, by ``day`` decided, with the time from
                  referral in working days (the nation's calendar) and in days and months
``cg_decision``   conclusive grounds decisions in effect, by ``day`` decided, with the time from
                  the positive reasonable grounds decision
``support_start``  support placements, by ``day`` started (provider, its kind then, kind of place)
``support_end``    support placements, by ``day`` ended (coded exit reason)
``missing_episode`` children's missing-from-care episodes, by ``day`` (UK time) the child went
                  missing (first nationality, whether and how found or returned)

Those tables are what :meth:`palermo.stats.definitions.TableDef.sql` queries. For speed the
snapshot also keeps each population as arrays of small integers (category indexes), sorted by
day, so that a period is a slice and a table's counts are one ``numpy.bincount``
(:mod:`palermo.stats.compute`). No identifier of a person is read: the person's id only links
repeat referrals inside DuckDB and is dropped from the arrays.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import time
from dataclasses import dataclass, field
from functools import cache

import duckdb
import numpy as np
import pyarrow as pa
from django.db import connection, transaction
from django.db.models.fields.json import KeyTextTransform

from palermo.core.calendar import NATIONS, is_working_day
from palermo.stats.definitions import DIMENSIONS, NOT_SPECIFIED, POPULATIONS
from palermo.stats.periods import Period

EPOCH = dt.date(1970, 1, 1)
CHUNK = 50_000
_ALPHA3 = re.compile(r"[A-Z]{3}")

#: The dimension columns of each population, and its measures (numbers, not categories).
POPULATION_COLUMNS = {
    "nrm_referral": ["age", "gender", "nationality", "exploitation", "location", "responder_kind", "responder",
                     "competent_authority", "nation", "police_force_area", "history"],
    "dtn_report": ["age", "gender", "nationality"],
    "rg_decision": ["outcome", "age", "competent_authority"],
    "cg_decision": ["outcome", "age", "competent_authority"],
    "support_start": ["provider_kind", "provider", "placement_kind"],
    "support_end": ["exit_reason", "placement_kind"],
    "missing_episode": ["nationality", "returned", "found_where"],
}
POPULATION_MEASURES = {
    "nrm_referral": [], "dtn_report": [],
    "rg_decision": ["working_days", "days", "months_ceiling"],
    "cg_decision": ["days", "months_ceiling"],
    "support_start": [], "support_end": [], "missing_episode": [],
}

#: The raw tables of the support and children apps, with their columns and types (a record set
#: without them, such as the benchmark's, counts no placements and no missing episodes).
RAW_TABLES = {
    "placement_raw": {"id": pa.int64(), "provider": pa.string(), "kind": pa.string(), "start_on": pa.date32(),
                      "end_on": pa.date32(), "exit_reason": pa.string()},
    "provider_term": {"provider": pa.string(), "starts_on": pa.date32(), "kind": pa.string()},
    "missing_raw": {"id": pa.int64(), "went_missing_on": pa.date32(), "nationality": pa.string(),
                    "returned": pa.string(), "found_where": pa.string()},
}


@dataclass
class PopulationArrays:
    """One population as arrays sorted by day: ``day`` (days since 1 January 1970),
    ``quarter`` (:attr:`palermo.stats.periods.Quarter.index`), a category index per dimension
    (``codes``, whose values are ``categories[dim][index]``) and measures (NaN when not known)."""

    id: str
    day: np.ndarray
    quarter: np.ndarray
    codes: dict[str, np.ndarray]
    categories: dict[str, list[str]]
    measures: dict[str, np.ndarray]

    def rows(self, period: Period) -> slice:
        lo = int(np.searchsorted(self.day, (period.start - EPOCH).days, side="left"))
        hi = int(np.searchsorted(self.day, (period.end - EPOCH).days, side="right"))
        return slice(lo, hi)

    def __len__(self) -> int:
        return len(self.day)


@dataclass
class Snapshot:
    populations: dict[str, PopulationArrays]
    labels: dict[str, dict[str, str]]  # dimension -> category code -> label
    db: duckdb.DuckDBPyConnection  # the population tables, for the reference queries
    audit_head: dict  # {"seq": …, "hash": …} of the sealed audit chain when read
    seconds: dict[str, float] = field(default_factory=dict)

    def label(self, dim: str, code: str | None) -> str:
        if code is None:
            return "Total"
        return self.labels.get(dim, {}).get(code, code)


# --- reading the database -------------------------------------------------------------------

@contextlib.contextmanager
def consistent_read():
    """One instant of the database for every query in the block (see the module docstring).
    Inside a transaction the caller already opened, the block reads in that transaction."""
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
            try:
                yield
            finally:
                cursor.execute("COMMIT")
        return
    with transaction.atomic():
        yield


def _arrow(qs, names: list[str], kinds: dict[str, pa.DataType]) -> pa.Table:
    """Run the ORM's SQL for ``qs`` on the raw cursor (no per-value conversion in Python) and
    collect the rows into Arrow, a chunk at a time. Dates arrive as ISO text on SQLite and as
    dates on PostgreSQL; DuckDB casts either."""
    sql, params = qs.query.sql_with_params()
    chunks: dict[str, list[pa.Array]] = {n: [] for n in names}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            for name, values in zip(names, zip(*rows, strict=True), strict=True):
                kind = kinds.get(name, pa.string())
                if kind == pa.date32() and any(isinstance(v, str) for v in values):
                    kind = pa.string()
                chunks[name].append(pa.array(values, type=kind))
    columns = {}
    for name in names:
        arrays = chunks[name]
        types = {a.type for a in arrays}
        if len(types) > 1:  # cannot happen on one database, but never mix types silently
            arrays = [a.cast(pa.string()) for a in arrays]
        columns[name] = pa.chunked_array(arrays, type=arrays[0].type if arrays else kinds.get(name, pa.string()))
    return pa.table(columns)


def _read_database() -> tuple[dict[str, pa.Table], dict]:
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.db.models import Case, Value, When
    from django.db.models.functions import TruncDate

    from palermo.accounts.models import Organisation
    from palermo.children.models import MissingEpisode
    from palermo.core.models import AuditChainHead
    from palermo.linkage.selectors import cluster_of_map
    from palermo.nrm.models import Decision, Referral, ReferralExploitationType
    from palermo.support.models import Placement, ProviderTerm

    referral_cols = ["id", "received_on", "nation", "police_force_area", "exploitation_location", "age_at_exploitation",
                     "gender", "nationality", "responder", "person_id", "case_id", "competent_authority", "dtn_id"]
    referrals = (Referral.objects.order_by()
                 .annotate(nationality_first=KeyTextTransform("0", "person__nationalities"))
                 .values_list("id", "received_on", "nation", "police_force_area", "exploitation_location",
                              "age_at_exploitation", "person__gender", "nationality_first", "first_responder_org__code",
                              "person_id", "case__id", "case__competent_authority__code", "duty_to_notify__id"))
    ints = {"id": pa.int64(), "person_id": pa.int64(), "case_id": pa.int64(), "dtn_id": pa.int64(),
            "received_on": pa.date32(), "decided_on": pa.date32(), "referral_id": pa.int64()}
    with consistent_read():
        head = AuditChainHead.objects.filter(id=1).values("last_seq", "last_hash").first()
        tables = {
            "referral_raw": _arrow(referrals, referral_cols, ints),
            "type_raw": _arrow(ReferralExploitationType.objects.order_by().values_list("referral_id", "code"),
                               ["referral_id", "code"], ints),
            "decision_raw": _arrow(
                Decision.objects.order_by().filter(state="effective", kind__in=["reasonable_grounds", "conclusive_grounds"])
                .values_list("case_id", "kind", "outcome", "decided_on"), ["case_id", "kind", "outcome", "decided_on"], ints),
            "organisation": _arrow(Organisation.objects.order_by().values_list("code", "name", "kind"),
                                   ["code", "name", "kind"], {}),
            # support and children: codes and dates only (never the encrypted details of an episode)
            "placement_raw": _arrow(Placement.objects.order_by().values_list(
                "id", "provider__code", "kind", "start_on", "end_on", "exit_reason"), list(RAW_TABLES["placement_raw"]),
                RAW_TABLES["placement_raw"]),
            "provider_term": _arrow(ProviderTerm.objects.order_by().values_list(
                "provider__organisation__code", "starts_on", "kind"), list(RAW_TABLES["provider_term"]),
                RAW_TABLES["provider_term"]),
            "missing_raw": _arrow(MissingEpisode.objects.order_by().annotate(
                went_missing_on=TruncDate("went_missing_at", tzinfo=ZoneInfo(settings.TIME_ZONE)),
                nationality_first=KeyTextTransform("0", "case__referral__person__nationalities"),
                is_returned=Case(When(returned_at__isnull=False, then=Value("returned")), default=Value("still_missing")))
                .values_list("id", "went_missing_on", "nationality_first", "is_returned", "found_where"),
                list(RAW_TABLES["missing_raw"]), RAW_TABLES["missing_raw"]),
        }
        clusters = cluster_of_map()
    tables["cluster"] = pa.table({"person_id": pa.array(list(clusters), type=pa.int64()),
                                  "cluster_id": pa.array(list(clusters.values()), type=pa.int64())})
    audit_head = {"seq": head["last_seq"], "hash": head["last_hash"]} if head else {"seq": 0, "hash": "0" * 64}
    return tables, audit_head


# --- the working-day calendar ---------------------------------------------------------------

@cache
def _working_day_index(nation: str, first: dt.date, last: dt.date) -> np.ndarray:
    """For each day from ``first`` to ``last``: how many working days of ``nation`` fall after
    ``first`` up to and including that day. ``index[b] - index[a]`` is then
    :func:`palermo.core.calendar.working_days_between` of the days ``a`` and ``b``."""
    n = (last - first).days + 1
    working = np.fromiter((is_working_day(first + dt.timedelta(days=i), nation=nation) for i in range(n)),
                          dtype=np.int32, count=n)
    working[0] = 0
    return np.cumsum(working, dtype=np.int32)


def _calendar_table(first: dt.date, last: dt.date) -> pa.Table:
    first = dt.date(first.year, 1, 1)
    last = dt.date(last.year, 12, 31)
    nations, days, index = [], [], []
    for nation in NATIONS:
        idx = _working_day_index(nation, first, last)
        nations.append(np.full(len(idx), nation, dtype=object))
        days.append(np.arange(len(idx), dtype=np.int32) + (first - EPOCH).days)
        index.append(idx)
    return pa.table({"nation": pa.array(np.concatenate(nations), type=pa.string()),
                     "day": pa.array(np.concatenate(days), type=pa.int32()).cast(pa.date32()),
                     "wd": pa.array(np.concatenate(index), type=pa.int32())})


# --- building the populations ---------------------------------------------------------------

_NATIONALITY = f"CASE WHEN regexp_full_match(r.nationality, '[A-Z]{{3}}') THEN r.nationality ELSE '{NOT_SPECIFIED}' END"
_AGE = f"CASE WHEN r.age_at_exploitation IN ('adult', 'child') THEN r.age_at_exploitation ELSE '{NOT_SPECIFIED}' END"
_GENDER = f"CASE WHEN r.gender IN ('female', 'male', 'other') THEN r.gender ELSE '{NOT_SPECIFIED}' END"
_QUARTER = "(year({d})::VARCHAR || '-Q' || quarter({d})::VARCHAR)"
_MONTHS_CEILING = """CASE WHEN {a} IS NULL OR {b} IS NULL THEN NULL
    ELSE ((year({b}) - year({a})) * 12 + month({b}) - month({a}))
         + CASE WHEN ({a} + to_months((year({b}) - year({a})) * 12 + month({b}) - month({a})))::DATE >= {b}
                THEN 0 ELSE 1 END END"""


def _codes_sql(dimension: str) -> str:
    """A dimension's fixed codes (except 'not specified') as an SQL list."""
    return ", ".join(f"'{code}'" for code, _ in DIMENSIONS[dimension].categories if code != NOT_SPECIFIED)


def _build(db: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table]) -> None:
    for name, table in tables.items():
        db.register(f"{name}_arrow", table)
        db.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_arrow")
        db.unregister(f"{name}_arrow")
    db.execute("""CREATE TABLE referral AS SELECT r.id, CAST(r.received_on AS DATE) AS day, r.nation,
        r.police_force_area, r.exploitation_location, r.age_at_exploitation, r.gender, r.nationality, r.responder,
        o.kind AS responder_kind, r.person_id, r.case_id, r.competent_authority, r.dtn_id
        FROM referral_raw r LEFT JOIN organisation o ON o.code = r.responder""")
    db.execute(f"""CREATE TABLE referral_type AS SELECT referral_id,
        CASE WHEN count(DISTINCT code) FILTER (WHERE code <> 'unknown') = 0 THEN '{NOT_SPECIFIED}'
             WHEN count(DISTINCT code) FILTER (WHERE code <> 'unknown') = 1 THEN max(code) FILTER (WHERE code <> 'unknown')
             ELSE 'more_than_one' END AS exploitation
        FROM type_raw GROUP BY referral_id""")
    db.execute("""CREATE TABLE decision AS SELECT d.case_id, d.kind, d.outcome, CAST(d.decided_on AS DATE) AS decided_on
        FROM decision_raw d""")
    # Repeat referrals: a person is their cluster of confirmed links (linkage), else their own record.
    db.execute("""CREATE TABLE referral_history AS
        WITH positive AS (SELECT case_id, min(decided_on) AS first_positive FROM decision
                          WHERE outcome = 'positive' GROUP BY case_id),
        nrm AS (SELECT r.id, r.day, coalesce(c.cluster_id, r.person_id) AS grp, p.first_positive
                FROM referral r LEFT JOIN cluster c ON c.person_id = r.person_id
                LEFT JOIN positive p ON p.case_id = r.case_id
                WHERE r.case_id IS NOT NULL AND r.person_id IS NOT NULL),
        ordered AS (SELECT id, day, row_number() OVER w AS n,
                           min(first_positive) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier_positive
                    FROM nrm WINDOW w AS (PARTITION BY grp ORDER BY day, id))
        SELECT id, CASE WHEN n = 1 THEN 'first' WHEN earlier_positive < day THEN 'repeat_after_positive'
                        ELSE 'repeat' END AS history FROM ordered""")
    db.execute(f"""CREATE TABLE nrm_referral AS SELECT r.day, {_QUARTER.format(d='r.day')} AS quarter,
        {_AGE} AS age, {_GENDER} AS gender, {_NATIONALITY} AS nationality,
        coalesce(t.exploitation, '{NOT_SPECIFIED}') AS exploitation,
        CASE WHEN r.exploitation_location IN ('uk', 'overseas', 'both') THEN r.exploitation_location
             ELSE '{NOT_SPECIFIED}' END AS location,
        coalesce(r.responder_kind, '{NOT_SPECIFIED}') AS responder_kind,
        coalesce(r.responder, '{NOT_SPECIFIED}') AS responder,
        coalesce(r.competent_authority, '{NOT_SPECIFIED}') AS competent_authority,
        coalesce(r.nation, '{NOT_SPECIFIED}') AS nation,
        coalesce(nullif(r.police_force_area, ''), '{NOT_SPECIFIED}') AS police_force_area,
        coalesce(h.history, 'first') AS history
        FROM referral r LEFT JOIN referral_type t ON t.referral_id = r.id
        LEFT JOIN referral_history h ON h.id = r.id
        WHERE r.case_id IS NOT NULL ORDER BY r.day, r.id""")
    db.execute(f"""CREATE TABLE dtn_report AS SELECT r.day, {_QUARTER.format(d='r.day')} AS quarter,
        {_AGE} AS age, {_GENDER} AS gender, {_NATIONALITY} AS nationality
        FROM referral r WHERE r.dtn_id IS NOT NULL AND r.case_id IS NULL ORDER BY r.day, r.id""")
    db.execute(f"""CREATE TABLE rg_decision AS SELECT d.decided_on AS day, {_QUARTER.format(d='d.decided_on')} AS quarter,
        d.outcome, {_AGE} AS age, coalesce(r.competent_authority, '{NOT_SPECIFIED}') AS competent_authority,
        (cd.wd - cr.wd)::INTEGER AS working_days, (d.decided_on - r.day)::INTEGER AS days,
        {_MONTHS_CEILING.format(a='r.day', b='d.decided_on')} AS months_ceiling
        FROM decision d JOIN referral r ON r.case_id = d.case_id
        LEFT JOIN calendar cr ON cr.nation = r.nation AND cr.day = r.day
        LEFT JOIN calendar cd ON cd.nation = r.nation AND cd.day = d.decided_on
        WHERE d.kind = 'reasonable_grounds' ORDER BY d.decided_on, d.case_id""")
    db.execute(f"""CREATE TABLE cg_decision AS
        WITH cg AS (SELECT d.*, (SELECT max(p.decided_on) FROM decision p WHERE p.case_id = d.case_id
                                  AND p.kind = 'reasonable_grounds' AND p.outcome = 'positive'
                                  AND p.decided_on <= d.decided_on) AS rg_on
                    FROM decision d WHERE d.kind = 'conclusive_grounds')
        SELECT cg.decided_on AS day, {_QUARTER.format(d='cg.decided_on')} AS quarter, cg.outcome, {_AGE} AS age,
        coalesce(r.competent_authority, '{NOT_SPECIFIED}') AS competent_authority,
        (cg.decided_on - cg.rg_on)::INTEGER AS days,
        {_MONTHS_CEILING.format(a='cg.rg_on', b='cg.decided_on')} AS months_ceiling
        FROM cg JOIN referral r ON r.case_id = cg.case_id ORDER BY cg.decided_on, cg.case_id""")
    # Support placements: the provider's kind is the one of its dated term in force on the day
    # the placement started (the Poppy Project became a subcontractor in July 2011).
    db.execute(f"""CREATE TABLE support_start AS SELECT CAST(p.start_on AS DATE) AS day,
        {_QUARTER.format(d='CAST(p.start_on AS DATE)')} AS quarter,
        coalesce((SELECT t.kind FROM provider_term t WHERE t.provider = p.provider AND t.starts_on <= p.start_on
                  ORDER BY t.starts_on DESC LIMIT 1), '{NOT_SPECIFIED}') AS provider_kind,
        coalesce(p.provider, '{NOT_SPECIFIED}') AS provider,
        CASE WHEN p.kind IN ({_codes_sql('placement_kind')}) THEN p.kind ELSE '{NOT_SPECIFIED}' END AS placement_kind
        FROM placement_raw p ORDER BY p.start_on, p.id""")
    db.execute(f"""CREATE TABLE support_end AS SELECT CAST(p.end_on AS DATE) AS day,
        {_QUARTER.format(d='CAST(p.end_on AS DATE)')} AS quarter,
        CASE WHEN p.exit_reason IN ({_codes_sql('exit_reason')}) THEN p.exit_reason ELSE '{NOT_SPECIFIED}' END
            AS exit_reason,
        CASE WHEN p.kind IN ({_codes_sql('placement_kind')}) THEN p.kind ELSE '{NOT_SPECIFIED}' END AS placement_kind
        FROM placement_raw p WHERE p.end_on IS NOT NULL ORDER BY p.end_on, p.id""")
    db.execute(f"""CREATE TABLE missing_episode AS SELECT CAST(m.went_missing_on AS DATE) AS day,
        {_QUARTER.format(d='CAST(m.went_missing_on AS DATE)')} AS quarter,
        {_NATIONALITY.replace('r.', 'm.')} AS nationality,
        CASE WHEN m.returned = 'returned' THEN 'returned' ELSE 'still_missing' END AS returned,
        CASE WHEN m.returned IS DISTINCT FROM 'returned' THEN 'still_missing'
             WHEN m.found_where IN ({_codes_sql('found_where')}) THEN m.found_where ELSE '{NOT_SPECIFIED}' END
            AS found_where
        FROM missing_raw m ORDER BY m.went_missing_on, m.id""")
    for name in ("referral_raw", "type_raw", "decision_raw", "referral_type", "referral_history", "placement_raw",
                 "missing_raw"):
        db.execute(f"DROP TABLE {name}")


def _categories(db: duckdb.DuckDBPyConnection, population: str, column: str) -> list[str]:
    """A dimension's categories: the fixed ones in their order, then any others found, sorted."""
    found = [v for (v,) in db.execute(f"SELECT DISTINCT {column} FROM {population} ORDER BY 1").fetchall()
             if v is not None]
    dim = DIMENSIONS[column]
    fixed = [code for code, _ in dim.categories] if dim.fixed else []
    rest = sorted(set(found) - set(fixed), key=lambda v: (v == NOT_SPECIFIED, v))
    return fixed + rest


def _encode(db: duckdb.DuckDBPyConnection, population: str) -> PopulationArrays:
    """The population's rows (already sorted by day) as category indexes."""
    columns = POPULATION_COLUMNS[population]
    categories = {c: _categories(db, population, c) for c in columns}
    joins, selects = [], []
    for i, c in enumerate(columns):
        db.register(f"dict_{c}", pa.table({"v": pa.array(categories[c], type=pa.string()),
                                           "k": pa.array(range(len(categories[c])), type=pa.int32())}))
        joins.append(f"JOIN dict_{c} k{i} ON k{i}.v = p.{c}")
        selects.append(f"k{i}.k AS {c}")
    measures = [f"CAST(p.{m} AS DOUBLE) AS {m}" for m in POPULATION_MEASURES[population]]
    sql = (f"SELECT (p.day - DATE '1970-01-01')::INTEGER AS day, (year(p.day) * 4 + quarter(p.day) - 1)::INTEGER "
           f"AS quarter, {', '.join(selects + measures)} "
           f"FROM {population} p {' '.join(joins)} ORDER BY p.day")
    arrays = db.execute(sql).fetchnumpy()
    for c in columns:
        db.unregister(f"dict_{c}")
    codes = {c: np.asarray(arrays[c], dtype=np.int32) for c in columns}
    measure_arrays = {}
    for m in POPULATION_MEASURES[population]:
        values = arrays[m]
        measure_arrays[m] = np.ma.filled(values, np.nan).astype(np.float64) if np.ma.isMaskedArray(values) \
            else np.asarray(values, dtype=np.float64)
    return PopulationArrays(
        id=population, day=np.asarray(arrays["day"], dtype=np.int32), quarter=np.asarray(arrays["quarter"], dtype=np.int32),
        codes=codes, categories=categories, measures=measure_arrays)


def _labels(db: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    from palermo.accounts.models import ORG_KIND_CHOICES
    from palermo.nrm.codes import codes
    from palermo.people.countries import country_name
    from palermo.support.models import PROVIDER_KIND_CHOICES

    labels: dict[str, dict[str, str]] = {d.id: dict(d.categories) for d in DIMENSIONS.values() if d.fixed}
    orgs = {code: name for code, name, _ in db.execute("SELECT code, name, kind FROM organisation").fetchall()}
    labels["responder"] = dict(orgs)
    labels["competent_authority"] = dict(orgs) | {NOT_SPECIFIED: "Not routed"}
    labels["responder_kind"] = dict(ORG_KIND_CHOICES) | {NOT_SPECIFIED: "Kind not recorded"}
    labels["provider"] = dict(orgs) | {NOT_SPECIFIED: "Provider not recorded"}
    labels["provider_kind"] = dict(PROVIDER_KIND_CHOICES) | {NOT_SPECIFIED: "Kind not recorded"}
    labels["police_force_area"] = {k: v.label for k, v in codes("police_force_areas").items()} | {
        NOT_SPECIFIED: "Police force area not specified"}
    nationalities = {v for (v,) in db.execute(
        "SELECT DISTINCT nationality FROM nrm_referral UNION SELECT DISTINCT nationality FROM dtn_report "
        "UNION SELECT DISTINCT nationality FROM missing_episode").fetchall()}
    labels["nationality"] = {n: country_name(n) for n in nationalities if n and _ALPHA3.fullmatch(n)} | {
        NOT_SPECIFIED: "Nationality not specified"}
    return labels


def snapshot_from_tables(tables: dict[str, pa.Table], *, audit_head: dict | None = None) -> Snapshot:
    """Build the populations from Arrow tables shaped as the database read gives them (used by
    the benchmark and tests; :func:`snapshot_load` reads them from the database)."""
    t0 = time.perf_counter()
    db = duckdb.connect(":memory:")
    db.execute("SET threads TO 2")
    days = [d for name in ("referral_raw", "decision_raw") for d in _date_range(tables[name])]
    first, last = (min(days), max(days)) if days else (dt.date(2009, 4, 1), dt.date(2009, 4, 1))
    empty = {name: pa.table({c: pa.array([], type=t) for c, t in cols.items()}) for name, cols in RAW_TABLES.items()}
    tables = {**empty, **tables, "calendar": _calendar_table(first, last)}
    _build(db, tables)
    populations = {p: _encode(db, p) for p in POPULATIONS}
    snap = Snapshot(populations=populations, labels=_labels(db), db=db,
                    audit_head=audit_head or {"seq": 0, "hash": "0" * 64})
    snap.seconds["build"] = time.perf_counter() - t0
    return snap


def _date_range(table: pa.Table) -> list[dt.date]:
    col = "received_on" if "received_on" in table.column_names else "decided_on"
    if table.num_rows == 0:
        return []
    values = table.column(col)
    if values.type != pa.date32():
        values = values.cast(pa.date32())
    import pyarrow.compute as pc

    bounds = pc.min_max(values)
    return [bounds["min"].as_py(), bounds["max"].as_py()]


def snapshot_load() -> Snapshot:
    """Read the database once (one consistent instant) and build the snapshot."""
    t0 = time.perf_counter()
    tables, head = _read_database()
    read = time.perf_counter() - t0
    snap = snapshot_from_tables(tables, audit_head=head)
    snap.seconds["read"] = read
    return snap
