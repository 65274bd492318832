// Command atoll runs an atoll node: `atoll` alone serves the DynamoDB API on
// :8000 with its data in ./data. Every flag can also be set with an ATOLL_*
// environment variable (a flag given on the command line wins).
//
// `atoll healthcheck` asks the node on this machine for GET /readyz (the
// port of --api-addr, else $ATOLL_API_ADDR, else 8000) and exits 0 when it
// answers 200, 1 otherwise, within --timeout (3s): the container image's
// HEALTHCHECK, which has no shell or curl to run.
package main
