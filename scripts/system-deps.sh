#!/bin/sh
# Debian packages the tests need. Installs only what is missing, and only when run as root.
#   gettext: msgfmt, to compile the catalogues.
#   postgresql-client: pg_dump and pg_restore, for `huiketing backup` and `restore` (and their tests).
#   chromium, fonts-noto-core, fonts-noto-cjk: the browser suite (`make e2e`) drives Debian's Chromium through
#   Playwright (no browser is downloaded); the fonts draw Chinese and the Arabic script of Uyghur and Kazakh.
#   libpango-1.0-0, libpangoft2-1.0-0: the text layout WeasyPrint draws the minutes PDF with (with the same fonts).
set -eu
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=""
command -v msgfmt >/dev/null 2>&1 || missing="$missing gettext"
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v pg_dump >/dev/null 2>&1 || missing="$missing postgresql-client"
for package in fonts-noto-core fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0; do
  installed "$package" || missing="$missing $package"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "Please install these Debian packages:$missing" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
