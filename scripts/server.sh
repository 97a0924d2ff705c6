# Sourced by with-meili.sh and with-minio.sh: runs a throwaway server for the
# duration of a command. The caller defines launch PORT CONSOLE_PORT, which
# execs the server in the foreground (server_start runs it in the
# background, with its output in $dir/server.log), and sets ready_path, the
# path that answers 200 once the server is ready.
#
#   server_start NAME   start it on free loopback ports: sets port and pid
#   server_run CMD...   run CMD, then stop the server and remove $dir;
#                       exits with CMD's status

dir="$(mktemp -d "${TMPDIR:-/tmp}/gazette-server.XXXXXX")"
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

# A port nobody answers on; should another process take it before the server
# binds, the server exits and other ports are tried.
in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

server_start() {
	local name="$1" started="" attempt
	for attempt in 1 2 3 4 5; do
		port=$((20000 + RANDOM % 40000))
		if in_use "$port" || in_use $((port + 1)); then
			continue
		fi
		launch "$port" $((port + 1)) >"$dir/server.log" 2>&1 &
		pid=$!
		for _ in $(seq 1 600); do
			if ! kill -0 "$pid" 2>/dev/null; then
				break
			fi
			if curl -fsS "http://127.0.0.1:$port$ready_path" >/dev/null 2>&1; then
				started=1
				break
			fi
			sleep 0.1
		done
		if [ -n "$started" ]; then
			return 0
		fi
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		pid=""
	done
	echo "$name did not start; its log:" >&2
	tail -n 30 "$dir/server.log" >&2 || true
	exit 1
}

server_run() {
	local status=0
	"$@" || status=$?
	exit "$status"
}
