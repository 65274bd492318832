package main

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/atolldb/atoll/partition/value"
	"github.com/atolldb/atoll/router/wire"
)

// stub is the protocol limit: an HTTP server that frames DynamoDB's JSON
// protocol like atoll (reads the whole body, decodes it with router/wire
// into the operation's Input type), stores nothing and answers a fixed
// valid response with its X-Amz-Crc32 and a request ID, so the AWS SDK
// accepts it. GetItem answers a record of the benchmark's shape (key and
// fieldCount fields of fieldLen bytes), so the client decodes as much as
// it does from atoll.
//
// It serves PutItem, GetItem and UpdateItem; anything else is an
// UnknownOperationException. Safe for concurrent use.
type stub struct {
	getBody  []byte
	getCRC   []string
	emptyCRC []string
	srv      *http.Server
	ln       net.Listener
}

var stubRequestID = []string{strings.Repeat("ATOLLBENCHSTUB", 4)[:52]}

// startStub starts the stub on 127.0.0.1 at a free port. Close stops it.
func startStub() (*stub, error) {
	item := value.Item{keyAttr: value.S(recordKey(0))}
	for i, name := range fieldNames {
		item[name] = value.S(strings.Repeat(string(rune('a'+i)), fieldLen))
	}
	get, err := wire.Marshal(&wire.GetItemOutput{Item: wire.Item(item)})
	if err != nil {
		return nil, fmt.Errorf("stub GetItem response: %w", err)
	}
	s := &stub{
		getBody:  get,
		getCRC:   []string{strconv.FormatUint(uint64(crc32.ChecksumIEEE(get)), 10)},
		emptyCRC: []string{strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte("{}"))), 10)},
	}
	s.ln, err = net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("stub listen: %w", err)
	}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(s.ln) // returns ErrServerClosed after Close
	return s, nil
}

// URL returns the stub's endpoint.
func (s *stub) URL() string { return "http://" + s.ln.Addr().String() }

// Close stops the stub.
func (s *stub) Close() error {
	if err := s.srv.Close(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

var (
	amzJSON     = []string{"application/x-amz-json-1.0"}
	emptyObject = []byte("{}")
)

func (s *stub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body bytes.Buffer
	if r.ContentLength > 0 {
		body.Grow(int(r.ContentLength))
	}
	if _, err := body.ReadFrom(r.Body); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	op, _ := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "DynamoDB_20120810.")
	var err error
	resp, crc := emptyObject, s.emptyCRC
	switch op {
	case "PutItem":
		var in wire.PutItemInput
		err = wire.Unmarshal(body.Bytes(), &in)
	case "GetItem":
		var in wire.GetItemInput
		err = wire.Unmarshal(body.Bytes(), &in)
		resp, crc = s.getBody, s.getCRC
	case "UpdateItem":
		var in wire.UpdateItemInput
		err = wire.Unmarshal(body.Bytes(), &in)
	default:
		err = fmt.Errorf("operation %q", op)
	}
	h := w.Header()
	h["Content-Type"] = amzJSON
	h["X-Amzn-Requestid"] = stubRequestID
	if err != nil {
		msg := []byte(`{"__type":"com.amazon.coral.validate#ValidationException","message":"atollbench stub: cannot serve this request"}`)
		h["X-Amz-Crc32"] = []string{strconv.FormatUint(uint64(crc32.ChecksumIEEE(msg)), 10)}
		w.WriteHeader(http.StatusBadRequest)
		w.Write(msg)
		return
	}
	h["X-Amz-Crc32"] = crc
	h["Content-Length"] = []string{strconv.Itoa(len(resp))}
	w.Write(resp)
}
