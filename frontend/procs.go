package frontend

import "runtime"

// ServeProcs raises GOMAXPROCS for a reading server to twice the runtime's
// default, unless the operator set GOMAXPROCS (explicit); it returns the
// value in force. An uncached page makes blocking system calls (its
// response's writes to the socket, then its objects' file reads, by the
// execution trace's syscall profile), and with only as many Ps as cores the
// other requests wait behind a P held by such a call until the runtime takes
// it back. Measured
// by gazette-loadbench (100,000 documents, 16 connections, 2 cores): uncached
// p99 39 ms with 2 Ps, 21–23 ms with 3, 17 ms with 4, at the same CPU per
// request.
func ServeProcs(explicit bool) int {
	if explicit {
		return runtime.GOMAXPROCS(0)
	}
	runtime.SetDefaultGOMAXPROCS() // so that a second call does not double again
	n := 2 * runtime.GOMAXPROCS(0)
	runtime.GOMAXPROCS(n)
	return n
}
