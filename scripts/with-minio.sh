#!/usr/bin/env bash
# Usage: scripts/with-minio.sh COMMAND [ARGS...]
#
# Runs COMMAND against a throwaway MinIO server: the pinned binary
# ($GAZETTE_MINIO_BIN, else $GAZETTE_TOOLS/minio, default
# ~/.cache/gazette/bin/minio, installed by scripts/tools.sh) on a free
# loopback port, with a temporary data directory and random root
# credentials. COMMAND sees GAZETTE_STORAGE=s3, GAZETTE_S3_ENDPOINT,
# GAZETTE_S3_BUCKET (gazette), GAZETTE_S3_ACCESS_KEY and
# GAZETTE_S3_SECRET_KEY. Afterwards the server is
# stopped and the temporary directory removed, whatever COMMAND did; the
# script exits with COMMAND's status.
#
#   scripts/with-minio.sh bin/gazette-eval bench-shared-ingest
set -euo pipefail

if [ $# -eq 0 ]; then
	sed -n '2,14s/^# \{0,1\}//p' "$0" >&2
	exit 2
fi

root="$(cd "$(dirname "$0")/.." && pwd)"
tools="${GAZETTE_TOOLS:-$HOME/.cache/gazette/bin}"
bin="${GAZETTE_MINIO_BIN:-$tools/minio}"
want="$(sed -n 's/^MINIO_VERSION="\(.*\)"$/\1/p' "$root/scripts/tools.sh")"

if [ ! -x "$bin" ]; then
	echo "with-minio: no MinIO binary at $bin: run scripts/tools.sh (make tools)" >&2
	exit 1
fi
if [ -z "${GAZETTE_MINIO_BIN:-}" ] && [ -n "$want" ] && [ "$(cat "$tools/minio.version" 2>/dev/null)" != "$want" ]; then
	echo "with-minio: $bin is not minio $want: run scripts/tools.sh" >&2
	exit 1
fi

dir="$(mktemp -d "${TMPDIR:-/tmp}/gazette-minio.XXXXXX")"
pid=""
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		# Throwaway data: nothing to shut down gracefully.
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

user="gazette$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
secret="$(od -An -N20 -tx1 /dev/urandom | tr -d ' \n')"

# A port nobody answers on; should another process take it before the server
# binds, the server exits and another port is tried.
in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

started=""
for attempt in 1 2 3 4 5; do
	port=$((20000 + RANDOM % 40000))
	console=$((port + 1))
	if in_use "$port" || in_use "$console"; then
		continue
	fi
	rm -rf "$dir/data"
	mkdir -p "$dir/data" "$dir/certs"
	env $(env | sed -n 's/^\(MINIO_[A-Za-z0-9_]*\)=.*/-u \1/p') \
		MINIO_ROOT_USER="$user" MINIO_ROOT_PASSWORD="$secret" MINIO_BROWSER=off MINIO_UPDATE=off MINIO_CI_CD=on \
		"$bin" server "$dir/data" --address "127.0.0.1:$port" --console-address "127.0.0.1:$console" \
		--certs-dir "$dir/certs" >"$dir/minio.log" 2>&1 &
	pid=$!
	for _ in $(seq 1 600); do
		if ! kill -0 "$pid" 2>/dev/null; then
			break
		fi
		if curl -fsS "http://127.0.0.1:$port/minio/health/cluster" >/dev/null 2>&1; then
			started=1
			break
		fi
		sleep 0.1
	done
	if [ -n "$started" ]; then
		break
	fi
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	pid=""
done
if [ -z "$started" ]; then
	echo "with-minio: MinIO did not start; its log:" >&2
	tail -n 30 "$dir/minio.log" >&2 || true
	exit 1
fi
echo "with-minio: minio on 127.0.0.1:$port, data $dir/data" >&2

export GAZETTE_STORAGE=s3
export GAZETTE_S3_ENDPOINT="127.0.0.1:$port"
export GAZETTE_S3_BUCKET=gazette
export GAZETTE_S3_ACCESS_KEY="$user"
export GAZETTE_S3_SECRET_KEY="$secret"
status=0
"$@" || status=$?
exit "$status"
