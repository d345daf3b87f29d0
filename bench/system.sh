#!/usr/bin/env bash
# Shared by the end-to-end benchmarks (sourced): starts the whole system from the built AppHost in the background on
# ports nobody uses, in a throw-away state folder, and stops it when the sourcing script exits, returning only once every
# process of the run has gone.
# After start_system: $api (the API's address), $admin_password, $apphost_pid, $bench_work (the throw-away folder).

source eng/process-tree.sh

bench_work="$(mktemp -d /tmp/lazylecture-bench-XXXXXX)"
# Reachable by PostgreSQL's own user when run as root, so the database lives in this folder and goes with it.
chmod 0711 "$bench_work"
apphost_pid=""

stop_system() {
  if [ -n "$apphost_pid" ] && kill -0 "$apphost_pid" 2>/dev/null; then
    say "Stopping the system…" >&2 # stdout ends with the script's own summary line
    # SIGTERM, not SIGINT: a background process of a script ignores SIGINT.
    stop_apphost "$apphost_pid"
    wait "$apphost_pid" 2>/dev/null || true
    say "Stopped: no process of this run is left." >&2
  fi
  chmod -R u+w "$bench_work" 2>/dev/null || true
  rm -rf "$bench_work"
}
trap stop_system EXIT

# A port nobody listens on (checked against the kernel's table of listening sockets).
free_port() { local port; while :; do port=$(shuf -i 20000-60000 -n 1); ss -ltn "sport = :$port" | grep -q LISTEN || { echo "$port"; return; }; done; }

# start_system [AppHost option…]: builds the AppHost (Release), starts it and waits until the API is ready.
start_system() {
  say "Building (Release)…"
  dotnet build LazyLecture.AppHost -c Release -nologo -v quiet >/dev/null
  local api_port; api_port=$(free_port)
  admin_password="Bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')!"
  api="http://localhost:$api_port"
  mkdir -m 0711 "$bench_work/state"

  say "Starting the system (AppHost output in $bench_work/apphost.log)…"
  env DOTNET_ENVIRONMENT=Development ASPNETCORE_URLS="http://localhost:$(free_port)" \
    ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="http://localhost:$(free_port)" ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL="http://localhost:$(free_port)" \
    ASPIRE_ALLOW_UNSECURED_TRANSPORT=true "Parameters__admin-password=$admin_password" \
    LazyLecture.AppHost/bin/Release/net10.0/LazyLecture.AppHost \
    --state-dir "$bench_work/state" --api-port "$api_port" --web-port "$(free_port)" "$@" >"$bench_work/apphost.log" 2>&1 &
  apphost_pid=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "$api/health/ready")" = 200 ]; do
    kill -0 "$apphost_pid" 2>/dev/null || { tail -30 "$bench_work/apphost.log"; exit 1; }
    sleep 1
  done
}

# The process id of this run's API or worker. DCP detaches from the AppHost, so they are found by their executable and
# a setting only this run gave them: the API's audio folder, the worker's API address.
service_pid() {
  local project="$1" marker pid
  case "$project" in
    LazyLecture.Api) marker="$bench_work/state/audio" ;;
    LazyLecture.Worker) marker="$api" ;;
  esac
  for pid in $(pgrep -f "$PWD/$project/bin/Release/net10.0/$project"); do
    if tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | grep -qF "$marker"; then
      echo "$pid"; return
    fi
  done
}

# Peak resident memory (VmHWM) of this run's API or worker, in MB; "?" once it has gone.
peak_mb() {
  local pid; pid=$(service_pid "$1")
  if [ -n "$pid" ]; then awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$pid/status"; else echo "?"; fi
}
