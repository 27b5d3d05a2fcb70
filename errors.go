package soroe

import (
	"errors"
	"fmt"
)

// Error codes. They map onto HTTP statuses in the web package and onto exit
// messages in the CLI.
const (
	ENotFound     = "not_found"
	EInvalid      = "invalid"
	EConflict     = "conflict"
	EForbidden    = "forbidden"
	EUnauthorized = "unauthorized"
	ETooMany      = "too_many_requests"
	EInternal     = "internal"
)

// Error is an error a user may see. Field names the input it is about, if any;
// Message is a stable key (translated by the UI), never free text built from
// user input.
type Error struct {
	Code    string
	Field   string
	Message string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("soroe: %s: %s: %s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("soroe: %s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EInvalid error about one input field.
func Invalid(field, message string) *Error {
	return &Error{Code: EInvalid, Field: field, Message: message}
}

// ErrNotFound is returned when a thing does not exist, or exists in another
// organization (which, from where the caller stands, is the same).
var ErrNotFound = &Error{Code: ENotFound, Message: "not_found"}

// ErrorCode returns the code of err, EInternal for errors that are not ours,
// and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorField returns the field an *Error is about, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// ErrorMessage returns the stable message key of an *Error, "internal" for
// other errors, and "" for nil.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "internal"
}
