"""Where Splink runs: DuckDB on this machine, or Spark for a national data set.

DuckDB is the default and needs nothing else. Spark needs ``pyspark`` (``pip install
'splink[spark]'``) and Java 17; when ``pyspark`` is missing, asking for it fails at once with
a clear message rather than deep inside Splink.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

BACKENDS = ("duckdb", "spark")


class BackendUnavailable(RuntimeError):
    """The requested backend cannot run here (for Spark: pyspark or Java missing)."""


@dataclass
class Backend:
    """A Splink database API plus what is needed to load tables into it."""

    name: str
    dialect: str
    db_api: Any
    session: Any = None

    def register(self, *, table: pa.Table, name: str):
        """Load a cleaned table and return it as a registered Splink data frame."""
        if self.name == "duckdb":
            return self.db_api.register(table, table_name=name)
        spark_df = self.session.createDataFrame(table.to_pylist(), schema=_spark_schema(table))
        return self.db_api.register(spark_df, table_name=name)

    def close(self) -> None:
        """Release the database connection (the Spark session is left to its owner)."""
        if self.name == "duckdb":
            self.db_api.duckdb_con.close()


def spark_available() -> bool:
    """True when ``pyspark`` can be imported."""
    return importlib.util.find_spec("pyspark") is not None


def check_backend(*, name: str) -> None:
    """Fail early, before any work, when backend ``name`` cannot run here."""
    if name not in BACKENDS:
        raise BackendUnavailable(f"unknown backend {name!r}: choose one of {', '.join(BACKENDS)}")
    if name == "spark" and not spark_available():
        raise BackendUnavailable(
            "pyspark is not installed: install it with pip install 'splink[spark]' "
            "(and Java 17) to use --backend spark, or use --backend duckdb"
        )


def open_backend(*, name: str = "duckdb", threads: int | None = None, spark_session: Any = None) -> Backend:
    """Open a fresh in-memory DuckDB, or a local Spark session, for one linkage job.

    Raises :class:`BackendUnavailable` with an actionable message when ``name`` is ``spark``
    and pyspark is not installed.
    """
    if name == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        con = duckdb.connect()
        con.sql(f"SET threads = {int(threads or os.cpu_count() or 1)}")
        return Backend(name="duckdb", dialect="duckdb", db_api=DuckDBAPI(connection=con))
    check_backend(name=name)
    if name == "spark":
        from pyspark.sql import SparkSession
        from splink import SparkAPI
        from splink.backends.spark import similarity_jar_location

        # Splink's Jaro-Winkler and other similarity functions are Scala UDFs in a jar it ships
        # (the one matching the installed Spark); Spark must load it when the session starts.
        session = spark_session or (
            SparkSession.builder.master(f"local[{threads or os.cpu_count() or 1}]")
            .appName("palermo-linkage")
            .config("spark.sql.shuffle.partitions", str(max(4, 2 * (threads or 2))))
            .config("spark.jars", similarity_jar_location())
            .getOrCreate()
        )
        session.sparkContext.setCheckpointDir(os.path.join(os.environ.get("TMPDIR", "/tmp"), "palermo-spark"))
        return Backend(
            name="spark",
            dialect="spark",
            db_api=SparkAPI(spark_session=session, break_lineage_method="parquet"),
            session=session,
        )
    raise AssertionError(name)  # unreachable: check_backend refused it


def _spark_schema(table: pa.Table):
    from pyspark.sql import types as T

    mapping = {pa.string(): T.StringType(), pa.int64(): T.LongType(), pa.bool_(): T.BooleanType()}
    return T.StructType(
        [T.StructField(f.name, mapping.get(f.type, T.StringType()), True) for f in table.schema]
    )
