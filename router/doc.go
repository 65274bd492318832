// Package router is atoll's DynamoDB API edge: it turns HTTP requests in
// DynamoDB's JSON protocol (POST /, X-Amz-Target: DynamoDB_20120810.<Op>,
// Content-Type: application/x-amz-json-1.0) into calls of operation
// handlers, and their results or errors into DynamoDB's responses, byte for
// byte where clients can tell: status codes, the __type and message of
// errors, x-amzn-RequestId and the X-Amz-Crc32 checksum the AWS SDKs verify.
//
// Main types:
//
//   - Server, an http.Handler built by New from a Config (DefaultConfig,
//     Validate). It serves DescribeEndpoints and DescribeLimits itself and
//     dispatches every other operation of Operations to the handler
//     registered with Handle; an operation without a handler answers
//     UnknownOperationException.
//   - Handle, the typed registration of a handler: the request body is
//     decoded into the operation's wire.<Op>Input, the handler's
//     wire.<Op>Output is encoded back.
//   - API (NewAPI, APIConfig), DynamoDB's operations: the control plane
//     (control*.go), single items (items.go), batches (batch.go) and
//     Query/Scan (query*.go), over a Tables catalog and a Store, the two
//     interfaces this package owns (api.go). API.Register installs them on
//     a Server. Limits are in limits.go, shared checks and capacity
//     arithmetic in common.go, admission against a table's capacity in
//     admission.go.
//   - Capacity: every data-plane operation is admitted against its
//     table's read or write token bucket (subpackage capacity, configured
//     by APIConfig.Capacity) before it does any work and charged what it
//     consumed afterwards. An exhausted provisioned table answers
//     ProvisionedThroughputExceededException, an on-demand one
//     ThrottlingException; a batch returns what could not be admitted as
//     unprocessed and fails only when nothing could be. The buckets are
//     this router's own: N routers admit up to N times a table's rate.
//   - Error, ErrorCode and the Err* values: the DynamoDB errors a handler
//     returns. errmap.go is the one place that maps errors to DynamoDB error
//     types (*value.ValidationError is a ValidationException, anything
//     unknown an InternalServerError that is logged and not shown).
//
// The DynamoDB JSON itself (attribute values, request and response
// structures) is in the subpackage wire; the token buckets in capacity.
//
// Concurrency: a Server is safe for concurrent use by any number of
// requests; Handle may be called while it serves. Handlers run on the
// request's goroutine, may be called concurrently, get the request's
// context (RequestInfoFromContext gives its ID, operation and host) and
// must not keep the decoded request after returning. A panicking handler is
// recovered into an HTTP 500 InternalServerError and logged; the server
// keeps serving.
package router
