#!/usr/bin/env bash
# Provides the Whisper model for the worker, idempotently: a configured file (LAZYLECTURE_WHISPER_MODEL), else the official
# ggml model (LAZYLECTURE_WHISPER_MODEL_NAME, default base.en) in the cache, downloaded and checksum-verified when missing.
# Offline, it says so and the worker transcribes with PocketSphinx. Sourced by run.sh and test.sh; exports
# AppHost__WhisperModelPath when a model is available.

model_name="${LAZYLECTURE_WHISPER_MODEL_NAME:-base.en}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/lazylecture/models"
# SHA-1 of the official files, as published with whisper.cpp's models.
declare -A model_sha1=(
  [tiny]=bd577a113a864445d4c299885e0cb97d4ba92b5f [tiny.en]=c78c86eb1a8faa21b369bcd33207cc90d64ae9df
  [base]=465707469ff3a37a2b9b8d8f89f2f99de7299dac [base.en]=137c40403d78fd54d454da0f9bd998f78703390c
  [small]=55356645c2b361a969dfd0ef2c5a50d530afd8d5 [small.en]=db8a495a91d927739e50b3fc1cc4c6b8f6c2d022
)

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
    if curl -fL --connect-timeout 5 --progress-bar -o "$file.part" "https://huggingface.co/ggerganov/whisper.cpp/resolve/main/ggml-$model_name.bin" \
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
