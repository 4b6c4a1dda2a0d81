"""Palermo's settings with the benchmark's URLconf (Palermo's URLs and the floor views), and,
when ``PALERMO_BENCH_PROBE`` names a folder, the probe middleware (``probe.py``) outermost."""

import os

from palermo.settings import *  # noqa: F403
from palermo.settings import MIDDLEWARE

ROOT_URLCONF = "benchmarks.http_floor.urls"
if os.environ.get("PALERMO_BENCH_PROBE"):
    MIDDLEWARE = ["benchmarks.http_floor.probe.ProbeMiddleware", *MIDDLEWARE]
