"""Page tests use the shared ``world`` fixture (tests/conftest.py): demo organisations and
one user per role, built through the real services."""

import os

# If the foundation's root conftest is not there, still run with test keys (tests only).
os.environ.setdefault("PALERMO_ENV", "test")
os.environ.setdefault("PALERMO_ENCRYPTION_KEYS", "yhz3tE9lT5e-t7iBbqXbbR3WIjW3_Qtm7Lm8CMbS7NE=")
os.environ.setdefault("PALERMO_BLIND_INDEX_KEY", "test-blind-index-key-not-a-secret")
