package api

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/orders"
)

// spec is the part of api/openapi.yaml that the tests read.
type spec struct {
	OpenAPI string `yaml:"openapi"`
	Info    struct {
		Limits map[string]int64 `yaml:"x-limits"`
	} `yaml:"info"`
	Paths      map[string]map[string]any `yaml:"paths"`
	Components struct {
		Schemas         map[string]schema `yaml:"schemas"`
		SecuritySchemes map[string]struct {
			Type   string `yaml:"type"`
			In     string `yaml:"in"`
			Name   string `yaml:"name"`
			Scheme string `yaml:"scheme"`
		} `yaml:"securitySchemes"`
	} `yaml:"components"`
}

type schema struct {
	Ref                  string            `yaml:"$ref"`
	Type                 any               `yaml:"type"` // a name, or a list of names (3.1)
	Format               string            `yaml:"format"`
	Enum                 []string          `yaml:"enum"`
	Required             []string          `yaml:"required"`
	Properties           map[string]schema `yaml:"properties"`
	AdditionalProperties any               `yaml:"additionalProperties"`
	Items                *schema           `yaml:"items"`
	OneOf                []schema          `yaml:"oneOf"`
}

// types returns the JSON types the schema allows, and the $ref it points to, if any.
func (s schema) types() (types []string, ref string) {
	switch t := s.Type.(type) {
	case string:
		types = []string{t}
	case []any:
		for _, x := range t {
			types = append(types, fmt.Sprint(x))
		}
	}
	ref = s.Ref
	for _, o := range s.OneOf {
		ts, r := o.types()
		types = append(types, ts...)
		if r != "" {
			ref = r
		}
	}
	return types, ref
}

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

func loadSpec(t *testing.T) (spec, map[string]any) {
	t.Helper()
	var s spec
	if err := yaml.Unmarshal(OpenAPISpec(), &s); err != nil {
		t.Fatalf("api/openapi.yaml: %v", err)
	}
	var raw map[string]any
	if err := yaml.Unmarshal(OpenAPISpec(), &raw); err != nil {
		t.Fatalf("api/openapi.yaml: %v", err)
	}
	if !strings.HasPrefix(s.OpenAPI, "3.1.") {
		t.Fatalf("api/openapi.yaml: openapi is %q, want 3.1.x", s.OpenAPI)
	}
	return s, raw
}

// fiberParam matches Fiber's path parameters (":id", ":id?", ":id<int>").
var fiberParam = regexp.MustCompile(`:([A-Za-z0-9_]+)(<[^>]*>)?\??`)

// TestOpenAPICoversEveryRoute fails for every API route that NewApp registers and the spec
// does not describe, and for every operation in the spec that no route serves.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	s, _ := loadSpec(t)
	app := NewApp(&Server{Metrics: NewMetrics()})

	routes := map[string]bool{}
	for _, r := range app.GetRoutes(true) { // true: without Use middleware (and the /api/v1 catch-all)
		if r.Method == "HEAD" || r.Method == "USE" || r.Method == "CONNECT" {
			continue // Fiber adds HEAD to every GET itself
		}
		if r.Path == "/media/*" {
			routes[r.Method+" /media/{key}"] = true
			continue
		}
		if !IsAPIPath(r.Path) { // pages of the frontend are not part of the API
			continue
		}
		routes[r.Method+" "+fiberParam.ReplaceAllString(r.Path, "{$1}")] = true
	}
	if len(routes) < 10 {
		t.Fatalf("found only %d routes in NewApp; is the route walk broken? %v", len(routes), routes)
	}

	operations := map[string]bool{}
	for path, item := range s.Paths {
		for key := range item {
			if slices.Contains(httpMethods, key) {
				operations[strings.ToUpper(key)+" "+path] = true
			}
		}
	}

	var missing, extra []string
	for r := range routes {
		if !operations[r] {
			missing = append(missing, r)
		}
	}
	for op := range operations {
		if !routes[op] {
			extra = append(extra, op)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	for _, r := range missing {
		t.Errorf("route %s is registered in api.NewApp but not described in api/openapi.yaml", r)
	}
	for _, op := range extra {
		t.Errorf("api/openapi.yaml describes %s, which api.NewApp does not register", op)
	}
}

// TestOpenAPIRefsResolve checks that every $ref in the spec points at something.
func TestOpenAPIRefsResolve(t *testing.T) {
	_, raw := loadSpec(t)
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if k == "$ref" {
					ref, _ := x.(string)
					if !resolves(raw, ref) {
						t.Errorf("%s: $ref %q does not resolve", path, ref)
					}
					continue
				}
				walk(path+"/"+k, x)
			}
		case []any:
			for i, x := range v {
				walk(fmt.Sprintf("%s/%d", path, i), x)
			}
		}
	}
	walk("#", raw)
}

func resolves(doc map[string]any, ref string) bool {
	if !strings.HasPrefix(ref, "#/") {
		return false
	}
	var cur any = doc
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if cur, ok = m[part]; !ok {
			return false
		}
	}
	return true
}

// TestOpenAPIOperations checks what every operation must say: its error responses point at
// the shared envelope, path parameters are declared, state-changing operations list the
// CSRF rule with the session, and 429 carries Retry-After.
func TestOpenAPIOperations(t *testing.T) {
	_, raw := loadSpec(t)
	responses := raw["components"].(map[string]any)["responses"].(map[string]any)
	for name, r := range responses {
		content, _ := r.(map[string]any)["content"].(map[string]any)
		js, _ := content["application/json"].(map[string]any)
		sch, _ := js["schema"].(map[string]any)
		if sch["$ref"] != "#/components/schemas/ErrorEnvelope" && !carriesEnvelope(raw, sch) {
			t.Errorf("components/responses/%s: schema is not the error envelope (nor one that requires its error)", name)
		}
	}
	rl := responses["RateLimited"].(map[string]any)
	if _, ok := rl["headers"].(map[string]any)["Retry-After"]; !ok {
		t.Errorf("components/responses/RateLimited has no Retry-After header")
	}

	paths := raw["paths"].(map[string]any)
	param := regexp.MustCompile(`\{([^}]+)\}`)
	for path, it := range paths {
		item := it.(map[string]any)
		declared := map[string]bool{}
		collect := func(list any) {
			for _, p := range asList(list) {
				pm := p.(map[string]any)
				if ref, ok := pm["$ref"].(string); ok {
					pm = lookup(raw, ref)
				}
				if pm["in"] == "path" {
					declared[fmt.Sprint(pm["name"])] = true
				}
			}
		}
		collect(item["parameters"])
		for _, method := range httpMethods {
			o, ok := item[method]
			if !ok {
				continue
			}
			op := o.(map[string]any)
			name := strings.ToUpper(method) + " " + path
			collect(op["parameters"])
			for _, m := range param.FindAllStringSubmatch(path, -1) {
				if !declared[m[1]] {
					t.Errorf("%s: path parameter %q is not declared", name, m[1])
				}
			}
			resps, _ := op["responses"].(map[string]any)
			if len(resps) == 0 {
				t.Errorf("%s: no responses", name)
			}
			has2xx := false
			for code, r := range resps {
				if strings.HasPrefix(code, "2") {
					has2xx = true
				}
				rm := r.(map[string]any)
				if ref, ok := rm["$ref"].(string); ok {
					rm = lookup(raw, ref)
				}
				if code == "429" {
					if _, ok := rm["headers"].(map[string]any)["Retry-After"]; !ok {
						t.Errorf("%s: 429 without Retry-After", name)
					}
				}
				if code >= "400" && path != "/readyz" {
					if _, ok := r.(map[string]any)["$ref"]; !ok {
						t.Errorf("%s: error response %s does not use a shared component", name, code)
					}
				}
			}
			if !has2xx {
				t.Errorf("%s: no success response", name)
			}
			for _, code := range []string{"500"} {
				if _, ok := resps[code]; !ok {
					t.Errorf("%s: response %s is not listed", name, code)
				}
			}
			if strings.HasPrefix(path, "/api/v1/") {
				if _, ok := resps["401"]; !ok {
					t.Errorf("%s: 401 is not listed (a malformed Authorization header gets it on every route)", name)
				}
			}
			security, ok := op["security"]
			if !ok {
				t.Errorf("%s: no security requirements", name)
			}
			if method != "get" {
				for _, code := range []string{"403", "413"} {
					if _, ok := resps[code]; !ok {
						t.Errorf("%s: state-changing operation does not list %s", name, code)
					}
				}
				for _, req := range asList(security) {
					rm := req.(map[string]any)
					if _, cookie := rm["sessionCookie"]; cookie {
						if _, csrf := rm["csrfHeader"]; !csrf {
							t.Errorf("%s: a session may change state only with X-CSRF-Token; pair sessionCookie with csrfHeader", name)
						}
					}
				}
			}
			if body, ok := op["requestBody"]; ok {
				for _, code := range []string{"400", "415", "422"} {
					if _, ok := resps[code]; !ok {
						t.Errorf("%s: takes a JSON body but does not list %s", name, code)
					}
				}
				content := body.(map[string]any)["content"].(map[string]any)
				if _, ok := content["application/json"]; (!ok || len(content) != 1) && !fileUpload(content) {
					t.Errorf("%s: the request body must be application/json only (or a file upload: multipart/form-data and raw file types)", name)
				}
			}
		}
	}
}

// carriesEnvelope reports whether a response schema refers to an object that requires
// the envelope's error beside other fields (an import's report of refused rows).
func carriesEnvelope(raw map[string]any, sch map[string]any) bool {
	ref, _ := sch["$ref"].(string)
	if ref == "" {
		return false
	}
	obj := lookup(raw, ref)
	props, _ := obj["properties"].(map[string]any)
	e, _ := props["error"].(map[string]any)
	return slices.Contains(asList(obj["required"]), any("error")) && e["$ref"] == "#/components/schemas/Error"
}

// fileUploadTypes are the request body types an operation that takes a file may list
// beside multipart/form-data.
var fileUploadTypes = map[string]bool{"multipart/form-data": true, "text/csv": true, "application/x-ndjson": true}

// fileUpload reports whether a request body's content is that of a file upload.
func fileUpload(content map[string]any) bool {
	if _, ok := content["multipart/form-data"]; !ok {
		return false
	}
	for ct := range content {
		if !fileUploadTypes[ct] {
			return false
		}
	}
	return true
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func lookup(doc map[string]any, ref string) map[string]any {
	var cur any = doc
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		cur = cur.(map[string]any)[part]
	}
	m, _ := cur.(map[string]any)
	return m
}

// TestOpenAPISecuritySchemes pins the schemes to the names the code uses.
func TestOpenAPISecuritySchemes(t *testing.T) {
	s, _ := loadSpec(t)
	ss := s.Components.SecuritySchemes
	if c := ss["sessionCookie"]; c.Type != "apiKey" || c.In != "cookie" || c.Name != SessionCookie {
		t.Errorf("sessionCookie scheme = %+v, want apiKey in cookie %s", c, SessionCookie)
	}
	if c := ss["csrfHeader"]; c.Type != "apiKey" || c.In != "header" || c.Name != CSRFHeader {
		t.Errorf("csrfHeader scheme = %+v, want apiKey in header %s", c, CSRFHeader)
	}
	if c := ss["apiToken"]; c.Type != "http" || c.Scheme != "bearer" {
		t.Errorf("apiToken scheme = %+v, want http bearer", c)
	}
}

// TestOpenAPILimits keeps the numbers the spec states equal to the constants in the code.
func TestOpenAPILimits(t *testing.T) {
	s, _ := loadSpec(t)
	want := map[string]int64{
		"max_body_bytes":                   MaxBodyBytes,
		"max_import_body_bytes":            MaxImportBodyBytes,
		"max_import_bytes":                 catalog.MaxImportBytes,
		"max_import_rows":                  catalog.MaxImportRows,
		"max_import_errors":                catalog.MaxImportErrors,
		"request_timeout_seconds":          int64(RequestTimeout / time.Second),
		"session_idle_timeout_seconds":     int64(accounts.SessionIdleTimeout / time.Second),
		"session_absolute_timeout_seconds": int64(accounts.SessionAbsoluteTimeout / time.Second),
		"login_failures_per_account":       accounts.LoginFailuresPerAccount,
		"login_failures_per_ip":            accounts.LoginFailuresPerIP,
		"login_window_seconds":             int64(accounts.LoginWindow / time.Second),
		"invitation_ttl_seconds":           int64(accounts.InvitationTTL / time.Second),
		"max_active_tokens_per_org":        accounts.MaxActiveTokensPerOrg,
		"max_token_name_length":            accounts.MaxTokenNameLength,
		"min_password_length":              accounts.MinPasswordLength,
		"max_password_length":              accounts.MaxPasswordLength,
		"max_name_length":                  accounts.MaxNameLength,
		"max_email_length":                 accounts.MaxEmailLength,
		"max_listing_title_length":         catalog.MaxTitleLength,
		"max_listing_description_length":   catalog.MaxDescriptionLength,
		"max_listing_attribute_length":     catalog.MaxAttributeLength,
		"max_listing_external_code_length": catalog.MaxExternalCodeLen,
		"max_price_tiyn":                   catalog.MaxPriceTiyn,
		"max_min_order_qty":                catalog.MaxMinOrderQuantity,
		"max_lead_time_days":               catalog.MaxLeadTimeDays,
		"max_labour_minutes_per_unit":      catalog.MaxLabourMinutes,
		"max_ready_stock":                  catalog.MaxReadyStock,
		"max_sites_per_listing":            catalog.MaxSitesPerListing,
		"max_dimension_mm":                 catalog.MaxDimensionMM,
		"max_search_query_length":          catalog.MaxQueryLength,
		"max_search_page":                  catalog.MaxPage,
		"max_search_per_page":              catalog.MaxPerPage,
		"default_search_per_page":          catalog.DefaultPerPage,
		"max_suggestions":                  catalog.MaxSuggestions,
		"min_suggest_length":               catalog.MinSuggestLength,
		"max_upload_request_bytes":         MaxUploadRequestBytes,
		"max_image_bytes":                  catalog.MaxImageBytes,
		"max_document_bytes":               catalog.MaxDocumentBytes,
		"max_image_pixels":                 catalog.MaxPixels,
		"max_images_per_listing":           catalog.MaxImagesPerListing,
		"max_documents_per_listing":        catalog.MaxDocumentsPerListing,
		"max_files_per_upload":             catalog.MaxFilesPerUpload,
		"max_alt_length":                   catalog.MaxAltLength,
		"max_invoice_number_length":        orders.MaxInvoiceNumberLength,
		"max_treasury_ref_length":          orders.MaxTreasuryRefLength,
		"max_invoice_note_length":          orders.MaxInvoiceNoteLength,
		"max_invoices_per_fulfillment":     orders.MaxInvoicesPerFulfillment,
		"max_payments_per_invoice":         orders.MaxPaymentsPerInvoice,
		"max_photo_bytes":                  orders.MaxPhotoBytes,
		"max_drawing_image_bytes":          orders.MaxDrawingImageBytes,
		"max_drawing_pdf_bytes":            orders.MaxDrawingPDFBytes,
		"max_photos_per_acceptance":        orders.MaxPhotosPerAcceptance,
		"max_drawings_per_request":         orders.MaxDrawingsPerRequest,
		"acceptance_photo_window_seconds":  int64(orders.AcceptancePhotoWindow / time.Second),
	}
	for k, v := range want {
		got, ok := s.Info.Limits[k]
		if !ok {
			t.Errorf("info.x-limits.%s is missing (want %d)", k, v)
		} else if got != v {
			t.Errorf("info.x-limits.%s = %d, but the code says %d: update api/openapi.yaml (the description too)", k, got, v)
		}
	}
	for k := range s.Info.Limits {
		if _, ok := want[k]; !ok {
			t.Errorf("info.x-limits.%s is not checked against the code", k)
		}
	}
}

// TestOpenAPIEnums keeps the spec's enums equal to the domain's lists.
func TestOpenAPIEnums(t *testing.T) {
	s, _ := loadSpec(t)
	var codes []string
	for c := range statusByCode {
		codes = append(codes, string(c))
	}
	var roles []string
	for _, r := range accounts.Roles {
		roles = append(roles, string(r))
	}
	var kinds, subtypes []string
	for k, subs := range accounts.Subtypes {
		kinds = append(kinds, string(k))
		for _, st := range subs {
			subtypes = append(subtypes, string(st))
		}
	}
	var units, workshops []string
	for _, u := range catalog.Units {
		units = append(units, string(u))
	}
	for _, k := range accounts.WorkshopKinds {
		workshops = append(workshops, string(k))
	}
	statuses := []string{string(catalog.StatusDraft), string(catalog.StatusPublished), string(catalog.StatusArchived)}
	for name, want := range map[string][]string{"ErrorCode": codes, "Role": roles, "Kind": kinds, "Subtype": subtypes,
		"Unit": units, "WorkshopKind": workshops, "ListingStatus": statuses} {
		got := slices.Clone(s.Components.Schemas[name].Enum)
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("components/schemas/%s enum = %v, the code has %v", name, got, want)
		}
	}
}

// TestOpenAPISchemasMatchDTOs compares each schema with the Go type it describes: the same
// JSON names, compatible types, and (for responses) required exactly when not omitempty.
func TestOpenAPISchemasMatchDTOs(t *testing.T) {
	s, _ := loadSpec(t)
	responses := map[string]any{
		"ErrorEnvelope":  errorBody{},
		"Error":          errorDTO{},
		"Readiness":      readiness{},
		"Text":           textDTO{},
		"User":           userDTO{},
		"OrgRef":         orgRefDTO{},
		"Membership":     membershipDTO{},
		"Me":             meDTO{},
		"Organization":   organizationDTO{},
		"Member":         memberDTO{},
		"MemberList":     listDTO[memberDTO]{},
		"Invitation":     invitationDTO{},
		"InvitationList": listDTO[invitationDTO]{},
		"Token":          tokenDTO{},
		"TokenList":      listDTO[tokenDTO]{},
		"Region":         regionDTO{},
		"RegionList":     listDTO[regionDTO]{},
		"Category":       categoryDTO{},
		"CategoryList":   listDTO[categoryDTO]{},
		"Attributes":     attributesDTO{},
		"Listing":        listingDTO{},
		"ListingList":    listDTO[listingDTO]{},
		"PricePoint":     pricePointDTO{},
		"PriceHistory":   listDTO[pricePointDTO]{},
		"SearchResult":   searchResultDTO{},
		"Facets":         facetsDTO{},
		"FacetCount":     facetCountDTO{},
		"PriceBand":      priceBandDTO{},
		"Suggestion":     suggestionDTO{},
		"SuggestionList": listDTO[suggestionDTO]{},
		"ImageVariant":   imageVariantDTO{},
		"Image":          imageDTO{},
		"ImageList":      imagesDTO{},
		"Document":       documentDTO{},
		"DocumentList":   documentsDTO{},

		"ProcurementRouteList": procurementRoutesDTO{},
		"ProcurementRoute":     procurementRouteDTO{},
		"RouteConditions":      routeConditionsDTO{},
		"RouteDocument":        routeDocumentDTO{},
		"PenaltyRule":          penaltyRuleDTO{},

		"CartItem": cartItemDTO{}, "Cart": listDTO[cartItemDTO]{}, "OrderLine": orderLineDTO{}, "Order": orderDTO{},
		"OrderList": listDTO[orderDTO]{}, "FulfillmentLine": fulfillmentLineDTO{}, "LineUnits": lineUnitsDTO{},
		"Shipment": shipmentDTO{}, "Fulfillment": fulfillmentDTO{}, "FulfillmentList": listDTO[fulfillmentDTO]{},
		"Site": siteDTO{}, "Candidate": candidateDTO{}, "QuotePart": quotePartDTO{}, "Quote": quoteDTO{},
		"RouteChoice": routeChoiceDTO{}, "OrderEvent": eventDTO{}, "OrderEventList": listDTO[eventDTO]{},
		"BudgetLine": budgetLineDTO{}, "BudgetLineList": listDTO[budgetLineDTO]{}, "OrderSettings": orderSettingsDTO{},
		"WeekLoad": weekLoadDTO{}, "SiteLoad": siteLoadDTO{}, "Load": loadDTO{}, "Notification": notificationDTO{},
		"NotificationList": notificationsDTO{}, "Marked": markedDTO{},
		"Payment": paymentDTO{}, "Invoice": invoiceDTO{}, "Settlement": settlementDTO{}, "SettlementList": listDTO[settlementDTO]{},

		"Attachment": attachmentDTO{}, "AttachmentList": listDTO[attachmentDTO]{}, "PhotoList": photosDTO{},
		"DrawingList": drawingsDTO{}, "AcceptanceRecord": acceptanceRecordDTO{}, "AcceptanceRecordList": listDTO[acceptanceRecordDTO]{},
	}
	requests := map[string]any{
		"LoginRequest":            loginRequest{},
		"InviteRequest":           inviteRequest{},
		"IssueTokenRequest":       issueTokenRequest{},
		"AcceptInvitationRequest": acceptInvitationRequest{},
		"TextInput":               textDTO{},
		"AttributesInput":         attributesDTO{},
		"ListingInput":            listingRequest{},
		"UpdateListingRequest":    updateListingRequest{},
		"ListingVersionRequest":   listingVersionRequest{},
		"ImageOrderRequest":       imageOrderRequest{},
		"ImageAltRequest":         imageAltRequest{},

		"OrderLineInput": orderLineRequest{}, "CreateOrderRequest": createOrderRequest{}, "CartItemRequest": cartItemRequest{},
		"OrderVersionRequest": orderVersionRequest{}, "OrderReasonRequest": orderReasonRequest{},
		"BudgetLineRequest": budgetLineRequest{}, "ConfirmRequest": confirmRequest{}, "ReasonRequest": reasonRequest{},
		"UnitsRequest": unitsRequest{}, "ShipmentRequest": shipmentRequest{}, "AcceptanceLineInput": acceptanceLineRequest{},
		"AcceptanceRequest": acceptanceRequest{}, "CancelFulfillmentRequest": cancelFulfillmentRequest{},
		"MarkReadRequest": markReadRequest{}, "OrderSettingsInput": orderSettingsDTO{}, "Empty": struct{}{},
		"InvoiceRequest": invoiceRequest{}, "PaymentRequest": paymentRequest{},
	}
	check := func(name string, v any, response bool) {
		sch, ok := s.Components.Schemas[name]
		if !ok {
			t.Errorf("components/schemas/%s is missing", name)
			return
		}
		if sch.AdditionalProperties != false {
			t.Errorf("components/schemas/%s: set additionalProperties: false (the DTO has a fixed set of fields)", name)
		}
		typ := reflect.TypeOf(v)
		fields := map[string]reflect.StructField{}
		var required []string
		for _, f := range reflect.VisibleFields(typ) {
			tag := f.Tag.Get("json")
			jsonName, opts, _ := strings.Cut(tag, ",")
			if f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct {
				continue // encoding/json promotes the embedded struct's fields, listed here too
			}
			if jsonName == "-" || !f.IsExported() {
				continue
			}
			if jsonName == "" {
				jsonName = f.Name
			}
			fields[jsonName] = f
			if !strings.Contains(opts, "omitempty") {
				required = append(required, jsonName)
			}
		}
		for jn, f := range fields {
			p, ok := sch.Properties[jn]
			if !ok {
				t.Errorf("components/schemas/%s: property %q (%s.%s) is missing", name, jn, typ.Name(), f.Name)
				continue
			}
			if problem := typeMismatch(f.Type, p); problem != "" {
				t.Errorf("components/schemas/%s: property %q: %s", name, jn, problem)
			}
		}
		for jn := range sch.Properties {
			if _, ok := fields[jn]; !ok {
				t.Errorf("components/schemas/%s: property %q is not a field of %s", name, jn, typ.Name())
			}
		}
		if response {
			got := slices.Clone(sch.Required)
			sort.Strings(got)
			sort.Strings(required)
			if !slices.Equal(got, required) {
				t.Errorf("components/schemas/%s: required = %v, but the fields always present in %s are %v", name, got, typ.Name(), required)
			}
		}
	}
	for name, v := range responses {
		check(name, v, true)
	}
	for name, v := range requests {
		check(name, v, false)
	}
}

var (
	timeType = reflect.TypeOf(time.Time{})
	// rawType is JSON passed through as it is (an event's facts): any JSON value.
	rawType = reflect.TypeOf(json.RawMessage{})
)

// typeMismatch says how schema p cannot describe Go type gt, or returns "".
func typeMismatch(gt reflect.Type, p schema) string {
	types, ref := p.types()
	nullable := slices.Contains(types, "null")
	if gt.Kind() == reflect.Pointer {
		if !nullable {
			return "the Go field is a pointer (may be null); allow null"
		}
		gt = gt.Elem()
	} else if nullable && gt.Kind() != reflect.Map && gt.Kind() != reflect.Slice {
		return "allows null, but the Go field is never null"
	}
	if ref != "" {
		target := strings.TrimPrefix(ref, "#/components/schemas/")
		switch {
		case gt.Kind() == reflect.Struct && gt != timeType:
			return ""
		case gt.Kind() == reflect.String && slices.Contains([]string{"Role", "Kind", "Subtype", "ErrorCode", "Unit", "ListingStatus", "WorkshopKind"}, target):
			return ""
		}
		return fmt.Sprintf("refers to %s, but the Go type is %s", target, gt)
	}
	has := func(t string) bool { return slices.Contains(types, t) }
	switch {
	case gt == rawType:
		if len(types) == 0 {
			return "JSON passed through: want a type"
		}
	case gt == timeType:
		if !has("string") || p.Format != "date-time" {
			return "a time: want type string, format date-time"
		}
	case gt.Kind() == reflect.String:
		if !has("string") {
			return fmt.Sprintf("want type string, have %v", types)
		}
	case gt.Kind() == reflect.Bool:
		if !has("boolean") {
			return fmt.Sprintf("want type boolean, have %v", types)
		}
	case gt.Kind() >= reflect.Int && gt.Kind() <= reflect.Uint64:
		if !has("integer") {
			return fmt.Sprintf("want type integer, have %v", types)
		}
	case gt.Kind() == reflect.Float32 || gt.Kind() == reflect.Float64:
		if !has("number") {
			return fmt.Sprintf("want type number, have %v", types)
		}
	case gt.Kind() == reflect.Slice:
		if !has("array") || p.Items == nil {
			return "want type array with items"
		}
		return typeMismatch(gt.Elem(), *p.Items)
	case gt.Kind() == reflect.Map:
		if !has("object") {
			return "want type object"
		}
	default:
		return fmt.Sprintf("unexpected Go type %s", gt)
	}
	return ""
}
