// Package accounts is the root of Sheber's domain: organizations, users, memberships, roles,
// sessions and API tokens, and the authorization policy that every read and write of every
// domain package goes through.
//
// It imports the standard library only. Because it is the root of the domain's import graph,
// it also owns the one error type that all domain packages return: Error, with a Code that the
// transport layer maps to a status in one table.
package accounts

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Code classifies a domain error. The HTTP layer maps each code to one status.
type Code string

// Error codes shared by every domain package.
const (
	CodeInvalid         Code = "invalid"          // input failed validation (fields say which)
	CodeNotFound        Code = "not_found"        // the resource does not exist or the actor may not know it does
	CodeConflict        Code = "conflict"         // the change conflicts with the current state
	CodeUnauthenticated Code = "unauthenticated"  // no valid session or token
	CodeForbidden       Code = "forbidden"        // authenticated, a member, but the role does not allow it
	CodeRateLimited     Code = "rate_limited"     // too many attempts; RetryAfter says when to come back
	CodeUnavailable     Code = "unavailable"      // a dependency is down
	CodeInternal        Code = "internal"         // a bug or an unexpected failure; never shown in detail
	CodeCSRF            Code = "csrf_failed"      // a state-changing request without a valid CSRF token
	CodeBadRequest      Code = "bad_request"      // the request itself is malformed (not the values in it)
	CodeTooLarge        Code = "too_large"        // the request body is over its limit
	CodeUnsupportedType Code = "unsupported_type" // a content type that is not accepted
)

// Error is the error type of the domain. Message is safe to show to the user; Err, if set,
// is the internal cause and is only logged.
type Error struct {
	Code       Code
	Message    string
	Fields     map[string]string // field name -> what is wrong with it
	RetryAfter time.Duration     // for CodeRateLimited
	Err        error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Code))
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, " [%s: %s]", k, e.Fields[k])
		}
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrNotFound) true for every *Error with the same code, so that
// callers can test the class of an error without caring about its message.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Fields == nil && t.Code == e.Code
}

// Sentinels to compare against with errors.Is; they match any *Error of their code.
var (
	ErrInvalid         = &Error{Code: CodeInvalid}
	ErrNotFound        = &Error{Code: CodeNotFound}
	ErrConflict        = &Error{Code: CodeConflict}
	ErrUnauthenticated = &Error{Code: CodeUnauthenticated}
	ErrForbidden       = &Error{Code: CodeForbidden}
	ErrRateLimited     = &Error{Code: CodeRateLimited}
)

// Errorf returns an *Error of code with a formatted user-safe message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Internal wraps an unexpected error; its text is logged and never shown.
func Internal(err error) *Error {
	return &Error{Code: CodeInternal, Message: "internal error", Err: err}
}

// ErrorCode returns the code of err, CodeInternal for errors that are not *Error, "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// Validation collects field errors; its Err method returns nil when nothing was added.
type Validation map[string]string

// Add records problem for field unless the field already has one (the first problem wins).
func (v Validation) Add(field, problem string) {
	if _, ok := v[field]; !ok {
		v[field] = problem
	}
}

// Err returns an *Error of CodeInvalid listing the fields, or nil.
func (v Validation) Err() error {
	if len(v) == 0 {
		return nil
	}
	return &Error{Code: CodeInvalid, Message: "validation failed", Fields: map[string]string(v)}
}
