package api

import (
	"testing"

	"github.com/valyala/fasthttp"
)

// bodyLimit raises the limit for the import routes only: their method and path exactly,
// with digits for the ID, whatever the query string.
func TestBodyLimitRoutes(t *testing.T) {
	tests := []struct {
		method, uri string
		want        int
	}{
		{"POST", "/api/v1/organizations/12/listings/import", MaxImportBodyBytes},
		{"POST", "/api/v1/organizations/12/listings/import?dry_run=true", MaxImportBodyBytes},
		{"POST", "/orgs/12/listings/import", MaxImportBodyBytes},
		{"GET", "/api/v1/organizations/12/listings/import", 0},
		{"PUT", "/orgs/12/listings/import", 0},
		{"POST", "/api/v1/organizations/12/listings", 0},
		{"POST", "/api/v1/organizations/../listings/import", 0},
		{"POST", "/api/v1/organizations/12/listings/import/../../../auth/login", 0},
		{"POST", "/api/v1/organizations/x/listings/import", 0},
		{"POST", "http://evil/api/v1/organizations/12/listings/import", 0},
		{"POST", "/api/v1/auth/login?x=/orgs/1/listings/import", 0},
	}
	for _, tt := range tests {
		var h fasthttp.RequestHeader
		h.SetMethod(tt.method)
		h.SetRequestURI(tt.uri)
		if got := bodyLimit(&h).MaxRequestBodySize; got != tt.want {
			t.Errorf("%s %s: limit %d, want %d (0: the server's MaxBodyBytes)", tt.method, tt.uri, got, tt.want)
		}
	}
}
