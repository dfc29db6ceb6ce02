package catalog

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestParseTenge(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1234.50", 123450, true}, {"1234,50", 123450, true}, {"1234", 123400, true}, {"1234.5", 123450, true},
		{"0,01", 1, true}, {"1 234 567,89", 123456789, true}, {"1\u00a0234,00", 123400, true},
		{"12.345", 0, false}, {"1e3", 0, false}, {"-5", 0, false}, {"1,234.50", 0, false}, {"", 0, false},
		{"12.", 0, false}, {".5", 0, false}, {"99999999999999", 0, false}, {"abc", 0, false}, {"+5", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseTenge(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseTenge(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseHours(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"1", 60, true}, {"1.5", 90, true}, {"0,25", 15, true}, {"2.05", 123, true}, {"0.0166", 0, false},
		{"0.01", 0, false}, {"1.", 0, false}, {"x", 0, false}, {"1000000", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseHours(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseHours(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestCSVDelimiterAndRows(t *testing.T) {
	data := "\xEF\xBB\xBFexternal_code;title_ru;price\n\"A;1\";\"Стол, \"\"большой\"\"\nвторая строка\";1,5\n\nB;Стул;2\n"
	recs, errs := ParseCSV([]byte(data))
	if errs != nil {
		t.Fatal(errs)
	}
	if len(recs) != 2 || recs[0].Row != 2 || recs[1].Row != 5 {
		t.Fatalf("records %+v; want rows 2 and 5", recs)
	}
	if v := recs[0].Values; v["external_code"] != "A;1" || v["title_ru"] != "Стол, \"большой\"\nвторая строка" || v["price"] != "1,5" {
		t.Errorf("record %+v", v)
	}
	for name, bad := range map[string]string{
		"unknown column": "external_code,colour\nA,red\n",
		"no code column": "title_ru\nСтол\n",
		"fields":         "external_code,title_ru\nA\n",
		"quote":          "external_code,title_ru\nA,\"open\n",
		"not UTF-8":      "external_code,title_ru\nA,\xff\n",
		"empty":          "",
		"header only":    "external_code\n",
	} {
		if _, errs := ParseCSV([]byte(bad)); errs == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// fuzzCategories and fuzzSites are what the fuzzed rows are validated against.
var (
	fuzzCategories = map[string]Category{"furniture-desks": {Code: "furniture-desks"}}
	fuzzSites      = map[int64]bool{1: true}
)

// checkParsed holds for whatever a parser returns: problems name rows of the file, and a
// record that converts converts the same after a trip through JSON Lines and validates the
// same twice.
func checkParsed(t *testing.T, data []byte, recs []ImportRecord, errs []ImportError) {
	lines := strings.Count(string(data), "\n") + 1
	if (recs == nil) == (errs == nil) {
		t.Fatalf("records %v and errors %v: want exactly one", recs, errs)
	}
	for _, e := range errs {
		if e.Row < 1 || e.Row > lines || e.Message == "" {
			t.Fatalf("error %+v of a %d-line file", e, lines)
		}
	}
	last := 0
	for _, rec := range recs {
		if rec.Row <= last || rec.Row > lines {
			t.Fatalf("record rows out of order: %d after %d (%d lines)", rec.Row, last, lines)
		}
		last = rec.Row
		row, convErrs := ConvertRecord(rec)
		for _, e := range convErrs {
			if e.Row != rec.Row || !knownColumn[e.Column] {
				t.Fatalf("conversion error %+v of row %d", e, rec.Row)
			}
		}
		if convErrs != nil {
			continue
		}
		again := roundTrip(t, row)
		if !reflect.DeepEqual(again.Input, row.Input) || !reflect.DeepEqual(again.SiteRefs, row.SiteRefs) || again.Status != row.Status {
			t.Fatalf("row %d changed through JSON Lines:\n%+v\n%+v", rec.Row, row, again)
		}
		first, second := row.validate(fuzzCategories, fuzzSites), row.validate(fuzzCategories, fuzzSites)
		if !reflect.DeepEqual(first, second) {
			t.Fatalf("row %d validates differently twice: %+v, %+v", rec.Row, first, second)
		}
		for _, e := range first {
			if !knownColumn[e.Column] {
				t.Fatalf("validation names %q, not a column", e.Column)
			}
		}
	}
}

// roundTrip writes a converted row as a JSON line and reads it back.
func roundTrip(t *testing.T, r ImportRow) ImportRow {
	in := r.Input
	a := in.Attributes
	obj := map[string]any{
		"external_code": in.ExternalCode, "title_ru": in.Title.RU, "title_kk": in.Title.KK, "title_en": in.Title.EN,
		"description_ru": in.Description.RU, "description_kk": in.Description.KK, "description_en": in.Description.EN,
		"category": in.CategoryCode, "unit": string(in.Unit), "price": fmt.Sprintf("%d.%02d", in.PriceTiyn/100, in.PriceTiyn%100),
		"vat_included": in.VATIncluded, "min_order": in.MinOrderQty, "lead_time_days": in.LeadTimeDays,
		"labour_minutes": in.LabourMinutesPerUnit, "stock": in.ReadyStock, "site_codes": r.SiteRefs,
		"material_ru": a.Material.RU, "material_kk": a.Material.KK, "material_en": a.Material.EN,
		"colour_ru": a.Colour.RU, "colour_kk": a.Colour.KK, "colour_en": a.Colour.EN,
		"standard": a.Standard, "age_group": a.AgeGroup, "certification": a.Certification,
		"length_mm": a.LengthMM, "width_mm": a.WidthMM, "height_mm": a.HeightMM, "status": string(r.Status),
	}
	if r.SiteRefs == nil {
		obj["site_codes"] = nil
	}
	line, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	recs, errs := ParseJSONLines(line)
	if errs != nil || len(recs) != 1 {
		t.Fatalf("%s: %+v", line, errs)
	}
	again, convErrs := ConvertRecord(recs[0])
	if convErrs != nil {
		t.Fatalf("%s: %+v", line, convErrs)
	}
	return again
}

func FuzzParseCSV(f *testing.F) {
	for _, s := range []string{
		"external_code,title_ru,category,unit,price,vat_included,site_codes,labour_hours\nA-1,Парта,furniture-desks,piece,\"1234,50\",да,1|2,\"1,5\"\n",
		"\xEF\xBB\xBFexternal_code;title_kk;price;status\nB;\"Орындық\nекі\";10;published\n",
		"external_code,price\n,\n",
		"external_code,stock\nX,-1\nY,99999999999999999999\n",
		"external_code\n\"a\"\"b\"\n\n",
		"external_code,title_ru\n\"unterminated\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, errs := ParseCSV(data)
		checkParsed(t, data, recs, errs)
	})
}

func FuzzParseJSONLines(f *testing.F) {
	for _, s := range []string{
		`{"external_code":"A-1","title_ru":"Парта","category":"furniture-desks","unit":"piece","price":1234.5,"vat_included":true,"site_codes":["1",2]}` + "\n",
		`{"external_code":"B","price":"10,00","labour_hours":"0,25","status":"draft"}` + "\n\n" + `{"external_code":"C","stock":null}`,
		`{"external_code":"D","colour":"red"}`,
		`[1,2]`, `{"external_code":{"a":1}}`, `{"external_code":"E"} {"x":1}`, "\xEF\xBB\xBF{\"external_code\":\"F\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, errs := ParseJSONLines(data)
		checkParsed(t, data, recs, errs)
	})
}
