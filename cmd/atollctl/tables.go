package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// DynamoDB JSON protocol of the 2012-08-10 API.
const (
	dynamoTargetPrefix = "DynamoDB_20120810."
	dynamoContentType  = "application/x-amz-json-1.0"
	// maxDynamoResponse bounds the body read from the API: a DescribeTable
	// of a table with DynamoDB's maximum of 20 global and 5 local secondary
	// indexes is a few hundred KiB at most.
	maxDynamoResponse = 16 << 20
	// maxListPages bounds the ListTables pages followed, in case a server
	// keeps answering a LastEvaluatedTableName: at DynamoDB's 100 names a
	// page that is a million tables.
	maxListPages = 10000
)

// tableJSON is one element of tables -o json.
type tableJSON struct {
	Name      string       `json:"name"`
	Status    string       `json:"status"`
	ItemCount int64        `json:"itemCount"`
	KeySchema []keyElement `json:"keySchema"`
}

type keyElement struct {
	AttributeName string `json:"attributeName"`
	// AttributeType is S, N or B, from the table's AttributeDefinitions.
	AttributeType string `json:"attributeType,omitempty"`
	KeyType       string `json:"keyType"` // HASH or RANGE
}

func runTables(ctx context.Context, c *cli, _ []string) error {
	resp, err := c.status(ctx)
	if err != nil {
		return err
	}
	var apiAddr string
	for _, n := range resp.GetNodes() {
		if n.GetId() == resp.GetNodeId() {
			apiAddr = n.GetApiAddr()
		}
	}
	if apiAddr == "" {
		return fmt.Errorf("tables from %s: node %q: %w", c.addr, resp.GetNodeId(), errNoAPIAddr)
	}
	hostPort, err := apiHostPort(apiAddr, c.addr)
	if err != nil {
		return fmt.Errorf("tables from %s: %w", c.addr, err)
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	defer transport.CloseIdleConnections()
	d := &dynamoClient{
		endpoint: "http://" + hostPort + "/",
		http:     &http.Client{Transport: transport},
		timeout:  c.timeout,
	}
	tables, err := d.describeAll(ctx)
	if err != nil {
		return fmt.Errorf("tables at %s: %w", hostPort, err)
	}
	if c.json {
		return c.printJSON(tables)
	}
	if len(tables) == 0 {
		_, err := fmt.Fprintln(c.out, "No tables.")
		return err
	}
	w := c.table()
	fmt.Fprintln(w, "NAME\tSTATUS\tITEMS\tKEY SCHEMA")
	for _, t := range tables {
		var keys []string
		for _, k := range t.KeySchema {
			name := k.AttributeName
			if k.AttributeType != "" {
				name += ":" + k.AttributeType
			}
			keys = append(keys, name+" "+k.KeyType)
		}
		fmt.Fprintf(w, "%s\t%s\t%d\t%s\n", t.Name, orDash(t.Status), t.ItemCount, orDash(strings.Join(keys, ", ")))
	}
	return w.Flush()
}

// apiHostPort returns where to reach a node's DynamoDB API advertised as
// apiAddr: a wildcard host (":8000", "0.0.0.0:8000", "[::]:8000") is
// replaced by the host of grpcAddr, the address the node was reached at.
func apiHostPort(apiAddr, grpcAddr string) (string, error) {
	host, port, err := net.SplitHostPort(apiAddr)
	if err != nil {
		return "", fmt.Errorf("API address %q: %w", apiAddr, err)
	}
	if ip := net.ParseIP(host); host != "" && (ip == nil || !ip.IsUnspecified()) {
		return apiAddr, nil
	}
	h, _, err := net.SplitHostPort(grpcAddr)
	if err != nil {
		return "", fmt.Errorf("API address %q has a wildcard host and --addr %q has no host to use instead: %w", apiAddr, grpcAddr, err)
	}
	if ip := net.ParseIP(h); h == "" || ip != nil && ip.IsUnspecified() {
		h = "localhost"
	}
	return net.JoinHostPort(h, port), nil
}

// dynamoClient calls operations of a node's DynamoDB JSON API, unsigned.
type dynamoClient struct {
	endpoint string // http://host:port/
	http     *http.Client
	timeout  time.Duration // of each request
}

// apiError is an error response of the DynamoDB API.
type apiError struct {
	HTTPStatus int
	// Type is the exception name (the part of __type after '#'), or empty
	// when the body was not a DynamoDB error.
	Type    string
	Message string
}

func (e *apiError) Error() string {
	switch {
	case e.Type != "" && e.Message != "":
		return e.Type + ": " + e.Message
	case e.Type != "":
		return e.Type
	case e.Message != "":
		return fmt.Sprintf("HTTP %d: %s", e.HTTPStatus, e.Message)
	}
	return fmt.Sprintf("HTTP %d", e.HTTPStatus)
}

// call sends op with the JSON of in and decodes the response into out.
// The caller adds the operation to the error's context.
func (d *dynamoClient) call(ctx context.Context, op string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.endpoint, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("X-Amz-Target", dynamoTargetPrefix+op)
	req.Header.Set("Content-Type", dynamoContentType)
	resp, err := d.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxDynamoResponse+1))
	if err != nil {
		return fmt.Errorf("read response: %w", err)
	}
	if len(data) > maxDynamoResponse {
		return fmt.Errorf("response larger than %d bytes", maxDynamoResponse)
	}
	if resp.StatusCode != http.StatusOK {
		return decodeAPIError(resp.StatusCode, data)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decode response: %w", err)
	}
	return nil
}

// decodeAPIError reads a DynamoDB error body:
// {"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"..."}.
func decodeAPIError(status int, body []byte) *apiError {
	e := &apiError{HTTPStatus: status}
	var wire struct {
		Type         string `json:"__type"`
		Message      string `json:"message"`
		MessageUpper string `json:"Message"`
	}
	if json.Unmarshal(body, &wire) == nil && wire.Type != "" {
		_, e.Type, _ = strings.Cut(wire.Type, "#")
		if e.Type == "" {
			e.Type = wire.Type
		}
		e.Message = wire.Message
		if e.Message == "" {
			e.Message = wire.MessageUpper
		}
		return e
	}
	const maxShown = 200
	msg := strings.TrimSpace(string(body))
	if len(msg) > maxShown {
		msg = msg[:maxShown] + "..."
	}
	e.Message = msg
	return e
}

// listTables returns the names of every table, following
// LastEvaluatedTableName.
func (d *dynamoClient) listTables(ctx context.Context) ([]string, error) {
	type request struct {
		ExclusiveStartTableName string `json:",omitempty"`
	}
	type response struct {
		TableNames             []string
		LastEvaluatedTableName string
	}
	var names []string
	var req request
	for range maxListPages {
		var resp response
		if err := d.call(ctx, "ListTables", req, &resp); err != nil {
			return nil, fmt.Errorf("ListTables: %w", err)
		}
		names = append(names, resp.TableNames...)
		if resp.LastEvaluatedTableName == "" {
			return names, nil
		}
		if resp.LastEvaluatedTableName == req.ExclusiveStartTableName {
			return nil, fmt.Errorf("ListTables: LastEvaluatedTableName %q repeats the start of its page", resp.LastEvaluatedTableName)
		}
		req.ExclusiveStartTableName = resp.LastEvaluatedTableName
	}
	return nil, fmt.Errorf("ListTables: more than %d pages", maxListPages)
}

// describeTable returns one table's summary.
func (d *dynamoClient) describeTable(ctx context.Context, name string) (tableJSON, error) {
	var resp struct {
		Table struct {
			TableName            string
			TableStatus          string
			ItemCount            int64
			KeySchema            []struct{ AttributeName, KeyType string }
			AttributeDefinitions []struct{ AttributeName, AttributeType string }
		}
	}
	if err := d.call(ctx, "DescribeTable", map[string]string{"TableName": name}, &resp); err != nil {
		return tableJSON{}, fmt.Errorf("DescribeTable %s: %w", name, err)
	}
	types := map[string]string{}
	for _, a := range resp.Table.AttributeDefinitions {
		types[a.AttributeName] = a.AttributeType
	}
	t := tableJSON{
		Name:      resp.Table.TableName,
		Status:    resp.Table.TableStatus,
		ItemCount: resp.Table.ItemCount,
		KeySchema: []keyElement{},
	}
	if t.Name == "" {
		t.Name = name
	}
	for _, k := range resp.Table.KeySchema {
		t.KeySchema = append(t.KeySchema, keyElement{AttributeName: k.AttributeName, AttributeType: types[k.AttributeName], KeyType: k.KeyType})
	}
	return t, nil
}

// describeAll lists and describes every table. A table deleted between
// ListTables and its DescribeTable is left out.
func (d *dynamoClient) describeAll(ctx context.Context) ([]tableJSON, error) {
	names, err := d.listTables(ctx)
	if err != nil {
		return nil, err
	}
	tables := make([]tableJSON, 0, len(names))
	for _, name := range names {
		t, err := d.describeTable(ctx, name)
		var ae *apiError
		if errors.As(err, &ae) && ae.Type == "ResourceNotFoundException" {
			continue
		}
		if err != nil {
			return nil, err
		}
		tables = append(tables, t)
	}
	return tables, nil
}
