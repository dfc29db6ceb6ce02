package api

import (
	"errors"
	"log/slog"
	"math"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
)

// statusByCode is the one table from domain error code to HTTP status.
var statusByCode = map[accounts.Code]int{
	accounts.CodeInvalid:         fiber.StatusUnprocessableEntity,
	accounts.CodeNotFound:        fiber.StatusNotFound,
	accounts.CodeConflict:        fiber.StatusConflict,
	accounts.CodeUnauthenticated: fiber.StatusUnauthorized,
	accounts.CodeForbidden:       fiber.StatusForbidden,
	accounts.CodeRateLimited:     fiber.StatusTooManyRequests,
	accounts.CodeUnavailable:     fiber.StatusServiceUnavailable,
	accounts.CodeInternal:        fiber.StatusInternalServerError,
	accounts.CodeCSRF:            fiber.StatusForbidden,
	accounts.CodeBadRequest:      fiber.StatusBadRequest,
	accounts.CodeTooLarge:        fiber.StatusRequestEntityTooLarge,
	accounts.CodeUnsupportedType: fiber.StatusUnsupportedMediaType,
}

// codeByStatus classifies Fiber's own errors (unknown route, body too large, ...).
var codeByStatus = map[int]accounts.Code{
	fiber.StatusBadRequest:            accounts.CodeBadRequest,
	fiber.StatusNotFound:              accounts.CodeNotFound,
	fiber.StatusMethodNotAllowed:      accounts.CodeNotFound,
	fiber.StatusRequestEntityTooLarge: accounts.CodeTooLarge,
	fiber.StatusUnsupportedMediaType:  accounts.CodeUnsupportedType,
	fiber.StatusRequestTimeout:        accounts.CodeUnavailable,
	fiber.StatusTooManyRequests:       accounts.CodeRateLimited,

	// Headers over fasthttp's buffer: the client's fault, not the server's.
	fiber.StatusRequestHeaderFieldsTooLarge: accounts.CodeBadRequest,
}

var messageByCode = map[accounts.Code]string{
	accounts.CodeNotFound:        "not found",
	accounts.CodeTooLarge:        "the request body is too large",
	accounts.CodeBadRequest:      "bad request",
	accounts.CodeUnsupportedType: "unsupported content type",
	accounts.CodeUnavailable:     "the service is temporarily unavailable",
	accounts.CodeInternal:        "internal error",
}

// DomainError turns any error into a user-safe *accounts.Error and its HTTP status.
// Unexpected errors become CodeInternal with a generic message.
func DomainError(err error) (int, *accounts.Error) {
	var de *accounts.Error
	var fe *fiber.Error
	switch {
	case errors.As(err, &de):
	case errors.As(err, &fe):
		code, ok := codeByStatus[fe.Code]
		if !ok {
			code = accounts.CodeInternal
		}
		msg := messageByCode[code]
		if msg == "" {
			msg = fe.Message
		}
		de = &accounts.Error{Code: code, Message: msg}
	default:
		de = accounts.Internal(err)
	}
	status, ok := statusByCode[de.Code]
	if !ok {
		status = fiber.StatusInternalServerError
	}
	if status == fiber.StatusInternalServerError {
		// Never show internals: keep only the code and a generic message.
		de = &accounts.Error{Code: accounts.CodeInternal, Message: "internal error", Err: de.Err}
	}
	return status, de
}

type errorBody struct {
	Error errorDTO `json:"error"`
}

type errorDTO struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// ErrorHandler is the one place where errors become responses: JSON envelopes for the API,
// pages rendered by HTMLError for everything else. Only internal errors are logged.
func (s *Server) ErrorHandler(c *fiber.Ctx, err error) error {
	if RequestID(c) == "" {
		// fasthttp refused the request before any middleware ran (a body or headers over
		// its limits): give the answer what every response carries.
		assignRequestID(c)
		setSecurityHeaders(c)
	}
	status, de := DomainError(err)
	if status >= 500 && s.Logger != nil {
		s.Logger.ErrorContext(c.UserContext(), "request failed", slog.String("request_id", RequestID(c)),
			slog.String("method", c.Method()), slog.String("path", c.Path()), slog.Int("status", status), slog.Any("error", err))
	}
	if de.Code == accounts.CodeRateLimited && de.RetryAfter > 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(de.RetryAfter.Seconds()))))
	}
	if !IsAPIPath(c.Path()) && s.HTMLError != nil {
		return s.HTMLError(c, status, de)
	}
	return c.Status(status).JSON(errorBody{Error: errorDTO{Code: string(de.Code), Message: de.Message, Fields: de.Fields}})
}
