#!/usr/bin/env bash
# Stops the AppHost and waits until every process of its run has gone (sourced by run.sh and bench/system.sh).
# Why not just wait for the AppHost: Aspire's orchestrator (DCP) detaches into its own session (its parent becomes
# init) and goes on stopping PostgreSQL, RabbitMQ and the services for up to ~20 s after the AppHost has exited. Its
# processes are found as the DCP started with `--monitor <the AppHost's pid>` and everything below it.

# Prints the given process ids and all their descendants, one a line.
process_tree() {
  local pid
  for pid in "$@"; do
    echo "$pid"
    # shellcheck disable=SC2046 # word splitting of the child list is wanted
    process_tree $(pgrep -P "$pid" || true)
  done
}

# Every process of the AppHost run with this pid: the AppHost, its orchestrator and all their descendants.
apphost_processes() {
  local apphost_pid="$1"
  # shellcheck disable=SC2046
  process_tree "$apphost_pid" $(pgrep -f -- "--monitor $apphost_pid( |$)" || true) | sort -un
}

# stop_apphost PID: SIGTERM to the AppHost (its orchestrator then stops every resource); returns once every process of
# the run has gone. After 60 s the ones left are killed (SIGKILL), so the caller always returns with nothing running.
stop_apphost() {
  local apphost_pid="$1" processes alive pid
  processes=$(apphost_processes "$apphost_pid")
  kill -TERM "$apphost_pid" 2>/dev/null || true
  for _ in $(seq 600); do
    alive=""
    for pid in $processes; do kill -0 "$pid" 2>/dev/null && alive+=" $pid"; done
    [ -z "$alive" ] && return 0
    sleep 0.1
  done
  echo "Still running 60 s after SIGTERM, killed:$alive" >&2
  # shellcheck disable=SC2086
  kill -KILL $alive 2>/dev/null || true
}
