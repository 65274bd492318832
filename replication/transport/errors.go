package transport

import (
	"errors"
	"fmt"

	"github.com/hashicorp/raft"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

var (
	// ErrUnknownGroup is returned by an outgoing RPC when the target node does
	// not run the group (it was never started there, or has shut down).
	ErrUnknownGroup = errors.New("raft group not found on target node")

	// ErrGroupUnavailable is returned by an outgoing RPC when the target's
	// group shut down while the RPC was waiting for it.
	ErrGroupUnavailable = errors.New("raft group shutting down on target node")

	// ErrRemote is returned by an outgoing RPC when the target's raft answered
	// with an error (for example a rejected snapshot); the remote message
	// follows it.
	ErrRemote = errors.New("raft error on target node")

	// ErrBadMessage is returned when a message on the wire breaks the
	// protocol (an InstallSnapshot stream without its request, more snapshot
	// data than announced).
	ErrBadMessage = errors.New("malformed raft transport message")
)

// Outgoing calls on a closed group Transport or Network return
// raft.ErrTransportShutdown, and pipelines return raft.ErrPipelineShutdown,
// as hashicorp/raft expects.

// The server side maps its errors to gRPC codes here, and the client side
// maps codes back to the sentinels above; nothing matches on error text.

// errUnknownGroupStatus is the server's answer for a group it does not run.
func errUnknownGroupStatus(group uint64) error {
	return status.Errorf(codes.NotFound, "raft group %d not found", group)
}

// errGroupClosingStatus is the server's answer when the group shuts down
// while an RPC waits for it.
func errGroupClosingStatus(group uint64) error {
	return status.Errorf(codes.Aborted, "raft group %d shutting down", group)
}

// remoteErrorStatus carries an error raft returned with its response.
func remoteErrorStatus(err error) error {
	return status.Error(codes.Unknown, err.Error())
}

// badMessageStatus reports a protocol violation by the client.
func badMessageStatus(format string, args ...any) error {
	return status.Errorf(codes.InvalidArgument, format, args...)
}

// fromStatus turns an outgoing RPC's error into one of the package's
// sentinels where the code says which, adding the RPC, group and target.
func fromStatus(rpc string, group uint64, target raft.ServerAddress, err error) error {
	st, ok := status.FromError(err)
	if !ok {
		return fmt.Errorf("%s group %d to %s: %w", rpc, group, target, err)
	}
	switch st.Code() {
	case codes.NotFound:
		return fmt.Errorf("%s group %d to %s: %w", rpc, group, target, ErrUnknownGroup)
	case codes.Aborted:
		return fmt.Errorf("%s group %d to %s: %w", rpc, group, target, ErrGroupUnavailable)
	case codes.Unknown:
		return fmt.Errorf("%s group %d to %s: %w: %s", rpc, group, target, ErrRemote, st.Message())
	case codes.InvalidArgument:
		return fmt.Errorf("%s group %d to %s: %w: %s", rpc, group, target, ErrBadMessage, st.Message())
	}
	return fmt.Errorf("%s group %d to %s: %w", rpc, group, target, err)
}
