#!/usr/bin/env bash
# The Debian packages Grove's tests use (README, "Tests"): bubblewrap and socat (the agent sandbox and its network
# allow-list), tini (the image's PID 1), docker.io and debootstrap (the image test builds its own base and daemon),
# chromium (the dashboard's screenshot test), procps (`kill`: the durable-intake benchmark stops the servers it is not
# measuring). Installs only what is missing; needs root and Debian's apt.
set -euo pipefail
packages=(bubblewrap socat tini docker.io debootstrap chromium git procps)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "[grove] system packages present: ${packages[*]}"
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "[grove] missing system packages: ${missing[*]} (install them with apt-get as root)" >&2
  exit 1
fi
echo "[grove] installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
