# shellcheck shell=bash
# Sheber local development environment.
#
# Source this file (bash, zsh or POSIX sh):   . scripts/env.sh
# Every variable below gets its default ONLY when it is unset, so anything
# already exported in the environment wins. Used by scripts/services.sh,
# scripts/with-env.sh and therefore by every Makefile target.

# --- project root, computed from this file's location ---------------------
if [ -z "${SHEBER_ROOT:-}" ]; then
	_sheber_env_src=""
	if [ -n "${BASH_VERSION:-}" ]; then
		eval '_sheber_env_src=${BASH_SOURCE[0]}'
	elif [ -n "${ZSH_VERSION:-}" ]; then
		eval '_sheber_env_src=${(%):-%x}'
	fi
	if [ -n "$_sheber_env_src" ]; then
		SHEBER_ROOT=$(cd "$(dirname "$_sheber_env_src")/.." && pwd -P)
	elif [ -f ./scripts/env.sh ]; then
		SHEBER_ROOT=$(pwd -P)
	else
		echo "env.sh: cannot find the project root; set SHEBER_ROOT" >&2
		# shellcheck disable=SC2317 # exit is reached when the file is run, not sourced
		return 1 2>/dev/null || exit 1
	fi
	unset _sheber_env_src
fi
export SHEBER_ROOT

: "${SHEBER_DATA:=$SHEBER_ROOT/.data}"; export SHEBER_DATA
: "${SHEBER_BIN:=$SHEBER_ROOT/.bin}"; export SHEBER_BIN

# --- local service ports ----------------------------------------------------
# scripts/services.sh starts each service on 127.0.0.1 at these ports, and the
# URL defaults below are built from them: override a port and the URLs follow
# (a URL set explicitly wins, and services.sh then leaves that service alone
# unless the URL still points at 127.0.0.1/localhost and the same port).
: "${PGPORT_SHEBER:=55432}"; export PGPORT_SHEBER
: "${REDISPORT_SHEBER:=56379}"; export REDISPORT_SHEBER
: "${MINIOPORT_SHEBER:=59000}"; export MINIOPORT_SHEBER
: "${SMTPPORT_SHEBER:=51025}"; export SMTPPORT_SHEBER
: "${MAILDEVPORT_SHEBER:=51080}"; export MAILDEVPORT_SHEBER

# --- PostgreSQL (own cluster, see scripts/services.sh) --------------------
: "${DATABASE_URL:=postgres://sheber:sheber@127.0.0.1:$PGPORT_SHEBER/sheber?sslmode=disable}"; export DATABASE_URL

# --- Redis -----------------------------------------------------------------
: "${REDIS_URL:=redis://127.0.0.1:$REDISPORT_SHEBER/0}"; export REDIS_URL

# --- S3 (MinIO) --------------------------------------------------------------
: "${S3_ENDPOINT:=http://127.0.0.1:$MINIOPORT_SHEBER}"; export S3_ENDPOINT
: "${S3_ACCESS_KEY:=sheber-dev}"; export S3_ACCESS_KEY
: "${S3_SECRET_KEY:=sheber-dev-secret-key}"; export S3_SECRET_KEY
: "${S3_BUCKET:=sheber}"; export S3_BUCKET
: "${S3_REGION:=us-east-1}"; export S3_REGION

# --- mail (maildev) ----------------------------------------------------------
: "${SMTP_URL:=smtp://127.0.0.1:$SMTPPORT_SHEBER}"; export SMTP_URL
: "${MAILDEV_WEB:=http://127.0.0.1:$MAILDEVPORT_SHEBER}"; export MAILDEV_WEB

# --- the application -------------------------------------------------------
: "${HTTP_ADDR:=127.0.0.1:8080}"; export HTTP_ADDR
: "${SHEBER_ENV:=development}"; export SHEBER_ENV
: "${SESSION_SECRET:=dev-only-session-secret-change-me-0123456789abcdef}"; export SESSION_SECRET
: "${PUBLIC_URL:=http://localhost:8080}"; export PUBLIC_URL
: "${CHROMIUM_PATH:=/usr/bin/chromium}"; export CHROMIUM_PATH
# MEILI_URL is deliberately left unset: search falls back to PostgreSQL.

# --- tools on PATH: Go and the project's own .bin ---------------------------
case ":$PATH:" in
*":/usr/local/go/bin:"*) ;;
*) if [ -d /usr/local/go/bin ]; then PATH="/usr/local/go/bin:$PATH"; fi ;;
esac
case ":$PATH:" in
*":$SHEBER_BIN:"*) ;;
*) PATH="$SHEBER_BIN:$PATH" ;;
esac
export PATH
