#!/bin/sh
# Make sure Debian's chromium is installed for the browser tests (tests/browser/).
# Never a downloaded browser: Playwright drives /usr/bin/chromium from apt.
# Safe to run again: does nothing but print the version when chromium is already there.
set -eu

CHROMIUM=/usr/bin/chromium

if [ ! -x "$CHROMIUM" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            SUDO=sudo
        else
            echo "ensure_chromium: $CHROMIUM is missing and this is not root; run as root: apt-get install chromium" >&2
            exit 1
        fi
    else
        SUDO=
    fi
    echo "ensure_chromium: installing Debian's chromium with apt (about 35 s)..."
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

# The launcher is a shell script that can print a harmless "[: unexpected operator" on stderr.
"$CHROMIUM" --version 2>/dev/null || { echo "ensure_chromium: $CHROMIUM does not run" >&2; exit 1; }
