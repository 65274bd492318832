package router

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/atolldb/atoll/router/wire"
)

// HTTP protocol constants of DynamoDB's JSON API.
const (
	// targetPrefix starts the X-Amz-Target of every operation of the
	// 2012-08-10 API: "DynamoDB_20120810.PutItem".
	targetPrefix = "DynamoDB_20120810."

	contentTypeAmzJSON = "application/x-amz-json-1.0"
	contentTypeJSON    = "application/json"

	headerTarget    = "X-Amz-Target"
	headerRequestID = "X-Amzn-Requestid"
	headerCRC32     = "X-Amz-Crc32"
)

// unknownOperationBody is what DynamoDB answers, with HTTP 404, to a request
// that is not a POST or has a body of another content type.
const unknownOperationBody = "<UnknownOperationException/>\n"

// opFunc serves one operation: it decodes the request body, runs the
// handler and returns the encoded response body, or an error for errmap.
type opFunc func(ctx context.Context, body []byte) ([]byte, error)

// Server is the DynamoDB HTTP API of a node: an http.Handler that frames
// requests and responses exactly as DynamoDB does and dispatches each
// operation to the handler registered for it with Handle.
//
// A Server is safe for concurrent use. Handle may be called at any time;
// requests see either the old or the new handler.
type Server struct {
	cfg    Config
	logger *slog.Logger

	// ops maps operation names to their handlers. It is copied on write
	// (Handle) and read without locks.
	ops atomic.Pointer[map[string]opFunc]
}

// New returns a Server for cfg with every operation of Operations
// registered: DescribeEndpoints and DescribeLimits are served; the others
// answer UnknownOperationException until a handler is registered with
// Handle.
func New(cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	s := &Server{cfg: cfg, logger: logger.With("component", "router")}
	s.ops.Store(&map[string]opFunc{})
	registerBuiltins(s)
	return s, nil
}

// register installs fn as the handler of op.
func (s *Server) register(op string, fn opFunc) {
	if op == "" || strings.ContainsAny(op, ". ") {
		panic(fmt.Sprintf("router: invalid operation name %q", op))
	}
	for {
		old := s.ops.Load()
		next := make(map[string]opFunc, len(*old)+1)
		for k, v := range *old {
			next[k] = v
		}
		next[op] = fn
		if s.ops.CompareAndSwap(old, &next) {
			return
		}
	}
}

// RequestInfo describes the request a handler serves.
type RequestInfo struct {
	// ID is the request ID sent to the client in x-amzn-RequestId.
	ID string
	// Operation is the operation name, such as "PutItem".
	Operation string
	// Host is the Host the client addressed (with its port, if any).
	Host string
}

type requestInfoKey struct{}

// RequestInfoFromContext returns the RequestInfo of the request being
// served by the handler that received ctx.
func RequestInfoFromContext(ctx context.Context) (RequestInfo, bool) {
	info, ok := ctx.Value(requestInfoKey{}).(RequestInfo)
	return info, ok
}

// ServeHTTP implements http.Handler. The request path is ignored, as in
// DynamoDB; the checks run in DynamoDB's order: body size, method, content
// type, JSON syntax (only if the operation is unknown), operation.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := s.newRequestID()
	w.Header().Set(headerRequestID, id)

	body, ok := s.readBody(w, r)
	if !ok {
		return
	}
	if r.Method == http.MethodGet {
		writeRaw(w, http.StatusOK, "", []byte("healthy: dynamodb."+s.cfg.Region+".amazonaws.com "))
		return
	}
	mediaType, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	mediaType = strings.TrimSpace(mediaType)
	if r.Method != http.MethodPost ||
		len(body) > 0 && mediaType != contentTypeAmzJSON && mediaType != contentTypeJSON {
		writeRaw(w, http.StatusNotFound, "", []byte(unknownOperationBody))
		return
	}
	respType := contentTypeAmzJSON
	if mediaType == contentTypeJSON {
		respType = contentTypeJSON // DynamoDB answers in the content type it was sent
	}

	op, fn := s.lookup(r.Header.Get(headerTarget))
	if fn == nil {
		err := errUnknownOperation
		if len(body) > 0 && !wire.Valid(body) {
			// DynamoDB parses the JSON before it looks at the target.
			err = &wire.SerializationError{}
		}
		s.writeError(w, respType, id, op, err)
		return
	}
	ctx := context.WithValue(r.Context(), requestInfoKey{}, RequestInfo{ID: id, Operation: op, Host: r.Host})
	resp, err := s.call(ctx, id, op, fn, body)
	if err != nil {
		s.writeError(w, respType, id, op, err)
		return
	}
	writeRaw(w, http.StatusOK, respType, resp)
}

// lookup returns the operation named by an X-Amz-Target header and its
// handler, or a nil handler if there is none.
func (s *Server) lookup(target string) (string, opFunc) {
	op, ok := strings.CutPrefix(target, targetPrefix)
	if !ok {
		return "", nil
	}
	return op, (*s.ops.Load())[op]
}

// readBody reads the whole request body, refusing one larger than
// MaxBodyBytes with HTTP 413 (and an empty body, as DynamoDB) without
// reading it. ok is false when a response has been written.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) (body []byte, ok bool) {
	limit := s.cfg.MaxBodyBytes
	if r.ContentLength > limit {
		tooLarge(w)
		return nil, false
	}
	var buf bytes.Buffer
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength))
	}
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, limit))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		tooLarge(w)
		return nil, false
	case err != nil:
		// The client went away or sent a broken body; nobody will read
		// the answer.
		s.logger.Debug("reading request body", "error", err)
		w.WriteHeader(http.StatusBadRequest)
		return nil, false
	}
	return buf.Bytes(), true
}

func tooLarge(w http.ResponseWriter) {
	w.Header().Set("Connection", "close") // do not drain the rest of the body
	writeRaw(w, http.StatusRequestEntityTooLarge, "", nil)
}

// errHandlerPanic is the internal error for a handler that panicked.
var errHandlerPanic = errors.New("router: handler panicked")

// call runs fn, turning a panic into errHandlerPanic (logged with its
// stack) so that a bug in one request never takes the node down.
func (s *Server) call(ctx context.Context, id, op string, fn opFunc, body []byte) (resp []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.logger.Error("handler panicked", "operation", op, "request_id", id,
				"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			resp, err = nil, errHandlerPanic
		}
	}()
	return fn(ctx, body)
}

// writeError sends err as DynamoDB's error response, logging our own
// faults (never their details to the client).
func (s *Server) writeError(w http.ResponseWriter, contentType, id, op string, err error) {
	ae := toAPIError(err)
	if ae.internal && !errors.Is(err, errHandlerPanic) {
		s.logger.Error("internal error", "operation", op, "request_id", id, "error", err)
	}
	writeRaw(w, ae.typ.status, contentType, ae.body())
}

// writeRaw sends a complete response with its CRC32 (IEEE) checksum, which
// the AWS SDKs verify, and its length.
func writeRaw(w http.ResponseWriter, status int, contentType string, body []byte) {
	h := w.Header()
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	h.Set(headerCRC32, strconv.FormatUint(uint64(crc32.ChecksumIEEE(body)), 10))
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body) // a failed write means the client is gone
}

// requestIDEncoding spells request IDs like DynamoDB's: 52 characters of
// A-Z and 2-7.
var requestIDEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// newRequestID returns a fresh random request ID.
func (s *Server) newRequestID() string {
	var raw [32]byte
	_, err := io.ReadFull(s.cfg.Rand, raw[:]) // Config.Rand is safe for concurrent use
	if err != nil {
		// Only an injected reader can fail; an ID is still needed.
		s.logger.Error("reading randomness for a request ID", "error", err)
	}
	return requestIDEncoding.EncodeToString(raw[:])
}
