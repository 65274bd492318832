// Command atollctl is the admin CLI of an atoll cluster. It asks any node,
// over gRPC, how that node sees the cluster, and lists tables through the
// node's DynamoDB HTTP API.
//
// Usage:
//
//	atollctl [--addr host:port] [--timeout 5s] [-o text|json] <command> [args]
//
// Commands:
//
//	status      the answering node, the meta group's leader, a table of the
//	            nodes and totals (nodes alive, ranges, ranges without a
//	            known leader)
//	ring        the ranges of the ring: group, bounds, epoch, leader and
//	            replicas of each
//	tables      every table with its status, item count and key schema
//	drain NODE  mark NODE draining: placement moves its replicas and
//	            leaders to other nodes; with --wait D, wait up to D until
//	            it leads no range (exits 2 against a server without the
//	            Drain RPC)
//	undrain NODE
//	            clear the mark (a node clears its own when it starts)
//
// Flags may come before or after the command (atollctl status -o json):
//
//	--addr     gRPC address of any node (default 127.0.0.1:9000, or
//	           $ATOLL_ADDR when set)
//	--timeout  deadline of each request (default 5s)
//	-o         output format: text (default) or json
//	--wait     drain: how long to wait for the node's leaders to move
//
// With -o json, status prints one JSON object, ring a list of ranges
// {group, start, end, epoch, replicas, leader} with the ring positions as hex
// strings (empty for the open ends of the ring) and tables a list of
// {name, status, itemCount, keySchema}.
//
// tables finds the DynamoDB API at the api_addr the answering node
// advertises; a wildcard host there (":8000", "0.0.0.0:8000", "[::]:8000")
// is replaced by the host of --addr. Requests are unsigned, which atoll
// accepts.
//
// Exit status: 0 on success, 1 when a request fails, 2 on a usage error or
// a command the server does not support.
package main
