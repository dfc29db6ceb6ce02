#!/usr/bin/env bash
# Run a command with the Sheber development environment (scripts/env.sh):
#   scripts/with-env.sh go test ./...
set -euo pipefail
# shellcheck source=scripts/env.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/env.sh"
[ $# -gt 0 ] || { echo "usage: scripts/with-env.sh COMMAND [ARGS...]" >&2; exit 2; }
exec "$@"
