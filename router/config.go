package router

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"regexp"
)

// MaxRequestBodySize is DynamoDB's limit on the size of one request: "The
// total request size exceeds 16 MB" is a BatchWriteItem rejection in the API
// reference, and it bounds every operation (DynamoDB Local and other
// DynamoDB-compatible servers enforce 16 MiB for all requests).
const MaxRequestBodySize = 16 << 20

// Config configures a Server. The zero value is not valid; start from
// DefaultConfig.
type Config struct {
	// MaxBodyBytes is the largest request body accepted. A larger body is
	// refused with HTTP 413 before it is read. Between 1 KiB and
	// MaxRequestBodySize; DynamoDB's limit by default.
	MaxBodyBytes int64

	// Region is the AWS region name the node answers for. It appears in the
	// health text of GET / ("healthy: dynamodb.<region>.amazonaws.com ").
	Region string

	// Logger receives the server's logs, with a component=router
	// attribute. Nil discards them.
	Logger *slog.Logger

	// Rand is the source of randomness for request IDs. Nil means
	// crypto/rand. It must be safe for concurrent use: tests inject a
	// deterministic reader behind a mutex.
	Rand io.Reader
}

// DefaultConfig returns the configuration of a DynamoDB-compatible node in
// us-east-1 with DynamoDB's request size limit.
func DefaultConfig() Config {
	return Config{
		MaxBodyBytes: MaxRequestBodySize,
		Region:       "us-east-1",
	}
}

// regionPattern is the shape of an AWS region name (us-east-1, eu-west-3,
// local, ...).
var regionPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Validate reports the first problem with c, or nil.
func (c Config) Validate() error {
	switch {
	case c.MaxBodyBytes < 1024:
		return fmt.Errorf("router config: MaxBodyBytes %d is below the minimum of 1024", c.MaxBodyBytes)
	case c.MaxBodyBytes > MaxRequestBodySize:
		return fmt.Errorf("router config: MaxBodyBytes %d is above DynamoDB's limit of %d", c.MaxBodyBytes, MaxRequestBodySize)
	case c.Region == "":
		return errors.New("router config: Region is empty")
	case !regionPattern.MatchString(c.Region):
		return fmt.Errorf("router config: Region %q is not a region name (lowercase letters, digits and dashes)", c.Region)
	}
	return nil
}
