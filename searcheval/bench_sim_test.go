package searcheval

import (
	"testing"
	"time"
)

func TestSimulateGate(t *testing.T) {
	ms := time.Millisecond
	t.Run("one client never waits", func(t *testing.T) {
		st, err := SimulateGate([]time.Duration{3 * ms, 1 * ms, 2 * ms}, 1, 2)
		if err != nil {
			t.Fatal(err)
		}
		if st.Max != 3*ms || st.P50 != 2*ms || st.Elapsed != 6*ms {
			t.Errorf("got max %v, p50 %v, elapsed %v; want 3ms, 2ms, 6ms", st.Max, st.P50, st.Elapsed)
		}
	})
	t.Run("more clients than servers queue in order", func(t *testing.T) {
		// 4 clients, 2 slots, 4 queries of 10 ms: two run at once, the
		// other two wait for them, 20 ms each; then every client asks
		// again as it finishes.
		cpu := []time.Duration{10 * ms, 10 * ms, 10 * ms, 10 * ms, 10 * ms, 10 * ms}
		st, err := SimulateGate(cpu, 4, 2)
		if err != nil {
			t.Fatal(err)
		}
		// queries 0, 1 end at 10 (latency 10); 2, 3 at 20 (20); 4, 5
		// arrive at 10 and wait behind 2, 3: end at 30 (20)
		if st.P50 != 20*ms || st.Max != 20*ms || st.Mean != 100*ms/6 || st.Elapsed != 30*ms {
			t.Errorf("got p50 %v, max %v, mean %v, elapsed %v; want 20ms, 20ms, %v, 30ms", st.P50, st.Max, st.Mean, st.Elapsed, 100*ms/6)
		}
	})
	t.Run("a long query holds its slot", func(t *testing.T) {
		// 2 clients, 1 slot: the 1 ms query behind a 50 ms one waits for it.
		st, err := SimulateGate([]time.Duration{50 * ms, 1 * ms}, 2, 1)
		if err != nil {
			t.Fatal(err)
		}
		if st.Max != 51*ms {
			t.Errorf("max %v, want 51ms", st.Max)
		}
	})
	if _, err := SimulateGate(nil, 0, 2); err == nil {
		t.Error("0 clients: no error")
	}
}
