#!/usr/bin/env bash
# Makes sure the system packages Zhifa needs are present, installing what is missing when it can (root
# with apt-get); otherwise it fails with what to install, so that nothing runs half-equipped and no test is
# ever skipped for a missing tool.
#   scripts/system-deps.sh run   what the demo and the server need: Pango, fontconfig, CJK fonts and
#                                HarfBuzz's subsetter (the PDF documents: WeasyPrint loads the libraries,
#                                zhifa/documents asks fc-list for a Chinese font)
#   scripts/system-deps.sh test  the above, and what the tests drive: Debian's chromium (browser tests)
#                                and PostgreSQL's server binaries (the second database pass)
set -euo pipefail
profile="${1:-test}"
case "$profile" in
    run|test) ;;
    *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac

missing=()
dpkg -s libpangoft2-1.0-0 >/dev/null 2>&1 || missing+=(libpangoft2-1.0-0)
command -v fc-list >/dev/null || missing+=(fontconfig)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
dpkg -s libharfbuzz-subset0 >/dev/null 2>&1 || missing+=(libharfbuzz-subset0)
if [ "$profile" = test ]; then
    [ -x /usr/bin/chromium ] || missing+=(chromium)
    compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
fi

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "Installing missing system packages / 安装缺少的系统软件包: ${missing[*]}"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
    echo "无法安装 ${missing[*]}：请以 root 身份在 Debian 上运行，或自行安装。" >&2
    echo "Cannot install ${missing[*]}: run as root on Debian, or install them yourself." >&2
    exit 1
fi
