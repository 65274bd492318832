package router

import (
	"bytes"
	"context"
	"errors"
	"hash/crc32"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/atolldb/atoll/partition/value"
	"github.com/atolldb/atoll/router/wire"
)

// newTestServer starts a Server on a loopback httptest server.
func newTestServer(t *testing.T) (*Server, *httptest.Server) {
	t.Helper()
	s, err := New(DefaultConfig())
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts
}

// newClient returns an AWS SDK client for the test server.
func newClient(t *testing.T, url string) *dynamodb.Client {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")),
		config.WithRetryMaxAttempts(1),
	)
	if err != nil {
		t.Fatalf("LoadDefaultConfig: %v", err)
	}
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(url) })
}

func TestSDKDescribeEndpoints(t *testing.T) {
	_, ts := newTestServer(t)
	out, err := newClient(t, ts.URL).DescribeEndpoints(context.Background(), &dynamodb.DescribeEndpointsInput{})
	if err != nil {
		t.Fatalf("DescribeEndpoints: %v", err)
	}
	if len(out.Endpoints) != 1 {
		t.Fatalf("DescribeEndpoints returned %d endpoints, want 1", len(out.Endpoints))
	}
	host := strings.TrimPrefix(ts.URL, "http://")
	if got := aws.ToString(out.Endpoints[0].Address); got != host {
		t.Errorf("Address = %q, want %q", got, host)
	}
	if got := out.Endpoints[0].CachePeriodInMinutes; got != 1440 {
		t.Errorf("CachePeriodInMinutes = %d, want 1440", got)
	}
}

func TestSDKDescribeLimits(t *testing.T) {
	_, ts := newTestServer(t)
	out, err := newClient(t, ts.URL).DescribeLimits(context.Background(), &dynamodb.DescribeLimitsInput{})
	if err != nil {
		t.Fatalf("DescribeLimits: %v", err)
	}
	got := []int64{aws.ToInt64(out.AccountMaxReadCapacityUnits), aws.ToInt64(out.AccountMaxWriteCapacityUnits),
		aws.ToInt64(out.TableMaxReadCapacityUnits), aws.ToInt64(out.TableMaxWriteCapacityUnits)}
	if diff := cmp.Diff([]int64{80000, 80000, 40000, 40000}, got); diff != "" {
		t.Errorf("DescribeLimits (-want +got):\n%s", diff)
	}
}

func TestSDKUnimplementedOperation(t *testing.T) {
	_, ts := newTestServer(t)
	_, err := newClient(t, ts.URL).ListTables(context.Background(), &dynamodb.ListTablesInput{})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("ListTables error = %v, want a smithy.APIError", err)
	}
	if apiErr.ErrorCode() != "UnknownOperationException" {
		t.Errorf("ErrorCode() = %q, want UnknownOperationException", apiErr.ErrorCode())
	}
}

func TestSDKHandlerErrors(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		wantCode string
		wantMsg  string
	}{
		{"not found", ErrResourceNotFound, "ResourceNotFoundException", "Requested resource not found"},
		{"validation", value.Validationf("One or more parameter values were invalid: x"), "ValidationException", "One or more parameter values were invalid: x"},
		{"wrapped", errors.Join(errors.New("ctx"), ErrThrottling), "ThrottlingException", ErrThrottling.Message},
		{"internal", errors.New("disk on fire"), "InternalServerError", "Internal server error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ts := newTestServer(t)
			Handle(s, "GetItem", func(context.Context, *wire.GetItemInput) (*wire.GetItemOutput, error) {
				return nil, tt.err
			})
			_, err := newClient(t, ts.URL).GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String("t"),
				Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "a"}}})
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("GetItem error = %v, want a smithy.APIError", err)
			}
			if apiErr.ErrorCode() != tt.wantCode || apiErr.ErrorMessage() != tt.wantMsg {
				t.Errorf("GetItem error = %q %q, want %q %q", apiErr.ErrorCode(), apiErr.ErrorMessage(), tt.wantCode, tt.wantMsg)
			}
		})
	}
}

func TestSDKItemRoundTrip(t *testing.T) {
	s, ts := newTestServer(t)
	var got value.Item
	Handle(s, "PutItem", func(_ context.Context, in *wire.PutItemInput) (*wire.PutItemOutput, error) {
		got = value.Item(in.Item)
		return &wire.PutItemOutput{Attributes: in.Item}, nil
	})
	av := map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: "a"},
		"n":  &types.AttributeValueMemberN{Value: "1.50"},
		"list": &types.AttributeValueMemberL{Value: []types.AttributeValue{
			&types.AttributeValueMemberBOOL{Value: true},
			&types.AttributeValueMemberNULL{Value: true},
			&types.AttributeValueMemberS{Value: "x"},
		}},
		"b": &types.AttributeValueMemberB{Value: []byte{1, 2}},
	}
	out, err := newClient(t, ts.URL).PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String("t"), Item: av})
	if err != nil {
		t.Fatalf("PutItem: %v", err)
	}
	want := value.Item{
		"pk":   value.S("a"),
		"n":    value.N(value.MustParseNumber("1.5")),
		"list": value.L(value.Bool(true), value.Null(), value.S("x")),
		"b":    value.B([]byte{1, 2}),
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(value.Number{})); diff != "" {
		t.Errorf("decoded item (-want +got):\n%s", diff)
	}
	if n, ok := out.Attributes["n"].(*types.AttributeValueMemberN); !ok || n.Value != "1.5" {
		t.Errorf("PutItem returned n = %#v, want the canonical number 1.5", out.Attributes["n"])
	}
	if len(out.Attributes) != 4 {
		t.Errorf("PutItem returned %d attributes, want 4", len(out.Attributes))
	}
}

// rawPost sends a POST with the given target, content type and body.
func rawPost(t *testing.T, url, target, contentType, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	return resp
}

// readResponse reads a response body and checks its framing headers.
func readResponse(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := resp.Header.Get("X-Amz-Crc32"), strconv.FormatUint(uint64(crc32.ChecksumIEEE(b)), 10); got != want {
		t.Errorf("X-Amz-Crc32 = %q, want %q", got, want)
	}
	if id := resp.Header.Get("X-Amzn-Requestid"); len(id) != 52 {
		t.Errorf("x-amzn-RequestId = %q, want 52 characters", id)
	}
	return string(b)
}

func TestRawRequests(t *testing.T) {
	_, ts := newTestServer(t)
	const amz = "application/x-amz-json-1.0"
	tests := []struct {
		name, method, target, contentType, body string
		wantStatus                              int
		wantBody                                string
	}{
		{"unknown target", "POST", "DynamoDB_20120810.Frobnicate", amz, "{}", 400,
			`{"__type":"com.amazon.coral.service#UnknownOperationException"}`},
		{"missing target", "POST", "", amz, "{}", 400,
			`{"__type":"com.amazon.coral.service#UnknownOperationException"}`},
		{"old API version", "POST", "DynamoDB_20111205.GetItem", amz, "{}", 400,
			`{"__type":"com.amazon.coral.service#UnknownOperationException"}`},
		{"malformed JSON", "POST", "DynamoDB_20120810.GetItem", amz, `{"TableName":`, 400,
			`{"__type":"com.amazon.coral.service#SerializationException"}`},
		{"malformed JSON unknown target", "POST", "DynamoDB_20120810.Nope", amz, `{"a"`, 400,
			`{"__type":"com.amazon.coral.service#SerializationException"}`},
		{"empty body", "POST", "DynamoDB_20120810.DescribeLimits", amz, "", 400,
			`{"__type":"com.amazon.coral.service#SerializationException"}`},
		{"wrong shape", "POST", "DynamoDB_20120810.GetItem", amz, `{"TableName":5}`, 400,
			`{"__type":"com.amazon.coral.service#SerializationException","Message":"NUMBER_VALUE can not be converted to a String"}`},
		{"invalid attribute value", "POST", "DynamoDB_20120810.GetItem", amz, `{"TableName":"t","Key":{"k":{}}}`, 400,
			`{"__type":"com.amazon.coral.validate#ValidationException","message":"Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"}`},
		{"application/json", "POST", "DynamoDB_20120810.DescribeLimits", "application/json", "{}", 200,
			`{"AccountMaxReadCapacityUnits":80000,"AccountMaxWriteCapacityUnits":80000,"TableMaxReadCapacityUnits":40000,"TableMaxWriteCapacityUnits":40000}`},
		{"other content type", "POST", "DynamoDB_20120810.DescribeLimits", "application/x-amz-json-1.1", "{}", 404,
			"<UnknownOperationException/>\n"},
		{"wrong method", "PUT", "DynamoDB_20120810.DescribeLimits", amz, "{}", 404,
			"<UnknownOperationException/>\n"},
		{"GET", "GET", "", "", "", 200, "healthy: dynamodb.us-east-1.amazonaws.com "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, ts.URL+"/", strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if tt.target != "" {
				req.Header.Set("X-Amz-Target", tt.target)
			}
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body := readResponse(t, resp)
			if resp.StatusCode != tt.wantStatus || body != tt.wantBody {
				t.Errorf("%s = %d %q, want %d %q", tt.name, resp.StatusCode, body, tt.wantStatus, tt.wantBody)
			}
		})
	}
}

// countingReader is an endless request body that counts what was read.
type countingReader struct {
	mu sync.Mutex
	n  int64
}

func (r *countingReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range p {
		p[i] = ' '
	}
	r.n += int64(len(p))
	return len(p), nil
}

func (r *countingReader) read() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n
}

func TestOversizedBody(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxBodyBytes = 4096
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)

	t.Run("declared length", func(t *testing.T) {
		resp := rawPost(t, ts.URL, "DynamoDB_20120810.DescribeLimits", "application/x-amz-json-1.0", strings.Repeat(" ", 5000))
		if body := readResponse(t, resp); resp.StatusCode != http.StatusRequestEntityTooLarge || body != "" {
			t.Errorf("oversized body = %d %q, want 413 and no body", resp.StatusCode, body)
		}
	})
	t.Run("chunked", func(t *testing.T) {
		src := &countingReader{}
		req, err := http.NewRequest(http.MethodPost, ts.URL, io.LimitReader(src, 64<<20))
		if err != nil {
			t.Fatal(err)
		}
		req.ContentLength = -1 // chunked: the server cannot know the size in advance
		req.Header.Set("X-Amz-Target", "DynamoDB_20120810.DescribeLimits")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("POST: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("status = %d, want 413", resp.StatusCode)
		}
		if n := src.read(); n >= 64<<20 {
			t.Errorf("client sent the whole %d-byte body; the server should have stopped reading", n)
		}
	})
}

func slogText(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

func TestHandlerPanicRecovered(t *testing.T) {
	var logs bytes.Buffer
	cfg := DefaultConfig()
	cfg.Logger = slogText(&logs)
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	Handle(s, "GetItem", func(context.Context, *wire.GetItemInput) (*wire.GetItemOutput, error) {
		panic("secret internal detail")
	})

	resp := rawPost(t, ts.URL, "DynamoDB_20120810.GetItem", "application/x-amz-json-1.0", `{"TableName":"t"}`)
	body := readResponse(t, resp)
	want := `{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"Internal server error"}`
	if resp.StatusCode != http.StatusInternalServerError || body != want {
		t.Errorf("panicking handler = %d %q, want 500 %q", resp.StatusCode, body, want)
	}
	if !strings.Contains(logs.String(), "secret internal detail") {
		t.Errorf("panic not logged; logs:\n%s", logs.String())
	}

	// The server keeps serving.
	resp = rawPost(t, ts.URL, "DynamoDB_20120810.DescribeLimits", "application/x-amz-json-1.0", `{}`)
	if readResponse(t, resp); resp.StatusCode != http.StatusOK {
		t.Errorf("DescribeLimits after a panic = %d, want 200", resp.StatusCode)
	}
}

func TestConditionalCheckFailedItem(t *testing.T) {
	s, ts := newTestServer(t)
	Handle(s, "PutItem", func(context.Context, *wire.PutItemInput) (*wire.PutItemOutput, error) {
		return nil, ConditionalCheckFailed(value.Item{"pk": value.S("a")})
	})
	resp := rawPost(t, ts.URL, "DynamoDB_20120810.PutItem", "application/x-amz-json-1.0", `{"TableName":"t","Item":{"pk":{"S":"a"}}}`)
	body := readResponse(t, resp)
	want := `{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed","Item":{"pk":{"S":"a"}}}`
	if body != want {
		t.Errorf("body = %q, want %q", body, want)
	}
}

func TestDeterministicRequestID(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Rand = bytes.NewReader(make([]byte, 64))
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if got, want := rec.Header().Get("X-Amzn-Requestid"), strings.Repeat("A", 52); got != want {
		t.Errorf("request ID = %q, want %q", got, want)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*Config)
		want   string
	}{
		{"default", func(*Config) {}, ""},
		{"body too small", func(c *Config) { c.MaxBodyBytes = 10 }, "router config: MaxBodyBytes 10 is below the minimum of 1024"},
		{"body too large", func(c *Config) { c.MaxBodyBytes = 1 << 30 }, "router config: MaxBodyBytes 1073741824 is above DynamoDB's limit of 16777216"},
		{"no region", func(c *Config) { c.Region = "" }, "router config: Region is empty"},
		{"bad region", func(c *Config) { c.Region = "US East" }, `router config: Region "US East" is not a region name (lowercase letters, digits and dashes)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			tt.modify(&c)
			got := ""
			if err := c.Validate(); err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("Validate() = %q, want %q", got, tt.want)
			}
		})
	}
}
