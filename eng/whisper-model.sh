#!/usr/bin/env bash
# Provides the Whisper model for the worker, idempotently: a configured file (LAZYLECTURE_WHISPER_MODEL), else the official
# ggml model (LAZYLECTURE_WHISPER_MODEL_NAME, default base.en) in the cache, downloaded and checksum-verified when missing.
# Offline, it says so and the worker transcribes with PocketSphinx. Sourced by run.sh after its build; exports
# AppHost__WhisperModelPath when a model is available.
# The catalogue, download, checksum check and cache folder ($XDG_CACHE_HOME/lazylecture/models) are the worker's own model
# provider, run here as its `whisper-model` command: this script only passes the settings and reads the answer.

source eng/model-provider.sh

model_args=(--Engines:Whisper:Model "${LAZYLECTURE_WHISPER_MODEL_NAME:-base.en}")
if [ -n "${LAZYLECTURE_WHISPER_MODEL:-}" ]; then
  model_args+=(--Engines:Whisper:ModelPath "$LAZYLECTURE_WHISPER_MODEL")
fi

say "Providing the Whisper model…"
provide_model whisper-model "${model_args[@]}"
case "$provided_status" in
  0)
    export AppHost__WhisperModelPath="$provided_path"
    say "Whisper model: $AppHost__WhisperModelPath"
    ;;
  3)
    say "No Whisper model could be downloaded (offline?): the worker will transcribe with PocketSphinx"
    ;;
  *)
    echo "No usable Whisper model is configured (see above): set LAZYLECTURE_WHISPER_MODEL to a ggml file or LAZYLECTURE_WHISPER_MODEL_NAME to a known model." >&2
    exit 1
    ;;
esac

