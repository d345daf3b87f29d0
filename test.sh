#!/usr/bin/env bash
# Runs the whole LazyLecture test suite: the unit and engine-parity tests (LazyLecture.UnitTests, no application), then
# the end-to-end tests (LazyLecture.Tests), which start the application from the AppHost with Aspire.Hosting.Testing.
# Extra arguments go to both test runners, e.g. ./test.sh --filter-namespace "LazyLecture.Tests.Hosting".
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
dotnet build LazyLecture.UnitTests -c Release -nologo -v quiet
dotnet build LazyLecture.Tests -c Release -nologo -v quiet

logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
# The end-to-end tests list each whole application they start here (a line each, with what it is for).
export LAZYLECTURE_TEST_APP_STARTS="$logs/application-starts"
status=0
for project in LazyLecture.UnitTests LazyLecture.Tests; do
  say "Running $project…"
  set +e
  dotnet test --project "$project" -c Release --no-build -- "$@" 2>&1 | tee "$logs/$project.log"
  project_status=${PIPESTATUS[0]}
  set -e
  # Exit code 8: the filter matched no test in this project, which is fine when the other one has them.
  if [ "$project_status" -ne 0 ] && [ "$project_status" -ne 8 ]; then status=$project_status; fi
done

# The Microsoft.Testing.Platform summary is not the plain totals line: add up each project's summary ourselves.
count() { grep -hE "^\s+$1: [0-9]+" "${@:2}" | grep -oE '[0-9]+' | awk '{ sum += $1 } END { print sum + 0 }'; }
summary() { echo "$(count total "$@") run: $(count succeeded "$@") passed, $(count failed "$@") failed, $(count skipped "$@") skipped"; }
for project in LazyLecture.UnitTests LazyLecture.Tests; do
  echo "$project: $(summary "$logs/$project.log")"
done
# CI shows only the log's tail: name every failed test there, with the first lines of why.
if grep -qE '^failed ' "$logs"/*.log; then
  echo "Failed tests:"
  grep -hE -A6 '^failed ' "$logs"/*.log | cut -c1-400
fi
if [ -f "$LAZYLECTURE_TEST_APP_STARTS" ]; then
  echo "Whole applications started: $(wc -l < "$LAZYLECTURE_TEST_APP_STARTS") ($(awk '{ print $2 }' "$LAZYLECTURE_TEST_APP_STARTS" | paste -sd ' '))"
fi
echo "Total: $(summary "$logs"/*.log)"
exit "$status"
