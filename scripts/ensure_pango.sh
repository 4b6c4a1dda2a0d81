#!/bin/sh
# Make sure Debian's Pango is installed: WeasyPrint (decision letters as PDF, palermo.letters)
# draws text with it. Safe to run again: does nothing when the library is already there
# (chromium's packages bring it too).
set -eu

if ldconfig -p 2>/dev/null | grep -q "libpango-1.0.so.0" && ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0"; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=sudo
    else
        echo "ensure_pango: Pango is missing and this is not root; run as root: apt-get install libpango-1.0-0 libpangoft2-1.0-0" >&2
        exit 1
    fi
else
    SUDO=
fi
echo "ensure_pango: installing Debian's Pango with apt..."
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null
