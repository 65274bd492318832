package route

import "errors"

// Errors of the package.
var (
	// ErrNoRing is returned while the meta group has no ring yet (the
	// cluster is still forming) and the request's deadline passed.
	ErrNoRing = errors.New("route: the cluster has no ring yet")
	// ErrUnavailable is returned when no replica of a group could serve a
	// request before its deadline.
	ErrUnavailable = errors.New("route: no replica of the group is available")
	// ErrRemote is returned (wrapped) when another node answered with an
	// error that is not a routing error; the request's outcome is unknown.
	ErrRemote = errors.New("route: remote node failed")
	// ErrUnknownNode is returned by a drain of a node the meta group does
	// not know.
	ErrUnknownNode = errors.New("route: unknown node")
)
