#!/usr/bin/env bash
# Sheber local services without Docker: PostgreSQL, Redis, MinIO, maildev.
#
#   scripts/services.sh install          install what `make run` needs and is missing:
#                                        PostgreSQL, Redis, MinIO, maildev (Node.js/npm),
#                                        gcc and make (go test -race needs cgo)
#   scripts/services.sh install-browser  install Chromium (only the browser tests need it)
#   scripts/services.sh up        start the local services (idempotent)
#   scripts/services.sh down      stop them (idempotent)
#   scripts/services.sh status    one line per service
#   scripts/services.sh env       print `export VAR=...` lines
#
# All state lives under $SHEBER_DATA (.data), all tools under $SHEBER_BIN
# (.bin). Every service listens on 127.0.0.1 only, on the ports set in
# scripts/env.sh (PGPORT_SHEBER, REDISPORT_SHEBER, MINIOPORT_SHEBER,
# SMTPPORT_SHEBER, MAILDEVPORT_SHEBER), from which env.sh also builds the
# default URLs. A service whose URL in the environment does not point at
# 127.0.0.1 (or localhost) and its port is left alone. apt-get runs only when
# something is missing, through sudo when not root.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=scripts/env.sh
. "$SCRIPT_DIR/env.sh"

# --- pinned versions -------------------------------------------------------
MINIO_MODULE=github.com/minio/minio
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
MAILDEV_VERSION=2.2.1
NODE_MIN_MAJOR=18 # maildev 2.2 needs Node.js >= 18 (Debian 12 ships 18)

# --- local addresses (ports from scripts/env.sh) -----------------------------
PG_HOST=127.0.0.1
PG_PORT=$PGPORT_SHEBER
REDIS_PORT=$REDISPORT_SHEBER
MINIO_PORT=$MINIOPORT_SHEBER
# The MinIO console is switched off (MINIO_BROWSER=off below), so nothing
# listens here; the flag only keeps MinIO from picking a port of its own.
MINIO_CONSOLE_PORT=$((MINIO_PORT + 1))
SMTP_PORT=$SMTPPORT_SHEBER
MAILDEV_WEB_PORT=$MAILDEVPORT_SHEBER

PGDATA_DIR=$SHEBER_DATA/postgres
PG_LOG=$SHEBER_DATA/postgres.log
REDIS_DIR=$SHEBER_DATA/redis
REDIS_PID=$SHEBER_DATA/redis.pid
REDIS_LOG=$SHEBER_DATA/redis.log
MINIO_DIR=$SHEBER_DATA/minio
MINIO_PID=$SHEBER_DATA/minio.pid
MINIO_LOG=$SHEBER_DATA/minio.log
MAILDEV_PID=$SHEBER_DATA/maildev.pid
MAILDEV_LOG=$SHEBER_DATA/maildev.log
MAILDEV_DIR_DATA=$SHEBER_DATA/maildev
INSTALL_LOG=$SHEBER_DATA/install.log
MINIO_BIN=$SHEBER_BIN/minio
MAILDEV_DIR=$SHEBER_BIN/maildev
MAILDEV_PKG=$MAILDEV_DIR/node_modules/maildev
# Built tools are also kept here, per version, so that a second clone on the
# same machine (CI) copies them instead of building them again.
TOOL_CACHE=${SHEBER_TOOL_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/sheber}

IS_ROOT=0
[ "$(id -u)" = 0 ] && IS_ROOT=1

# --- helpers ---------------------------------------------------------------
say() { printf 'services: %s\n' "$*"; }
die() { printf 'services: error: %s\n' "$*" >&2; exit 1; }

# hostport URL -> "host:port" (userinfo, path and query stripped)
hostport() {
	local u=${1#*://}
	u=${u%%/*}
	u=${u%%\?*}
	u=${u##*@}
	printf '%s' "$u"
}

# is_local URL PORT: does URL point at this script's local service?
is_local() {
	local hp
	hp=$(hostport "$1")
	[ "$hp" = "127.0.0.1:$2" ] || [ "$hp" = "localhost:$2" ]
}

port_open() { # host port
	# shellcheck disable=SC2016 # $0 and $1 are expanded by the inner bash
	timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
}

# proc_alive PID: running and not a zombie (an orphan's zombie can linger
# when PID 1 is slow to reap it).
proc_alive() {
	[ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 1
	local state
	state=$(sed -E 's/^.*\) ([A-Za-z]).*$/\1/' "/proc/$1/stat" 2>/dev/null || echo X)
	[ "$state" != Z ] && [ "$state" != X ]
}

# pid_alive PIDFILE NAME: the pid in PIDFILE is running and its command line
# mentions NAME. A stale pid file is removed.
pid_alive() {
	local f=$1 name=$2 pid
	[ -f "$f" ] || return 1
	pid=$(tr -dc '0-9' <"$f")
	if proc_alive "$pid" &&
		tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$name"; then
		return 0
	fi
	rm -f "$f"
	return 1
}

pid_of() { { tr -dc '0-9' <"$1"; } 2>/dev/null || true; }

# stop_pid PIDFILE NAME: TERM, wait up to 15 s, then KILL.
stop_pid() {
	local f=$1 name=$2 pid
	pid_alive "$f" "$name" || return 1
	pid=$(pid_of "$f")
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 1 150); do
		proc_alive "$pid" || break
		sleep 0.1
	done
	if proc_alive "$pid"; then
		kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$f"
	return 0
}

log_tail() { # file
	if [ -f "$1" ]; then
		printf 'services: --- last lines of %s ---\n' "$1" >&2
		tail -n 30 "$1" >&2 || true
	fi
}

# wait_for SECONDS DESCRIPTION LOGFILE CMD...: retry CMD every 0.25 s.
wait_for() {
	local secs=$1 what=$2 log=$3 deadline
	shift 3
	deadline=$((SECONDS + secs))
	until "$@" >/dev/null 2>&1; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			log_tail "$log"
			die "$what did not come up within ${secs}s (log: $log)"
		fi
		sleep 0.25
	done
}

ensure_data_dir() { mkdir -p "$SHEBER_DATA"; }

# --- PostgreSQL helpers ------------------------------------------------------
pg_bindir() {
	if [ -n "${PG_BIN:-}" ]; then
		printf '%s' "$PG_BIN"
		return
	fi
	if [ -x /usr/lib/postgresql/15/bin/initdb ]; then
		printf '%s' /usr/lib/postgresql/15/bin
		return
	fi
	local d
	d=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
	if [ -x "$d/initdb" ]; then
		printf '%s' "$d"
		return
	fi
	d=$(command -v initdb 2>/dev/null || true)
	[ -n "$d" ] && printf '%s' "$(dirname "$d")"
}

# Run a PostgreSQL server program as the cluster's owner: the `postgres` user
# when we are root (PostgreSQL refuses to run as root), else ourselves.
as_pg() {
	if [ "$IS_ROOT" = 1 ]; then
		(cd / && runuser -u postgres -- "$@")
	else
		"$@"
	fi
}

pg_sockdir() {
	local d=$SHEBER_DATA/pgsock
	# sun_path is 108 bytes; keep room for "/.s.PGSQL.NNNNN".
	if [ $((${#d} + 18)) -gt 107 ]; then
		d=/tmp/sheber-pgsock-$(id -u)-$PG_PORT
	fi
	printf '%s' "$d"
}

pg_running() { # our cluster's postmaster (pid in postmaster.pid) is alive
	local pid
	[ -f "$PGDATA_DIR/postmaster.pid" ] || return 1
	pid=$(head -n 1 "$PGDATA_DIR/postmaster.pid" 2>/dev/null | tr -dc '0-9')
	proc_alive "$pid" && grep -qsx 'postgres\|postmaster' "/proc/$pid/comm"
}

pg_ready() {
	local bin
	bin=$(pg_bindir)
	if [ -n "$bin" ] && [ -x "$bin/pg_isready" ]; then
		"$bin/pg_isready" -q -h "$PG_HOST" -p "$PG_PORT" -t 2
	else
		port_open "$PG_HOST" "$PG_PORT"
	fi
}

# psql as the superuser over the unix socket.
pg_psql() {
	local bin
	bin=$(pg_bindir)
	local psql=$bin/psql
	[ -x "$psql" ] || psql=$(command -v psql)
	PGOPTIONS='-c client_min_messages=warning' \
		"$psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$(pg_sockdir)" -p "$PG_PORT" -U postgres "$@"
}

# The postgres user must be able to reach $SHEBER_DATA: give o+x to every
# parent directory that it cannot traverse.
pg_fix_traverse() {
	local d=$1
	while [ -n "$d" ] && [ "$d" != / ]; do
		if ! runuser -u postgres -- test -x "$d" 2>/dev/null; then
			chmod o+x "$d"
			say "postgres: made $d traversable (chmod o+x) for the postgres user"
		fi
		d=$(dirname "$d")
	done
}

pg_init() {
	local bin=$1 sock locale=C
	sock=$(pg_sockdir)
	mkdir -p "$PGDATA_DIR" "$sock"
	touch "$PG_LOG"
	if [ "$IS_ROOT" = 1 ]; then
		id postgres >/dev/null 2>&1 ||
			die "user 'postgres' does not exist (run: scripts/services.sh install)"
		chown postgres:postgres "$PGDATA_DIR" "$sock" "$PG_LOG"
		pg_fix_traverse "$SHEBER_DATA"
		pg_fix_traverse "$sock"
	fi
	chmod 700 "$PGDATA_DIR"
	if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
		if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
			locale=C.UTF-8
		fi
		say "postgres: initdb in $PGDATA_DIR (locale $locale)"
		if ! as_pg env LC_ALL=C "$bin/initdb" -D "$PGDATA_DIR" -U postgres \
			--auth-local=trust --auth-host=scram-sha-256 \
			--encoding=UTF8 --locale="$locale" >>"$PG_LOG" 2>&1; then
			log_tail "$PG_LOG"
			die "postgres: initdb failed"
		fi
		echo "include_if_exists = 'sheber.conf'" >>"$PGDATA_DIR/postgresql.conf"
	fi
	# Settings are rewritten on every start so that changes here take effect.
	cat >"$PGDATA_DIR/sheber.conf" <<EOF
# Written by scripts/services.sh on every 'up'; do not edit.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$sock'
max_connections = 200
synchronous_commit = off
# The benchmarks' databases (50,000 listings, their orders) do not fit in the default
# 128 MB; a quarter of a small machine's memory is the usual size.
shared_buffers = 1GB
logging_collector = off
log_min_messages = warning
log_line_prefix = '%m [%p] %q%u@%d '
password_encryption = scram-sha-256
EOF
	# Statement statistics for the benchmarks' diagnosis (CREATE EXTENSION
	# pg_stat_statements), where the server has the library: preloading a missing one
	# would keep PostgreSQL from starting.
	if [ -e "$bin/../lib/pg_stat_statements.so" ]; then
		printf "shared_preload_libraries = 'pg_stat_statements'\npg_stat_statements.track = all\n" >>"$PGDATA_DIR/sheber.conf"
	fi
	[ "$IS_ROOT" = 1 ] && chown postgres:postgres "$PGDATA_DIR/sheber.conf"
	return 0
}

# Create the application role and database named in DATABASE_URL, and
# pg_trgm in template1 (so every new database has it) and in that database.
pg_bootstrap() {
	local rest userinfo user pass db
	rest=${DATABASE_URL#*://}
	userinfo=sheber:sheber
	case "${rest%%/*}" in *@*) userinfo=${rest%%@*} ;; esac
	user=${userinfo%%:*}
	pass=sheber
	case "$userinfo" in *:*) pass=${userinfo#*:} ;; esac
	db=${rest#*/}
	db=${db%%\?*}
	[ -n "$db" ] && [ "$db" != "$rest" ] || db=$user
	pg_psql -d postgres -v user="$user" -v pass="$pass" -v db="$db" >/dev/null <<'SQL'
SELECT format('CREATE ROLE %I LOGIN CREATEDB PASSWORD %L', :'user', :'pass')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'user') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'user')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SQL
	pg_psql -d template1 -c 'CREATE EXTENSION IF NOT EXISTS pg_trgm' >/dev/null
	pg_psql -d "$db" -c 'CREATE EXTENSION IF NOT EXISTS pg_trgm' >/dev/null
}

# =============================================================================
# install
# =============================================================================
pkg_installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

node_major() {
	node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

# apt_install PACKAGE...: apt-get update and install, as root or through sudo.
# Called only with a non-empty list, so nothing touches apt when all is there.
apt_install() {
	local sudo=()
	if [ "$IS_ROOT" != 1 ]; then
		command -v sudo >/dev/null 2>&1 ||
			die "missing packages ($*); run this as root or install them"
		sudo=(sudo)
	fi
	ensure_data_dir
	say "installing apt packages: $* (log: $INSTALL_LOG)"
	if ! { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
		"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends "$@"; } >>"$INSTALL_LOG" 2>&1; then
		log_tail "$INSTALL_LOG"
		die "apt-get install $* failed"
	fi
}

# cgo (go test -race) needs a C compiler and the C library's headers; Debian's
# gcc only recommends libc6-dev, which --no-install-recommends skips.
has_libc_headers() {
	pkg_installed libc6-dev || [ -f /usr/include/stdlib.h ]
}

cmd_install() {
	ensure_data_dir
	local pkgs=() bin
	bin=$(pg_bindir)
	if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
		pkgs+=(postgresql)
	else
		if ! command -v psql >/dev/null 2>&1 && [ ! -x "$bin/psql" ]; then
			pkgs+=(postgresql-client)
		fi
		if [ ! -f "$("$bin/pg_config" --sharedir 2>/dev/null)/extension/pg_trgm.control" ]; then
			pkgs+=(postgresql-contrib)
		fi
	fi
	command -v redis-server >/dev/null 2>&1 || pkgs+=(redis-server)
	command -v redis-cli >/dev/null 2>&1 || pkgs+=(redis-tools)
	command -v curl >/dev/null 2>&1 || pkgs+=(curl)
	command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
	command -v npm >/dev/null 2>&1 || pkgs+=(npm)
	command -v git >/dev/null 2>&1 || pkgs+=(git)
	command -v gcc >/dev/null 2>&1 || pkgs+=(gcc)
	has_libc_headers || pkgs+=(libc6-dev)
	command -v make >/dev/null 2>&1 || pkgs+=(make)

	[ "${#pkgs[@]}" -eq 0 ] || apt_install "${pkgs[@]}"

	# Re-check everything the services need.
	bin=$(pg_bindir)
	if [ -z "$bin" ] || [ ! -x "$bin/initdb" ] || [ ! -x "$bin/pg_ctl" ]; then
		die "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin"
	fi
	[ -f "$("$bin/pg_config" --sharedir 2>/dev/null)/extension/pg_trgm.control" ] ||
		die "PostgreSQL extension pg_trgm is not installed (postgresql-contrib)"
	if [ "$IS_ROOT" = 1 ] && ! id postgres >/dev/null 2>&1; then
		useradd --system --user-group --home-dir /var/lib/postgresql \
			--shell /usr/sbin/nologin postgres ||
			die "could not create the 'postgres' user"
	fi
	command -v redis-server >/dev/null 2>&1 || die "redis-server is not installed"
	command -v redis-cli >/dev/null 2>&1 || die "redis-cli is not installed"
	command -v node >/dev/null 2>&1 || die "node (Node.js) is not installed"
	command -v npm >/dev/null 2>&1 || die "npm is not installed"
	command -v gcc >/dev/null 2>&1 || die "gcc is not installed (go test -race needs cgo)"
	has_libc_headers || die "the C library headers are not installed (libc6-dev)"
	command -v make >/dev/null 2>&1 || die "make is not installed"
	command -v go >/dev/null 2>&1 || die "go is not on PATH (expected /usr/local/go/bin)"

	install_minio
	install_maildev
	say "install: all tools present"
}

# Chromium drives the browser tests (CHROMIUM_PATH); `make run` does not need it.
# fonts-dejavu-core gives the headless pages a font with Cyrillic and Kazakh letters.
cmd_install_browser() {
	local pkgs=()
	command -v chromium >/dev/null 2>&1 || [ -x "$CHROMIUM_PATH" ] || pkgs+=(chromium)
	pkg_installed fonts-dejavu-core || pkgs+=(fonts-dejavu-core)
	[ "${#pkgs[@]}" -eq 0 ] || apt_install "${pkgs[@]}"
	if [ -x "$CHROMIUM_PATH" ]; then
		say "install-browser: chromium present ($CHROMIUM_PATH)"
	elif command -v chromium >/dev/null 2>&1; then
		say "install-browser: chromium is $(command -v chromium), but CHROMIUM_PATH=$CHROMIUM_PATH is not executable; fix CHROMIUM_PATH"
	else
		die "chromium is not installed"
	fi
}

install_minio() {
	local cached=$TOOL_CACHE/minio-$MINIO_VERSION
	if [ -x "$MINIO_BIN" ]; then
		return 0
	fi
	mkdir -p "$SHEBER_BIN"
	if [ -x "$cached" ]; then
		cp "$cached" "$MINIO_BIN.tmp" && mv "$MINIO_BIN.tmp" "$MINIO_BIN"
		say "MinIO $MINIO_VERSION copied from $TOOL_CACHE"
		return 0
	fi
	say "building MinIO $MINIO_VERSION from the Go module proxy (takes ~4 minutes the first time; log: $INSTALL_LOG)"
	local tmp
	tmp=$(mktemp -d)
	if ! (cd "$tmp" && GOBIN=$tmp CGO_ENABLED=0 GOFLAGS=-buildvcs=false \
		go install "$MINIO_MODULE@$MINIO_VERSION") >>"$INSTALL_LOG" 2>&1; then
		rm -rf "$tmp"
		log_tail "$INSTALL_LOG"
		die "could not build MinIO ($MINIO_MODULE@$MINIO_VERSION)"
	fi
	mv "$tmp/minio" "$MINIO_BIN"
	rm -rf "$tmp"
	if mkdir -p "$TOOL_CACHE" 2>/dev/null; then
		if ! { cp "$MINIO_BIN" "$cached.tmp" 2>/dev/null && mv "$cached.tmp" "$cached"; }; then
			rm -f "$cached.tmp"
		fi
	fi
	say "MinIO built: $MINIO_BIN"
}

maildev_installed_version() {
	[ -f "$MAILDEV_PKG/package.json" ] || return 0
	node -p "require('$MAILDEV_PKG/package.json').version" 2>/dev/null || true
}

install_maildev() {
	local major cached=$TOOL_CACHE/maildev-$MAILDEV_VERSION
	major=$(node_major)
	[ "$major" -ge "$NODE_MIN_MAJOR" ] ||
		die "maildev $MAILDEV_VERSION needs Node.js >= $NODE_MIN_MAJOR, found $(node --version 2>/dev/null || echo none)"
	if [ "$(maildev_installed_version)" = "$MAILDEV_VERSION" ]; then
		return 0
	fi
	rm -rf "$MAILDEV_DIR"
	mkdir -p "$SHEBER_BIN"
	if [ -f "$cached/node_modules/maildev/package.json" ]; then
		cp -a "$cached" "$MAILDEV_DIR.tmp" && mv "$MAILDEV_DIR.tmp" "$MAILDEV_DIR"
		say "maildev $MAILDEV_VERSION copied from $TOOL_CACHE"
		return 0
	fi
	say "installing maildev $MAILDEV_VERSION from npm (log: $INSTALL_LOG)"
	mkdir -p "$MAILDEV_DIR"
	if ! npm install --prefix "$MAILDEV_DIR" --no-audit --no-fund --no-update-notifier \
		--loglevel=error "maildev@$MAILDEV_VERSION" >>"$INSTALL_LOG" 2>&1; then
		log_tail "$INSTALL_LOG"
		die "npm install maildev@$MAILDEV_VERSION failed"
	fi
	[ "$(maildev_installed_version)" = "$MAILDEV_VERSION" ] ||
		die "maildev $MAILDEV_VERSION did not install into $MAILDEV_DIR"
	if mkdir -p "$TOOL_CACHE" 2>/dev/null; then
		rm -rf "$cached.tmp" "$cached"
		if ! { cp -a "$MAILDEV_DIR" "$cached.tmp" 2>/dev/null && mv "$cached.tmp" "$cached"; }; then
			rm -rf "$cached.tmp"
		fi
	fi
	say "maildev installed: $MAILDEV_DIR"
}

# =============================================================================
# up
# =============================================================================
up_postgres() {
	if ! is_local "$DATABASE_URL" "$PG_PORT"; then
		say "postgres: DATABASE_URL points at $(hostport "$DATABASE_URL"), not starting a local one"
		return 0
	fi
	local bin
	bin=$(pg_bindir)
	if [ -z "$bin" ] || [ ! -x "$bin/pg_ctl" ]; then
		die "postgres: not installed (run: scripts/services.sh install)"
	fi
	if pg_running && pg_ready; then
		pg_bootstrap
		say "postgres: already up on $PG_HOST:$PG_PORT"
		return 0
	fi
	if ! pg_running && pg_ready; then
		say "postgres: $PG_HOST:$PG_PORT already answers but is not our cluster ($PGDATA_DIR); using it as is"
		return 0
	fi
	pg_init "$bin"
	if ! pg_running; then
		# A stale postmaster.pid (its pid dead, a zombie, or reused by another
		# process after a reboot) makes the postmaster refuse to start.
		rm -f "$PGDATA_DIR/postmaster.pid"
		local lock lockpid
		lock=$(pg_sockdir)/.s.PGSQL.$PG_PORT.lock
		if [ -f "$lock" ]; then
			lockpid=$(head -n 1 "$lock" 2>/dev/null | tr -dc '0-9')
			if ! { proc_alive "$lockpid" && grep -qsx 'postgres\|postmaster' "/proc/$lockpid/comm"; }; then
				rm -f "$lock" "${lock%.lock}"
			fi
		fi
		say "postgres: starting on $PG_HOST:$PG_PORT (log: $PG_LOG)"
		if ! as_pg "$bin/pg_ctl" start -D "$PGDATA_DIR" -l "$PG_LOG" -w -t 60 -s >/dev/null 2>&1; then
			log_tail "$PG_LOG"
			die "postgres: pg_ctl start failed"
		fi
	fi
	wait_for 60 "postgres" "$PG_LOG" pg_ready
	pg_bootstrap
	say "postgres: up on $PG_HOST:$PG_PORT"
}

redis_ping() {
	[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]
}

up_redis() {
	if ! is_local "$REDIS_URL" "$REDIS_PORT"; then
		say "redis: REDIS_URL points at $(hostport "$REDIS_URL"), not starting a local one"
		return 0
	fi
	command -v redis-server >/dev/null 2>&1 || die "redis: not installed (run: scripts/services.sh install)"
	if redis_ping; then
		if pid_alive "$REDIS_PID" redis-server; then
			say "redis: already up on 127.0.0.1:$REDIS_PORT"
		else
			say "redis: 127.0.0.1:$REDIS_PORT already answers (not started from $SHEBER_DATA); using it"
		fi
		return 0
	fi
	if pid_alive "$REDIS_PID" redis-server; then
		say "redis: process $(pid_of "$REDIS_PID") is alive but does not answer; restarting it"
		stop_pid "$REDIS_PID" redis-server || true
	fi
	mkdir -p "$REDIS_DIR"
	say "redis: starting on 127.0.0.1:$REDIS_PORT (log: $REDIS_LOG)"
	if ! redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --protected-mode yes \
		--daemonize yes --dir "$REDIS_DIR" --pidfile "$REDIS_PID" --logfile "$REDIS_LOG" \
		--appendonly yes >/dev/null 2>&1; then
		log_tail "$REDIS_LOG"
		die "redis: redis-server failed to start"
	fi
	wait_for 30 "redis" "$REDIS_LOG" redis_ping
	say "redis: up on 127.0.0.1:$REDIS_PORT"
}

minio_live() {
	curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$MINIO_PORT/minio/health/live"
}

# Create $S3_BUCKET if it does not exist (S3 API, signed by curl).
minio_bucket() {
	local url=http://127.0.0.1:$MINIO_PORT/$S3_BUCKET code
	local sig=(--aws-sigv4 "aws:amz:$S3_REGION:s3" --user "$S3_ACCESS_KEY:$S3_SECRET_KEY")
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -I "${sig[@]}" "$url" || true)
	case "$code" in
	200) return 0 ;;
	404)
		curl -sf -o /dev/null --max-time 10 -X PUT "${sig[@]}" "$url" ||
			die "minio: could not create bucket $S3_BUCKET"
		say "minio: created bucket $S3_BUCKET"
		;;
	*) say "minio: warning: could not check bucket $S3_BUCKET (HTTP $code)" ;;
	esac
}

up_minio() {
	if ! is_local "$S3_ENDPOINT" "$MINIO_PORT"; then
		say "minio: S3_ENDPOINT points at $(hostport "$S3_ENDPOINT"), not starting a local one"
		return 0
	fi
	if pid_alive "$MINIO_PID" minio && minio_live; then
		minio_bucket
		say "minio: already up on 127.0.0.1:$MINIO_PORT"
		return 0
	fi
	if ! pid_alive "$MINIO_PID" minio && minio_live; then
		say "minio: 127.0.0.1:$MINIO_PORT already answers (not started from $SHEBER_DATA); using it"
		return 0
	fi
	[ -x "$MINIO_BIN" ] || die "minio: $MINIO_BIN missing (run: scripts/services.sh install)"
	if ! pid_alive "$MINIO_PID" minio; then
		mkdir -p "$MINIO_DIR"
		say "minio: starting on 127.0.0.1:$MINIO_PORT (log: $MINIO_LOG)"
		MINIO_ROOT_USER=$S3_ACCESS_KEY MINIO_ROOT_PASSWORD=$S3_SECRET_KEY \
			MINIO_UPDATE=off MINIO_BROWSER=off MINIO_SITE_REGION="$S3_REGION" \
			setsid nohup "$MINIO_BIN" server "$MINIO_DIR" --quiet \
			--address "127.0.0.1:$MINIO_PORT" \
			--console-address "127.0.0.1:$MINIO_CONSOLE_PORT" \
			>>"$MINIO_LOG" 2>&1 </dev/null &
		echo $! >"$MINIO_PID"
	fi
	wait_for 60 "minio" "$MINIO_LOG" minio_live
	minio_bucket
	say "minio: up on 127.0.0.1:$MINIO_PORT"
}

maildev_live() {
	curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$MAILDEV_WEB_PORT/healthz" &&
		port_open 127.0.0.1 "$SMTP_PORT"
}

maildev_entry() {
	local rel
	rel=$(node -p "require('$MAILDEV_PKG/package.json').bin.maildev" 2>/dev/null || true)
	[ -n "$rel" ] && [ -f "$MAILDEV_PKG/$rel" ] || return 1
	printf '%s' "$MAILDEV_PKG/$rel"
}

up_maildev() {
	if ! is_local "$SMTP_URL" "$SMTP_PORT"; then
		say "maildev: SMTP_URL points at $(hostport "$SMTP_URL"), not starting a local one"
		return 0
	fi
	if pid_alive "$MAILDEV_PID" maildev && maildev_live; then
		say "maildev: already up (smtp 127.0.0.1:$SMTP_PORT, web 127.0.0.1:$MAILDEV_WEB_PORT)"
		return 0
	fi
	if ! pid_alive "$MAILDEV_PID" maildev && maildev_live; then
		say "maildev: 127.0.0.1:$SMTP_PORT already answers (not started from $SHEBER_DATA); using it"
		return 0
	fi
	local entry
	entry=$(maildev_entry) || die "maildev: not installed in $MAILDEV_DIR (run: scripts/services.sh install)"
	if ! pid_alive "$MAILDEV_PID" maildev; then
		mkdir -p "$MAILDEV_DIR_DATA"
		say "maildev: starting (smtp 127.0.0.1:$SMTP_PORT, web 127.0.0.1:$MAILDEV_WEB_PORT, log: $MAILDEV_LOG)"
		setsid nohup node "$entry" --smtp "$SMTP_PORT" --web "$MAILDEV_WEB_PORT" \
			--ip 127.0.0.1 --web-ip 127.0.0.1 --mail-directory "$MAILDEV_DIR_DATA" \
			>>"$MAILDEV_LOG" 2>&1 </dev/null &
		echo $! >"$MAILDEV_PID"
	fi
	wait_for 60 "maildev" "$MAILDEV_LOG" maildev_live
	say "maildev: up (smtp 127.0.0.1:$SMTP_PORT, web 127.0.0.1:$MAILDEV_WEB_PORT)"
}

cmd_up() {
	ensure_data_dir
	up_postgres
	up_redis
	up_minio
	up_maildev
}

# =============================================================================
# down
# =============================================================================
down_postgres() {
	is_local "$DATABASE_URL" "$PG_PORT" || { say "postgres: not local, skipped"; return 0; }
	if pg_running; then
		as_pg "$(pg_bindir)/pg_ctl" stop -D "$PGDATA_DIR" -m fast -w -t 60 -s >/dev/null ||
			die "postgres: pg_ctl stop failed"
		say "postgres: stopped"
	else
		say "postgres: already down"
	fi
}

down_redis() {
	is_local "$REDIS_URL" "$REDIS_PORT" || { say "redis: not local, skipped"; return 0; }
	if pid_alive "$REDIS_PID" redis-server; then
		local pid
		pid=$(pid_of "$REDIS_PID")
		redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true
		if [ -n "$pid" ]; then
			for _ in $(seq 1 100); do
				proc_alive "$pid" || break
				sleep 0.1
			done
		fi
		stop_pid "$REDIS_PID" redis-server || true
		say "redis: stopped"
	elif redis_ping; then
		say "redis: 127.0.0.1:$REDIS_PORT answers but was not started from $SHEBER_DATA; left running"
	else
		say "redis: already down"
	fi
}

down_minio() {
	is_local "$S3_ENDPOINT" "$MINIO_PORT" || { say "minio: not local, skipped"; return 0; }
	if stop_pid "$MINIO_PID" minio; then say "minio: stopped"; else say "minio: already down"; fi
}

down_maildev() {
	is_local "$SMTP_URL" "$SMTP_PORT" || { say "maildev: not local, skipped"; return 0; }
	if stop_pid "$MAILDEV_PID" maildev; then say "maildev: stopped"; else say "maildev: already down"; fi
}

cmd_down() {
	down_maildev
	down_minio
	down_redis
	down_postgres
}

# =============================================================================
# status
# =============================================================================
cmd_status() {
	local s
	if ! is_local "$DATABASE_URL" "$PG_PORT"; then s="external ($(hostport "$DATABASE_URL"))"
	elif pg_ready; then s="up (127.0.0.1:$PG_PORT)"; else s=down; fi
	say "postgres: $s"
	if ! is_local "$REDIS_URL" "$REDIS_PORT"; then s="external ($(hostport "$REDIS_URL"))"
	elif redis_ping; then s="up (127.0.0.1:$REDIS_PORT)"; else s=down; fi
	say "redis:    $s"
	if ! is_local "$S3_ENDPOINT" "$MINIO_PORT"; then s="external ($(hostport "$S3_ENDPOINT"))"
	elif minio_live; then s="up (127.0.0.1:$MINIO_PORT)"; else s=down; fi
	say "minio:    $s"
	if ! is_local "$SMTP_URL" "$SMTP_PORT"; then s="external ($(hostport "$SMTP_URL"))"
	elif maildev_live; then s="up (smtp 127.0.0.1:$SMTP_PORT, web 127.0.0.1:$MAILDEV_WEB_PORT)"; else s=down; fi
	say "maildev:  $s"
}

# =============================================================================
# env
# =============================================================================
cmd_env() {
	local v val
	for v in SHEBER_ROOT SHEBER_DATA SHEBER_BIN PGPORT_SHEBER REDISPORT_SHEBER MINIOPORT_SHEBER \
		SMTPPORT_SHEBER MAILDEVPORT_SHEBER DATABASE_URL REDIS_URL \
		S3_ENDPOINT S3_ACCESS_KEY S3_SECRET_KEY S3_BUCKET S3_REGION SMTP_URL MAILDEV_WEB \
		HTTP_ADDR SHEBER_ENV SESSION_SECRET PUBLIC_URL CHROMIUM_PATH MEILI_URL; do
		[ -n "${!v+x}" ] || continue
		val=${!v}
		printf "export %s='%s'\n" "$v" "${val//\'/\'\\\'\'}"
	done
}

usage() {
	echo "usage: scripts/services.sh install|install-browser|up|down|status|env" >&2
	exit 2
}

[ $# -eq 1 ] || usage
case "$1" in
install) cmd_install ;;
install-browser) cmd_install_browser ;;
up) cmd_up ;;
down) cmd_down ;;
status) cmd_status ;;
env) cmd_env ;;
*) usage ;;
esac
