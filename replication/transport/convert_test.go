package transport

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/raft"
	"google.golang.org/protobuf/proto"

	"github.com/atolldb/atoll/proto/raftpb"
)

// wire marshals and unmarshals m, as the RPC would.
func wire[M proto.Message](t *testing.T, m M, into M) M {
	t.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatalf("Marshal(%T) = %v", m, err)
	}
	if err := proto.Unmarshal(b, into); err != nil {
		t.Fatalf("Unmarshal(%T) = %v", m, err)
	}
	return into
}

func header() raft.RPCHeader {
	return raft.RPCHeader{ProtocolVersion: raft.ProtocolVersionMax, ID: []byte("n1"), Addr: []byte("10.0.0.1:9000")}
}

func TestConvertRoundTrip(t *testing.T) {
	const group uint64 = 0xfeedface12345678
	appended := time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC)
	opts := cmp.Options{cmpopts.EquateEmpty()}

	checkGroup := func(t *testing.T, got uint64) {
		t.Helper()
		if got != group {
			t.Errorf("group = %#x, want %#x", got, group)
		}
	}

	tests := []struct {
		name string
		// run converts the input both ways and returns (want, got).
		run func(t *testing.T) (any, any)
	}{
		{"AppendEntriesRequest", func(t *testing.T) (any, any) {
			in := &raft.AppendEntriesRequest{
				RPCHeader: header(), Term: 7, PrevLogEntry: 41, PrevLogTerm: 6, LeaderCommitIndex: 40,
				Entries: []*raft.Log{
					{Index: 42, Term: 7, Type: raft.LogCommand, Data: []byte("put"), Extensions: []byte("ext"), AppendedAt: appended},
					{Index: 43, Term: 7, Type: raft.LogConfiguration, Data: []byte{0, 1, 2}},
					{Index: 44, Term: 7, Type: raft.LogBarrier},
				},
			}
			in.Leader = []byte("10.0.0.1:9000") //lint:ignore SA1019 the deprecated field must survive the wire
			m := wire(t, appendEntriesRequestToPB(group, in), &raftpb.AppendEntriesRequest{})
			checkGroup(t, m.GetGroup())
			return in, appendEntriesRequestFromPB(m)
		}},
		{"AppendEntriesRequest/heartbeat", func(t *testing.T) (any, any) {
			in := &raft.AppendEntriesRequest{RPCHeader: header(), Term: 3}
			m := wire(t, appendEntriesRequestToPB(group, in), &raftpb.AppendEntriesRequest{})
			got := appendEntriesRequestFromPB(m)
			if !isHeartbeat(got) {
				t.Errorf("isHeartbeat(%+v) = false after the wire, want true", got)
			}
			return in, got
		}},
		{"AppendEntriesResponse", func(t *testing.T) (any, any) {
			in := &raft.AppendEntriesResponse{RPCHeader: header(), Term: 7, LastLog: 44, Success: true, NoRetryBackoff: true}
			got := new(raft.AppendEntriesResponse)
			appendEntriesResponseFromPB(wire(t, appendEntriesResponseToPB(in), &raftpb.AppendEntriesResponse{}), got)
			return in, got
		}},
		{"RequestVoteRequest", func(t *testing.T) (any, any) {
			in := &raft.RequestVoteRequest{RPCHeader: header(), Term: 8, LastLogIndex: 44, LastLogTerm: 7, LeadershipTransfer: true}
			in.Candidate = []byte("10.0.0.1:9000") //lint:ignore SA1019 the deprecated field must survive the wire
			m := wire(t, requestVoteRequestToPB(group, in), &raftpb.RequestVoteRequest{})
			checkGroup(t, m.GetGroup())
			return in, requestVoteRequestFromPB(m)
		}},
		{"RequestVoteResponse", func(t *testing.T) (any, any) {
			in := &raft.RequestVoteResponse{RPCHeader: header(), Term: 8, Peers: []byte("peers"), Granted: true}
			got := new(raft.RequestVoteResponse)
			requestVoteResponseFromPB(wire(t, requestVoteResponseToPB(in), &raftpb.RequestVoteResponse{}), got)
			return in, got
		}},
		{"RequestPreVoteRequest", func(t *testing.T) (any, any) {
			in := &raft.RequestPreVoteRequest{RPCHeader: header(), Term: 9, LastLogIndex: 45, LastLogTerm: 8}
			m := wire(t, requestPreVoteRequestToPB(group, in), &raftpb.RequestPreVoteRequest{})
			checkGroup(t, m.GetGroup())
			return in, requestPreVoteRequestFromPB(m)
		}},
		{"RequestPreVoteResponse", func(t *testing.T) (any, any) {
			in := &raft.RequestPreVoteResponse{RPCHeader: header(), Term: 9, Granted: true}
			got := new(raft.RequestPreVoteResponse)
			requestPreVoteResponseFromPB(wire(t, requestPreVoteResponseToPB(in), &raftpb.RequestPreVoteResponse{}), got)
			return in, got
		}},
		{"TimeoutNowRequest", func(t *testing.T) (any, any) {
			in := &raft.TimeoutNowRequest{RPCHeader: header()}
			m := wire(t, timeoutNowRequestToPB(group, in), &raftpb.TimeoutNowRequest{})
			checkGroup(t, m.GetGroup())
			return in, timeoutNowRequestFromPB(m)
		}},
		{"TimeoutNowResponse", func(t *testing.T) (any, any) {
			in := &raft.TimeoutNowResponse{RPCHeader: header()}
			got := new(raft.TimeoutNowResponse)
			timeoutNowResponseFromPB(wire(t, timeoutNowResponseToPB(in), &raftpb.TimeoutNowResponse{}), got)
			return in, got
		}},
		{"InstallSnapshotRequest", func(t *testing.T) (any, any) {
			in := &raft.InstallSnapshotRequest{
				RPCHeader: header(), SnapshotVersion: raft.SnapshotVersionMax, Term: 9,
				LastLogIndex: 100, LastLogTerm: 9, Peers: []byte("old peers"),
				Configuration: []byte("configuration"), ConfigurationIndex: 1, Size: 1 << 40,
			}
			in.Leader = []byte("10.0.0.1:9000")
			chunk := &raftpb.InstallSnapshotChunk{Chunk: &raftpb.InstallSnapshotChunk_Request{Request: installSnapshotRequestToPB(group, in)}}
			m := wire(t, chunk, &raftpb.InstallSnapshotChunk{}).GetRequest()
			if m == nil {
				t.Fatal("InstallSnapshotChunk lost its request on the wire")
			}
			checkGroup(t, m.GetGroup())
			return in, installSnapshotRequestFromPB(m)
		}},
		{"InstallSnapshotResponse", func(t *testing.T) (any, any) {
			in := &raft.InstallSnapshotResponse{RPCHeader: header(), Term: 9, Success: true}
			got := new(raft.InstallSnapshotResponse)
			installSnapshotResponseFromPB(wire(t, installSnapshotResponseToPB(in), &raftpb.InstallSnapshotResponse{}), got)
			return in, got
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, got := tt.run(t)
			if diff := cmp.Diff(want, got, opts); diff != "" {
				t.Errorf("round trip mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTimeRoundTrip guards the zero AppendedAt, which has no Unix
// nanosecond value: it must come back as the zero time, not 1754 or 1970.
func TestTimeRoundTrip(t *testing.T) {
	for _, in := range []time.Time{{}, time.Unix(0, 1), time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC)} {
		if got := timeFromPB(timeToPB(in)); !got.Equal(in) || got.IsZero() != in.IsZero() {
			t.Errorf("timeFromPB(timeToPB(%v)) = %v", in, got)
		}
	}
}
