package sim

import (
	"slices"
	"sync"
)

// memo is a small least-recently-used cache whose values are computed once
// even when many requests ask for the same key at the same time: parallel
// slice pulls of one period all want the same day, and building a big day
// twice would double both the wait and the memory.
type memo[K comparable, V any] struct {
	mu      sync.Mutex
	size    int
	recent  []K // least recently used first
	entries map[K]*memoEntry[V]
}

type memoEntry[V any] struct {
	ready chan struct{} // closed once v is set
	v     V
}

func newMemo[K comparable, V any](size int) *memo[K, V] {
	return &memo[K, V]{size: size, entries: make(map[K]*memoEntry[V], size)}
}

// get returns the value for k, computing it with compute if it is not held.
// An entry evicted while others wait for it still reaches them.
func (m *memo[K, V]) get(k K, compute func() V) V {
	m.mu.Lock()
	e, ok := m.entries[k]
	if ok {
		m.touch(k)
		m.mu.Unlock()
		<-e.ready
		return e.v
	}
	e = &memoEntry[V]{ready: make(chan struct{})}
	m.entries[k] = e
	m.recent = append(m.recent, k)
	if len(m.recent) > m.size {
		delete(m.entries, m.recent[0])
		m.recent = slices.Delete(m.recent, 0, 1)
	}
	m.mu.Unlock()
	e.v = compute()
	close(e.ready)
	return e.v
}

// touch moves k to the most recently used end. Caches here hold at most
// a few hundred keys, so a linear scan is fine.
func (m *memo[K, V]) touch(k K) {
	i := slices.Index(m.recent, k)
	m.recent = append(slices.Delete(m.recent, i, i+1), k)
}
