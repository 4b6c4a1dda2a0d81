"""Palermo's settings with the benchmark's URLconf (Palermo's URLs and the floor views)."""

from palermo.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.http_floor.urls"
