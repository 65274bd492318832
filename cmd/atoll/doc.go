// Command atoll runs an atoll node: `atoll` alone serves the DynamoDB API on
// :8000 with its data in ./data. Every flag can also be set with an ATOLL_*
// environment variable (a flag given on the command line wins).
package main
