#!/usr/bin/env bash
# Load benchmark of the whole running system on loopback: starts it (AppHost: PostgreSQL, RabbitMQ, API, worker), then
# for a fixed duration 200 clients list and read transcripts and follow live streams (SSE) while 20 real recordings are
# uploaded and transcribed; then one 1 GiB upload with the API's memory sampled. Prints throughput, p50/p99 latency,
# errors, the API's and the worker's peak memory, and ends with `requests=N errors=E p99_ms=X`. Stops what it started.
# Usage: bench/load.sh [--duration S] [--clients N] [--uploads N] [--no-large-upload]
set -euo pipefail
cd "$(dirname "$0")/.."
source eng/prerequisites.sh

duration=120 clients=200 uploads=20 large_upload=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --uploads) uploads="$2"; shift 2 ;;
    --no-large-upload) large_upload=no; shift ;;
    *) echo "usage: bench/load.sh [--duration S] [--clients N] [--uploads N] [--no-large-upload]" >&2; exit 2 ;;
  esac
done
shared="${LAZYLECTURE_SHARED:-../shared}"
for recording in jfk.wav stereo_diarization.wav; do
  [ -f "$shared/audio/$recording" ] || { echo "Needs $shared/audio/$recording (set LAZYLECTURE_SHARED)." >&2; exit 1; }
done

source bench/system.sh

# The shared speech recordings, the 5-second stereo one played three times to pass the API's 10-second minimum.
recordings=("$shared/audio/jfk.wav" "$bench_work/stereo_diarization-15s.wav")
ffmpeg -nostdin -v error -y -stream_loop 2 -i "$shared/audio/stereo_diarization.wav" -c copy "${recordings[1]}"

if [ "$large_upload" = yes ]; then
  # 48 kHz stereo 16-bit PCM of looped speech: just under the API's 1 GiB cap and within its two-hour limit (93 min).
  say "Building a 1 GiB recording…"
  ffmpeg -nostdin -v error -y -stream_loop -1 -i "${recordings[0]}" -t 5592 -ac 2 -ar 48000 -c:a pcm_s16le "$bench_work/large.wav"
fi

say "Building the load generator (Release)…"
dotnet build bench/LoadBench -c Release -nologo -v quiet >/dev/null

# PocketSphinx: the engine that needs no model download, so the figures are the API's, not a download's.
start_system --engine pocketsphinx
api_pid=$(service_pid LazyLecture.Api)
# The worker starts after the API is ready: wait for its process (its memory is part of the report).
for _ in $(seq 120); do worker_pid=$(service_pid LazyLecture.Worker); [ -n "$worker_pid" ] && break; sleep 1; done

say "Load: ${clients} clients for ${duration} s, ${uploads} uploads…"
set +e
LAZYLECTURE_BENCH_ADMIN_PASSWORD="$admin_password" dotnet bench/LoadBench/bin/Release/net10.0/LoadBench.dll \
  --api "$api" --duration "$duration" --clients "$clients" --uploads "$uploads" \
  $(printf -- '--audio %s ' "${recordings[@]}") \
  ${api_pid:+--api-pid "$api_pid"} ${worker_pid:+--worker-pid "$worker_pid"} \
  $([ "$large_upload" = yes ] && echo --large-upload "$bench_work/large.wav")
status=$?
set -e
exit "$status"
