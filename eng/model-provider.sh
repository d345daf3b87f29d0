#!/usr/bin/env bash
# The worker's one model provider, run from the command line (sourced by eng/whisper-model.sh and eng/vad-model.sh):
# `provide_model COMMAND [SETTING VALUE…]` runs `LazyLecture.Worker COMMAND …` and sets $provided_path (the model's file,
# when there is one) and $provided_status (0 ready, 2 misconfigured, 3 none could be downloaded).

worker_dll="LazyLecture.Worker/bin/Release/net10.0/LazyLecture.Worker.dll"
if [ ! -f "$worker_dll" ]; then
  say "Building the worker (Release) for its model provider…"
  dotnet build LazyLecture.Worker -c Release -nologo -v quiet
fi

provide_model() {
  set +e
  provided_path="$(dotnet "$worker_dll" "$@")"
  provided_status=$?
  set -e
}
