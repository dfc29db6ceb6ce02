package accounts

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
}

// Regions lists every region, oblasts first, in the order of their ISO codes. Migration
// 00001 inserts the same codes into the regions table; a test keeps the two equal.
var Regions = []Region{
	{"abai", "KZ-10", false, Text{"Абайская область", "Абай облысы", "Abai Region"}},
	{"akmola", "KZ-11", false, Text{"Акмолинская область", "Ақмола облысы", "Akmola Region"}},
	{"aktobe", "KZ-15", false, Text{"Актюбинская область", "Ақтөбе облысы", "Aktobe Region"}},
	{"almaty-region", "KZ-19", false, Text{"Алматинская область", "Алматы облысы", "Almaty Region"}},
	{"atyrau", "KZ-23", false, Text{"Атырауская область", "Атырау облысы", "Atyrau Region"}},
	{"west-kazakhstan", "KZ-27", false, Text{"Западно-Казахстанская область", "Батыс Қазақстан облысы", "West Kazakhstan Region"}},
	{"zhambyl", "KZ-31", false, Text{"Жамбылская область", "Жамбыл облысы", "Zhambyl Region"}},
	{"zhetysu", "KZ-33", false, Text{"Жетысуская область", "Жетісу облысы", "Zhetysu Region"}},
	{"karaganda", "KZ-35", false, Text{"Карагандинская область", "Қарағанды облысы", "Karaganda Region"}},
	{"kostanay", "KZ-39", false, Text{"Костанайская область", "Қостанай облысы", "Kostanay Region"}},
	{"kyzylorda", "KZ-43", false, Text{"Кызылординская область", "Қызылорда облысы", "Kyzylorda Region"}},
	{"mangystau", "KZ-47", false, Text{"Мангистауская область", "Маңғыстау облысы", "Mangystau Region"}},
	{"pavlodar", "KZ-55", false, Text{"Павлодарская область", "Павлодар облысы", "Pavlodar Region"}},
	{"north-kazakhstan", "KZ-59", false, Text{"Северо-Казахстанская область", "Солтүстік Қазақстан облысы", "North Kazakhstan Region"}},
	{"turkistan", "KZ-61", false, Text{"Туркестанская область", "Түркістан облысы", "Turkistan Region"}},
	{"ulytau", "KZ-62", false, Text{"Улытауская область", "Ұлытау облысы", "Ulytau Region"}},
	{"east-kazakhstan", "KZ-63", false, Text{"Восточно-Казахстанская область", "Шығыс Қазақстан облысы", "East Kazakhstan Region"}},
	{"astana", "KZ-71", true, Text{"г. Астана", "Астана қаласы", "Astana"}},
	{"almaty", "KZ-75", true, Text{"г. Алматы", "Алматы қаласы", "Almaty"}},
	{"shymkent", "KZ-79", true, Text{"г. Шымкент", "Шымкент қаласы", "Shymkent"}},
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
