#!/usr/bin/env bash
# Provides the voice activity model for the worker, idempotently, as eng/whisper-model.sh provides the Whisper model and
# through the same provider (the worker's `vad-model` command): a configured file (LAZYLECTURE_VAD_MODEL), else Silero VAD
# v5.1.2's official silero_vad.onnx in the cache, downloaded and SHA-256-verified when missing. Offline, it says so and jobs
# run without voice activity detection. Sourced after the build; exports AppHost__VoiceActivityModelPath when available.

source eng/model-provider.sh

vad_args=()
if [ -n "${LAZYLECTURE_VAD_MODEL:-}" ]; then
  vad_args+=(--VoiceActivity:ModelPath "$LAZYLECTURE_VAD_MODEL")
fi

say "Providing the voice activity model…"
provide_model vad-model "${vad_args[@]}"
case "$provided_status" in
  0)
    export AppHost__VoiceActivityModelPath="$provided_path"
    say "Voice activity model: $AppHost__VoiceActivityModelPath"
    ;;
  3)
    say "No voice activity model could be downloaded (offline?): jobs will run without voice activity detection (whole recording, fixed chunks)"
    ;;
  *)
    echo "The voice activity model LAZYLECTURE_VAD_MODEL=${LAZYLECTURE_VAD_MODEL:-} does not exist (see above)." >&2
    exit 1
    ;;
esac
