package api

import (
	"io"
	"path"
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
)

// MaxImportBodyBytes bounds the body of a bulk import: a file of catalog.MaxImportBytes
// and its multipart envelope.
const MaxImportBodyBytes = catalog.MaxImportBytes + 64<<10

// largeBodies are the routes whose bodies may exceed MaxBodyBytes, each with its own
// limit. IDs in the paths are digits only, so no dot segment can make another route match.
var largeBodies = []struct {
	method string
	path   *regexp.Regexp
	limit  int
}{
	{fiber.MethodPost, regexp.MustCompile(`^/api/v1/organizations/[0-9]+/listings/import$`), MaxImportBodyBytes},
	{fiber.MethodPost, regexp.MustCompile(`^/orgs/[0-9]+/listings/import$`), MaxImportBodyBytes}, // the frontend's form
	{fiber.MethodPost, regexp.MustCompile(`^/api/v1/listings/[0-9]+/(images|documents)$`), MaxUploadRequestBytes},
	{fiber.MethodPost, regexp.MustCompile(`^/listings/[0-9]+/(images|documents)$`), MaxUploadRequestBytes}, // the editor's forms
	{fiber.MethodPost, regexp.MustCompile(`^/api/v1/fulfillments/[0-9]+/acceptances/[0-9]+/photos$`), MaxUploadRequestBytes},
	{fiber.MethodPost, regexp.MustCompile(`^/api/v1/custom-requests/[0-9]+/drawings$`), MaxUploadRequestBytes},
	// The pages' forms: the acceptance with its photos, photos added later, drawings.
	{fiber.MethodPost, regexp.MustCompile(`^/fulfillments/[0-9]+/(accept|photos)$`), MaxUploadRequestBytes},
	{fiber.MethodPost, regexp.MustCompile(`^/cabinet/custom-requests/[0-9]+/drawings$`), MaxUploadRequestBytes},
}

// bodyLimit is fasthttp's HeaderReceived hook: it chooses a request's body limit from its
// method and path before the body is read, so that every other route keeps MaxBodyBytes.
// They also get LargeRequestTimeout to read, process and answer.
func bodyLimit(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	p, _, _ := strings.Cut(string(h.RequestURI()), "?")
	if limit, ok := largeBody(string(h.Method()), p); ok {
		return fasthttp.RequestConfig{MaxRequestBodySize: limit, ReadTimeout: LargeRequestTimeout, WriteTimeout: LargeRequestTimeout}
	}
	return fasthttp.RequestConfig{}
}

// largeBody returns the body limit of a route of largeBodies, and whether it is one.
func largeBody(method, path string) (int, bool) {
	for _, r := range largeBodies {
		if method == r.method && r.path.MatchString(path) {
			return r.limit, true
		}
	}
	return 0, false
}

type importErrorDTO struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

type importReportDTO struct {
	Created     int              `json:"created"`
	Updated     int              `json:"updated"`
	Unchanged   int              `json:"unchanged"`
	DryRun      bool             `json:"dry_run"`
	Errors      []importErrorDTO `json:"errors"`
	TotalErrors int              `json:"total_errors"`
	// Error is the envelope's error when the file was refused.
	Error *errorDTO `json:"error,omitempty"`
}

func newImportReport(r catalog.ImportReport) importReportDTO {
	out := importReportDTO{Created: r.Created, Updated: r.Updated, Unchanged: r.Unchanged, DryRun: r.DryRun,
		Errors: make([]importErrorDTO, len(r.Errors)), TotalErrors: r.TotalErrors}
	for i, e := range r.Errors {
		out.Errors[i] = importErrorDTO{Row: e.Row, Column: e.Column, Message: e.Message}
	}
	return out
}

// ImportFile reads an import file from a request: the multipart field "file" (its format
// from the file's name: .jsonl or .ndjson for JSON Lines, CSV otherwise), or the raw body
// as text/csv or application/x-ndjson. The frontend's form uses it too.
func ImportFile(c *fiber.Ctx) (catalog.ImportFormat, []byte, error) {
	ct := strings.ToLower(strings.TrimSpace(strings.SplitN(c.Get(fiber.HeaderContentType), ";", 2)[0]))
	switch ct {
	case "text/csv":
		return catalog.ImportCSV, c.Body(), nil
	case "application/x-ndjson", "application/jsonl":
		return catalog.ImportJSONLines, c.Body(), nil
	case fiber.MIMEMultipartForm:
	default:
		return "", nil, &accounts.Error{Code: accounts.CodeUnsupportedType,
			Message: "send the file as multipart/form-data (field \"file\"), text/csv or application/x-ndjson"}
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return "", nil, &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed", Fields: map[string]string{"file": "choose a file to import"}}
	}
	f, err := fh.Open()
	if err != nil {
		return "", nil, accounts.Internal(err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, catalog.MaxImportBytes+1))
	if err != nil {
		return "", nil, accounts.Internal(err)
	}
	switch strings.ToLower(path.Ext(fh.Filename)) {
	case ".jsonl", ".ndjson":
		return catalog.ImportJSONLines, data, nil
	}
	return catalog.ImportCSV, data, nil
}

// dryRunParam reads ?dry_run=true|false (absent: false).
func dryRunParam(v string) (bool, error) {
	switch v {
	case "", "false", "0":
		return false, nil
	case "true", "1":
		return true, nil
	}
	return false, &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed", Fields: map[string]string{"dry_run": "true or false"}}
}

func (s *Server) importListings(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	dryRun, err := dryRunParam(c.Query("dry_run"))
	if err != nil {
		return err
	}
	format, data, err := ImportFile(c)
	if err != nil {
		return err
	}
	rep, err := s.Catalog.ImportListings(c.UserContext(), ActorOf(c), id, format, data, dryRun)
	if err != nil && len(rep.Errors) == 0 {
		return err
	}
	out := newImportReport(rep)
	status := fiber.StatusOK
	if err != nil {
		// The file was refused row by row: the report is the answer, with the status and
		// envelope of the domain's error.
		var de *accounts.Error
		status, de = DomainError(err)
		out.Error = &errorDTO{Code: string(de.Code), Message: de.Message, Fields: de.Fields}
	}
	return c.Status(status).JSON(out)
}
