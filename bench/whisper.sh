#!/usr/bin/env bash
# Transcribes audio files with the managed Whisper engine and prints whisper.cpp-style timings.
# usage: bench/whisper.sh --model FILE [--threads N] [--no-fallback] [--language CODE|auto] [--warmup] [--repeat N] [--json OUT] AUDIO [--reference TXT] ...
#        bench/whisper.sh --side-by-side [--sizes tiny,base,large-v3-turbo] [--types f16,q8_0,q5_0] [--repeat N] [--threads N] [AUDIO ...]
#        bench/whisper.sh --make-models [--sizes ...] [--types ...]
# Without --model, synthetic models of real sizes (tiny, base, small, medium, large-v3, large-v3-turbo) and weight types
# (f16, q8_0, q5_1, q5_0, q4_1, q4_0) are made from the shared folder's templates and cached in
# ${XDG_CACHE_HOME:-~/.cache}/lazylecture/bench-models; AUDIO defaults to the shared jfk.wav.
# --warmup transcribes the first file once, untimed, so the figures are the JIT-compiled steady state.
# --repeat N transcribes everything N times and reports the median (and best) per-window and per-token figures.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project="$here/WhisperBench/WhisperBench.csproj"
dll="$here/WhisperBench/bin/Release/net10.0/WhisperBench.dll"

# build on first use, and again whenever a source file is newer than the build
if [[ ! -f "$dll" ]] || [[ -n "$(find "$here/WhisperBench" "$here/../LazyLecture.Whisper" \( -name '*.cs' -o -name '*.csproj' \) -newer "$dll" -not -path '*/obj/*' -not -path '*/bin/*' -print -quit)" ]]; then
  echo "whisper.sh: building WhisperBench (Release)..." >&2
  log="$(mktemp)"
  if ! dotnet build "$project" -c Release -nologo -v quiet >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "whisper.sh: build failed" >&2
    exit 1
  fi
  rm -f "$log"
fi

# the shared folder (template models, audio), found as the tests find it
export LAZYLECTURE_SHARED="${LAZYLECTURE_SHARED:-$here/../../shared}"
exec dotnet "$dll" "$@"
