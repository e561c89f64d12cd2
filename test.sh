#!/usr/bin/env bash
# Runs every test on a machine that has only the .NET SDK: installs what the tests need when it is missing
# (Debian's Chromium for the browser tests, Debian's PostgreSQL binaries for the PostgreSQL tests; with sudo
# when not root), restores the local tools, then runs `dotnet test RegistryPortal.sln`. Extra arguments go to
# `dotnet test`. Playwright's own browser download is never used.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

packages=()
[[ -x /usr/bin/chromium ]] || packages+=(chromium)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || packages+=(postgresql)
if (( ${#packages[@]} )); then
  echo "Installing what the tests need: ${packages[*]} (Debian packages)"
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "Installing ${packages[*]} needs root: run as root, or install sudo." >&2; exit 1; }
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update && $sudo apt-get install -y "${packages[@]}"
fi

# Local tools (dotnet-ef) are in the manifest; a fresh machine has none restored.
dotnet tool restore

exec dotnet test RegistryPortal.sln "$@"
