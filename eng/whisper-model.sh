#!/usr/bin/env bash
# Provides the Whisper model for the worker, idempotently: a configured file (LAZYLECTURE_WHISPER_MODEL), else the official
# ggml model (LAZYLECTURE_WHISPER_MODEL_NAME, default base.en) in the cache, downloaded and checksum-verified when missing.
# Offline, it says so and the worker transcribes with PocketSphinx. Sourced by run.sh and test.sh; exports
# AppHost__WhisperModelPath when a model is available.

model_name="${LAZYLECTURE_WHISPER_MODEL_NAME:-base.en}"
# the worker's default cache folder too (Engines:Whisper:CacheDirectory)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/lazylecture/models"
# The catalogue (names, SHA-1, download address, connect time-out) is eng/whisper-models.tsv, shared with the worker.
declare -A model_sha1=()
model_base_url=""
model_connect_timeout=10
while IFS=$'\t' read -r key value; do
  case "$key" in
    ''|'#'*) ;;
    @base-url) model_base_url="$value" ;;
    @connect-timeout-secs) model_connect_timeout="$value" ;;
    *) model_sha1[$key]="$value" ;;
  esac
done < "$(dirname "${BASH_SOURCE[0]}")/whisper-models.tsv"

if [ -n "${LAZYLECTURE_WHISPER_MODEL:-}" ]; then
  if [ -f "$LAZYLECTURE_WHISPER_MODEL" ]; then
    export AppHost__WhisperModelPath="$(cd "$(dirname "$LAZYLECTURE_WHISPER_MODEL")" && pwd)/$(basename "$LAZYLECTURE_WHISPER_MODEL")"
    say "Whisper model: $AppHost__WhisperModelPath (configured)"
  else
    echo "LAZYLECTURE_WHISPER_MODEL points to a missing file: $LAZYLECTURE_WHISPER_MODEL" >&2
    exit 1
  fi
elif [ -z "${model_sha1[$model_name]:-}" ]; then
  echo "Unknown Whisper model '$model_name' (known: ${!model_sha1[*]}); or set LAZYLECTURE_WHISPER_MODEL to a ggml file." >&2
  exit 1
else
  file="$cache/ggml-$model_name.bin"
  expected="${model_sha1[$model_name]}"
  if [ -f "$file" ] && [ "$(sha1sum "$file" | cut -d' ' -f1)" = "$expected" ]; then
    say "Whisper model: $file (cached, checksum verified)"
    export AppHost__WhisperModelPath="$file"
  else
    mkdir -p "$cache"
    say "Downloading Whisper model $model_name (checksum-verified) into $cache…"
    if curl -fL --connect-timeout "$model_connect_timeout" --progress-bar -o "$file.part" "$model_base_url/ggml-$model_name.bin" \
       && [ "$(sha1sum "$file.part" | cut -d' ' -f1)" = "$expected" ]; then
      mv "$file.part" "$file"
      say "Whisper model: $file"
      export AppHost__WhisperModelPath="$file"
    else
      rm -f "$file.part"
      say "No Whisper model could be downloaded (offline?): the worker will transcribe with PocketSphinx"
    fi
  fi
fi
