package transport

import (
	"time"

	"github.com/hashicorp/raft"

	"github.com/atolldb/atoll/proto/raftpb"
)

// Conversions between hashicorp/raft's RPC structs and their wire messages.
// Requests convert to a new value; responses convert into the struct raft
// passed in, which is how raft.Transport returns them.

func headerToPB(h raft.RPCHeader) *raftpb.RPCHeader {
	return &raftpb.RPCHeader{ProtocolVersion: int64(h.ProtocolVersion), Id: h.ID, Addr: h.Addr}
}

func headerFromPB(m *raftpb.RPCHeader) raft.RPCHeader {
	return raft.RPCHeader{
		ProtocolVersion: raft.ProtocolVersion(m.GetProtocolVersion()),
		ID:              m.GetId(),
		Addr:            m.GetAddr(),
	}
}

// timeToPB encodes raft.Log.AppendedAt; the zero time, which has no Unix
// nanosecond value, travels as 0.
func timeToPB(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func timeFromPB(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

func logsToPB(logs []*raft.Log) []*raftpb.Log {
	if len(logs) == 0 {
		return nil
	}
	// One allocation for all messages of the batch.
	msgs := make([]raftpb.Log, len(logs))
	out := make([]*raftpb.Log, len(logs))
	for i, l := range logs {
		m := &msgs[i]
		m.Index = l.Index
		m.Term = l.Term
		m.Type = uint32(l.Type)
		m.Data = l.Data
		m.Extensions = l.Extensions
		m.AppendedAt = timeToPB(l.AppendedAt)
		out[i] = m
	}
	return out
}

func logsFromPB(msgs []*raftpb.Log) []*raft.Log {
	if len(msgs) == 0 {
		return nil
	}
	logs := make([]raft.Log, len(msgs))
	out := make([]*raft.Log, len(msgs))
	for i, m := range msgs {
		l := &logs[i]
		l.Index = m.GetIndex()
		l.Term = m.GetTerm()
		l.Type = raft.LogType(m.GetType())
		l.Data = m.GetData()
		l.Extensions = m.GetExtensions()
		l.AppendedAt = timeFromPB(m.GetAppendedAt())
		out[i] = l
	}
	return out
}

func appendEntriesRequestToPB(group uint64, r *raft.AppendEntriesRequest) *raftpb.AppendEntriesRequest {
	return &raftpb.AppendEntriesRequest{
		Group:  group,
		Header: headerToPB(r.RPCHeader),
		Term:   r.Term,
		//lint:ignore SA1019 deprecated in raft, still sent for old peers
		Leader:            r.Leader,
		PrevLogEntry:      r.PrevLogEntry,
		PrevLogTerm:       r.PrevLogTerm,
		Entries:           logsToPB(r.Entries),
		LeaderCommitIndex: r.LeaderCommitIndex,
	}
}

func appendEntriesRequestFromPB(m *raftpb.AppendEntriesRequest) *raft.AppendEntriesRequest {
	return &raft.AppendEntriesRequest{
		RPCHeader: headerFromPB(m.GetHeader()),
		Term:      m.GetTerm(),
		//lint:ignore SA1019 deprecated in raft, still filled for old peers
		Leader:            m.GetLeader(),
		PrevLogEntry:      m.GetPrevLogEntry(),
		PrevLogTerm:       m.GetPrevLogTerm(),
		Entries:           logsFromPB(m.GetEntries()),
		LeaderCommitIndex: m.GetLeaderCommitIndex(),
	}
}

// isHeartbeat reports whether r is a heartbeat, which raft lets a transport
// hand to a fast-path handler: the same test as raft's NetworkTransport.
func isHeartbeat(r *raft.AppendEntriesRequest) bool {
	leader := r.Addr
	if len(leader) == 0 {
		//lint:ignore SA1019 older peers fill only Leader
		leader = r.Leader
	}
	return r.Term != 0 && len(leader) != 0 &&
		r.PrevLogEntry == 0 && r.PrevLogTerm == 0 &&
		len(r.Entries) == 0 && r.LeaderCommitIndex == 0
}

func appendEntriesResponseToPB(r *raft.AppendEntriesResponse) *raftpb.AppendEntriesResponse {
	return &raftpb.AppendEntriesResponse{
		Header:         headerToPB(r.RPCHeader),
		Term:           r.Term,
		LastLog:        r.LastLog,
		Success:        r.Success,
		NoRetryBackoff: r.NoRetryBackoff,
	}
}

func appendEntriesResponseFromPB(m *raftpb.AppendEntriesResponse, dst *raft.AppendEntriesResponse) {
	*dst = raft.AppendEntriesResponse{
		RPCHeader:      headerFromPB(m.GetHeader()),
		Term:           m.GetTerm(),
		LastLog:        m.GetLastLog(),
		Success:        m.GetSuccess(),
		NoRetryBackoff: m.GetNoRetryBackoff(),
	}
}

func requestVoteRequestToPB(group uint64, r *raft.RequestVoteRequest) *raftpb.RequestVoteRequest {
	return &raftpb.RequestVoteRequest{
		Group:  group,
		Header: headerToPB(r.RPCHeader),
		Term:   r.Term,
		//lint:ignore SA1019 deprecated in raft, still sent for old peers
		Candidate:          r.Candidate,
		LastLogIndex:       r.LastLogIndex,
		LastLogTerm:        r.LastLogTerm,
		LeadershipTransfer: r.LeadershipTransfer,
	}
}

func requestVoteRequestFromPB(m *raftpb.RequestVoteRequest) *raft.RequestVoteRequest {
	return &raft.RequestVoteRequest{
		RPCHeader: headerFromPB(m.GetHeader()),
		Term:      m.GetTerm(),
		//lint:ignore SA1019 deprecated in raft, still filled for old peers
		Candidate:          m.GetCandidate(),
		LastLogIndex:       m.GetLastLogIndex(),
		LastLogTerm:        m.GetLastLogTerm(),
		LeadershipTransfer: m.GetLeadershipTransfer(),
	}
}

func requestVoteResponseToPB(r *raft.RequestVoteResponse) *raftpb.RequestVoteResponse {
	return &raftpb.RequestVoteResponse{
		Header:  headerToPB(r.RPCHeader),
		Term:    r.Term,
		Peers:   r.Peers,
		Granted: r.Granted,
	}
}

func requestVoteResponseFromPB(m *raftpb.RequestVoteResponse, dst *raft.RequestVoteResponse) {
	*dst = raft.RequestVoteResponse{
		RPCHeader: headerFromPB(m.GetHeader()),
		Term:      m.GetTerm(),
		Peers:     m.GetPeers(),
		Granted:   m.GetGranted(),
	}
}

func requestPreVoteRequestToPB(group uint64, r *raft.RequestPreVoteRequest) *raftpb.RequestPreVoteRequest {
	return &raftpb.RequestPreVoteRequest{
		Group:        group,
		Header:       headerToPB(r.RPCHeader),
		Term:         r.Term,
		LastLogIndex: r.LastLogIndex,
		LastLogTerm:  r.LastLogTerm,
	}
}

func requestPreVoteRequestFromPB(m *raftpb.RequestPreVoteRequest) *raft.RequestPreVoteRequest {
	return &raft.RequestPreVoteRequest{
		RPCHeader:    headerFromPB(m.GetHeader()),
		Term:         m.GetTerm(),
		LastLogIndex: m.GetLastLogIndex(),
		LastLogTerm:  m.GetLastLogTerm(),
	}
}

func requestPreVoteResponseToPB(r *raft.RequestPreVoteResponse) *raftpb.RequestPreVoteResponse {
	return &raftpb.RequestPreVoteResponse{
		Header:  headerToPB(r.RPCHeader),
		Term:    r.Term,
		Granted: r.Granted,
	}
}

func requestPreVoteResponseFromPB(m *raftpb.RequestPreVoteResponse, dst *raft.RequestPreVoteResponse) {
	*dst = raft.RequestPreVoteResponse{
		RPCHeader: headerFromPB(m.GetHeader()),
		Term:      m.GetTerm(),
		Granted:   m.GetGranted(),
	}
}

func timeoutNowRequestToPB(group uint64, r *raft.TimeoutNowRequest) *raftpb.TimeoutNowRequest {
	return &raftpb.TimeoutNowRequest{Group: group, Header: headerToPB(r.RPCHeader)}
}

func timeoutNowRequestFromPB(m *raftpb.TimeoutNowRequest) *raft.TimeoutNowRequest {
	return &raft.TimeoutNowRequest{RPCHeader: headerFromPB(m.GetHeader())}
}

func timeoutNowResponseToPB(r *raft.TimeoutNowResponse) *raftpb.TimeoutNowResponse {
	return &raftpb.TimeoutNowResponse{Header: headerToPB(r.RPCHeader)}
}

func timeoutNowResponseFromPB(m *raftpb.TimeoutNowResponse, dst *raft.TimeoutNowResponse) {
	*dst = raft.TimeoutNowResponse{RPCHeader: headerFromPB(m.GetHeader())}
}

func installSnapshotRequestToPB(group uint64, r *raft.InstallSnapshotRequest) *raftpb.InstallSnapshotRequest {
	return &raftpb.InstallSnapshotRequest{
		Group:              group,
		Header:             headerToPB(r.RPCHeader),
		SnapshotVersion:    int64(r.SnapshotVersion),
		Term:               r.Term,
		Leader:             r.Leader,
		LastLogIndex:       r.LastLogIndex,
		LastLogTerm:        r.LastLogTerm,
		Peers:              r.Peers,
		Configuration:      r.Configuration,
		ConfigurationIndex: r.ConfigurationIndex,
		Size:               r.Size,
	}
}

func installSnapshotRequestFromPB(m *raftpb.InstallSnapshotRequest) *raft.InstallSnapshotRequest {
	return &raft.InstallSnapshotRequest{
		RPCHeader:          headerFromPB(m.GetHeader()),
		SnapshotVersion:    raft.SnapshotVersion(m.GetSnapshotVersion()),
		Term:               m.GetTerm(),
		Leader:             m.GetLeader(),
		LastLogIndex:       m.GetLastLogIndex(),
		LastLogTerm:        m.GetLastLogTerm(),
		Peers:              m.GetPeers(),
		Configuration:      m.GetConfiguration(),
		ConfigurationIndex: m.GetConfigurationIndex(),
		Size:               m.GetSize(),
	}
}

func installSnapshotResponseToPB(r *raft.InstallSnapshotResponse) *raftpb.InstallSnapshotResponse {
	return &raftpb.InstallSnapshotResponse{
		Header:  headerToPB(r.RPCHeader),
		Term:    r.Term,
		Success: r.Success,
	}
}

func installSnapshotResponseFromPB(m *raftpb.InstallSnapshotResponse, dst *raft.InstallSnapshotResponse) {
	*dst = raft.InstallSnapshotResponse{
		RPCHeader: headerFromPB(m.GetHeader()),
		Term:      m.GetTerm(),
		Success:   m.GetSuccess(),
	}
}
