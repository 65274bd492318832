package wire

import "time"

// The request (Input) and response (Output) structures of the DynamoDB
// operations atoll serves, and the structures they contain. Field names and
// JSON member names are exactly those of DynamoDB's API model (version
// 2012-08-10, as shipped in aws-sdk-go-v2/service/dynamodb v1.74.0),
// legacy parameters included.
//
// Conventions, shared with Marshal and Unmarshal:
//   - an optional scalar is a pointer, nil when the member is absent (or
//     JSON null), so handlers can tell "absent" from "empty";
//   - an enumeration is a string, "" when absent;
//   - Item holds every attribute map (items, keys, ExpressionAttributeValues,
//     ExclusiveStartKey, ...) and AttributeValue a single value;
//   - timestamps are *time.Time, sent as JSON numbers of epoch seconds.
//
// When encoding, nil pointers, nil slices and maps and empty strings are
// omitted; non-nil empty slices and maps are written ("Items":[]), and
// non-pointer numbers and booleans are always written.

// CreateTableInput is the request of CreateTable.
type CreateTableInput struct {
	TableName                          *string                `json:"TableName"`
	AttributeDefinitions               []AttributeDefinition  `json:"AttributeDefinitions"`
	BillingMode                        string                 `json:"BillingMode"`
	DeletionProtectionEnabled          *bool                  `json:"DeletionProtectionEnabled"`
	GlobalSecondaryIndexes             []GlobalSecondaryIndex `json:"GlobalSecondaryIndexes"`
	GlobalTableSettingsReplicationMode string                 `json:"GlobalTableSettingsReplicationMode"`
	GlobalTableSourceArn               *string                `json:"GlobalTableSourceArn"`
	KeySchema                          []KeySchemaElement     `json:"KeySchema"`
	LocalSecondaryIndexes              []LocalSecondaryIndex  `json:"LocalSecondaryIndexes"`
	OnDemandThroughput                 *OnDemandThroughput    `json:"OnDemandThroughput"`
	ProvisionedThroughput              *ProvisionedThroughput `json:"ProvisionedThroughput"`
	ResourcePolicy                     *string                `json:"ResourcePolicy"`
	SSESpecification                   *SSESpecification      `json:"SSESpecification"`
	StreamSpecification                *StreamSpecification   `json:"StreamSpecification"`
	TableClass                         string                 `json:"TableClass"`
	Tags                               []Tag                  `json:"Tags"`
	VectorIndexes                      []VectorIndex          `json:"VectorIndexes"`
	WarmThroughput                     *WarmThroughput        `json:"WarmThroughput"`
}

// CreateTableOutput is the response of CreateTable.
type CreateTableOutput struct {
	TableDescription *TableDescription `json:"TableDescription"`
}

// DescribeTableInput is the request of DescribeTable.
type DescribeTableInput struct {
	TableName *string `json:"TableName"`
}

// DescribeTableOutput is the response of DescribeTable.
type DescribeTableOutput struct {
	Table *TableDescription `json:"Table"`
}

// ListTablesInput is the request of ListTables.
type ListTablesInput struct {
	ExclusiveStartTableName *string `json:"ExclusiveStartTableName"`
	Limit                   *int32  `json:"Limit"`
}

// ListTablesOutput is the response of ListTables.
type ListTablesOutput struct {
	LastEvaluatedTableName *string  `json:"LastEvaluatedTableName"`
	TableNames             []string `json:"TableNames"`
}

// DeleteTableInput is the request of DeleteTable.
type DeleteTableInput struct {
	TableName *string `json:"TableName"`
}

// DeleteTableOutput is the response of DeleteTable.
type DeleteTableOutput struct {
	TableDescription *TableDescription `json:"TableDescription"`
}

// UpdateTableInput is the request of UpdateTable.
type UpdateTableInput struct {
	TableName                          *string                         `json:"TableName"`
	AttributeDefinitions               []AttributeDefinition           `json:"AttributeDefinitions"`
	BillingMode                        string                          `json:"BillingMode"`
	DeletionProtectionEnabled          *bool                           `json:"DeletionProtectionEnabled"`
	DisassociationProtectionEnabled    *bool                           `json:"DisassociationProtectionEnabled"`
	GlobalSecondaryIndexUpdates        []GlobalSecondaryIndexUpdate    `json:"GlobalSecondaryIndexUpdates"`
	GlobalTableSettingsReplicationMode string                          `json:"GlobalTableSettingsReplicationMode"`
	GlobalTableWitnessUpdates          []GlobalTableWitnessGroupUpdate `json:"GlobalTableWitnessUpdates"`
	MultiRegionConsistency             string                          `json:"MultiRegionConsistency"`
	OnDemandThroughput                 *OnDemandThroughput             `json:"OnDemandThroughput"`
	ProvisionedThroughput              *ProvisionedThroughput          `json:"ProvisionedThroughput"`
	ReplicaUpdates                     []ReplicationGroupUpdate        `json:"ReplicaUpdates"`
	SSESpecification                   *SSESpecification               `json:"SSESpecification"`
	StreamSpecification                *StreamSpecification            `json:"StreamSpecification"`
	TableClass                         string                          `json:"TableClass"`
	VectorIndexUpdates                 []VectorIndexUpdate             `json:"VectorIndexUpdates"`
	WarmThroughput                     *WarmThroughput                 `json:"WarmThroughput"`
}

// UpdateTableOutput is the response of UpdateTable.
type UpdateTableOutput struct {
	TableDescription *TableDescription `json:"TableDescription"`
}

// DescribeLimitsInput is the request of DescribeLimits.
type DescribeLimitsInput struct {
}

// DescribeLimitsOutput is the response of DescribeLimits.
type DescribeLimitsOutput struct {
	AccountMaxReadCapacityUnits  *int64 `json:"AccountMaxReadCapacityUnits"`
	AccountMaxWriteCapacityUnits *int64 `json:"AccountMaxWriteCapacityUnits"`
	TableMaxReadCapacityUnits    *int64 `json:"TableMaxReadCapacityUnits"`
	TableMaxWriteCapacityUnits   *int64 `json:"TableMaxWriteCapacityUnits"`
}

// DescribeEndpointsInput is the request of DescribeEndpoints.
type DescribeEndpointsInput struct {
}

// DescribeEndpointsOutput is the response of DescribeEndpoints.
type DescribeEndpointsOutput struct {
	Endpoints []Endpoint `json:"Endpoints"`
}

// TagResourceInput is the request of TagResource.
type TagResourceInput struct {
	ResourceArn *string `json:"ResourceArn"`
	Tags        []Tag   `json:"Tags"`
}

// TagResourceOutput is the response of TagResource.
type TagResourceOutput struct {
}

// UntagResourceInput is the request of UntagResource.
type UntagResourceInput struct {
	ResourceArn *string  `json:"ResourceArn"`
	TagKeys     []string `json:"TagKeys"`
}

// UntagResourceOutput is the response of UntagResource.
type UntagResourceOutput struct {
}

// ListTagsOfResourceInput is the request of ListTagsOfResource.
type ListTagsOfResourceInput struct {
	ResourceArn *string `json:"ResourceArn"`
	NextToken   *string `json:"NextToken"`
}

// ListTagsOfResourceOutput is the response of ListTagsOfResource.
type ListTagsOfResourceOutput struct {
	NextToken *string `json:"NextToken"`
	Tags      []Tag   `json:"Tags"`
}

// DescribeTimeToLiveInput is the request of DescribeTimeToLive.
type DescribeTimeToLiveInput struct {
	TableName *string `json:"TableName"`
}

// DescribeTimeToLiveOutput is the response of DescribeTimeToLive.
type DescribeTimeToLiveOutput struct {
	TimeToLiveDescription *TimeToLiveDescription `json:"TimeToLiveDescription"`
}

// UpdateTimeToLiveInput is the request of UpdateTimeToLive.
type UpdateTimeToLiveInput struct {
	TableName               *string                  `json:"TableName"`
	TimeToLiveSpecification *TimeToLiveSpecification `json:"TimeToLiveSpecification"`
}

// UpdateTimeToLiveOutput is the response of UpdateTimeToLive.
type UpdateTimeToLiveOutput struct {
	TimeToLiveSpecification *TimeToLiveSpecification `json:"TimeToLiveSpecification"`
}

// PutItemInput is the request of PutItem.
type PutItemInput struct {
	Item                                Item                              `json:"Item"`
	TableName                           *string                           `json:"TableName"`
	ConditionExpression                 *string                           `json:"ConditionExpression"`
	ConditionalOperator                 string                            `json:"ConditionalOperator"`
	Expected                            map[string]ExpectedAttributeValue `json:"Expected"`
	ExpressionAttributeNames            map[string]string                 `json:"ExpressionAttributeNames"`
	ExpressionAttributeValues           Item                              `json:"ExpressionAttributeValues"`
	ReturnConsumedCapacity              string                            `json:"ReturnConsumedCapacity"`
	ReturnItemCollectionMetrics         string                            `json:"ReturnItemCollectionMetrics"`
	ReturnValues                        string                            `json:"ReturnValues"`
	ReturnValuesOnConditionCheckFailure string                            `json:"ReturnValuesOnConditionCheckFailure"`
}

// PutItemOutput is the response of PutItem.
type PutItemOutput struct {
	Attributes            Item                   `json:"Attributes"`
	ConsumedCapacity      *ConsumedCapacity      `json:"ConsumedCapacity"`
	ItemCollectionMetrics *ItemCollectionMetrics `json:"ItemCollectionMetrics"`
}

// GetItemInput is the request of GetItem.
type GetItemInput struct {
	Key                      Item              `json:"Key"`
	TableName                *string           `json:"TableName"`
	AttributesToGet          []string          `json:"AttributesToGet"`
	ConsistentRead           *bool             `json:"ConsistentRead"`
	ExpressionAttributeNames map[string]string `json:"ExpressionAttributeNames"`
	ProjectionExpression     *string           `json:"ProjectionExpression"`
	ReturnConsumedCapacity   string            `json:"ReturnConsumedCapacity"`
}

// GetItemOutput is the response of GetItem.
type GetItemOutput struct {
	ConsumedCapacity *ConsumedCapacity `json:"ConsumedCapacity"`
	Item             Item              `json:"Item"`
}

// UpdateItemInput is the request of UpdateItem.
type UpdateItemInput struct {
	Key                                 Item                              `json:"Key"`
	TableName                           *string                           `json:"TableName"`
	AttributeUpdates                    map[string]AttributeValueUpdate   `json:"AttributeUpdates"`
	ConditionExpression                 *string                           `json:"ConditionExpression"`
	ConditionalOperator                 string                            `json:"ConditionalOperator"`
	Expected                            map[string]ExpectedAttributeValue `json:"Expected"`
	ExpressionAttributeNames            map[string]string                 `json:"ExpressionAttributeNames"`
	ExpressionAttributeValues           Item                              `json:"ExpressionAttributeValues"`
	ReturnConsumedCapacity              string                            `json:"ReturnConsumedCapacity"`
	ReturnItemCollectionMetrics         string                            `json:"ReturnItemCollectionMetrics"`
	ReturnValues                        string                            `json:"ReturnValues"`
	ReturnValuesOnConditionCheckFailure string                            `json:"ReturnValuesOnConditionCheckFailure"`
	UpdateExpression                    *string                           `json:"UpdateExpression"`
}

// UpdateItemOutput is the response of UpdateItem.
type UpdateItemOutput struct {
	Attributes            Item                   `json:"Attributes"`
	ConsumedCapacity      *ConsumedCapacity      `json:"ConsumedCapacity"`
	ItemCollectionMetrics *ItemCollectionMetrics `json:"ItemCollectionMetrics"`
}

// DeleteItemInput is the request of DeleteItem.
type DeleteItemInput struct {
	Key                                 Item                              `json:"Key"`
	TableName                           *string                           `json:"TableName"`
	ConditionExpression                 *string                           `json:"ConditionExpression"`
	ConditionalOperator                 string                            `json:"ConditionalOperator"`
	Expected                            map[string]ExpectedAttributeValue `json:"Expected"`
	ExpressionAttributeNames            map[string]string                 `json:"ExpressionAttributeNames"`
	ExpressionAttributeValues           Item                              `json:"ExpressionAttributeValues"`
	ReturnConsumedCapacity              string                            `json:"ReturnConsumedCapacity"`
	ReturnItemCollectionMetrics         string                            `json:"ReturnItemCollectionMetrics"`
	ReturnValues                        string                            `json:"ReturnValues"`
	ReturnValuesOnConditionCheckFailure string                            `json:"ReturnValuesOnConditionCheckFailure"`
}

// DeleteItemOutput is the response of DeleteItem.
type DeleteItemOutput struct {
	Attributes            Item                   `json:"Attributes"`
	ConsumedCapacity      *ConsumedCapacity      `json:"ConsumedCapacity"`
	ItemCollectionMetrics *ItemCollectionMetrics `json:"ItemCollectionMetrics"`
}

// BatchGetItemInput is the request of BatchGetItem.
type BatchGetItemInput struct {
	RequestItems           map[string]KeysAndAttributes `json:"RequestItems"`
	ReturnConsumedCapacity string                       `json:"ReturnConsumedCapacity"`
}

// BatchGetItemOutput is the response of BatchGetItem.
type BatchGetItemOutput struct {
	ConsumedCapacity []ConsumedCapacity           `json:"ConsumedCapacity"`
	Responses        map[string][]Item            `json:"Responses"`
	UnprocessedKeys  map[string]KeysAndAttributes `json:"UnprocessedKeys"`
}

// BatchWriteItemInput is the request of BatchWriteItem.
type BatchWriteItemInput struct {
	RequestItems                map[string][]WriteRequest `json:"RequestItems"`
	ReturnConsumedCapacity      string                    `json:"ReturnConsumedCapacity"`
	ReturnItemCollectionMetrics string                    `json:"ReturnItemCollectionMetrics"`
}

// BatchWriteItemOutput is the response of BatchWriteItem.
type BatchWriteItemOutput struct {
	ConsumedCapacity      []ConsumedCapacity                 `json:"ConsumedCapacity"`
	ItemCollectionMetrics map[string][]ItemCollectionMetrics `json:"ItemCollectionMetrics"`
	UnprocessedItems      map[string][]WriteRequest          `json:"UnprocessedItems"`
}

// QueryInput is the request of Query.
type QueryInput struct {
	TableName                 *string              `json:"TableName"`
	AttributesToGet           []string             `json:"AttributesToGet"`
	ConditionalOperator       string               `json:"ConditionalOperator"`
	ConsistentRead            *bool                `json:"ConsistentRead"`
	ExclusiveStartKey         Item                 `json:"ExclusiveStartKey"`
	ExpressionAttributeNames  map[string]string    `json:"ExpressionAttributeNames"`
	ExpressionAttributeValues Item                 `json:"ExpressionAttributeValues"`
	FilterExpression          *string              `json:"FilterExpression"`
	IndexName                 *string              `json:"IndexName"`
	KeyConditionExpression    *string              `json:"KeyConditionExpression"`
	KeyConditions             map[string]Condition `json:"KeyConditions"`
	Limit                     *int32               `json:"Limit"`
	ProjectionExpression      *string              `json:"ProjectionExpression"`
	QueryFilter               map[string]Condition `json:"QueryFilter"`
	ReturnConsumedCapacity    string               `json:"ReturnConsumedCapacity"`
	ScanIndexForward          *bool                `json:"ScanIndexForward"`
	Select                    string               `json:"Select"`
}

// QueryOutput is the response of Query.
type QueryOutput struct {
	ConsumedCapacity *ConsumedCapacity `json:"ConsumedCapacity"`
	Count            int32             `json:"Count"`
	Items            []Item            `json:"Items"`
	LastEvaluatedKey Item              `json:"LastEvaluatedKey"`
	ScannedCount     int32             `json:"ScannedCount"`
}

// ScanInput is the request of Scan.
type ScanInput struct {
	TableName                 *string              `json:"TableName"`
	AttributesToGet           []string             `json:"AttributesToGet"`
	ConditionalOperator       string               `json:"ConditionalOperator"`
	ConsistentRead            *bool                `json:"ConsistentRead"`
	ExclusiveStartKey         Item                 `json:"ExclusiveStartKey"`
	ExpressionAttributeNames  map[string]string    `json:"ExpressionAttributeNames"`
	ExpressionAttributeValues Item                 `json:"ExpressionAttributeValues"`
	FilterExpression          *string              `json:"FilterExpression"`
	IndexName                 *string              `json:"IndexName"`
	Limit                     *int32               `json:"Limit"`
	ProjectionExpression      *string              `json:"ProjectionExpression"`
	ReturnConsumedCapacity    string               `json:"ReturnConsumedCapacity"`
	ScanFilter                map[string]Condition `json:"ScanFilter"`
	Segment                   *int32               `json:"Segment"`
	Select                    string               `json:"Select"`
	TotalSegments             *int32               `json:"TotalSegments"`
}

// ScanOutput is the response of Scan.
type ScanOutput struct {
	ConsumedCapacity *ConsumedCapacity `json:"ConsumedCapacity"`
	Count            int32             `json:"Count"`
	Items            []Item            `json:"Items"`
	LastEvaluatedKey Item              `json:"LastEvaluatedKey"`
	ScannedCount     int32             `json:"ScannedCount"`
}

// AttributeDefinition is DynamoDB's AttributeDefinition structure.
type AttributeDefinition struct {
	AttributeName *string `json:"AttributeName"`
	AttributeType string  `json:"AttributeType"`
}

// AttributeValueUpdate is DynamoDB's AttributeValueUpdate structure.
type AttributeValueUpdate struct {
	Action string         `json:"Action"`
	Value  AttributeValue `json:"Value"`
}

// Condition is DynamoDB's Condition structure.
type Condition struct {
	ComparisonOperator string           `json:"ComparisonOperator"`
	AttributeValueList []AttributeValue `json:"AttributeValueList"`
}

// ConsumedCapacity is DynamoDB's ConsumedCapacity structure.
type ConsumedCapacity struct {
	CapacityUnits          *float64                  `json:"CapacityUnits"`
	GlobalSecondaryIndexes map[string]Capacity       `json:"GlobalSecondaryIndexes"`
	LocalSecondaryIndexes  map[string]Capacity       `json:"LocalSecondaryIndexes"`
	ReadCapacityUnits      *float64                  `json:"ReadCapacityUnits"`
	Table                  *Capacity                 `json:"Table"`
	TableName              *string                   `json:"TableName"`
	VectorIndexes          map[string]VectorCapacity `json:"VectorIndexes"`
	WriteCapacityUnits     *float64                  `json:"WriteCapacityUnits"`
}

// Capacity is DynamoDB's Capacity structure.
type Capacity struct {
	CapacityUnits      *float64 `json:"CapacityUnits"`
	ReadCapacityUnits  *float64 `json:"ReadCapacityUnits"`
	WriteCapacityUnits *float64 `json:"WriteCapacityUnits"`
}

// Endpoint is DynamoDB's Endpoint structure.
type Endpoint struct {
	Address              *string `json:"Address"`
	CachePeriodInMinutes int64   `json:"CachePeriodInMinutes"`
}

// ExpectedAttributeValue is DynamoDB's ExpectedAttributeValue structure.
type ExpectedAttributeValue struct {
	AttributeValueList []AttributeValue `json:"AttributeValueList"`
	ComparisonOperator string           `json:"ComparisonOperator"`
	Exists             *bool            `json:"Exists"`
	Value              AttributeValue   `json:"Value"`
}

// GlobalSecondaryIndex is DynamoDB's GlobalSecondaryIndex structure.
type GlobalSecondaryIndex struct {
	IndexName             *string                `json:"IndexName"`
	KeySchema             []KeySchemaElement     `json:"KeySchema"`
	Projection            *Projection            `json:"Projection"`
	OnDemandThroughput    *OnDemandThroughput    `json:"OnDemandThroughput"`
	ProvisionedThroughput *ProvisionedThroughput `json:"ProvisionedThroughput"`
	WarmThroughput        *WarmThroughput        `json:"WarmThroughput"`
}

// GlobalSecondaryIndexUpdate is DynamoDB's GlobalSecondaryIndexUpdate structure.
type GlobalSecondaryIndexUpdate struct {
	Create *CreateGlobalSecondaryIndexAction `json:"Create"`
	Delete *DeleteGlobalSecondaryIndexAction `json:"Delete"`
	Update *UpdateGlobalSecondaryIndexAction `json:"Update"`
}

// CreateGlobalSecondaryIndexAction is DynamoDB's CreateGlobalSecondaryIndexAction structure.
type CreateGlobalSecondaryIndexAction struct {
	IndexName             *string                `json:"IndexName"`
	KeySchema             []KeySchemaElement     `json:"KeySchema"`
	Projection            *Projection            `json:"Projection"`
	OnDemandThroughput    *OnDemandThroughput    `json:"OnDemandThroughput"`
	ProvisionedThroughput *ProvisionedThroughput `json:"ProvisionedThroughput"`
	WarmThroughput        *WarmThroughput        `json:"WarmThroughput"`
}

// DeleteGlobalSecondaryIndexAction is DynamoDB's DeleteGlobalSecondaryIndexAction structure.
type DeleteGlobalSecondaryIndexAction struct {
	IndexName *string `json:"IndexName"`
}

// GlobalTableWitnessGroupUpdate is DynamoDB's GlobalTableWitnessGroupUpdate structure.
type GlobalTableWitnessGroupUpdate struct {
	Create *CreateGlobalTableWitnessGroupMemberAction `json:"Create"`
	Delete *DeleteGlobalTableWitnessGroupMemberAction `json:"Delete"`
}

// CreateGlobalTableWitnessGroupMemberAction is DynamoDB's CreateGlobalTableWitnessGroupMemberAction structure.
type CreateGlobalTableWitnessGroupMemberAction struct {
	RegionName *string `json:"RegionName"`
}

// DeleteGlobalTableWitnessGroupMemberAction is DynamoDB's DeleteGlobalTableWitnessGroupMemberAction structure.
type DeleteGlobalTableWitnessGroupMemberAction struct {
	RegionName *string `json:"RegionName"`
}

// ItemCollectionMetrics is DynamoDB's ItemCollectionMetrics structure.
type ItemCollectionMetrics struct {
	ItemCollectionKey   Item      `json:"ItemCollectionKey"`
	SizeEstimateRangeGB []float64 `json:"SizeEstimateRangeGB"`
}

// KeySchemaElement is DynamoDB's KeySchemaElement structure.
type KeySchemaElement struct {
	AttributeName *string `json:"AttributeName"`
	KeyType       string  `json:"KeyType"`
}

// KeysAndAttributes is DynamoDB's KeysAndAttributes structure.
type KeysAndAttributes struct {
	Keys                     []Item            `json:"Keys"`
	AttributesToGet          []string          `json:"AttributesToGet"`
	ConsistentRead           *bool             `json:"ConsistentRead"`
	ExpressionAttributeNames map[string]string `json:"ExpressionAttributeNames"`
	ProjectionExpression     *string           `json:"ProjectionExpression"`
}

// LocalSecondaryIndex is DynamoDB's LocalSecondaryIndex structure.
type LocalSecondaryIndex struct {
	IndexName  *string            `json:"IndexName"`
	KeySchema  []KeySchemaElement `json:"KeySchema"`
	Projection *Projection        `json:"Projection"`
}

// OnDemandThroughput is DynamoDB's OnDemandThroughput structure.
type OnDemandThroughput struct {
	MaxReadRequestUnits  *int64 `json:"MaxReadRequestUnits"`
	MaxWriteRequestUnits *int64 `json:"MaxWriteRequestUnits"`
}

// Projection is DynamoDB's Projection structure.
type Projection struct {
	NonKeyAttributes []string `json:"NonKeyAttributes"`
	ProjectionType   string   `json:"ProjectionType"`
}

// ProvisionedThroughput is DynamoDB's ProvisionedThroughput structure.
type ProvisionedThroughput struct {
	ReadCapacityUnits  *int64 `json:"ReadCapacityUnits"`
	WriteCapacityUnits *int64 `json:"WriteCapacityUnits"`
}

// ReplicationGroupUpdate is DynamoDB's ReplicationGroupUpdate structure.
type ReplicationGroupUpdate struct {
	Create       *CreateReplicationGroupMemberAction       `json:"Create"`
	Delete       *DeleteReplicationGroupMemberAction       `json:"Delete"`
	Disassociate *DisassociateReplicationGroupMemberAction `json:"Disassociate"`
	Update       *UpdateReplicationGroupMemberAction       `json:"Update"`
}

// CreateReplicationGroupMemberAction is DynamoDB's CreateReplicationGroupMemberAction structure.
type CreateReplicationGroupMemberAction struct {
	RegionName                    *string                        `json:"RegionName"`
	GlobalSecondaryIndexes        []ReplicaGlobalSecondaryIndex  `json:"GlobalSecondaryIndexes"`
	KMSMasterKeyId                *string                        `json:"KMSMasterKeyId"`
	OnDemandThroughputOverride    *OnDemandThroughputOverride    `json:"OnDemandThroughputOverride"`
	ProvisionedThroughputOverride *ProvisionedThroughputOverride `json:"ProvisionedThroughputOverride"`
	TableClassOverride            string                         `json:"TableClassOverride"`
}

// DeleteReplicationGroupMemberAction is DynamoDB's DeleteReplicationGroupMemberAction structure.
type DeleteReplicationGroupMemberAction struct {
	RegionName *string `json:"RegionName"`
}

// DisassociateReplicationGroupMemberAction is DynamoDB's DisassociateReplicationGroupMemberAction structure.
type DisassociateReplicationGroupMemberAction struct {
	DisassociationMode string  `json:"DisassociationMode"`
	RegionName         *string `json:"RegionName"`
}

// OnDemandThroughputOverride is DynamoDB's OnDemandThroughputOverride structure.
type OnDemandThroughputOverride struct {
	MaxReadRequestUnits *int64 `json:"MaxReadRequestUnits"`
}

// ProvisionedThroughputOverride is DynamoDB's ProvisionedThroughputOverride structure.
type ProvisionedThroughputOverride struct {
	ReadCapacityUnits *int64 `json:"ReadCapacityUnits"`
}

// ReplicaGlobalSecondaryIndex is DynamoDB's ReplicaGlobalSecondaryIndex structure.
type ReplicaGlobalSecondaryIndex struct {
	IndexName                     *string                        `json:"IndexName"`
	OnDemandThroughputOverride    *OnDemandThroughputOverride    `json:"OnDemandThroughputOverride"`
	ProvisionedThroughputOverride *ProvisionedThroughputOverride `json:"ProvisionedThroughputOverride"`
}

// SSESpecification is DynamoDB's SSESpecification structure.
type SSESpecification struct {
	Enabled        *bool   `json:"Enabled"`
	KMSMasterKeyId *string `json:"KMSMasterKeyId"`
	SSEType        string  `json:"SSEType"`
}

// StreamSpecification is DynamoDB's StreamSpecification structure.
type StreamSpecification struct {
	StreamEnabled  *bool  `json:"StreamEnabled"`
	StreamViewType string `json:"StreamViewType"`
}

// TableDescription is DynamoDB's TableDescription structure.
type TableDescription struct {
	ArchivalSummary                    *ArchivalSummary                  `json:"ArchivalSummary"`
	AttributeDefinitions               []AttributeDefinition             `json:"AttributeDefinitions"`
	BillingModeSummary                 *BillingModeSummary               `json:"BillingModeSummary"`
	CreationDateTime                   *time.Time                        `json:"CreationDateTime"`
	DeletionProtectionEnabled          *bool                             `json:"DeletionProtectionEnabled"`
	DisassociationProtectionEnabled    *bool                             `json:"DisassociationProtectionEnabled"`
	GlobalSecondaryIndexes             []GlobalSecondaryIndexDescription `json:"GlobalSecondaryIndexes"`
	GlobalTableSettingsReplicationMode string                            `json:"GlobalTableSettingsReplicationMode"`
	GlobalTableVersion                 *string                           `json:"GlobalTableVersion"`
	GlobalTableWitnesses               []GlobalTableWitnessDescription   `json:"GlobalTableWitnesses"`
	ItemCount                          *int64                            `json:"ItemCount"`
	KeySchema                          []KeySchemaElement                `json:"KeySchema"`
	LatestStreamArn                    *string                           `json:"LatestStreamArn"`
	LatestStreamLabel                  *string                           `json:"LatestStreamLabel"`
	LocalSecondaryIndexes              []LocalSecondaryIndexDescription  `json:"LocalSecondaryIndexes"`
	MultiRegionConsistency             string                            `json:"MultiRegionConsistency"`
	OnDemandThroughput                 *OnDemandThroughput               `json:"OnDemandThroughput"`
	ProvisionedThroughput              *ProvisionedThroughputDescription `json:"ProvisionedThroughput"`
	Replicas                           []ReplicaDescription              `json:"Replicas"`
	RestoreSummary                     *RestoreSummary                   `json:"RestoreSummary"`
	SSEDescription                     *SSEDescription                   `json:"SSEDescription"`
	StreamSpecification                *StreamSpecification              `json:"StreamSpecification"`
	TableArn                           *string                           `json:"TableArn"`
	TableClassSummary                  *TableClassSummary                `json:"TableClassSummary"`
	TableId                            *string                           `json:"TableId"`
	TableName                          *string                           `json:"TableName"`
	TableSizeBytes                     *int64                            `json:"TableSizeBytes"`
	TableStatus                        string                            `json:"TableStatus"`
	VectorIndexes                      []VectorIndexDescription          `json:"VectorIndexes"`
	WarmThroughput                     *TableWarmThroughputDescription   `json:"WarmThroughput"`
}

// ArchivalSummary is DynamoDB's ArchivalSummary structure.
type ArchivalSummary struct {
	ArchivalBackupArn *string    `json:"ArchivalBackupArn"`
	ArchivalDateTime  *time.Time `json:"ArchivalDateTime"`
	ArchivalReason    *string    `json:"ArchivalReason"`
}

// BillingModeSummary is DynamoDB's BillingModeSummary structure.
type BillingModeSummary struct {
	BillingMode                       string     `json:"BillingMode"`
	LastUpdateToPayPerRequestDateTime *time.Time `json:"LastUpdateToPayPerRequestDateTime"`
}

// GlobalSecondaryIndexDescription is DynamoDB's GlobalSecondaryIndexDescription structure.
type GlobalSecondaryIndexDescription struct {
	Backfilling           *bool                                          `json:"Backfilling"`
	IndexArn              *string                                        `json:"IndexArn"`
	IndexName             *string                                        `json:"IndexName"`
	IndexSizeBytes        *int64                                         `json:"IndexSizeBytes"`
	IndexStatus           string                                         `json:"IndexStatus"`
	ItemCount             *int64                                         `json:"ItemCount"`
	KeySchema             []KeySchemaElement                             `json:"KeySchema"`
	OnDemandThroughput    *OnDemandThroughput                            `json:"OnDemandThroughput"`
	Projection            *Projection                                    `json:"Projection"`
	ProvisionedThroughput *ProvisionedThroughputDescription              `json:"ProvisionedThroughput"`
	WarmThroughput        *GlobalSecondaryIndexWarmThroughputDescription `json:"WarmThroughput"`
}

// GlobalSecondaryIndexWarmThroughputDescription is DynamoDB's GlobalSecondaryIndexWarmThroughputDescription structure.
type GlobalSecondaryIndexWarmThroughputDescription struct {
	ReadUnitsPerSecond  *int64 `json:"ReadUnitsPerSecond"`
	Status              string `json:"Status"`
	WriteUnitsPerSecond *int64 `json:"WriteUnitsPerSecond"`
}

// GlobalTableWitnessDescription is DynamoDB's GlobalTableWitnessDescription structure.
type GlobalTableWitnessDescription struct {
	RegionName    *string `json:"RegionName"`
	WitnessStatus string  `json:"WitnessStatus"`
}

// LocalSecondaryIndexDescription is DynamoDB's LocalSecondaryIndexDescription structure.
type LocalSecondaryIndexDescription struct {
	IndexArn       *string            `json:"IndexArn"`
	IndexName      *string            `json:"IndexName"`
	IndexSizeBytes *int64             `json:"IndexSizeBytes"`
	ItemCount      *int64             `json:"ItemCount"`
	KeySchema      []KeySchemaElement `json:"KeySchema"`
	Projection     *Projection        `json:"Projection"`
}

// ProvisionedThroughputDescription is DynamoDB's ProvisionedThroughputDescription structure.
type ProvisionedThroughputDescription struct {
	LastDecreaseDateTime   *time.Time `json:"LastDecreaseDateTime"`
	LastIncreaseDateTime   *time.Time `json:"LastIncreaseDateTime"`
	NumberOfDecreasesToday *int64     `json:"NumberOfDecreasesToday"`
	ReadCapacityUnits      *int64     `json:"ReadCapacityUnits"`
	WriteCapacityUnits     *int64     `json:"WriteCapacityUnits"`
}

// ReplicaDescription is DynamoDB's ReplicaDescription structure.
type ReplicaDescription struct {
	GlobalSecondaryIndexes             []ReplicaGlobalSecondaryIndexDescription `json:"GlobalSecondaryIndexes"`
	GlobalTableSettingsReplicationMode string                                   `json:"GlobalTableSettingsReplicationMode"`
	KMSMasterKeyId                     *string                                  `json:"KMSMasterKeyId"`
	OnDemandThroughputOverride         *OnDemandThroughputOverride              `json:"OnDemandThroughputOverride"`
	ProvisionedThroughputOverride      *ProvisionedThroughputOverride           `json:"ProvisionedThroughputOverride"`
	RegionName                         *string                                  `json:"RegionName"`
	ReplicaArn                         *string                                  `json:"ReplicaArn"`
	ReplicaInaccessibleDateTime        *time.Time                               `json:"ReplicaInaccessibleDateTime"`
	ReplicaStatus                      string                                   `json:"ReplicaStatus"`
	ReplicaStatusDescription           *string                                  `json:"ReplicaStatusDescription"`
	ReplicaStatusPercentProgress       *string                                  `json:"ReplicaStatusPercentProgress"`
	ReplicaTableClassSummary           *TableClassSummary                       `json:"ReplicaTableClassSummary"`
	WarmThroughput                     *TableWarmThroughputDescription          `json:"WarmThroughput"`
}

// ReplicaGlobalSecondaryIndexDescription is DynamoDB's ReplicaGlobalSecondaryIndexDescription structure.
type ReplicaGlobalSecondaryIndexDescription struct {
	IndexName                     *string                                        `json:"IndexName"`
	OnDemandThroughputOverride    *OnDemandThroughputOverride                    `json:"OnDemandThroughputOverride"`
	ProvisionedThroughputOverride *ProvisionedThroughputOverride                 `json:"ProvisionedThroughputOverride"`
	WarmThroughput                *GlobalSecondaryIndexWarmThroughputDescription `json:"WarmThroughput"`
}

// RestoreSummary is DynamoDB's RestoreSummary structure.
type RestoreSummary struct {
	RestoreDateTime   *time.Time `json:"RestoreDateTime"`
	RestoreInProgress *bool      `json:"RestoreInProgress"`
	SourceBackupArn   *string    `json:"SourceBackupArn"`
	SourceTableArn    *string    `json:"SourceTableArn"`
}

// SSEDescription is DynamoDB's SSEDescription structure.
type SSEDescription struct {
	InaccessibleEncryptionDateTime *time.Time `json:"InaccessibleEncryptionDateTime"`
	KMSMasterKeyArn                *string    `json:"KMSMasterKeyArn"`
	SSEType                        string     `json:"SSEType"`
	Status                         string     `json:"Status"`
}

// TableClassSummary is DynamoDB's TableClassSummary structure.
type TableClassSummary struct {
	LastUpdateDateTime *time.Time `json:"LastUpdateDateTime"`
	TableClass         string     `json:"TableClass"`
}

// TableWarmThroughputDescription is DynamoDB's TableWarmThroughputDescription structure.
type TableWarmThroughputDescription struct {
	ReadUnitsPerSecond  *int64 `json:"ReadUnitsPerSecond"`
	Status              string `json:"Status"`
	WriteUnitsPerSecond *int64 `json:"WriteUnitsPerSecond"`
}

// Tag is DynamoDB's Tag structure.
type Tag struct {
	Key   *string `json:"Key"`
	Value *string `json:"Value"`
}

// TimeToLiveDescription is DynamoDB's TimeToLiveDescription structure.
type TimeToLiveDescription struct {
	AttributeName    *string `json:"AttributeName"`
	TimeToLiveStatus string  `json:"TimeToLiveStatus"`
}

// TimeToLiveSpecification is DynamoDB's TimeToLiveSpecification structure.
type TimeToLiveSpecification struct {
	AttributeName *string `json:"AttributeName"`
	Enabled       *bool   `json:"Enabled"`
}

// UpdateGlobalSecondaryIndexAction is DynamoDB's UpdateGlobalSecondaryIndexAction structure.
type UpdateGlobalSecondaryIndexAction struct {
	IndexName             *string                `json:"IndexName"`
	OnDemandThroughput    *OnDemandThroughput    `json:"OnDemandThroughput"`
	ProvisionedThroughput *ProvisionedThroughput `json:"ProvisionedThroughput"`
	WarmThroughput        *WarmThroughput        `json:"WarmThroughput"`
}

// UpdateReplicationGroupMemberAction is DynamoDB's UpdateReplicationGroupMemberAction structure.
type UpdateReplicationGroupMemberAction struct {
	RegionName                    *string                        `json:"RegionName"`
	GlobalSecondaryIndexes        []ReplicaGlobalSecondaryIndex  `json:"GlobalSecondaryIndexes"`
	KMSMasterKeyId                *string                        `json:"KMSMasterKeyId"`
	OnDemandThroughputOverride    *OnDemandThroughputOverride    `json:"OnDemandThroughputOverride"`
	ProvisionedThroughputOverride *ProvisionedThroughputOverride `json:"ProvisionedThroughputOverride"`
	TableClassOverride            string                         `json:"TableClassOverride"`
}

// VectorCapacity is DynamoDB's VectorCapacity structure.
type VectorCapacity struct {
	VectorSearchRequestBytes *float64 `json:"VectorSearchRequestBytes"`
	VectorWriteRequestBytes  *float64 `json:"VectorWriteRequestBytes"`
}

// VectorIndex is DynamoDB's VectorIndex structure.
type VectorIndex struct {
	Dimensions       *int64                     `json:"Dimensions"`
	DistanceFunction string                     `json:"DistanceFunction"`
	IndexName        *string                    `json:"IndexName"`
	Projection       *Projection                `json:"Projection"`
	VectorAttribute  *VectorAttributeDefinition `json:"VectorAttribute"`
	SearchSchema     []SearchSchemaElement      `json:"SearchSchema"`
}

// SearchSchemaElement is DynamoDB's SearchSchemaElement structure.
type SearchSchemaElement struct {
	AttributeName           *string `json:"AttributeName"`
	SearchSchemaElementType string  `json:"SearchSchemaElementType"`
}

// VectorAttributeDefinition is DynamoDB's VectorAttributeDefinition structure.
type VectorAttributeDefinition struct {
	AttributeName *string `json:"AttributeName"`
}

// VectorIndexDescription is DynamoDB's VectorIndexDescription structure.
type VectorIndexDescription struct {
	Backfilling      *bool                      `json:"Backfilling"`
	Dimensions       *int64                     `json:"Dimensions"`
	DistanceFunction string                     `json:"DistanceFunction"`
	IndexArn         *string                    `json:"IndexArn"`
	IndexName        *string                    `json:"IndexName"`
	IndexSizeBytes   *int64                     `json:"IndexSizeBytes"`
	IndexStatus      string                     `json:"IndexStatus"`
	ItemCount        *int64                     `json:"ItemCount"`
	Projection       *Projection                `json:"Projection"`
	SearchSchema     []SearchSchemaElement      `json:"SearchSchema"`
	VectorAttribute  *VectorAttributeDefinition `json:"VectorAttribute"`
}

// VectorIndexUpdate is DynamoDB's VectorIndexUpdate structure.
type VectorIndexUpdate struct {
	Create *CreateVectorIndexAction `json:"Create"`
	Delete *DeleteVectorIndexAction `json:"Delete"`
}

// CreateVectorIndexAction is DynamoDB's CreateVectorIndexAction structure.
type CreateVectorIndexAction struct {
	Dimensions       *int64                     `json:"Dimensions"`
	DistanceFunction string                     `json:"DistanceFunction"`
	IndexName        *string                    `json:"IndexName"`
	Projection       *Projection                `json:"Projection"`
	VectorAttribute  *VectorAttributeDefinition `json:"VectorAttribute"`
	SearchSchema     []SearchSchemaElement      `json:"SearchSchema"`
}

// DeleteVectorIndexAction is DynamoDB's DeleteVectorIndexAction structure.
type DeleteVectorIndexAction struct {
	IndexName *string `json:"IndexName"`
}

// WarmThroughput is DynamoDB's WarmThroughput structure.
type WarmThroughput struct {
	ReadUnitsPerSecond  *int64 `json:"ReadUnitsPerSecond"`
	WriteUnitsPerSecond *int64 `json:"WriteUnitsPerSecond"`
}

// WriteRequest is DynamoDB's WriteRequest structure.
type WriteRequest struct {
	DeleteRequest *DeleteRequest `json:"DeleteRequest"`
	PutRequest    *PutRequest    `json:"PutRequest"`
}

// DeleteRequest is DynamoDB's DeleteRequest structure.
type DeleteRequest struct {
	Key Item `json:"Key"`
}

// PutRequest is DynamoDB's PutRequest structure.
type PutRequest struct {
	Item Item `json:"Item"`
}
