"""Build the web interface's static files from npm packages (run after ``npm ci``).

* compiles ``scss/app.scss`` (GOV.UK Frontend with Arial: Palermo is not a GOV.UK service, so
  no GDS Transport) into ``palermo/web/static/app.min.css``;
* copies GOV.UK Frontend's JavaScript module and its images into ``palermo/web/static/govuk/``
  (no fonts: Arial is a system font).

Both outputs are git-ignored: third-party build output is never committed. Running it twice
gives the same files. Exits with a clear message when ``node_modules`` is missing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
GOVUK_DIST = NODE_MODULES / "govuk-frontend" / "dist" / "govuk"
SASS = NODE_MODULES / ".bin" / "sass"
STATIC = ROOT / "palermo" / "web" / "static"
OUT_CSS = STATIC / "app.min.css"
OUT_GOVUK = STATIC / "govuk"


def fail(message: str) -> None:
    print(f"build_assets: {message}", file=sys.stderr)
    raise SystemExit(1)


def check_inputs() -> None:
    if not NODE_MODULES.is_dir():
        fail("node_modules is missing: run `npm ci` (or `make assets`) in the repository root first")
    for needed in (GOVUK_DIST / "govuk-frontend.min.js", GOVUK_DIST / "assets" / "images", SASS):
        if not needed.exists():
            fail(f"{needed.relative_to(ROOT)} is missing: run `npm ci` to install package-lock.json's versions")


def compile_css() -> None:
    STATIC.mkdir(parents=True, exist_ok=True)
    tmp = OUT_CSS.with_suffix(".css.tmp")
    cmd = [str(SASS), "--pkg-importer=node", "--style=compressed", "--no-source-map", "--quiet-deps",
           str(ROOT / "scss" / "app.scss"), str(tmp)]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        tmp.unlink(missing_ok=True)
        fail(f"sass failed:\n{result.stderr}")
    if result.stderr.strip():
        print(result.stderr.strip(), file=sys.stderr)
    css = tmp.read_text(encoding="utf-8")
    if "GDS Transport" in css:
        tmp.unlink()
        fail("the compiled CSS uses GDS Transport, which only GOV.UK services may use: check scss/app.scss")
    tmp.replace(OUT_CSS)  # atomic: a running server never serves half a file


def copy_govuk() -> None:
    """Copy the ES module and the images, dropping source-map comments (the maps are not copied)."""
    if OUT_GOVUK.exists():
        shutil.rmtree(OUT_GOVUK)
    (OUT_GOVUK / "assets").mkdir(parents=True)
    js = (GOVUK_DIST / "govuk-frontend.min.js").read_text(encoding="utf-8")
    js = "\n".join(line for line in js.splitlines() if not line.startswith("//# sourceMappingURL="))
    (OUT_GOVUK / "govuk-frontend.min.js").write_text(js + "\n", encoding="utf-8")
    shutil.copytree(GOVUK_DIST / "assets" / "images", OUT_GOVUK / "assets" / "images")
    shutil.copy2(GOVUK_DIST / "assets" / "manifest.json", OUT_GOVUK / "assets" / "manifest.json")


def main() -> None:
    check_inputs()
    compile_css()
    copy_govuk()
    version = __import__("json").loads((NODE_MODULES / "govuk-frontend" / "package.json").read_text())["version"]
    print(f"build_assets: govuk-frontend {version} → {OUT_CSS.relative_to(ROOT)} "
          f"({OUT_CSS.stat().st_size // 1024} KB) and {OUT_GOVUK.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
