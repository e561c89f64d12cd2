#!/usr/bin/env bash
# Runs every test on a machine that has only the .NET SDK: installs what the tests need when it is missing
# (Debian's Chromium for the browser tests, Debian's PostgreSQL binaries for the PostgreSQL tests, Debian's npm and
# tools/emulators' storage emulators for the object-store tests; with sudo when not root), restores the local tools,
# refuses packages with known vulnerabilities, then runs
# `dotnet test RegistryPortal.sln`. Extra arguments go to `dotnet test`. Playwright's own browser download is never used.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

packages=()
[[ -x /usr/bin/chromium ]] || packages+=(chromium)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || packages+=(postgresql)
command -v npm >/dev/null || packages+=(nodejs npm)
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

# The storage emulators the object-store tests start (Azurite, s3rver), pinned by tools/emulators/package-lock.json.
# npm trusts only its own CA list; a machine whose registry is reached through its own CA lists it in the system's.
if [[ -z ${NODE_EXTRA_CA_CERTS:-} && -f /etc/ssl/certs/ca-certificates.crt ]]; then
  export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi
[[ -d tools/emulators/node_modules ]] || npm ci --prefix tools/emulators --no-audit --no-fund

# Local tools (dotnet-ef) are in the manifest; a fresh machine has none restored.
dotnet tool restore

# No package with a known vulnerability (NuGet's advisories), when the feed can tell; a feed that cannot answer
# is reported and does not stop the tests.
if audit=$(dotnet list RegistryPortal.sln package --vulnerable --include-transitive 2>&1); then
  if grep -q "has the following vulnerable packages" <<<"$audit"; then
    echo "$audit" >&2
    echo "A package with a known vulnerability is in use (listed above): update it before the tests run." >&2
    exit 1
  fi
else
  echo "Could not check packages for known vulnerabilities (the feed did not answer); going on with the tests." >&2
fi

exec dotnet test RegistryPortal.sln "$@"
