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

dir="$(mktemp -d "${TMPDIR:-/tmp}/gazette-meili.XXXXXX")"
pid=""
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 1 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

key="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"

# A port nobody answers on; should another process take it before the server
# binds, the server exits and another port is tried.
in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

started=""
for attempt in 1 2 3 4 5; do
	port=$((20000 + RANDOM % 40000))
	if in_use "$port"; then
		continue
	fi
	rm -rf "$dir/data.ms"
	"$bin" --db-path "$dir/data.ms" --http-addr "127.0.0.1:$port" --master-key "$key" \
		--env development --no-analytics >"$dir/meili.log" 2>&1 &
	pid=$!
	for _ in $(seq 1 600); do
		if ! kill -0 "$pid" 2>/dev/null; then
			break
		fi
		if curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; then
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
	echo "with-meili: Meilisearch did not start; its log:" >&2
	tail -n 30 "$dir/meili.log" >&2 || true
	exit 1
fi
echo "with-meili: $have on 127.0.0.1:$port, database $dir/data.ms" >&2

export GAZETTE_MEILI_URL="http://127.0.0.1:$port"
export GAZETTE_MEILI_KEY="$key"
export GAZETTE_MEILI_DB="$dir/data.ms"
status=0
"$@" || status=$?
exit "$status"
