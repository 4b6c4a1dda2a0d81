"""The front-end build: GOV.UK Frontend compiled with Arial, never GDS Transport or the
GOV.UK crown, and a clear error when npm has not been run."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CSS = ROOT / "palermo" / "web" / "static" / "app.min.css"


def _build_module():
    spec = importlib.util.spec_from_file_location("build_assets", ROOT / "scripts" / "build_assets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_build_fails_clearly_without_node_modules(tmp_path, monkeypatch, capsys):
    build = _build_module()
    monkeypatch.setattr(build, "NODE_MODULES", tmp_path / "node_modules")
    with pytest.raises(SystemExit) as exc:
        build.main()
    assert exc.value.code == 1
    assert "node_modules is missing: run `npm ci`" in capsys.readouterr().err


def test_compiled_css_uses_arial_and_static_asset_paths():
    assert CSS.exists(), "palermo/web/static/app.min.css is missing: run `npm ci && .venv/bin/python scripts/build_assets.py`"
    css = CSS.read_text(encoding="utf-8")
    assert "GDS Transport" not in css
    assert "font-family:arial,sans-serif" in css
    assert "url(/assets/" not in css and 'url("/assets/' not in css


def test_package_json_pins_the_front_end_tools():
    import json

    deps = json.loads((ROOT / "package.json").read_text())["devDependencies"]
    assert deps["govuk-frontend"].startswith("6.") and deps["axe-core"].startswith("4.") and "sass" in deps
    assert (ROOT / "package-lock.json").exists()
