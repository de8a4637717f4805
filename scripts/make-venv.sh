#!/usr/bin/env bash
# Creates the project's virtualenv. Debian's python3 lacks the venv module until python3-venv is
# installed, so a root user on Debian gets it installed rather than a cryptic failure.
set -euo pipefail
python="$1"
venv="$2"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "Zhifa needs Python 3.11 or newer; $python is $("$python" --version 2>&1)" >&2
    exit 1
fi
if ! "$python" -m venv "$venv" 2>/dev/null; then
    rm -rf "$venv"
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        minor=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "python${minor}-venv" || \
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
        "$python" -m venv "$venv"
    else
        echo "Cannot create a virtualenv: install your distribution's python3-venv package." >&2
        exit 1
    fi
fi
