#!/usr/bin/env bash
# Serves the portal with its worker beside it (for `make run`): the worker delivers queued
# e-mail to SMTP_URL. Both stop together on Ctrl-C or SIGTERM.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/env.sh
. "$root/scripts/env.sh"
bin="$root/.bin/sheber"
"$bin" worker &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT
"$bin" serve &
server=$!
trap 'kill "$server" "$worker" 2>/dev/null || true; wait 2>/dev/null || true' EXIT INT TERM
wait "$server"
