package keys

import "errors"

// Sentinel errors. They describe programming or storage faults, not user
// input: user input is rejected earlier with a *value.ValidationError carrying
// DynamoDB's message (see ValidateSegment and value.ValidateKeyValue). Callers match
// them with errors.Is; the returned errors wrap them with short context.
var (
	// ErrNotKeyType is returned when a value or type other than S, N or B is
	// given to the encoder, the decoder or Position.
	ErrNotKeyType = errors.New("keys: not a key type (S, N or B)")

	// ErrNumberRange is returned when a Number handed to the encoder is not in
	// DynamoDB's canonical range: more than 38 significant digits, an exponent
	// outside 1E-130 .. 9.9999999999999999999999999999999999999E+125, or
	// digits that are not canonical. value.ParseNumber never produces one.
	ErrNumberRange = errors.New("keys: number outside DynamoDB's key range")

	// ErrCorrupt is returned when bytes given to a decoder are not a valid
	// encoding: truncated, a wrong type tag, a non-canonical form, trailing
	// bytes, or a ring position whose hash does not match its partition key.
	ErrCorrupt = errors.New("keys: corrupt key encoding")
)
