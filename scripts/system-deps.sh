#!/bin/sh
# Debian packages the tests need. Installs only what is missing, and only when run as root.
set -eu
missing=""
command -v msgfmt >/dev/null 2>&1 || missing="$missing gettext"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "Please install these Debian packages:$missing" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
