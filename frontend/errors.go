package frontend

import (
	"bytes"
	"math"
	"net/url"
	"sort"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/api"
)

// errorCodes are the codes the error page has a title and text for (error.<code>.title
// and error.<code>.text in every locale; a test checks).
var errorCodes = []accounts.Code{
	accounts.CodeInvalid, accounts.CodeNotFound, accounts.CodeConflict, accounts.CodeUnauthenticated,
	accounts.CodeForbidden, accounts.CodeRateLimited, accounts.CodeUnavailable, accounts.CodeInternal,
	accounts.CodeCSRF, accounts.CodeBadRequest, accounts.CodeTooLarge, accounts.CodeUnsupportedType,
}

// detailedCodes are those whose domain message says more than the page's own text and
// is worth showing (in English, as the domain words it).
var detailedCodes = map[accounts.Code]bool{
	accounts.CodeInvalid: true, accounts.CodeConflict: true, accounts.CodeBadRequest: true,
}

// errorPage is the data of the error page.
type errorPage struct {
	Status       int
	Code         string
	Detail       string
	Fields       []fieldProblem
	RetryMinutes int
	RequestID    string // shown for server errors, to quote to support
	SignInURL    string // for CodeUnauthenticated
}

// fieldProblem is one field error listed on the error page.
type fieldProblem struct{ Field, Problem string }

// RenderError renders the error page for requests to pages, with the status the API's
// error mapping chose and a message in the visitor's language. A GET that needs a signed-in
// user is sent to the sign-in form instead, which brings the visitor back afterwards.
// It is api.Server's HTMLError.
func (ui *UI) RenderError(c *fiber.Ctx, status int, e *accounts.Error) error {
	method := c.Method()
	if e.Code == accounts.CodeUnauthenticated && (method == fiber.MethodGet || method == fiber.MethodHead) {
		return c.Redirect(loginURL(c.OriginalURL()), fiber.StatusSeeOther)
	}
	page := errorPage{Status: status, Code: string(e.Code)}
	if !knownErrorCode(e.Code) {
		page.Code = string(accounts.CodeInternal)
	}
	if detailedCodes[e.Code] {
		page.Detail = e.Message
		for field, problem := range e.Fields {
			page.Fields = append(page.Fields, fieldProblem{field, problem})
		}
		sort.Slice(page.Fields, func(i, j int) bool { return page.Fields[i].Field < page.Fields[j].Field })
	}
	if e.Code == accounts.CodeRateLimited && e.RetryAfter > 0 {
		page.RetryMinutes = int(math.Ceil(e.RetryAfter.Minutes()))
	}
	if status >= fiber.StatusInternalServerError {
		page.RequestID = api.RequestID(c)
	}
	if e.Code == accounts.CodeUnauthenticated {
		page.SignInURL = loginURL("")
	}
	v := ui.newView(c, page)
	var buf bytes.Buffer
	if err := ui.execute(&buf, pageError, v); err != nil {
		// The error page itself failed: say so plainly rather than fail twice.
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		return c.Status(status).SendString(e.Message + "\nrequest " + api.RequestID(c) + "\n")
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Vary(fiber.HeaderCookie, fiber.HeaderAcceptLanguage)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Send(buf.Bytes())
}

func knownErrorCode(code accounts.Code) bool {
	for _, c := range errorCodes {
		if c == code {
			return true
		}
	}
	return false
}

// loginURL is the sign-in form, returning to next (a path on this site) afterwards.
func loginURL(next string) string {
	next = safeNext(next, "")
	if next == "" {
		return "/login"
	}
	return "/login?next=" + url.QueryEscape(next)
}
