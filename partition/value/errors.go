package value

import "fmt"

// ValidationError is returned when user input breaks one of DynamoDB's rules.
// Message is DynamoDB's exact message text; the API edge maps it to a
// ValidationException carrying that message.
type ValidationError struct {
	Message string
}

func (e *ValidationError) Error() string { return e.Message }

// Validationf returns a *ValidationError with a formatted message.
func Validationf(format string, args ...any) error {
	return &ValidationError{Message: fmt.Sprintf(format, args...)}
}
