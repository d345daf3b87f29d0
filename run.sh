#!/usr/bin/env bash
# Runs the whole LazyLecture system (PostgreSQL, RabbitMQ, migrations, API, worker) through the AppHost.
# Options are passed to the AppHost, e.g. ./run.sh --api-port 5090 --workers 2. Ctrl+C stops everything.
set -euo pipefail
cd "$(dirname "$0")"
source eng/prerequisites.sh
source eng/whisper-model.sh

say "Building (Release)…"
dotnet build LazyLecture.AppHost -c Release -nologo -v quiet
say "Starting the AppHost"
exec LazyLecture.AppHost/bin/Release/net10.0/LazyLecture.AppHost "$@"
