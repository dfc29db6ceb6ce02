package accounts

import "math"

// Text is a user-facing string in the portal's three languages.
type Text struct {
	RU, KK, EN string
}

// In returns the text in lang ("ru", "kk", "en"), falling back to Russian, then Kazakh, then
// English, so that a missing translation shows something rather than nothing.
func (t Text) In(lang string) string {
	var s string
	switch lang {
	case "kk":
		s = t.KK
	case "en":
		s = t.EN
	default:
		s = t.RU
	}
	for _, fallback := range []string{s, t.RU, t.KK, t.EN} {
		if fallback != "" {
			return fallback
		}
	}
	return ""
}

// Region is one of Kazakhstan's 17 oblasts or 3 cities of republican significance.
type Region struct {
	Code string // stable slug used in URLs and the database
	ISO  string // ISO 3166-2:KZ code
	City bool   // a city of republican significance rather than an oblast
	Name Text
	// Lat and Lon locate the region's administrative centre (degrees), for the distances
	// that routing weighs.
	Lat, Lon float64
}

// Regions lists every region, oblasts first, in the order of their ISO codes. Migration
// 00001 inserts the same codes into the regions table; a test keeps the two equal.
var Regions = []Region{
	{"abai", "KZ-10", false, Text{"Абайская область", "Абай облысы", "Abai Region"}, 50.41, 80.23},
	{"akmola", "KZ-11", false, Text{"Акмолинская область", "Ақмола облысы", "Akmola Region"}, 53.28, 69.39},
	{"aktobe", "KZ-15", false, Text{"Актюбинская область", "Ақтөбе облысы", "Aktobe Region"}, 50.28, 57.17},
	{"almaty-region", "KZ-19", false, Text{"Алматинская область", "Алматы облысы", "Almaty Region"}, 43.87, 77.07},
	{"atyrau", "KZ-23", false, Text{"Атырауская область", "Атырау облысы", "Atyrau Region"}, 47.11, 51.88},
	{"west-kazakhstan", "KZ-27", false, Text{"Западно-Казахстанская область", "Батыс Қазақстан облысы", "West Kazakhstan Region"}, 51.23, 51.37},
	{"zhambyl", "KZ-31", false, Text{"Жамбылская область", "Жамбыл облысы", "Zhambyl Region"}, 42.90, 71.37},
	{"zhetysu", "KZ-33", false, Text{"Жетысуская область", "Жетісу облысы", "Zhetysu Region"}, 45.02, 78.37},
	{"karaganda", "KZ-35", false, Text{"Карагандинская область", "Қарағанды облысы", "Karaganda Region"}, 49.80, 73.10},
	{"kostanay", "KZ-39", false, Text{"Костанайская область", "Қостанай облысы", "Kostanay Region"}, 53.21, 63.62},
	{"kyzylorda", "KZ-43", false, Text{"Кызылординская область", "Қызылорда облысы", "Kyzylorda Region"}, 44.85, 65.51},
	{"mangystau", "KZ-47", false, Text{"Мангистауская область", "Маңғыстау облысы", "Mangystau Region"}, 43.65, 51.16},
	{"pavlodar", "KZ-55", false, Text{"Павлодарская область", "Павлодар облысы", "Pavlodar Region"}, 52.29, 76.97},
	{"north-kazakhstan", "KZ-59", false, Text{"Северо-Казахстанская область", "Солтүстік Қазақстан облысы", "North Kazakhstan Region"}, 54.87, 69.14},
	{"turkistan", "KZ-61", false, Text{"Туркестанская область", "Түркістан облысы", "Turkistan Region"}, 43.30, 68.25},
	{"ulytau", "KZ-62", false, Text{"Улытауская область", "Ұлытау облысы", "Ulytau Region"}, 47.80, 67.71},
	{"east-kazakhstan", "KZ-63", false, Text{"Восточно-Казахстанская область", "Шығыс Қазақстан облысы", "East Kazakhstan Region"}, 49.95, 82.61},
	{"astana", "KZ-71", true, Text{"г. Астана", "Астана қаласы", "Astana"}, 51.17, 71.43},
	{"almaty", "KZ-75", true, Text{"г. Алматы", "Алматы қаласы", "Almaty"}, 43.24, 76.89},
	{"shymkent", "KZ-79", true, Text{"г. Шымкент", "Шымкент қаласы", "Shymkent"}, 42.32, 69.59},
}

// DistanceKm is the great-circle distance between the centres of regions a and b, and
// whether both regions exist.
func DistanceKm(a, b string) (float64, bool) {
	ra, okA := RegionByCode(a)
	rb, okB := RegionByCode(b)
	if !okA || !okB {
		return 0, false
	}
	const earthRadiusKm = 6371.0
	rad := func(deg float64) float64 { return deg * math.Pi / 180 }
	dLat, dLon := rad(rb.Lat-ra.Lat), rad(rb.Lon-ra.Lon)
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(rad(ra.Lat))*math.Cos(rad(rb.Lat))*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusKm * math.Asin(math.Min(1, math.Sqrt(h))), true
}

// RegionByCode returns the region with code and whether it exists.
func RegionByCode(code string) (Region, bool) {
	for _, r := range Regions {
		if r.Code == code {
			return r, true
		}
	}
	return Region{}, false
}
