#!/usr/bin/env bash
# Runs the whole LazyLecture system through its .NET Aspire AppHost: PostgreSQL, RabbitMQ, the migrations, the API and the
# worker(s), with the Aspire dashboard. Options go to the AppHost, e.g. ./run.sh --api-port 5090 --workers 2
# (see README). Ctrl+C or SIGTERM stops everything it started, and the script returns only once all of it has gone.
set -euo pipefail
cd "$(dirname "$0")"
source eng/prerequisites.sh

say "Building (Release)…"
dotnet build LazyLecture.AppHost -c Release -nologo -v quiet
# after the build: the models come from the worker's own model provider
source eng/whisper-model.sh
source eng/vad-model.sh

# What Properties/launchSettings.json gives `dotnet run`: the dashboard and its OTLP receiver, on loopback only, over
# plain http (no development certificate is needed on a machine that only talks to itself).
export DOTNET_ENVIRONMENT="${DOTNET_ENVIRONMENT:-Development}"
export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://localhost:18888}"
export ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="${ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL:-http://localhost:18889}"
export ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL="${ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL:-http://localhost:18890}"
export ASPIRE_ALLOW_UNSECURED_TRANSPORT=true

say "Starting the AppHost: the dashboard's login link follows; the web app will answer at http://localhost:5081, the API at http://localhost:5080 (docs: /scalar)"
source eng/process-tree.sh
# In the background so that this script can wait, on Ctrl+C, until the orchestrator has stopped every resource: it goes
# on after the AppHost has exited (eng/process-tree.sh). A background process of a script ignores SIGINT, so the
# AppHost gets SIGTERM from here; Ctrl+C reaches this script only.
LazyLecture.AppHost/bin/Release/net10.0/LazyLecture.AppHost "$@" &
apphost_pid=$!
stop() {
  trap - INT TERM
  say "Stopping everything the AppHost started…"
  stop_apphost "$apphost_pid"
  say "Stopped."
}
trap stop INT TERM
set +e
wait "$apphost_pid"
status=$?
set -e
# The AppHost may also end by itself (for example when its start-up fails): its orchestrator is still waited for.
if [ "$status" -lt 128 ]; then stop_apphost "$apphost_pid"; fi
exit "$status"
