#!/usr/bin/env bash
# Runs the whole LazyLecture test suite: unit, engine parity and end-to-end tests through the AppHost test host.
# Extra arguments go to the test runner, e.g. ./test.sh --filter-namespace "LazyLecture.Tests.Hosting".
set -euo pipefail
cd "$(dirname "$0")"
source eng/prerequisites.sh

shared="${LAZYLECTURE_SHARED:-../shared}"
if [ -d "$shared" ]; then
  export LAZYLECTURE_SHARED="$(cd "$shared" && pwd)"
  say "Shared models and audio: $LAZYLECTURE_SHARED"
elif [ "${CI:-}" = "true" ]; then
  echo "CI needs the shared models and audio at $shared (set LAZYLECTURE_SHARED)." >&2
  exit 1
else
  say "No shared folder at $shared: tests that need its models or audio will be skipped"
fi

say "Building (Release)…"
dotnet build LazyLecture.Tests -c Release -nologo -v quiet

say "Running tests…"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
dotnet test --project LazyLecture.Tests -c Release --no-build -- "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# The Microsoft.Testing.Platform summary is not the plain totals line; print that line ourselves.
count() { grep -E "^\s+$1: [0-9]+" "$log" | tail -n 1 | grep -oE '[0-9]+' || echo 0; }
echo "$(count succeeded) passed, $(count failed) failed, $(count skipped) skipped"
exit "$status"
