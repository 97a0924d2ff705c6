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

. "$root/scripts/server.sh"
user="gazette$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
secret="$(od -An -N20 -tx1 /dev/urandom | tr -d ' \n')"
ready_path=/minio/health/cluster
launch() {
	rm -rf "$dir/data"
	mkdir -p "$dir/data" "$dir/certs"
	exec env $(env | sed -n 's/^\(MINIO_[A-Za-z0-9_]*\)=.*/-u \1/p') \
		MINIO_ROOT_USER="$user" MINIO_ROOT_PASSWORD="$secret" MINIO_BROWSER=off MINIO_UPDATE=off MINIO_CI_CD=on \
		"$bin" server "$dir/data" --address "127.0.0.1:$1" --console-address "127.0.0.1:$2" --certs-dir "$dir/certs"
}
server_start "with-minio: MinIO"
echo "with-minio: minio on 127.0.0.1:$port, data $dir/data" >&2

export GAZETTE_STORAGE=s3
export GAZETTE_S3_ENDPOINT="127.0.0.1:$port"
export GAZETTE_S3_BUCKET=gazette
export GAZETTE_S3_ACCESS_KEY="$user"
export GAZETTE_S3_SECRET_KEY="$secret"
server_run "$@"
