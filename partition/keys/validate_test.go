package keys

import (
	"errors"
	"strings"
	"testing"

	"github.com/atolldb/atoll/partition/value"
)

func TestValidateKeyValue(t *testing.T) {
	tests := []struct {
		name string
		want value.Type
		v    value.Value
		role Role
		msg  string // "" for nil
	}{
		{"S ok", value.TypeS, value.S("a"), PartitionKey, ""},
		{"N zero ok", value.TypeN, value.N(value.NumberFromInt(0)), SortKey, ""},
		{"B ok", value.TypeB, value.B([]byte{0}), SortKey, ""},
		{"S hash max", value.TypeS, value.S(strings.Repeat("x", 2048)), PartitionKey, ""},
		{"S range max", value.TypeS, value.S(strings.Repeat("x", 1024)), SortKey, ""},
		{"multibyte counts bytes", value.TypeS, value.S(strings.Repeat("é", 512)), SortKey, ""},
		{"type mismatch", value.TypeS, value.N(value.NumberFromInt(1)), PartitionKey,
			"One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N"},
		{"type mismatch map", value.TypeB, value.M(nil), SortKey,
			"One or more parameter values were invalid: Type mismatch for key pk expected: B actual: M"},
		{"empty string", value.TypeS, value.S(""), PartitionKey,
			"One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk"},
		{"empty binary", value.TypeB, value.B(nil), SortKey,
			"One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty binary value. Key: pk"},
		{"hash key too big", value.TypeS, value.S(strings.Repeat("x", 2049)), PartitionKey,
			"One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes"},
		{"hash key binary too big", value.TypeB, value.B(make([]byte, 2049)), PartitionKey,
			"One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes"},
		{"range key too big", value.TypeS, value.S(strings.Repeat("é", 513)), SortKey,
			"One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateKeyValue("pk", tt.want, tt.v, tt.role)
			if tt.msg == "" {
				if err != nil {
					t.Errorf("ValidateKeyValue(%s) = %v, want nil", tt.name, err)
				}
				return
			}
			var ve *value.ValidationError
			if !errors.As(err, &ve) || ve.Message != tt.msg {
				t.Errorf("ValidateKeyValue(%s) = %v, want ValidationError %q", tt.name, err, tt.msg)
			}
		})
	}
}
