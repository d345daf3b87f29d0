#!/usr/bin/env bash
# End-to-end benchmark: builds a recording of N minutes (default 120) from the shared speech samples, runs it through the
# whole system (AppHost: PostgreSQL, RabbitMQ, API, worker), and prints wall time, real-time factor and the peak memory of
# the worker and the API, with the engine the worker reports having used. With --pauses the recording is a third silence
# (20 s of speech, 10 s of silence, in turn) and it runs twice, with and without voice activity detection, printing the
# speech share, the 30-s windows of audio the engine was given and the wall time of each.
# Whisper's temperature fallback is off unless --fallback is given: how often a window is decoded again depends on the
# weights (random test weights fail the quality checks in every window and would decode each one up to six times), and
# the benchmark measures the cost of the audio the engine is given.
# Usage: bench/lecture.sh [--minutes N] [--chunk-secs S] [--engine whisper|pocketsphinx] [--pauses] [--fallback]
# The voice activity comparison the README quotes: bench/lecture.sh --minutes 10 --pauses --engine whisper
set -euo pipefail
cd "$(dirname "$0")/.."
source eng/prerequisites.sh

minutes=120 chunk_secs=900 engine="" pauses="" fallback=""
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --chunk-secs) chunk_secs="$2"; shift 2 ;;
    --engine) engine="$2"; shift 2 ;;
    --pauses) pauses=1; shift ;;
    --fallback) fallback=1; shift ;;
    *) echo "usage: bench/lecture.sh [--minutes N] [--chunk-secs S] [--engine whisper|pocketsphinx] [--pauses] [--fallback]" >&2; exit 2 ;;
  esac
done
# The worker inherits the AppHost's environment, so a worker setting reaches it from here.
fallback_label=on
[ -n "$fallback" ] || { export Engines__Whisper__NoFallback=true; fallback_label=off; }
# The models as ./run.sh provides them: Whisper unless PocketSphinx is asked for, voice activity always.
[ "$engine" = pocketsphinx ] || source eng/whisper-model.sh
source eng/vad-model.sh
shared="${LAZYLECTURE_SHARED:-../shared}"
speech="$shared/audio/jfk.wav"
[ -f "$speech" ] || { echo "Needs $speech (set LAZYLECTURE_SHARED)." >&2; exit 1; }

source bench/system.sh
work="$bench_work"

seconds=$((minutes * 60))
if [ -n "$pauses" ]; then
  say "Building a ${minutes}-minute recording from $(basename "$speech"): 20 s of speech, 10 s of silence, in turn…"
  ffmpeg -nostdin -v error -y -stream_loop -1 -i "$speech" -t 20 -ac 1 -ar 16000 -af apad=pad_dur=10 "$work/period.wav"
  ffmpeg -nostdin -v error -y -stream_loop -1 -i "$work/period.wav" -t "$seconds" -ac 1 -ar 16000 -c:a libmp3lame -b:a 32k "$work/lecture.mp3"
else
  say "Building a ${minutes}-minute recording from $(basename "$speech")…"
  ffmpeg -nostdin -v error -y -stream_loop -1 -i "$speech" -t "$seconds" -ac 1 -ar 16000 -c:a libmp3lame -b:a 32k "$work/lecture.mp3"
fi
say "Recording: $(du -h "$work/lecture.mp3" | cut -f1), ${seconds} s"

start_system ${engine:+--engine "$engine"}

json() { jq -r "$1"; }
curl -sf -X POST "$api/api/v1/users" -H 'Content-Type: application/json' -d '{"username":"benchmark","password":"Bench-mark1!"}' >/dev/null
admin=$(curl -sf -X POST "$api/api/v1/auth/login" --data-urlencode username=admin --data-urlencode "password=$admin_password" | json .access_token)
curl -sf -X PATCH "$api/api/v1/users/2" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' -d '{"can_interact":true}' >/dev/null
token=$(curl -sf -X POST "$api/api/v1/auth/login" -H 'Content-Type: application/json' -d '{"username":"benchmark","password":"Bench-mark1!"}' | json .access_token)

# transcribe VAD(true|false): uploads the recording, waits for the job, sets $wall and $detail (the finished job).
transcribe() {
  say "Uploading and transcribing (voice activity detection: $1)…"
  local start id state=queued
  start=$(date +%s.%N)
  id=$(curl -sf -X POST "$api/api/v1/transcriptions?chunk_size_secs=$chunk_secs&voice_activity_detection=$1" -H "Authorization: Bearer $token" -F "audiofile=@$work/lecture.mp3" | json .id)
  while [ "$state" = queued ] || [ "$state" = in_progress ] || [ "$state" = processing_error ]; do
    sleep 5
    detail=$(curl -sf "$api/api/v1/transcriptions/$id" -H "Authorization: Bearer $token")
    state=$(echo "$detail" | json .current_state)
    printf '\r  %-12s %6.1f%%  (%s chunks)   ' "$state" "$(echo "$detail" | json '.progress * 100')" "$(echo "$detail" | json .chunks_done)" >&2
  done
  echo >&2
  wall=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
  [ "$state" = completed ] || { echo "The job ended as $state." >&2; exit 1; }
}

# report LABEL: one line per run; the engine is what the worker reported on the job, the windows are the engine's input
# in 30-s windows (at least that many: a chunk's last window may be short).
report() {
  local speech engine_used input windows rtf
  speech=$(echo "$detail" | json '.speech_secs // empty')
  engine_used=$(echo "$detail" | json '.engine // "unknown"')
  input=${speech:-$seconds}
  windows=$(awk -v i="$input" 'BEGIN { printf "%d", (i + 29.999) / 30 }')
  rtf=$(awk -v w="$wall" -v a="$seconds" 'BEGIN { printf "%.3f", w / a }')
  echo "$1: engine ${engine_used}   speech share $(awk -v s="$input" -v a="$seconds" 'BEGIN { printf "%.1f%%", 100 * s / a }')   windows decoded ≥ ${windows}   wall ${wall} s   RTF ${rtf}   ($(echo "$detail" | json '.voice_activity_note // "with voice activity detection"'))"
}

if [ -n "$pauses" ]; then
  transcribe true
  report "with VAD   " ; with_wall=$wall
  transcribe false
  report "without VAD" ; without_wall=$wall
  echo "audio: ${seconds} s (a third silent), chunks of ${chunk_secs} s, temperature fallback ${fallback_label}"
  echo "audio_s=${seconds} wall_vad_s=${with_wall} wall_novad_s=${without_wall}"
  exit 0
fi

transcribe true
worker_mb=$(peak_mb LazyLecture.Worker) api_mb=$(peak_mb LazyLecture.Api)
rtf=$(awk -v w="$wall" -v a="$seconds" 'BEGIN { printf "%.3f", w / a }')
echo "engine: $(echo "$detail" | json '.engine // "unknown"')   chunks of ${chunk_secs} s   temperature fallback ${fallback_label}   $(echo "$detail" | json '.voice_activity_note // "with voice activity detection"')"
echo "audio: ${seconds} s   wall: ${wall} s   RTF: ${rtf}"
echo "peak memory: worker ${worker_mb} MB, API ${api_mb} MB"
echo "audio_s=${seconds} wall_s=${wall} worker_peak_mb=${worker_mb} api_peak_mb=${api_mb}"
