package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
)

// decodeJSON strictly decodes the request body into dst: the content type must be JSON,
// the body one JSON value, and every field known. Malformed JSON and unknown fields are 400;
// a value of the wrong type is 422 naming the field.
func decodeJSON(c *fiber.Ctx, dst any) error {
	ct := strings.ToLower(strings.TrimSpace(strings.SplitN(c.Get(fiber.HeaderContentType), ";", 2)[0]))
	if ct != fiber.MIMEApplicationJSON {
		return &accounts.Error{Code: accounts.CodeUnsupportedType, Message: "send the body as application/json"}
	}
	body := c.Body()
	if len(bytes.TrimSpace(body)) == 0 {
		return &accounts.Error{Code: accounts.CodeBadRequest, Message: "malformed JSON: the body is empty"}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &accounts.Error{Code: accounts.CodeBadRequest, Message: "malformed JSON: more than one value in the body"}
	}
	return nil
}

func jsonError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return &accounts.Error{Code: accounts.CodeBadRequest, Message: fmt.Sprintf("malformed JSON at byte %d", syntax.Offset)}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &accounts.Error{Code: accounts.CodeBadRequest, Message: "malformed JSON: the body ends too early"}
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed", Fields: map[string]string{field: "must be " + jsonKind(typ.Type.Kind().String())}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return &accounts.Error{Code: accounts.CodeBadRequest, Message: "unknown field " + strconv.Quote(name), Fields: map[string]string{name: "unknown field"}}
	default:
		return &accounts.Error{Code: accounts.CodeBadRequest, Message: "malformed JSON"}
	}
}

func jsonKind(goKind string) string {
	switch {
	case strings.HasPrefix(goKind, "int"), strings.HasPrefix(goKind, "uint"), strings.HasPrefix(goKind, "float"):
		return "a number"
	case goKind == "string":
		return "a string"
	case goKind == "bool":
		return "true or false"
	case goKind == "slice", goKind == "array":
		return "an array"
	default:
		return "an object"
	}
}

// PathID parses a positive integer path parameter; anything else names no resource, so
// it is CodeNotFound. The frontend's pages use it too.
func PathID(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, &accounts.Error{Code: accounts.CodeNotFound, Message: "not found"}
	}
	return id, nil
}
