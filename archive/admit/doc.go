// Package admit is admission control for searches. A search is CPU-bound
// from start to end (bleve's index is memory-mapped; a Meilisearch search
// is the server's CPU and then ours, decoding the answer), so running more
// searches at once than there are CPUs gains no throughput: the scheduler
// time-slices them, and a query of 0.2 ms that arrives behind a dozen
// others waits for all of them in turn (measured at 16 clients on 2 cores:
// p99 over 300 ms for every kind of query, p50 3 ms). A Gate lets at most a
// few searches run, the others wait in arrival order, and each runs to
// completion on its own core: the tail becomes the queue ahead, not the sum
// of every running query. A request that runs several searches (a
// question matched term by term) holds one slot for all of them (Hold), so
// that it queues once, not once per search.
package admit
