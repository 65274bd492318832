package membership

import "errors"

// Errors of the membership layer.
var (
	// ErrClosed is returned by Join and Leave when the Membership was
	// closed before or during the call.
	ErrClosed = errors.New("membership: closed")
	// ErrInvalidMeta is returned (wrapped, with the reason) by decodeMeta
	// when a peer's memberlist metadata is not a valid NodeMeta encoding
	// or names another node than the peer's memberlist name.
	ErrInvalidMeta = errors.New("membership: invalid node metadata")
)
