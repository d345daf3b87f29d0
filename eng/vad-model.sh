#!/usr/bin/env bash
# Provides the voice activity model for the worker, idempotently, as eng/whisper-model.sh provides the Whisper model and
# through the same provider (the worker's `vad-model` command): a configured file (LAZYLECTURE_VAD_MODEL), else Silero VAD
# v5.1.2's official silero_vad.onnx in the cache, downloaded and SHA-256-verified when missing. Offline, it says so and jobs
# run without voice activity detection. Sourced after the build; exports AppHost__VoiceActivityModelPath when available.

worker_dll="LazyLecture.Worker/bin/Release/net10.0/LazyLecture.Worker.dll"
if [ ! -f "$worker_dll" ]; then
  say "Building the worker (Release) for its model provider…"
  dotnet build LazyLecture.Worker -c Release -nologo -v quiet
fi

vad_args=()
if [ -n "${LAZYLECTURE_VAD_MODEL:-}" ]; then
  vad_args+=(--VoiceActivity:ModelPath "$LAZYLECTURE_VAD_MODEL")
fi

say "Providing the voice activity model…"
set +e
vad_path="$(dotnet "$worker_dll" vad-model "${vad_args[@]}")"
vad_status=$?
set -e
case "$vad_status" in
  0)
    export AppHost__VoiceActivityModelPath="$vad_path"
    say "Voice activity model: $AppHost__VoiceActivityModelPath"
    ;;
  3)
    say "No voice activity model could be downloaded (offline?): jobs will run without voice activity detection (whole recording, fixed chunks)"
    ;;
  *)
    echo "The voice activity model LAZYLECTURE_VAD_MODEL=$LAZYLECTURE_VAD_MODEL does not exist (see above)." >&2
    exit 1
    ;;
esac
