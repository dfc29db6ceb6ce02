package search_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// searchRequest is the body of POST /indexes/{uid}/search and of each query of POST
// /multi-search, with the parameters the adapter may send
// (https://www.meilisearch.com/docs/reference/api/search). Unknown fields are refused, so
// a misspelt parameter is noticed.
type searchRequest struct {
	IndexUID             string   `json:"indexUid"`
	Q                    string   `json:"q"`
	Filter               []string `json:"filter"`
	Sort                 []string `json:"sort"`
	Facets               []string `json:"facets"`
	Page                 *int     `json:"page"`
	HitsPerPage          *int     `json:"hitsPerPage"`
	Limit                *int     `json:"limit"`
	Offset               *int     `json:"offset"`
	AttributesToRetrieve []string `json:"attributesToRetrieve"`
	AttributesToSearchOn []string `json:"attributesToSearchOn"`
	Hybrid               any      `json:"hybrid"`
}

func decodeStrict(body []byte, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// match evaluates one filter "attr op value" (op =, >=, <=, <, >) on a document; an
// array attribute matches when one element does. It supports what the adapter sends and
// fails the test on anything else.
func (f *fakeEngine) match(doc map[string]any, expr string) bool {
	for _, op := range []string{" >= ", " <= ", " = ", " < ", " > "} {
		attr, raw, ok := strings.Cut(expr, op)
		if !ok {
			continue
		}
		var want any
		if err := json.Unmarshal([]byte(raw), &want); err != nil {
			f.t.Errorf("fake meilisearch: filter %q: value %s", expr, raw)
			return false
		}
		vals := []any{doc[attr]}
		if arr, isArr := doc[attr].([]any); isArr {
			vals = arr
		}
		for _, v := range vals {
			switch w := want.(type) {
			case float64:
				n, _ := v.(float64)
				if (op == " = " && n == w) || (op == " >= " && n >= w) || (op == " <= " && n <= w) || (op == " < " && n < w) || (op == " > " && n > w) {
					return true
				}
			default:
				if op == " = " && v == w {
					return true
				}
			}
		}
		return false
	}
	f.t.Errorf("fake meilisearch: unsupported filter %q", expr)
	return false
}

// search answers one query: documents matching every filter and, for q, with every word
// of q in the searched attributes (a stand-in for Meilisearch's ranking, which is not
// what these tests check), sorted as asked, with the documented response fields.
func (f *fakeEngine) search(req searchRequest) (map[string]any, error) {
	ix, ok := f.indexes[req.IndexUID]
	if !ok {
		return nil, fmt.Errorf("index %q not found", req.IndexUID)
	}
	on := req.AttributesToSearchOn
	if len(on) == 0 {
		on = []string{"title", "body"}
	}
	var hits []map[string]any
	for _, raw := range ix {
		var d map[string]any
		_ = json.Unmarshal(raw, &d)
		ok := true
		for _, expr := range req.Filter {
			ok = ok && f.match(d, expr)
		}
		for _, w := range strings.Fields(req.Q) {
			found := false
			for _, a := range on {
				s, _ := d[a].(string)
				found = found || strings.Contains(s, w)
			}
			ok = ok && found
		}
		if ok {
			hits = append(hits, d)
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		for _, s := range req.Sort {
			attr, dir, _ := strings.Cut(s, ":")
			a, b := hits[i][attr].(float64), hits[j][attr].(float64)
			if a != b {
				return (a < b) == (dir == "asc")
			}
		}
		return hits[i]["id"].(float64) < hits[j]["id"].(float64)
	})
	dist := map[string]map[string]int{}
	for _, facet := range req.Facets {
		dist[facet] = map[string]int{}
		for _, h := range hits {
			vals := []any{h[facet]}
			if arr, isArr := h[facet].([]any); isArr {
				vals = arr
			}
			for _, v := range vals {
				key := fmt.Sprint(v)
				if n, isNum := v.(float64); isNum {
					key = strconv.FormatInt(int64(n), 10)
				}
				dist[facet][key]++
			}
		}
	}
	retrieve := func(h map[string]any) map[string]any {
		if len(req.AttributesToRetrieve) == 0 {
			return h
		}
		out := map[string]any{}
		for _, a := range req.AttributesToRetrieve {
			out[a] = h[a]
		}
		return out
	}
	resp := map[string]any{"query": req.Q, "processingTimeMs": 1, "indexUid": req.IndexUID}
	if req.Facets != nil {
		resp["facetDistribution"] = dist
		resp["facetStats"] = map[string]any{}
	}
	var page []map[string]any
	if req.Page != nil || req.HitsPerPage != nil { // page-based: exhaustive totalHits
		p, per := 1, 20
		if req.Page != nil {
			p = *req.Page
		}
		if req.HitsPerPage != nil {
			per = *req.HitsPerPage
		}
		for i := (p - 1) * per; i < len(hits) && i < p*per; i++ {
			page = append(page, retrieve(hits[i]))
		}
		resp["page"], resp["hitsPerPage"], resp["totalHits"] = p, per, len(hits)
		resp["totalPages"] = 0
		if per > 0 {
			resp["totalPages"] = (len(hits) + per - 1) / per
		}
	} else { // offset/limit: an estimate
		off, lim := 0, 20
		if req.Offset != nil {
			off = *req.Offset
		}
		if req.Limit != nil {
			lim = *req.Limit
		}
		for i := off; i < len(hits) && i < off+lim; i++ {
			page = append(page, retrieve(hits[i]))
		}
		resp["offset"], resp["limit"], resp["estimatedTotalHits"] = off, lim, len(hits)
	}
	if page == nil {
		page = []map[string]any{}
	}
	resp["hits"] = page
	return resp, nil
}

func (f *fakeEngine) serveSearch(w http.ResponseWriter, r *http.Request, uid string, body []byte) {
	var req searchRequest
	if err := decodeStrict(body, &req); err != nil {
		f.fail(w, http.StatusBadRequest, "search body %s: %v", body, err)
		return
	}
	req.IndexUID = uid
	resp, err := f.search(req)
	if err != nil {
		w.WriteHeader(http.StatusNotFound)
		_, _ = fmt.Fprintf(w, `{"message":%q,"code":"index_not_found","type":"invalid_request","link":""}`, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}

func (f *fakeEngine) serveMultiSearch(w http.ResponseWriter, r *http.Request, body []byte) {
	var req struct {
		Queries []json.RawMessage `json:"queries"`
	}
	if err := decodeStrict(body, &req); err != nil || len(req.Queries) == 0 {
		f.fail(w, http.StatusBadRequest, "multi-search body %s: %v", body, err)
		return
	}
	results := []map[string]any{}
	for _, raw := range req.Queries {
		var q searchRequest
		if err := decodeStrict(raw, &q); err != nil || q.IndexUID == "" {
			f.fail(w, http.StatusBadRequest, "multi-search query %s: %v (indexUid is required)", raw, err)
			return
		}
		resp, err := f.search(q)
		if err != nil {
			w.WriteHeader(http.StatusNotFound)
			_, _ = fmt.Fprintf(w, `{"message":%q,"code":"index_not_found","type":"invalid_request","link":""}`, err.Error())
			return
		}
		results = append(results, resp)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"results": results})
}
