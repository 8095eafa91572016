#!/usr/bin/env bash
# Installs the Debian packages some tests drive for real: rsync (gitlab-ci-local's shell executor),
# chromium (the governor dashboard is opened headless), kubectl (the AKS emulator is driven by the
# real client) and openssl (a TLS cluster CA). Skips what is already there.
set -euo pipefail

missing=()
command -v rsync >/dev/null 2>&1 || missing+=(rsync)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
  echo "setup: please install ${missing[*]} (tests that need them will fail without)" >&2
  exit 1
fi
sudo_cmd=""
[ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
echo "setup: installing ${missing[*]}" >&2
$sudo_cmd apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
