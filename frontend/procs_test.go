package frontend

import (
	"runtime"
	"testing"
)

func TestServeProcs(t *testing.T) {
	defer runtime.SetDefaultGOMAXPROCS()
	runtime.SetDefaultGOMAXPROCS()
	def := runtime.GOMAXPROCS(0)
	// A second call must not double again: serve may be started twice in
	// one process (the command's tests do).
	for range 2 {
		if n := ServeProcs(false); n != 2*def || runtime.GOMAXPROCS(0) != 2*def {
			t.Fatalf("ServeProcs(false) = %d, GOMAXPROCS %d; want twice the default %d", n, runtime.GOMAXPROCS(0), def)
		}
	}
	runtime.GOMAXPROCS(3)
	if n := ServeProcs(true); n != 3 || runtime.GOMAXPROCS(0) != 3 {
		t.Fatalf("ServeProcs(true) changed an operator's GOMAXPROCS 3 to %d", runtime.GOMAXPROCS(0))
	}
}
