"""Benchmark-only settings and URLs for ``benchmarks/http.py``: Palermo's own URLs plus two bare
views, the floor the API is measured against. Never part of Palermo's production URLs: the
server is started with ``DJANGO_SETTINGS_MODULE=benchmarks.http_floor.settings`` only by the
benchmark."""
