#!/usr/bin/env bash
# Installs (as root) or names (otherwise) what LazyLecture needs from Debian, idempotently, saying what it does.
# Sourced by run.sh and test.sh; safe to run on its own.
set -euo pipefail

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

# postgresql / rabbitmq-server: the AppHost runs them as local processes; ffmpeg: probing and decoding uploads;
# PocketSphinx (library + English model): the offline transcription engine that needs no model download, and its
# command-line tool (pocketsphinx), which the engine is compared with in the tests;
# curl and jq: the benchmark scripts (the model download is the worker's own, in C#).
required_packages=(postgresql rabbitmq-server ffmpeg libpocketsphinx3 pocketsphinx-en-us pocketsphinx curl jq)
# chromium: only the test suite needs it, for the web app's browser tests (Playwright cannot download a browser here);
# espeak-ng: the chapter tests speak texts on distinct subjects with it.
if [ "$(basename "$0")" = "test.sh" ]; then
  required_packages+=(chromium espeak-ng)
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET SDK 10 is required (dotnet not found on PATH)." >&2
  exit 1
fi

missing=()
for package in "${required_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  say "Debian packages present: ${required_packages[*]}"
elif [ "$(id -u)" -eq 0 ]; then
  say "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  say "Installed: ${missing[*]}"
else
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Install them as root with:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
