// Command atoll runs an atoll node. The server itself is not built yet: the
// item model and expression engine under partition/ come first.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "atoll: the DynamoDB API server arrives with the next piece of work; "+
		"this build contains the item model and expression engine (partition/) only")
	os.Exit(2)
}
