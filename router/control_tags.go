package router

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/atolldb/atoll/partition/value"
	"github.com/atolldb/atoll/router/catalog"
	"github.com/atolldb/atoll/router/wire"
)

// This file holds TagResource, UntagResource and ListTagsOfResource, and
// the tag rules CreateTable shares ("Tagging restrictions in DynamoDB").

const (
	// reservedTagPrefix starts the keys of AWS-assigned tags, which users
	// cannot set.
	reservedTagPrefix = "aws:"
	// listTagsPageSize is how many tags one ListTagsOfResource page holds:
	// all of a table's, so NextToken is only returned if the limit grows.
	listTagsPageSize = MaxTagsPerResource
)

// Messages of tagging.
const (
	msgInvalidTableARN   = "Invalid TableArn"
	msgARNInvalidInput   = "Invalid TableArn: Invalid ResourceArn provided as input %s"
	msgARNNoPrefix       = msgPrefixInvalid + "ARNs must start with 'arn:': %s"
	msgARNNotDynamoDB    = msgPrefixInvalid + "Provided Arn is not a DynamoDB resource arn: %s"
	msgARNNotTable       = msgPrefixInvalid + "Invalid resource arn provided, only table or stream is accepted. Provided resource arn: %s"
	msgARNNotFound       = "Requested resource not found: ResourcArn: %s not found" // sic, DynamoDB's spelling
	msgNoTags            = "Atleast one Tag needs to be provided as Input."         // sic
	msgNoTagKeys         = "Atleast one Tag Key needs to be provided as Input."     // sic
	msgInvalidTagKey     = "The Tag Key provided is invalid, Key: %s"
	msgInvalidTagValue   = "The Tag Value provided is invalid, Value: %s"
	msgReservedTagKey    = "Tag Key cannot be prefixed with aws:, Key: %s"
	msgDuplicateTagKey   = "Duplicate Tag Keys provided as input: Duplicate Tag Key found %s"
	msgTooManyTags       = "Number of Tags exceed the current limit for the provided ResourceArn"
	msgInvalidNextToken  = "Invalid NextToken"
	resourceTypeTable    = "table/"
	resourcePartIndex    = "/index/"
	resourcePartStream   = "/stream/"
	arnResourceSeparator = ":"
)

// checkTags records the length violations of a Tags member.
func (c *constraints) checkTags(tags []wire.Tag) {
	for i, tag := range tags {
		path := fmt.Sprintf("tags.%d.member.", i+1)
		if tag.Key != nil {
			c.checkCharLength(*tag.Key, path+"key", 1, MaxTagKeyLength)
		}
		if tag.Value != nil {
			c.checkCharLength(*tag.Value, path+"value", 0, MaxTagValueLength)
		}
	}
}

// checkCharLength records a string member shorter than lo or longer than
// hi characters.
func (c *constraints) checkCharLength(s, path string, lo, hi int) {
	n := len([]rune(s))
	if n < lo {
		c.add(quoted(s), path, fmt.Sprintf("Member must have length greater than or equal to %d", lo))
	}
	if n > hi {
		c.add(quoted(s), path, fmt.Sprintf("Member must have length less than or equal to %d", hi))
	}
}

// tagCharsOK reports whether s holds only the characters DynamoDB allows in
// tags: letters, digits, white space and + - = . _ : / @.
func tagCharsOK(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsSpace(r) || strings.ContainsRune("+-=._:/@", r) {
			continue
		}
		return false
	}
	return true
}

// checkTagRules returns DynamoDB's error for the first tag that breaks a
// tagging rule, or for more tags than a resource may have.
func checkTagRules(tags []wire.Tag) error {
	seen := make(map[string]bool, len(tags))
	for _, tag := range tags {
		if tag.Key == nil {
			return value.Validationf(msgInvalidTagKey, "null")
		}
		key := *tag.Key
		if !tagCharsOK(key) {
			return value.Validationf(msgInvalidTagKey, key)
		}
		if tag.Value == nil {
			return value.Validationf(msgInvalidTagValue, "null")
		}
		if !tagCharsOK(*tag.Value) {
			return value.Validationf(msgInvalidTagValue, *tag.Value)
		}
		if strings.HasPrefix(strings.ToLower(key), reservedTagPrefix) {
			return value.Validationf(msgReservedTagKey, key)
		}
		if seen[key] {
			return value.Validationf(msgDuplicateTagKey, key)
		}
		seen[key] = true
	}
	if len(tags) > MaxTagsPerResource {
		return value.Validationf(msgTooManyTags)
	}
	return nil
}

// setTag sets key to val in tags, keeping the order of the tags already
// there, and returns the result.
func setTag(tags []catalog.Tag, key, val string) []catalog.Tag {
	for i := range tags {
		if tags[i].Key == key {
			tags[i].Value = val
			return tags
		}
	}
	return append(tags, catalog.Tag{Key: key, Value: val})
}

// tableOfARN returns the name of the table a ResourceArn names, with
// DynamoDB's errors for a missing or malformed ARN, one of another service
// or region, or one of an index. The table may not exist.
func (a *API) tableOfARN(arn *string) (string, error) {
	if arn == nil {
		return "", value.Validationf(msgInvalidTableARN)
	}
	s := *arn
	if !strings.HasPrefix(s, "arn:") {
		return "", value.Validationf(msgARNNoPrefix, s)
	}
	// arn:partition:service:region:account:resource
	parts := strings.SplitN(s, arnResourceSeparator, 6)
	if len(parts) < 6 {
		return "", value.Validationf(msgARNInvalidInput, s)
	}
	if parts[2] != "dynamodb" {
		return "", value.Validationf(msgARNNotDynamoDB, s)
	}
	resource := parts[5]
	if strings.Contains(resource, resourcePartIndex) {
		return "", value.Validationf(msgARNNotTable, s)
	}
	if parts[1] != "aws" || parts[3] != a.cfg.Region || !strings.HasPrefix(resource, resourceTypeTable) {
		return "", value.Validationf(msgARNInvalidInput, s)
	}
	name := strings.TrimPrefix(resource, resourceTypeTable)
	if i := strings.Index(name, resourcePartStream); i >= 0 {
		name = name[:i] // a stream of the table: atoll has none yet
	}
	if len(name) < MinTableNameLength || len(name) > MaxTableNameLength || !tableNamePattern.MatchString(name) {
		return "", value.Validationf(msgARNInvalidInput, s)
	}
	if parts[4] != a.cfg.AccountID || strings.Contains(resource, resourcePartStream) {
		return "", Errorf(CodeResourceNotFound, msgARNNotFound, s)
	}
	return name, nil
}

// arnTable returns the table a ResourceArn names, or DynamoDB's errors.
func (a *API) arnTable(arn *string) (*catalog.Table, error) {
	name, err := a.tableOfARN(arn)
	if err != nil {
		return nil, err
	}
	t, err := a.tables.Get(name)
	if errors.Is(err, catalog.ErrTableNotFound) {
		return nil, Errorf(CodeResourceNotFound, msgARNNotFound, *arn)
	}
	if err != nil {
		return nil, fmt.Errorf("table %q: %w", name, err)
	}
	return t, nil
}

func (a *API) tagResource(ctx context.Context, in *wire.TagResourceInput) (*wire.TagResourceOutput, error) {
	name, err := a.tableOfARN(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if len(in.Tags) == 0 {
		return nil, value.Validationf(msgNoTags)
	}
	var c constraints
	c.checkTags(in.Tags)
	if err := c.err(); err != nil {
		return nil, err
	}
	if err := checkTagRules(in.Tags); err != nil {
		return nil, err
	}
	_, err = a.tables.Update(name, func(t *catalog.Table) error {
		for _, tag := range in.Tags {
			t.Tags = setTag(t.Tags, *tag.Key, *tag.Value)
		}
		if len(t.Tags) > MaxTagsPerResource {
			return value.Validationf(msgTooManyTags)
		}
		return nil
	})
	if errors.Is(err, catalog.ErrTableNotFound) {
		return nil, Errorf(CodeResourceNotFound, msgARNNotFound, *in.ResourceArn)
	}
	if err != nil {
		return nil, err
	}
	return &wire.TagResourceOutput{}, nil
}

func (a *API) untagResource(ctx context.Context, in *wire.UntagResourceInput) (*wire.UntagResourceOutput, error) {
	name, err := a.tableOfARN(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if len(in.TagKeys) == 0 {
		return nil, value.Validationf(msgNoTagKeys)
	}
	var c constraints
	for i, k := range in.TagKeys {
		c.checkCharLength(k, fmt.Sprintf("tagKeys.%d.member", i+1), 1, MaxTagKeyLength)
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	for _, k := range in.TagKeys {
		if !tagCharsOK(k) {
			return nil, value.Validationf(msgInvalidTagKey, k)
		}
	}
	_, err = a.tables.Update(name, func(t *catalog.Table) error {
		kept := t.Tags[:0]
		for _, tag := range t.Tags {
			removed := false
			for _, k := range in.TagKeys {
				removed = removed || tag.Key == k
			}
			if !removed {
				kept = append(kept, tag)
			}
		}
		t.Tags = kept
		return nil
	})
	if errors.Is(err, catalog.ErrTableNotFound) {
		return nil, Errorf(CodeResourceNotFound, msgARNNotFound, *in.ResourceArn)
	}
	if err != nil {
		return nil, err
	}
	return &wire.UntagResourceOutput{}, nil
}

// ListTagsOfResource pages with an opaque NextToken, which is the decimal
// index of the first tag of the next page.
func (a *API) listTagsOfResource(ctx context.Context, in *wire.ListTagsOfResourceInput) (*wire.ListTagsOfResourceOutput, error) {
	t, err := a.arnTable(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	start := 0
	if in.NextToken != nil {
		start, err = strconv.Atoi(*in.NextToken)
		if err != nil || start < 0 || start > len(t.Tags) {
			return nil, value.Validationf(msgInvalidNextToken)
		}
	}
	end := min(start+listTagsPageSize, len(t.Tags))
	out := &wire.ListTagsOfResourceOutput{Tags: make([]wire.Tag, 0, end-start)}
	for _, tag := range t.Tags[start:end] {
		out.Tags = append(out.Tags, wire.Tag{Key: ptr(tag.Key), Value: ptr(tag.Value)})
	}
	if end < len(t.Tags) {
		out.NextToken = ptr(strconv.Itoa(end))
	}
	return out, nil
}
