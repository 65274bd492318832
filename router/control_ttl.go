package router

import (
	"context"
	"errors"
	"fmt"

	"github.com/atolldb/atoll/partition/value"
	"github.com/atolldb/atoll/router/catalog"
	"github.com/atolldb/atoll/router/wire"
)

// This file holds DescribeTimeToLive and UpdateTimeToLive. They store the
// table's time-to-live setting in the catalog; expired items are not
// deleted yet: the TTL sweeper (DESIGN.md §4, "TTL") comes later, and until
// then an enabled TTL changes nothing but what DescribeTimeToLive reports.
//
// Departure: DynamoDB refuses a second UpdateTimeToLive on a table within
// about an hour ("Time to live has been modified multiple times within a
// fixed interval"); atoll applies every change at once and has no cooldown.

// Time-to-live states of TimeToLiveDescription.
const (
	ttlEnabled  = "ENABLED"
	ttlDisabled = "DISABLED"
)

// Messages of time to live.
const (
	msgTTLAttributeEmpty = "TimeToLiveSpecification.AttributeName must be non empty"
	msgTTLEnabled        = "TimeToLive is already enabled"
	msgTTLDisabled       = "TimeToLive is already disabled"
	msgTTLOtherAttribute = "TimeToLive is active on a different AttributeName: current AttributeName is %s"
)

func (a *API) describeTimeToLive(ctx context.Context, in *wire.DescribeTimeToLiveInput) (*wire.DescribeTimeToLiveOutput, error) {
	t, err := a.namedTable(in.TableName)
	if err != nil {
		return nil, err
	}
	d := &wire.TimeToLiveDescription{TimeToLiveStatus: ttlDisabled}
	if t.TTLEnabled {
		d.TimeToLiveStatus = ttlEnabled
		d.AttributeName = ptr(t.TTLAttribute)
	}
	return &wire.DescribeTimeToLiveOutput{TimeToLiveDescription: d}, nil
}

func (a *API) updateTimeToLive(ctx context.Context, in *wire.UpdateTimeToLiveInput) (*wire.UpdateTimeToLiveOutput, error) {
	var c constraints
	if err := checkControlTableName(&c, in.TableName); err != nil {
		return nil, err
	}
	spec := in.TimeToLiveSpecification
	if spec == nil {
		c.notNull("timeToLiveSpecification")
	} else {
		if spec.Enabled == nil {
			c.notNull("timeToLiveSpecification.enabled")
		}
		if spec.AttributeName == nil {
			c.notNull("timeToLiveSpecification.attributeName")
		} else if len(*spec.AttributeName) > MaxTTLAttributeNameLength {
			c.add(quoted(*spec.AttributeName), "timeToLiveSpecification.attributeName",
				fmt.Sprintf("Member must have length less than or equal to %d", MaxTTLAttributeNameLength))
		}
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	if *spec.AttributeName == "" {
		return nil, value.Validationf(msgTTLAttributeEmpty)
	}
	attr, enable := *spec.AttributeName, *spec.Enabled
	_, err := a.tables.Update(*in.TableName, func(t *catalog.Table) error {
		switch {
		case t.TTLEnabled && t.TTLAttribute != attr:
			return value.Validationf(msgTTLOtherAttribute, t.TTLAttribute)
		case enable && t.TTLEnabled:
			return value.Validationf(msgTTLEnabled)
		case !enable && !t.TTLEnabled:
			return value.Validationf(msgTTLDisabled)
		}
		t.TTLEnabled = enable
		t.TTLAttribute = ""
		if enable {
			t.TTLAttribute = attr
		}
		return nil
	})
	if errors.Is(err, catalog.ErrTableNotFound) {
		return nil, tableNotFound(*in.TableName)
	}
	if err != nil {
		return nil, err
	}
	return &wire.UpdateTimeToLiveOutput{TimeToLiveSpecification: &wire.TimeToLiveSpecification{
		AttributeName: ptr(attr), Enabled: ptr(enable),
	}}, nil
}
