#!/usr/bin/env bash
# Makes sure the system tools the test suite drives are present: Debian's chromium (the browser
# tests), Pango, fontconfig, CJK fonts and HarfBuzz's subsetter (PDF documents: WeasyPrint loads the
# libraries; zhifa/documents asks fc-list for a Chinese font), PostgreSQL's server binaries (the
# second database pass). Installs what is missing when it can (root with apt-get); otherwise it
# fails, so that no test is ever skipped for a missing tool.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s libpangoft2-1.0-0 >/dev/null 2>&1 || missing+=(libpangoft2-1.0-0)
command -v fc-list >/dev/null || missing+=(fontconfig)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
dpkg -s libharfbuzz-subset0 >/dev/null 2>&1 || missing+=(libharfbuzz-subset0)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "Installing missing system packages: ${missing[*]}"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
    echo "Cannot install ${missing[*]}: run as root on Debian, or install them yourself." >&2
    exit 1
fi
