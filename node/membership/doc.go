// Package membership lets atoll nodes find each other and learn, by
// gossip, which nodes are alive, where they listen and in which zone they
// run. It wraps hashicorp/memberlist (SWIM: random probes, indirect probes
// and suspicion before a node is declared dead, plus periodic full-state
// push/pull). Gossip only reports liveness; it never decides who owns what
// — that is the meta Raft group's job, which may read Members to decide.
//
// Main types:
//
//   - Config (DefaultConfig, TestConfig, Validate) sets the node's ID, the
//     gossip bind and advertise addresses, the cluster Label that keeps two
//     clusters from merging, the NodeMeta to announce and the failure
//     detector's timing.
//   - NodeMeta (ID, GRPCAddr, APIAddr, Zone) rides in memberlist's node
//     metadata, in a compact versioned encoding of at most MaxMetaSize
//     bytes. A peer whose metadata does not decode is logged and reported
//     with only its ID.
//   - Membership (New, Join, Leave, Members, LocalNode, Changes, Close) is
//     this node's view of the cluster; Member is one entry of it with its
//     State (Alive, Dead, Left) and Since, the time it entered that state
//     on Config.Now's clock. Dead and left members stay listed, so that
//     placement can tell how long a node has been gone; a node that comes
//     back (with the same NodeID and gossip address) is Alive again.
//
// memberlist's events say that a member is gone but not whether it failed
// or left (the Node's State is never set), and nothing about suspicion.
// So Leave first announces the leave — a user message sent straight to
// every live member and piggybacked on gossip — and a member that got it
// reports the leaver Left; one that missed it reports Dead. A suspected
// member stays Alive until it is declared Dead: SuspicionMult ×
// max(1, log10(members)) × ProbeInterval after it was suspected when
// enough other members confirm the suspicion, up to six times that
// otherwise. memberlist refuses a node that comes back at another address
// than the one it died with until it has forgotten the dead node (after
// its GossipToTheDeadTime, 30 s); a node that left may come back at any
// address at once.
//
// Concurrency: all Membership methods are safe for concurrent use.
// memberlist runs its own goroutines (listeners, probe, gossip and
// push/pull timers) and delivers events to the roster while holding its
// node lock; the roster only updates its map under its own mutex and never
// calls back into memberlist. Join runs in the caller's goroutine. Leave
// runs memberlist's uncancellable leave in a goroutine bounded by the
// earlier of ctx's deadline and StreamTimeout, and returns early if ctx
// ends. Close waits for Join attempts and Leave calls in progress, then
// shuts memberlist down, freezes the member list and closes the Changes
// channel. memberlist's logs go to the injected slog logger with
// component=membership, at the level of their [DEBUG]/[INFO]/[WARN]/[ERR]
// prefix.
package membership
