#!/usr/bin/env bash
# End-to-end benchmark: builds a recording of N minutes (default 120) from the shared speech samples, runs it through the
# whole system (AppHost: PostgreSQL, RabbitMQ, API, worker), and prints wall time, real-time factor and the peak memory of
# the worker and the API. Usage: bench/lecture.sh [--minutes N] [--chunk-secs S] [--engine whisper|pocketsphinx]
set -euo pipefail
cd "$(dirname "$0")/.."
source eng/prerequisites.sh

minutes=120 chunk_secs=900 engine=""
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --chunk-secs) chunk_secs="$2"; shift 2 ;;
    --engine) engine="$2"; shift 2 ;;
    *) echo "usage: bench/lecture.sh [--minutes N] [--chunk-secs S] [--engine whisper|pocketsphinx]" >&2; exit 2 ;;
  esac
done
[ -z "$engine" ] && source eng/whisper-model.sh
shared="${LAZYLECTURE_SHARED:-../shared}"
speech="$shared/audio/jfk.wav"
[ -f "$speech" ] || { echo "Needs $speech (set LAZYLECTURE_SHARED)." >&2; exit 1; }

source bench/system.sh
work="$bench_work"

say "Building a ${minutes}-minute recording from $(basename "$speech")…"
seconds=$((minutes * 60))
ffmpeg -nostdin -v error -y -stream_loop -1 -i "$speech" -t "$seconds" -ac 1 -ar 16000 -c:a libmp3lame -b:a 32k "$work/lecture.mp3"
say "Recording: $(du -h "$work/lecture.mp3" | cut -f1), ${seconds} s"

start_system ${engine:+--engine "$engine"}

json() { jq -r "$1"; }
curl -sf -X POST "$api/api/v1/users" -H 'Content-Type: application/json' -d '{"username":"benchmark","password":"Bench-mark1!"}' >/dev/null
admin=$(curl -sf -X POST "$api/api/v1/auth/login" --data-urlencode username=admin --data-urlencode "password=$admin_password" | json .access_token)
curl -sf -X PATCH "$api/api/v1/users/2" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' -d '{"can_interact":true}' >/dev/null
token=$(curl -sf -X POST "$api/api/v1/auth/login" -H 'Content-Type: application/json' -d '{"username":"benchmark","password":"Bench-mark1!"}' | json .access_token)

say "Uploading and transcribing…"
start=$(date +%s.%N)
id=$(curl -sf -X POST "$api/api/v1/transcriptions?chunk_size_secs=$chunk_secs" -H "Authorization: Bearer $token" -F "audiofile=@$work/lecture.mp3" | json .id)
state=queued
while [ "$state" = queued ] || [ "$state" = in_progress ] || [ "$state" = processing_error ]; do
  sleep 5
  detail=$(curl -sf "$api/api/v1/transcriptions/$id" -H "Authorization: Bearer $token")
  state=$(echo "$detail" | json .current_state)
  printf '\r  %-12s %6.1f%%  (%s chunks)   ' "$state" "$(echo "$detail" | json '.progress * 100')" "$(echo "$detail" | json .chunks_done)" >&2
done
echo >&2
wall=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
[ "$state" = completed ] || { echo "The job ended as $state." >&2; exit 1; }

worker_mb=$(peak_mb LazyLecture.Worker) api_mb=$(peak_mb LazyLecture.Api)
engine_used=${engine:-${AppHost__WhisperModelPath:+whisper}}
rtf=$(awk -v w="$wall" -v a="$seconds" 'BEGIN { printf "%.3f", w / a }')
echo "engine: ${engine_used:-unknown}   chunks of ${chunk_secs} s"
echo "audio: ${seconds} s   wall: ${wall} s   RTF: ${rtf}"
echo "peak memory: worker ${worker_mb} MB, API ${api_mb} MB"
echo "audio_s=${seconds} wall_s=${wall} worker_peak_mb=${worker_mb} api_peak_mb=${api_mb}"
