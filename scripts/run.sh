#!/usr/bin/env bash
# Serves the portal with its worker beside it (for `make run`): the worker delivers queued
# e-mail to SMTP_URL. The two live and die together:
#   - if either exits, the other is stopped and this script exits with the status of the
#     one that exited first;
#   - Ctrl-C or SIGTERM stops both (exit status 130 or 143).
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/env.sh
. "$root/scripts/env.sh"
bin="$root/.bin/sheber"
[ -x "$bin" ] || { echo "run: $bin is missing (run: make build)" >&2; exit 1; }

pids=()

# stop_all: TERM whatever is still running and reap it.
stop_all() {
	trap - INT TERM
	[ "${#pids[@]}" -gt 0 ] || return 0
	kill -TERM "${pids[@]}" 2>/dev/null || true
	wait "${pids[@]}" 2>/dev/null || true
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM

"$bin" worker &
pids+=("$!")
"$bin" serve &
pids+=("$!")
declare -A names=(["${pids[0]}"]=worker ["${pids[1]}"]=server)

# Wait for whichever exits first (the only two jobs; `wait -n` needs bash 4.3). A trapped
# signal interrupts this wait, and its trap then stops both and exits.
wait -n
status=$?
first=process
for pid in "${pids[@]}"; do
	kill -0 "$pid" 2>/dev/null || first=${names[$pid]}
done
echo "run: the $first exited with status $status; stopping the other" >&2
stop_all
exit "$status"
