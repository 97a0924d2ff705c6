#!/usr/bin/env bash
# Usage: scripts/with-meili.sh COMMAND [ARGS...]
#
# Runs COMMAND against a throwaway Meilisearch server: the pinned binary
# ($GAZETTE_MEILI_BIN, else $GAZETTE_TOOLS/meilisearch, default
# ~/.cache/gazette/bin/meilisearch, installed by scripts/tools.sh) on a free
# loopback port, with a temporary --db-path and a random master key. COMMAND
# sees GAZETTE_MEILI_URL, GAZETTE_MEILI_KEY and GAZETTE_MEILI_DB (the
# database directory, for size measurements). Afterwards the server is
# stopped and the temporary directory removed, whatever COMMAND did; the
# script exits with COMMAND's status.
#
#   scripts/with-meili.sh go run ./cmd/gazette-eval eval-search --backend-from-env
set -euo pipefail

if [ $# -eq 0 ]; then
	sed -n '2,14s/^# \{0,1\}//p' "$0" >&2
	exit 2
fi

root="$(cd "$(dirname "$0")/.." && pwd)"
tools="${GAZETTE_TOOLS:-$HOME/.cache/gazette/bin}"
bin="${GAZETTE_MEILI_BIN:-$tools/meilisearch}"
want="$(sed -n 's/^MEILI_VERSION="\(.*\)"$/\1/p' "$root/scripts/tools.sh")"

if [ ! -x "$bin" ]; then
	echo "with-meili: no Meilisearch binary at $bin: run scripts/tools.sh (make tools)" >&2
	exit 1
fi
have="$("$bin" --version 2>/dev/null || true)"
if [ -n "$want" ] && [ "$have" != "meilisearch $want" ]; then
	echo "with-meili: $bin reports '$have', want 'meilisearch $want': run scripts/tools.sh" >&2
	exit 1
fi

. "$root/scripts/server.sh"
key="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
ready_path=/health
launch() {
	rm -rf "$dir/data.ms"
	exec "$bin" --db-path "$dir/data.ms" --http-addr "127.0.0.1:$1" --master-key "$key" --env development --no-analytics
}
server_start "with-meili: Meilisearch"
echo "with-meili: $have on 127.0.0.1:$port, database $dir/data.ms" >&2

export GAZETTE_MEILI_URL="http://127.0.0.1:$port"
export GAZETTE_MEILI_KEY="$key"
export GAZETTE_MEILI_DB="$dir/data.ms"
server_run "$@"
