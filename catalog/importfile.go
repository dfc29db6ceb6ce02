package catalog

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sheber-kz/sheber/accounts"
)

// Limits of bulk import. The README lists them too.
const (
	// MaxImportBytes bounds an import file.
	MaxImportBytes = 10 << 20
	// MaxImportRows bounds the listings of one import file.
	MaxImportRows = 20_000
	// MaxImportErrors is how many problems a report lists; the count says how many more.
	MaxImportErrors = 1000
)

// ImportFormat is the format of an import file.
type ImportFormat string

// Import formats.
const (
	// ImportCSV is UTF-8 CSV (an optional byte order mark; comma or semicolon, decided by
	// the header line; fields quoted as RFC 4180 quotes them) with a header line.
	ImportCSV ImportFormat = "csv"
	// ImportJSONLines is one JSON object per line, with the CSV's column names as keys.
	ImportJSONLines ImportFormat = "jsonl"
)

// ImportError is one problem of an import file: the row (the file's line where the record
// starts; in CSV the header is line 1), the column ("" for the whole row) and what is wrong.
type ImportError struct {
	Row     int
	Column  string
	Message string
}

// ImportColumns are the documented columns of an import file. external_code is required:
// it is how a second import finds the listing the first one made.
var ImportColumns = []string{
	"external_code", "title_ru", "title_kk", "title_en", "description_ru", "description_kk", "description_en",
	"category", "unit", "price", "vat_included", "min_order", "lead_time_days", "labour_minutes", "labour_hours",
	"stock", "site_codes", "material_ru", "material_kk", "material_en", "colour_ru", "colour_kk", "colour_en",
	"standard", "age_group", "certification", "length_mm", "width_mm", "height_mm", "status",
}

var knownColumn = func() map[string]bool {
	m := make(map[string]bool, len(ImportColumns))
	for _, c := range ImportColumns {
		m[c] = true
	}
	return m
}()

// ImportRecord is one row of an import file as written: where it starts and its values by
// column (absent columns are "").
type ImportRecord struct {
	Row    int
	Values map[string]string
}

// utf8BOM is the byte order mark some spreadsheets write at the start of UTF-8 files.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// checkUTF8 refuses what is not UTF-8, naming the line of the first bad byte.
func checkUTF8(data []byte) []ImportError {
	if utf8.Valid(data) {
		return nil
	}
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return []ImportError{{Row: 1 + bytes.Count(data[:i], []byte("\n")), Message: "the file is not UTF-8 text; save it as CSV UTF-8"}}
		}
		i += size
	}
	return nil
}

// ParseCSV reads an import file in CSV. Problems of the file's form (an unknown or repeated
// column, a row with the wrong number of fields, a broken quote, too many rows) come back
// as errors; the values themselves are judged later, by the same rules as the API's.
func ParseCSV(data []byte) ([]ImportRecord, []ImportError) {
	data = bytes.TrimPrefix(data, utf8BOM)
	if errs := checkUTF8(data); errs != nil {
		return nil, errs
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, []ImportError{{Row: 1, Message: "the file is empty: it needs a header line and at least one row"}}
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = csvDelimiter(data)
	r.FieldsPerRecord = -1 // counted here, to name the row
	header, err := r.Read()
	if err != nil {
		return nil, []ImportError{csvError(err, 1)}
	}
	columns, errs := readHeader(header)
	if errs != nil {
		return nil, errs
	}
	var out []ImportRecord
	for {
		fields, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, []ImportError{csvError(err, 0)}
		}
		row, _ := r.FieldPos(0)
		if len(out) == MaxImportRows {
			return nil, []ImportError{{Row: row, Message: fmt.Sprintf("more than %d rows: split the file", MaxImportRows)}}
		}
		if len(fields) == 1 && strings.TrimSpace(fields[0]) == "" {
			continue // a line of blanks
		}
		if len(fields) != len(columns) {
			return nil, []ImportError{{Row: row, Message: fmt.Sprintf("the row has %d fields, the header %d", len(fields), len(columns))}}
		}
		values := make(map[string]string, len(columns))
		for i, c := range columns {
			values[c] = fields[i]
		}
		out = append(out, ImportRecord{Row: row, Values: values})
	}
	if len(out) == 0 {
		return nil, []ImportError{{Row: 1, Message: "the file has a header but no rows"}}
	}
	return out, nil
}

// csvDelimiter picks the separator of the header line: a semicolon when it has more of
// them than commas (spreadsheets in locales whose decimal mark is a comma write those),
// otherwise a comma. Quoted text is not counted.
func csvDelimiter(data []byte) rune {
	commas, semicolons, quoted := 0, 0, false
	for _, b := range data {
		switch {
		case b == '"':
			quoted = !quoted
		case quoted:
		case b == '\n':
			if semicolons > commas {
				return ';'
			}
			return ','
		case b == ',':
			commas++
		case b == ';':
			semicolons++
		}
	}
	if semicolons > commas {
		return ';'
	}
	return ','
}

func csvError(err error, row int) ImportError {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		line := pe.StartLine
		if line == 0 {
			line = pe.Line
		}
		return ImportError{Row: line, Message: "malformed CSV: " + pe.Err.Error()}
	}
	return ImportError{Row: row, Message: "malformed CSV"}
}

// readHeader names the columns of a CSV header, refusing unknown and repeated ones.
func readHeader(header []string) ([]string, []ImportError) {
	var errs []ImportError
	seen := map[string]bool{}
	columns := make([]string, len(header))
	for i, h := range header {
		c := strings.ToLower(strings.TrimSpace(h))
		columns[i] = c
		switch {
		case !knownColumn[c]:
			errs = append(errs, ImportError{Row: 1, Column: h, Message: "unknown column; see the documented columns"})
		case seen[c]:
			errs = append(errs, ImportError{Row: 1, Column: c, Message: "the column appears twice"})
		}
		seen[c] = true
	}
	if !seen["external_code"] {
		errs = append(errs, ImportError{Row: 1, Column: "external_code", Message: "the column is required"})
	}
	return columns, errs
}

// ParseJSONLines reads an import file in JSON Lines: one object per line, keyed by the
// CSV's column names, with string, number, boolean or null values (site_codes may also be
// an array). Blank lines are skipped.
func ParseJSONLines(data []byte) ([]ImportRecord, []ImportError) {
	data = bytes.TrimPrefix(data, utf8BOM)
	if errs := checkUTF8(data); errs != nil {
		return nil, errs
	}
	var out []ImportRecord
	var errs []ImportError
	for i, line := range bytes.Split(data, []byte("\n")) {
		row := i + 1
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if len(out) == MaxImportRows {
			return nil, []ImportError{{Row: row, Message: fmt.Sprintf("more than %d rows: split the file", MaxImportRows)}}
		}
		values, lineErrs := jsonRecord(line, row)
		errs = append(errs, lineErrs...)
		if len(errs) >= MaxImportErrors {
			break
		}
		if lineErrs == nil {
			out = append(out, ImportRecord{Row: row, Values: values})
		}
	}
	if errs != nil {
		return nil, errs
	}
	if len(out) == 0 {
		return nil, []ImportError{{Row: 1, Message: "the file has no rows"}}
	}
	return out, nil
}

func jsonRecord(line []byte, row int) (map[string]string, []ImportError) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return nil, []ImportError{{Row: row, Message: "not a JSON object"}}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, []ImportError{{Row: row, Message: "more than one JSON value on the line"}}
	}
	var errs []ImportError
	values := make(map[string]string, len(obj))
	for k, v := range obj {
		if !knownColumn[k] {
			errs = append(errs, ImportError{Row: row, Column: k, Message: "unknown column; see the documented columns"})
			continue
		}
		s, ok := jsonValue(v, k == "site_codes")
		if !ok {
			errs = append(errs, ImportError{Row: row, Column: k, Message: "must be a string, a number, true, false or null"})
			continue
		}
		values[k] = s
	}
	if _, ok := obj["external_code"]; !ok && errs == nil {
		errs = append(errs, ImportError{Row: row, Column: "external_code", Message: "required"})
	}
	sortErrors(errs)
	return values, errs
}

// jsonValue is a JSON value as the text a CSV field would hold; a list (of site codes
// only) is joined with "|".
func jsonValue(v any, list bool) (string, bool) {
	switch v := v.(type) {
	case nil:
		return "", true
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case bool:
		return strconv.FormatBool(v), true
	case []any:
		if !list {
			return "", false
		}
		parts := make([]string, len(v))
		for i, e := range v {
			s, ok := jsonValue(e, false)
			if !ok || strings.Contains(s, "|") {
				return "", false
			}
			parts[i] = s
		}
		return strings.Join(parts, "|"), true
	}
	return "", false
}

// ImportRow is a record converted to what the API's validation judges.
type ImportRow struct {
	Row   int
	Input ListingInput
	// SiteRefs are the production sites as written: each a site's code or ID.
	SiteRefs []string
	// Status is "" (keep the listing's, or draft for a new one), draft or published.
	Status Status
	// labourColumn is the column the labour came from, to name it in errors.
	labourColumn string
}

// ConvertRecord reads the values of a record: numbers, the price in tenge, the VAT flag,
// the status. It judges only whether each value can be read; the limits and references
// are the API's validation's to check.
func ConvertRecord(rec ImportRecord) (ImportRow, []ImportError) {
	v := rec.Values
	get := func(c string) string { return strings.TrimSpace(v[c]) }
	out := ImportRow{Row: rec.Row, labourColumn: "labour_minutes"}
	var errs []ImportError
	bad := func(column, msg string) { errs = append(errs, ImportError{Row: rec.Row, Column: column, Message: msg}) }
	in := &out.Input
	in.ExternalCode = get("external_code")
	if in.ExternalCode == "" {
		bad("external_code", "required: the code that identifies the item in your own records")
	}
	in.Title = accounts.Text{RU: v["title_ru"], KK: v["title_kk"], EN: v["title_en"]}
	in.Description = accounts.Text{RU: v["description_ru"], KK: v["description_kk"], EN: v["description_en"]}
	in.CategoryCode = get("category")
	in.Unit = Unit(get("unit"))
	in.Attributes.Material = accounts.Text{RU: v["material_ru"], KK: v["material_kk"], EN: v["material_en"]}
	in.Attributes.Colour = accounts.Text{RU: v["colour_ru"], KK: v["colour_kk"], EN: v["colour_en"]}
	in.Attributes.Standard, in.Attributes.AgeGroup, in.Attributes.Certification = v["standard"], v["age_group"], v["certification"]

	if s := get("price"); s == "" {
		bad("price", "required: the price in tenge, such as 1234.50")
	} else if p, ok := ParseTenge(s); !ok {
		bad("price", "not a price in tenge with at most 2 decimals, such as 1234.50 or 1234,50")
	} else {
		in.PriceTiyn = p
	}
	if s := get("vat_included"); s != "" {
		b, ok := parseFlag(s)
		if !ok {
			bad("vat_included", "true or false (also 1/0, да/нет, иә/жоқ)")
		}
		in.VATIncluded = b
	}
	ints := []struct {
		column string
		dst    *int
		def    int
	}{
		{"min_order", &in.MinOrderQty, 1}, {"lead_time_days", &in.LeadTimeDays, 0}, {"stock", &in.ReadyStock, 0},
		{"length_mm", &in.Attributes.LengthMM, 0}, {"width_mm", &in.Attributes.WidthMM, 0}, {"height_mm", &in.Attributes.HeightMM, 0},
		{"labour_minutes", &in.LabourMinutesPerUnit, 0},
	}
	for _, f := range ints {
		s := get(f.column)
		if s == "" {
			*f.dst = f.def
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			bad(f.column, "not a whole number")
			continue
		}
		*f.dst = n
	}
	if s := get("labour_hours"); s != "" {
		out.labourColumn = "labour_hours"
		switch m, ok := parseHours(s); {
		case get("labour_minutes") != "":
			bad("labour_hours", "give labour_minutes or labour_hours, not both")
		case !ok:
			bad("labour_hours", "not a number of hours that is a whole number of minutes, such as 1.5")
		default:
			in.LabourMinutesPerUnit = m
		}
	}
	for _, ref := range strings.Split(v["site_codes"], "|") {
		if ref = strings.TrimSpace(ref); ref != "" {
			out.SiteRefs = append(out.SiteRefs, ref)
		}
	}
	switch st := Status(strings.ToLower(get("status"))); st {
	case "", StatusDraft, StatusPublished:
		out.Status = st
	default:
		bad("status", "draft or published")
	}
	return out, errs
}

// ParseTenge reads an amount in tenge with at most two decimals ("1234", "1234.5",
// "1234,50"; spaces between digit groups are allowed) as tiyn, exactly: no floating point.
func ParseTenge(s string) (int64, bool) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(strings.TrimSpace(s))
	whole, frac, hasFrac := strings.Cut(s, ".")
	if !hasFrac {
		whole, frac, hasFrac = strings.Cut(s, ",")
	}
	if !digits(whole) || len(whole) > 13 || (hasFrac && (len(frac) == 0 || len(frac) > 2 || !digits(frac))) {
		return 0, false
	}
	n, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt((frac + "00")[:2], 10, 64)
	return n*100 + f, true
}

// parseHours reads hours with decimals ("1.5", "0,25") as whole minutes, exactly; an amount
// that is not a whole number of minutes is refused rather than rounded.
func parseHours(s string) (int, bool) {
	whole, frac, hasFrac := strings.Cut(s, ".")
	if !hasFrac {
		whole, frac, hasFrac = strings.Cut(s, ",")
	}
	if !digits(whole) || len(whole) > 6 || (hasFrac && (len(frac) == 0 || len(frac) > 6 || !digits(frac))) {
		return 0, false
	}
	n, _ := strconv.ParseInt(whole, 10, 64)
	scale := int64(1)
	var f int64
	if hasFrac {
		f, _ = strconv.ParseInt(frac, 10, 64)
		for range len(frac) {
			scale *= 10
		}
	}
	// minutes = (n + f/scale) * 60, in whole numbers only.
	num := (n*scale + f) * 60
	if num%scale != 0 {
		return 0, false
	}
	return int(num / scale), true
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// parseFlag reads a yes/no value in the portal's languages.
func parseFlag(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "true", "1", "yes", "да", "иә", "ия":
		return true, true
	case "false", "0", "no", "нет", "жоқ", "жок":
		return false, true
	}
	return false, false
}

// fieldColumns maps the field names of the API's validation to the import's columns.
var fieldColumns = map[string]string{
	"title": "title_ru", "title.ru": "title_ru", "title.kk": "title_kk", "title.en": "title_en",
	"description.ru": "description_ru", "description.kk": "description_kk", "description.en": "description_en",
	"external_code": "external_code", "category": "category", "unit": "unit", "price_tiyn": "price",
	"min_order_qty": "min_order", "lead_time_days": "lead_time_days", "ready_stock": "stock", "site_ids": "site_codes",
	"attributes.length_mm": "length_mm", "attributes.width_mm": "width_mm", "attributes.height_mm": "height_mm",
	"attributes.material.ru": "material_ru", "attributes.material.kk": "material_kk", "attributes.material.en": "material_en",
	"attributes.colour.ru": "colour_ru", "attributes.colour.kk": "colour_kk", "attributes.colour.en": "colour_en",
	"attributes.standard": "standard", "attributes.age_group": "age_group", "attributes.certification": "certification",
}

// column names the import column of a validation field.
func (r ImportRow) column(field string) string {
	if field == "labour_minutes_per_unit" {
		return r.labourColumn
	}
	if c, ok := fieldColumns[field]; ok {
		return c
	}
	return field
}

// sortErrors orders problems by row, then column, so that a report reads top to bottom
// and the same file always gets the same report.
func sortErrors(errs []ImportError) {
	slices.SortStableFunc(errs, func(a, b ImportError) int {
		if c := cmp.Compare(a.Row, b.Row); c != 0 {
			return c
		}
		return cmp.Compare(a.Column, b.Column)
	})
}
