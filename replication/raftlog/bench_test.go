package raftlog

import (
	"sync/atomic"
	"testing"

	"github.com/hashicorp/raft"
)

// BenchmarkStoreLogsParallel measures durable appends with every parallel
// worker writing its own group, as many groups' leaders do on one node. It
// reports fsyncs per StoreLogs call: below 1 means appends share fsyncs.
func BenchmarkStoreLogsParallel(b *testing.B) {
	s := openStore(b, openDB(b, b.TempDir()))
	var nextGroup atomic.Uint64
	data := make([]byte, 128)
	start := s.Stats()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		g := s.Group(nextGroup.Add(1))
		var index uint64
		for pb.Next() {
			index++
			if err := g.StoreLogs([]*raft.Log{{Index: index, Term: 1, Type: raft.LogCommand, Data: data}}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	st := s.Stats()
	if writes := st.Writes - start.Writes; writes > 0 {
		b.ReportMetric(float64(st.Syncs-start.Syncs)/float64(writes), "fsyncs/op")
	}
}
