package frontend

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/api"
	"github.com/sheber-kz/sheber/orders"
)

// form is what a form sent, to fill it in again, and what the domain found wrong with it.
type form struct {
	Values map[string]string
	Errors map[string]string // field -> problem, in the domain's (English) words
}

// Value returns what was sent in field.
func (f form) Value(field string) string { return f.Values[field] }

// Error returns the problem with field, or "".
func (f form) Error(field string) string { return f.Errors[field] }

// HasErrors reports whether any field has a problem.
func (f form) HasErrors() bool { return len(f.Errors) > 0 }

// formKeyField is the hidden field that makes a create form idempotent: a random key made
// when the form is shown and sent with it, so that a second press of its button (or a
// resend after a lost answer) finds what the first press made instead of making it again.
// The pages keep the key when they show the form again after an error (nothing was made).
const formKeyField = "form_key"

// formKeyBytes is the randomness of a form key (hex-encoded in the page).
const formKeyBytes = 16

// withKey returns f with a form key, a new one unless it has one.
func (f form) withKey() form {
	if f.Values == nil {
		f.Values = map[string]string{}
	}
	if f.Values[formKeyField] == "" {
		b := make([]byte, formKeyBytes)
		_, _ = rand.Read(b) // never fails (crypto/rand)
		f.Values[formKeyField] = hex.EncodeToString(b)
	}
	return f
}

// formKey keeps the form key the request sent in f and returns the idempotency key of the
// create, for the signed-in user, over the request's path and f's values; nil when the
// request sent none (or one no page makes), so that the form still works without it.
func formKey(c *fiber.Ctx, actor accounts.Actor, f form) *orders.IdempotencyKey {
	v := strings.Clone(c.FormValue(formKeyField))
	if len(v) != 2*formKeyBytes || strings.Trim(v, "0123456789abcdef") != "" || actor.UserID == 0 {
		return nil
	}
	f.Values[formKeyField] = v
	names := make([]string, 0, len(f.Values))
	for name := range f.Values {
		if name != formKeyField {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	h := sha256.New()
	h.Write([]byte(c.Method() + "\x00" + c.Path()))
	for _, name := range names {
		h.Write([]byte("\x00" + name + "=" + f.Values[name]))
	}
	return &orders.IdempotencyKey{Scope: "user:" + strconv.FormatInt(actor.UserID, 10), Key: "form:" + v, RequestHash: h.Sum(nil)}
}

// formValue returns a form field copied out of Fiber's reused buffers, with any bytes that
// are not UTF-8 replaced by U+FFFD as encoding/json does for the API: such text would
// otherwise reach PostgreSQL, which refuses it, and the form would fail with a 500.
func formValue(c *fiber.Ctx, field string) string {
	return strings.ToValidUTF8(strings.Clone(c.FormValue(field)), "\uFFFD")
}

// formProblem reports whether err is about what a form sent, so that the form should be
// shown again with its fields marked rather than an error page: a 4xx error naming fields
// (failed validation, an e-mail already invited). It returns the status the API's error
// mapping gives err and the field problems.
func formProblem(err error) (status int, fields map[string]string, ok bool) {
	if err == nil {
		return 0, nil, false
	}
	status, de := api.DomainError(err)
	if status >= 500 || len(de.Fields) == 0 {
		return 0, nil, false
	}
	return status, de.Fields, true
}

// maxNextLength bounds the address a form may ask to return to.
const maxNextLength = 2048

// safeNext returns next if it is a path on this site ("/account?tab=1"), and fallback
// otherwise, so that a link like /login?next=https://evil.example cannot send a visitor
// elsewhere after signing in. The result is a copy, safe to keep.
func safeNext(next, fallback string) string {
	if next == "" || len(next) > maxNextLength || next[0] != '/' || strings.HasPrefix(next, "//") {
		return fallback
	}
	for _, r := range next {
		// Browsers read a backslash as a slash ("/\evil.example") and drop tabs and newlines.
		if r == '\\' || r < 0x20 || r == 0x7f {
			return fallback
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return fallback
	}
	return strings.Clone(next)
}

// fieldView is what the editor's "input" template needs to draw one labelled field.
type fieldView struct {
	Form  form
	Name  string // the form field, also the element's id after "e-"
	Label string
	// Type is an input type ("text"), "numeric" or "decimal" (a text field with that
	// keyboard), or "textarea".
	Type string
	Lang string // the language of the field's text, if it has one
}

// Value is what the field holds.
func (f fieldView) Value() string { return f.Form.Value(f.Name) }

// Error is the problem with the field, or "".
func (f fieldView) Error() string { return f.Form.Error(f.Name) }

// newField builds a fieldView; templates call it as {{field .Form "name" "Label" "text" ""}}.
func newField(f form, name, label, typ, lang string) fieldView {
	return fieldView{Form: f, Name: name, Label: label, Type: typ, Lang: lang}
}
