package main

import (
	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/cmd/sheber/internal/demoart"
)

// The demo catalog: goods of the kinds that public reports on the penal system's state
// enterprises and on social enterprises name (street benches, urns, gazebos and planters
// for akimats; school desks, chairs, cabinets and beds; play corners with a shanyrak, a
// dastarkhan and miniature piala sets for kindergartens; a 2,500-piece wooden construction
// set; workwear, school uniforms and bedding; paving tiles and blocks; metalwork). The
// prices are plausible, not quoted from any tender.

// demoListing is one listing of the demo catalog. Enterprise is the key of a demo
// enterprise and Sites the codes of its production sites that make the goods; Art is the
// subject of the listing's illustration.
type demoListing struct {
	Code        string
	Enterprise  string
	Sites       []string
	Category    string
	Art         demoart.Subject
	Title       accounts.Text
	Description accounts.Text
	Attributes  catalog.Attributes
	Unit        catalog.Unit
	PriceTiyn   int64
	VAT         bool
	MinOrder    int
	LeadDays    int
	Labour      int // minutes per unit
	Stock       int
}

// tenge is a price in tiyn.
func tenge(t int64) int64 { return t * 100 }

// Materials and colours that several listings share.
var (
	matPine       = accounts.Text{RU: "сосна, лак", KK: "қарағай, лак", EN: "pine, varnished"}
	matBirchPly   = accounts.Text{RU: "берёзовая фанера, металлокаркас", KK: "қайың фанерасы, металл қаңқа", EN: "birch plywood, steel frame"}
	matLDSP       = accounts.Text{RU: "ЛДСП 16 мм, кромка ПВХ", KK: "ЛАТП 16 мм, ПВХ жиегі", EN: "16 mm laminated chipboard, PVC edging"}
	matSteelWood  = accounts.Text{RU: "стальной профиль, сосновый брус", KK: "болат профиль, қарағай білеуі", EN: "steel profile, pine timber"}
	matSteel      = accounts.Text{RU: "сталь, порошковая окраска", KK: "болат, ұнтақты бояу", EN: "steel, powder-coated"}
	matConcrete   = accounts.Text{RU: "вибролитой бетон B25", KK: "діріл құйма бетон B25", EN: "vibro-cast concrete B25"}
	matBeech      = accounts.Text{RU: "бук, водные краски", KK: "шамшат ағашы, су негізіндегі бояу", EN: "beech, water-based paint"}
	matCotton     = accounts.Text{RU: "бязь, 100 % хлопок", KK: "бязь, 100 % мақта", EN: "calico, 100% cotton"}
	matTwill      = accounts.Text{RU: "смесовая ткань, 65 % полиэфир, 35 % хлопок", KK: "аралас мата, 65 % полиэфир, 35 % мақта", EN: "poly-cotton twill, 65/35"}
	matSuiting    = accounts.Text{RU: "костюмная ткань, 70 % вискоза, 30 % полиэфир", KK: "костюмдік мата, 70 % вискоза, 30 % полиэфир", EN: "suiting, 70% viscose, 30% polyester"}
	colNatural    = accounts.Text{RU: "натуральное дерево", KK: "табиғи ағаш түсі", EN: "natural wood"}
	colGrey       = accounts.Text{RU: "серый", KK: "сұр", EN: "grey"}
	colGreen      = accounts.Text{RU: "зелёный", KK: "жасыл", EN: "green"}
	colDarkBlue   = accounts.Text{RU: "тёмно-синий", KK: "қою көк", EN: "navy"}
	colMulti      = accounts.Text{RU: "разноцветный", KK: "түрлі түсті", EN: "multicoloured"}
	colBlackGrey  = accounts.Text{RU: "графит", KK: "графит", EN: "graphite"}
	colWhite      = accounts.Text{RU: "белый", KK: "ақ", EN: "white"}
	colBeige      = accounts.Text{RU: "бежевый", KK: "құба", EN: "beige"}
	certFurniture = "декларация о соответствии ТР ТС 025/2012"
	certToys      = "сертификат соответствия ТР ТС 008/2011"
	certLight     = "декларация о соответствии ТР ТС 017/2011"
	certKids      = "сертификат соответствия ТР ТС 007/2011"
)

// demoListings is the demo catalog; the codes run DEMO-001 upwards. Every category of the
// seeded tree has listings, and each is made on sites whose workshop kind is the category's
// (a test checks both).
var demoListings = []demoListing{
	// Furniture.
	{
		Code: "DEMO-001", Enterprise: demoStateEast, Sites: []string{"UKG-16-WOOD"}, Category: "furniture", Art: demoart.Table,
		Title: accounts.Text{RU: "Стол обеденный для школьной столовой на 6 мест", KK: "Мектеп асханасына арналған 6 орындық ас үстелі", EN: "Six-seat dining table for a school canteen"},
		Description: accounts.Text{
			RU: "Стол на массивных ножках с влагостойкой столешницей из ЛДСП. Выдерживает ежедневную влажную уборку.",
			KK: "Ылғалға төзімді ЛАТП үстелі бар, берік аяқты үстел. Күнделікті ылғалды жинауға шыдайды.",
			EN: "A sturdy-legged table with a moisture-resistant laminated top that stands daily wet cleaning.",
		},
		Attributes: catalog.Attributes{LengthMM: 1800, WidthMM: 800, HeightMM: 760, Material: matLDSP, Colour: colBeige, Standard: "ГОСТ 16371-2014", Certification: certFurniture},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(68_000), VAT: true, MinOrder: 4, LeadDays: 21, Labour: 300, Stock: 12,
	},
	{
		Code: "DEMO-002", Enterprise: demoStateEast, Sites: []string{"UKG-16-WOOD"}, Category: "furniture-desks", Art: demoart.Desk,
		Title: accounts.Text{RU: "Парта ученическая двухместная, регулируемая по высоте, гр. 4-6", KK: "Екі орындық оқушы партасы, биіктігі реттелетін, 4-6 топ", EN: "Two-seat school desk, height-adjustable, size groups 4-6"},
		Description: accounts.Text{
			RU: "Металлокаркас из профильной трубы, столешница из ЛДСП 22 мм с кромкой ПВХ, полка для портфеля. Высота регулируется под ростовые группы 4-6.",
			KK: "Профильді құбырдан жасалған металл қаңқа, ПВХ жиегі бар 22 мм ЛАТП үстелі, портфель сөресі. Биіктігі 4-6 бой топтарына реттеледі.",
			EN: "Steel tube frame, 22 mm laminated top with PVC edging and a bag shelf. Height adjusts to size groups 4 to 6.",
		},
		Attributes: catalog.Attributes{LengthMM: 1200, WidthMM: 500, HeightMM: 640, Material: matLDSP, Colour: colBeige, Standard: "ГОСТ 11015-93", AgeGroup: "7-17", Certification: certFurniture},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(45_500), VAT: true, MinOrder: 10, LeadDays: 30, Labour: 240, Stock: 40,
	},
	{
		Code: "DEMO-003", Enterprise: demoStateKrg, Sites: []string{"KRG-29-WOOD"}, Category: "furniture-desks", Art: demoart.Desk,
		Title: accounts.Text{RU: "Парта одноместная с наклонной столешницей", KK: "Еңісті үстелі бар бір орындық парта", EN: "Single school desk with a tilting top"},
		Description: accounts.Text{
			RU: "Наклон столешницы 0-15° для правильной осанки при письме. Каркас окрашен порошковой краской.",
			KK: "Жазу кезінде дұрыс отыру үшін үстел еңісі 0-15°. Қаңқасы ұнтақты бояумен боялған.",
			EN: "The top tilts 0-15° for a healthy writing posture. Powder-coated frame.",
		},
		Attributes: catalog.Attributes{LengthMM: 700, WidthMM: 500, HeightMM: 700, Material: matBirchPly, Colour: colNatural, Standard: "ГОСТ 11015-93", AgeGroup: "7-17", Certification: certFurniture},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(38_900), VAT: true, MinOrder: 10, LeadDays: 25, Labour: 210, Stock: 0,
	},
	{
		Code: "DEMO-004", Enterprise: demoStateKrg, Sites: []string{"KRG-29-WOOD"}, Category: "furniture-desks", Art: demoart.Table,
		Title: accounts.Text{RU: "Стол учителя с тумбой и замком", KK: "Тумбасы мен құлпы бар мұғалім үстелі", EN: "Teacher's desk with a lockable pedestal"},
		Description: accounts.Text{
			RU: "Однотумбовый стол с тремя ящиками, верхний запирается на ключ.",
			KK: "Үш тартпасы бар бір тумбалы үстел, жоғарғысы кілтпен құлыпталады.",
			EN: "A single-pedestal desk with three drawers; the top one locks.",
		},
		Attributes: catalog.Attributes{LengthMM: 1200, WidthMM: 600, HeightMM: 750, Material: matLDSP, Colour: colNatural, Standard: "ГОСТ 16371-2014", Certification: certFurniture},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(57_000), VAT: true, MinOrder: 1, LeadDays: 20, Labour: 330, Stock: 6,
	},
	{
		Code: "DEMO-005", Enterprise: demoSocialShm, Sites: []string{"SHM-53-WOOD"}, Category: "furniture-desks", Art: demoart.Table,
		Title: accounts.Text{RU: "Стол детский прямоугольный для детского сада", KK: "Балабақшаға арналған тікбұрышты балалар үстелі", EN: "Rectangular children's table for kindergartens"},
		Description: accounts.Text{
			RU: "Стол на четырёх детей, скруглённые углы, ростовые группы 0-3.",
			KK: "Төрт балаға арналған үстел, бұрыштары дөңгелектелген, 0-3 бой топтары.",
			EN: "A table for four children with rounded corners, size groups 0 to 3.",
		},
		Attributes: catalog.Attributes{LengthMM: 1200, WidthMM: 600, HeightMM: 520, Material: matBirchPly, Colour: colNatural, Standard: "ГОСТ 19301.2-2016", AgeGroup: "3-7", Certification: certFurniture},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(29_800), VAT: false, MinOrder: 2, LeadDays: 14, Labour: 180, Stock: 15,
	},
	{
		Code: "DEMO-006", Enterprise: demoStateEast, Sites: []string{"UKG-16-WOOD"}, Category: "furniture-chairs", Art: demoart.Chair,
		Title: accounts.Text{RU: "Стул ученический регулируемый, гр. 4-6", KK: "Реттелетін оқушы орындығы, 4-6 топ", EN: "Adjustable school chair, size groups 4-6"},
		Description: accounts.Text{
			RU: "Сиденье и спинка из гнутой берёзовой фанеры, каркас из трубы 25×25 мм, заглушки на опорах.",
			KK: "Отырғышы мен арқалығы иілген қайың фанерасынан, қаңқасы 25×25 мм құбырдан, аяқтарында тығындар бар.",
			EN: "Bent birch plywood seat and back on a 25×25 mm tube frame with floor caps.",
		},
		Attributes: catalog.Attributes{LengthMM: 400, WidthMM: 420, HeightMM: 800, Material: matBirchPly, Colour: colGreen, Standard: "ГОСТ 11016-93", AgeGroup: "7-17", Certification: certFurniture},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(16_500), VAT: true, MinOrder: 20, LeadDays: 21, Labour: 110, Stock: 120,
	},
	{
		Code: "DEMO-007", Enterprise: demoSocialShm, Sites: []string{"SHM-53-WOOD"}, Category: "furniture-chairs", Art: demoart.Chair,
		Title: accounts.Text{RU: "Стульчик детский деревянный", KK: "Ағаш балалар орындығы", EN: "Wooden children's chair"},
		Description: accounts.Text{
			RU: "Лёгкий устойчивый стул для групповых комнат детского сада, покрытие безопасным лаком.",
			KK: "Балабақша топ бөлмелеріне арналған жеңіл әрі тұрақты орындық, қауіпсіз лакпен қапталған.",
			EN: "A light, stable chair for kindergarten group rooms, finished with child-safe varnish.",
		},
		Attributes: catalog.Attributes{LengthMM: 320, WidthMM: 340, HeightMM: 560, Material: matPine, Colour: colNatural, Standard: "ГОСТ 19301.3-2016", AgeGroup: "3-7", Certification: certFurniture},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(9_800), VAT: false, MinOrder: 10, LeadDays: 10, Labour: 75, Stock: 60,
	},
	{
		Code: "DEMO-008", Enterprise: demoStateKrg, Sites: []string{"KRG-29-WOOD"}, Category: "furniture-chairs", Art: demoart.Chair,
		Title: accounts.Text{RU: "Стул для актового зала со спинкой", KK: "Акт залына арналған арқалықты орындық", EN: "Assembly hall chair with a backrest"},
		Description: accounts.Text{
			RU: "Штабелируемый стул для актовых залов и столовых: до 10 штук в стопке.",
			KK: "Акт залдары мен асханаларға арналған қабаттап қоятын орындық: бір бумада 10 данаға дейін.",
			EN: "A stacking chair for halls and canteens, up to ten in a stack.",
		},
		Attributes: catalog.Attributes{LengthMM: 450, WidthMM: 460, HeightMM: 830, Material: matBirchPly, Colour: colBlackGrey, Standard: "ГОСТ 19917-2014", Certification: certFurniture},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(14_200), VAT: true, MinOrder: 20, LeadDays: 18, Labour: 95, Stock: 0,
	},
	{
		Code: "DEMO-009", Enterprise: demoStateEast, Sites: []string{"UKG-16-WOOD"}, Category: "furniture-cabinets", Art: demoart.Cabinet,
		Title: accounts.Text{RU: "Шкаф для одежды двухстворчатый", KK: "Екі есікті киім шкафы", EN: "Two-door wardrobe"},
		Description: accounts.Text{
			RU: "Штанга для плечиков и полка для головных уборов. Для общежитий, интернатов и учительских.",
			KK: "Ілгіш штангасы мен бас киім сөресі бар. Жатақханаларға, интернаттарға және мұғалімдер бөлмесіне.",
			EN: "A hanging rail and a hat shelf; for dormitories, boarding schools and staff rooms.",
		},
		Attributes: catalog.Attributes{LengthMM: 800, WidthMM: 550, HeightMM: 1900, Material: matLDSP, Colour: colNatural, Standard: "ГОСТ 16371-2014", Certification: certFurniture},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(84_000), VAT: true, MinOrder: 1, LeadDays: 25, Labour: 540, Stock: 8,
	},
	{
		Code: "DEMO-010", Enterprise: demoStateKrg, Sites: []string{"KRG-29-WOOD"}, Category: "furniture-cabinets", Art: demoart.Shelving,
		Title: accounts.Text{RU: "Стеллаж библиотечный односторонний", KK: "Бір жақты кітапхана сөресі", EN: "Single-sided library shelving"},
		Description: accounts.Text{
			RU: "Пять полок с нагрузкой до 40 кг каждая, крепление к стене в комплекте.",
			KK: "Әрқайсысы 40 кг-ға дейін көтеретін бес сөре, қабырғаға бекіту жинағы бар.",
			EN: "Five shelves taking up to 40 kg each; wall fixings included.",
		},
		Attributes: catalog.Attributes{LengthMM: 1000, WidthMM: 350, HeightMM: 2000, Material: matLDSP, Colour: colNatural, Standard: "ГОСТ 16371-2014", Certification: certFurniture},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(52_000), VAT: true, MinOrder: 2, LeadDays: 21, Labour: 360, Stock: 0,
	},
	{
		Code: "DEMO-011", Enterprise: demoSocialShm, Sites: []string{"SHM-53-WOOD"}, Category: "furniture-cabinets", Art: demoart.Cabinet,
		Title: accounts.Text{RU: "Шкафчик для раздевалки детского сада, 4 секции", KK: "Балабақша киім ауыстыратын бөлмесіне арналған шкаф, 4 секция", EN: "Kindergarten locker, four sections"},
		Description: accounts.Text{
			RU: "Четыре отделения с полкой и крючками, на дверцах место для картинки-метки.",
			KK: "Сөресі мен ілгіштері бар төрт бөлік, есіктерінде белгі-суретке орын бар.",
			EN: "Four compartments with a shelf and hooks; each door has a place for a picture label.",
		},
		Attributes: catalog.Attributes{LengthMM: 1200, WidthMM: 320, HeightMM: 1350, Material: matLDSP, Colour: colMulti, Standard: "ГОСТ 19301.1-2016", AgeGroup: "3-7", Certification: certFurniture},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(61_500), VAT: false, MinOrder: 1, LeadDays: 20, Labour: 420, Stock: 4,
	},
	{
		Code: "DEMO-012", Enterprise: demoStateEast, Sites: []string{"UKG-16-WOOD"}, Category: "furniture-beds", Art: demoart.Bed,
		Title: accounts.Text{RU: "Кровать одноярусная деревянная для интерната", KK: "Интернатқа арналған бір қабатты ағаш кереует", EN: "Single wooden bed for boarding schools"},
		Description: accounts.Text{
			RU: "Кровать из массива сосны с ламельным основанием, под матрас 1900×800 мм.",
			KK: "Ламельді негізі бар қарағай кереует, 1900×800 мм матрасқа арналған.",
			EN: "Solid pine bed with a slatted base for a 1900×800 mm mattress.",
		},
		Attributes: catalog.Attributes{LengthMM: 1960, WidthMM: 860, HeightMM: 850, Material: matPine, Colour: colNatural, Standard: "ГОСТ 19917-2014", Certification: certFurniture},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(54_000), VAT: true, MinOrder: 5, LeadDays: 30, Labour: 360, Stock: 10,
	},
	{
		Code: "DEMO-013", Enterprise: demoStateKrg, Sites: []string{"KRG-29-WOOD"}, Category: "furniture-beds", Art: demoart.BunkBed,
		Title: accounts.Text{RU: "Кровать двухъярусная с лестницей", KK: "Баспалдағы бар екі қабатты кереует", EN: "Bunk bed with a ladder"},
		Description: accounts.Text{
			RU: "Металлические стойки, деревянные ложа, ограждение верхнего яруса и лестница.",
			KK: "Металл тіректер, ағаш төсек орындары, жоғарғы қабаттың қоршауы және баспалдақ.",
			EN: "Steel uprights, wooden bed frames, an upper guard rail and a ladder.",
		},
		Attributes: catalog.Attributes{LengthMM: 1980, WidthMM: 880, HeightMM: 1650, Material: matSteelWood, Colour: colGrey, Standard: "ГОСТ 19917-2014", Certification: certFurniture},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(112_000), VAT: true, MinOrder: 2, LeadDays: 35, Labour: 600, Stock: 0,
	},
	{
		Code: "DEMO-014", Enterprise: demoSocialShm, Sites: []string{"SHM-53-WOOD"}, Category: "furniture-beds", Art: demoart.Bed,
		Title: accounts.Text{RU: "Кровать детская для тихого часа", KK: "Түскі ұйқыға арналған балалар кереуеті", EN: "Children's nap bed"},
		Description: accounts.Text{
			RU: "Низкая кровать с бортиками для спален детского сада, под матрас 1400×600 мм.",
			KK: "Балабақша жатын бөлмелеріне арналған жиектері бар аласа кереует, 1400×600 мм матрасқа.",
			EN: "A low bed with side rails for kindergarten bedrooms, for a 1400×600 mm mattress.",
		},
		Attributes: catalog.Attributes{LengthMM: 1450, WidthMM: 650, HeightMM: 600, Material: matPine, Colour: colNatural, Standard: "ГОСТ 19301.3-2016", AgeGroup: "3-7", Certification: certFurniture},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(33_500), VAT: false, MinOrder: 5, LeadDays: 21, Labour: 240, Stock: 12,
	},

	// Small architectural forms.
	{
		Code: "DEMO-015", Enterprise: demoStateKrg, Sites: []string{"KRG-31-WELD"}, Category: "small-forms", Art: demoart.BikeRack,
		Title: accounts.Text{RU: "Велопарковка на 5 мест", KK: "5 орындық велотұрақ", EN: "Five-place bicycle rack"},
		Description: accounts.Text{
			RU: "Дуги из трубы 42 мм, крепление анкерами к покрытию. Для школ, парков и остановок.",
			KK: "42 мм құбырдан жасалған доғалар, жабынға анкермен бекітіледі. Мектептерге, саябақтарға, аялдамаларға.",
			EN: "Hoops of 42 mm tube, anchored to the pavement; for schools, parks and bus stops.",
		},
		Attributes: catalog.Attributes{LengthMM: 2400, WidthMM: 500, HeightMM: 800, Material: matSteel, Colour: colBlackGrey, Standard: "ГОСТ 23118-2019"},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(46_000), VAT: true, MinOrder: 1, LeadDays: 14, Labour: 180, Stock: 6,
	},
	{
		Code: "DEMO-016", Enterprise: demoStateEast, Sites: []string{"UKG-13-METAL"}, Category: "small-forms-benches", Art: demoart.Bench,
		Title: accounts.Text{RU: "Скамья парковая со спинкой и подлокотниками", KK: "Арқалығы мен шынтақшалары бар саябақ орындығы", EN: "Park bench with back and armrests"},
		Description: accounts.Text{
			RU: "Литые боковины, брус из сосны с антисептиком, крепёж из нержавеющей стали. Анкерное крепление к основанию.",
			KK: "Құйма бүйірлер, антисептикпен өңделген қарағай білеуі, тот баспайтын болат бекіткіштер. Негізге анкермен бекітіледі.",
			EN: "Cast side frames, treated pine slats and stainless fixings; anchored to the base.",
		},
		Attributes: catalog.Attributes{LengthMM: 2000, WidthMM: 700, HeightMM: 850, Material: matSteelWood, Colour: colNatural, Standard: "ГОСТ 19917-2014"},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(96_000), VAT: true, MinOrder: 2, LeadDays: 21, Labour: 480, Stock: 14,
	},
	{
		Code: "DEMO-017", Enterprise: demoStateKrg, Sites: []string{"KRG-31-WELD"}, Category: "small-forms-benches", Art: demoart.Bench,
		Title: accounts.Text{RU: "Скамья уличная «Дала» с орнаментом", KK: "Өрнекті «Дала» көше орындығы", EN: "Dala street bench with ornament"},
		Description: accounts.Text{
			RU: "Боковины с казахским орнаментом, выполненным лазерной резкой, сиденье и спинка из бруса.",
			KK: "Бүйірлерінде лазермен кесілген қазақ өрнегі, отырғышы мен арқалығы білеуден.",
			EN: "Laser-cut Kazakh ornament on the side frames, timber seat and back.",
		},
		Attributes: catalog.Attributes{LengthMM: 1800, WidthMM: 650, HeightMM: 820, Material: matSteelWood, Colour: colBlackGrey, Standard: "ГОСТ 19917-2014"},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(118_000), VAT: true, MinOrder: 2, LeadDays: 28, Labour: 560, Stock: 0,
	},
	{
		Code: "DEMO-018", Enterprise: demoStateEast, Sites: []string{"UKG-13-METAL"}, Category: "small-forms-benches", Art: demoart.Bench,
		Title: accounts.Text{RU: "Скамья для школьного двора без подлокотников", KK: "Мектеп ауласына арналған шынтақшасыз орындық", EN: "Schoolyard bench without armrests"},
		Description: accounts.Text{
			RU: "Упрощённая модель на стальных опорах, бетонируется в грунт.",
			KK: "Болат тіректердегі қарапайым үлгі, жерге бетондалады.",
			EN: "A simpler model on steel legs, set in concrete.",
		},
		Attributes: catalog.Attributes{LengthMM: 1500, WidthMM: 600, HeightMM: 800, Material: matSteelWood, Colour: colGreen, Standard: "ГОСТ 19917-2014"},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(62_000), VAT: true, MinOrder: 4, LeadDays: 14, Labour: 300, Stock: 20,
	},
	{
		Code: "DEMO-019", Enterprise: demoStateEast, Sites: []string{"UKG-13-METAL"}, Category: "small-forms-urns", Art: demoart.Urn,
		Title: accounts.Text{RU: "Урна уличная 40 л на стойке", KK: "Тірекке орнатылған 40 л көше қоқыс жәшігі", EN: "40 l street litter bin on a post"},
		Description: accounts.Text{
			RU: "Перфорированный корпус, съёмное оцинкованное ведро, крышка от дождя.",
			KK: "Тесілген корпус, алынбалы мырышталған шелек, жаңбырдан қорғайтын қақпақ.",
			EN: "Perforated body, removable galvanised liner and a rain lid.",
		},
		Attributes: catalog.Attributes{LengthMM: 400, WidthMM: 400, HeightMM: 900, Material: matSteel, Colour: colGreen, Standard: "ГОСТ 23118-2019"},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(28_500), VAT: true, MinOrder: 5, LeadDays: 10, Labour: 150, Stock: 35,
	},
	{
		Code: "DEMO-020", Enterprise: demoStateKrg, Sites: []string{"KRG-31-WELD"}, Category: "small-forms-urns", Art: demoart.Urn,
		Title: accounts.Text{RU: "Урна опрокидывающаяся парковая", KK: "Аударылмалы саябақ қоқыс жәшігі", EN: "Tilting park litter bin"},
		Description: accounts.Text{
			RU: "Корпус поворачивается на оси для быстрой очистки, две опоры.",
			KK: "Тез тазалау үшін корпус осьте айналады, екі тірек.",
			EN: "The body tips on an axle for quick emptying; two posts.",
		},
		Attributes: catalog.Attributes{LengthMM: 600, WidthMM: 400, HeightMM: 850, Material: matSteel, Colour: colBlackGrey, Standard: "ГОСТ 23118-2019"},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(34_000), VAT: true, MinOrder: 5, LeadDays: 14, Labour: 170, Stock: 0,
	},
	{
		Code: "DEMO-021", Enterprise: demoStateEast, Sites: []string{"UKG-13-METAL"}, Category: "small-forms-urns", Art: demoart.Urn,
		Title: accounts.Text{RU: "Урна для раздельного сбора отходов, 3 секции", KK: "Қалдықтарды бөлек жинауға арналған қоқыс жәшігі, 3 бөлік", EN: "Three-section recycling bin"},
		Description: accounts.Text{
			RU: "Три цветные секции: пластик, бумага, прочие отходы. Для школ и колледжей.",
			KK: "Үш түсті бөлік: пластик, қағаз, басқа қалдықтар. Мектептер мен колледждерге.",
			EN: "Three colour-coded sections for plastic, paper and other waste; for schools and colleges.",
		},
		Attributes: catalog.Attributes{LengthMM: 1100, WidthMM: 400, HeightMM: 950, Material: matSteel, Colour: colMulti, Standard: "ГОСТ 23118-2019"},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(79_000), VAT: true, MinOrder: 1, LeadDays: 21, Labour: 320, Stock: 3,
	},
	{
		Code: "DEMO-022", Enterprise: demoStateEast, Sites: []string{"UKG-13-METAL"}, Category: "small-forms-gazebos", Art: demoart.Gazebo,
		Title: accounts.Text{RU: "Беседка 3×3 м с лавками и столом", KK: "Орындықтары мен үстелі бар 3×3 м беседка", EN: "3×3 m gazebo with benches and a table"},
		Description: accounts.Text{
			RU: "Металлический каркас, кровля из профнастила, деревянный пол и ограждение. Поставляется комплектом для монтажа.",
			KK: "Металл қаңқа, профнастил шатыр, ағаш еден мен қоршау. Құрастыруға арналған жинақ түрінде жеткізіледі.",
			EN: "Steel frame, profiled-sheet roof, timber floor and railings; delivered as a kit for assembly.",
		},
		Attributes: catalog.Attributes{LengthMM: 3000, WidthMM: 3000, HeightMM: 2800, Material: matSteelWood, Colour: accounts.Text{RU: "красная кровля", KK: "қызыл шатыр", EN: "red roof"}, Standard: "ГОСТ 23118-2019"},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(860_000), VAT: true, MinOrder: 1, LeadDays: 45, Labour: 4800, Stock: 0,
	},
	{
		Code: "DEMO-023", Enterprise: demoStateKrg, Sites: []string{"KRG-31-WELD"}, Category: "small-forms-gazebos", Art: demoart.Gazebo,
		Title: accounts.Text{RU: "Теневой навес-веранда для детского сада", KK: "Балабақшаға арналған көлеңкелі шатыр-веранда", EN: "Shade veranda for kindergartens"},
		Description: accounts.Text{
			RU: "Веранда 4×6 м для прогулочных площадок, с деревянным полом и бортиками.",
			KK: "Серуендеу алаңдарына арналған 4×6 м веранда, ағаш едені мен жиектері бар.",
			EN: "A 4×6 m veranda for playgrounds with a timber floor and low walls.",
		},
		Attributes: catalog.Attributes{LengthMM: 6000, WidthMM: 4000, HeightMM: 2700, Material: matSteelWood, Colour: colGreen, Standard: "ГОСТ 23118-2019", AgeGroup: "3-7"},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(1_450_000), VAT: true, MinOrder: 1, LeadDays: 60, Labour: 7200, Stock: 0,
	},
	{
		Code: "DEMO-024", Enterprise: demoStateEast, Sites: []string{"UKG-13-METAL"}, Category: "small-forms-gazebos", Art: demoart.Gazebo,
		Title: accounts.Text{RU: "Беседка шестигранная «Алтай»", KK: "«Алтай» алты қырлы беседкасы", EN: "Altai hexagonal gazebo"},
		Description: accounts.Text{
			RU: "Шестигранная беседка диаметром 4 м со скамьями по периметру.",
			KK: "Периметрі бойынша орындықтары бар диаметрі 4 м алты қырлы беседка.",
			EN: "A 4 m hexagonal gazebo with benches round the sides.",
		},
		Attributes: catalog.Attributes{LengthMM: 4000, WidthMM: 4000, HeightMM: 3200, Material: matSteelWood, Colour: colNatural, Standard: "ГОСТ 23118-2019"},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(1_180_000), VAT: true, MinOrder: 1, LeadDays: 50, Labour: 6000, Stock: 1,
	},
	{
		Code: "DEMO-025", Enterprise: demoStateKrg, Sites: []string{"KRG-31-WELD"}, Category: "small-forms-planters", Art: demoart.Planter,
		Title: accounts.Text{RU: "Вазон уличный на ножке", KK: "Аяқты көше вазоны", EN: "Pedestal street planter"},
		Description: accounts.Text{
			RU: "Чаша диаметром 900 мм на ножке, устойчив к морозу и реагентам.",
			KK: "Аяқтағы диаметрі 900 мм тостаған, аязға және реагенттерге төзімді.",
			EN: "A 900 mm bowl on a pedestal, frost and de-icer resistant.",
		},
		Attributes: catalog.Attributes{LengthMM: 900, WidthMM: 900, HeightMM: 750, Material: matConcrete, Colour: colGrey, Standard: "ГОСТ 23118-2019"},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(36_000), VAT: true, MinOrder: 4, LeadDays: 14, Labour: 180, Stock: 16,
	},
	{
		Code: "DEMO-026", Enterprise: demoStateEast, Sites: []string{"UKG-13-METAL"}, Category: "small-forms-planters", Art: demoart.Planter,
		Title: accounts.Text{RU: "Цветочница металлическая кованая", KK: "Соғылған металл гүл салғыш", EN: "Wrought-metal flower stand"},
		Description: accounts.Text{
			RU: "Кованая цветочница с вставкой под кашпо, для входных групп и аллей.",
			KK: "Кашпоға арналған ендірмесі бар соғылған гүл салғыш, кіреберістер мен аллеяларға.",
			EN: "A wrought flower stand with an insert for a pot, for entrances and alleys.",
		},
		Attributes: catalog.Attributes{LengthMM: 700, WidthMM: 700, HeightMM: 900, Material: matSteel, Colour: colBlackGrey, Standard: "ГОСТ 23118-2019"},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(42_000), VAT: true, MinOrder: 2, LeadDays: 21, Labour: 260, Stock: 0,
	},
	{
		Code: "DEMO-027", Enterprise: demoStateKrg, Sites: []string{"KRG-31-WELD"}, Category: "small-forms-planters", Art: demoart.Planter,
		Title: accounts.Text{RU: "Клумба-вазон прямоугольная для двора", KK: "Аулаға арналған тікбұрышты гүлзар-вазон", EN: "Rectangular courtyard planter"},
		Description: accounts.Text{
			RU: "Низкий вазон 1500×600 мм с дренажными отверстиями.",
			KK: "Дренаж тесіктері бар 1500×600 мм аласа вазон.",
			EN: "A low 1500×600 mm planter with drainage holes.",
		},
		Attributes: catalog.Attributes{LengthMM: 1500, WidthMM: 600, HeightMM: 450, Material: matConcrete, Colour: colGrey, Standard: "ГОСТ 23118-2019"},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(48_500), VAT: true, MinOrder: 2, LeadDays: 14, Labour: 210, Stock: 9,
	},

	// Educational and play sets.
	{
		Code: "DEMO-028", Enterprise: demoSocialShm, Sites: []string{"SHM-53-WOOD"}, Category: "play", Art: demoart.Abacus,
		Title: accounts.Text{RU: "Счёты деревянные напольные для детского сада", KK: "Балабақшаға арналған еденге қойылатын ағаш есепшот", EN: "Floor-standing wooden abacus for kindergartens"},
		Description: accounts.Text{
			RU: "Большие счёты с цветными бусинами для обучения счёту в группе.",
			KK: "Топта санауды үйретуге арналған түрлі түсті моншақты үлкен есепшот.",
			EN: "A large abacus with coloured beads for teaching a whole group to count.",
		},
		Attributes: catalog.Attributes{LengthMM: 800, WidthMM: 300, HeightMM: 900, Material: matBeech, Colour: colMulti, Standard: "ГОСТ 25779-90", AgeGroup: "3-7", Certification: certToys},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(18_500), VAT: false, MinOrder: 1, LeadDays: 10, Labour: 150, Stock: 7,
	},
	{
		Code: "DEMO-029", Enterprise: demoStateEast, Sites: []string{"UKG-16-WOOD"}, Category: "play", Art: demoart.Construction,
		Title: accounts.Text{RU: "Набор кубиков «Әліппе», 30 шт.", KK: "«Әліппе» текшелер жинағы, 30 дана", EN: "Alippe alphabet blocks, 30 pieces"},
		Description: accounts.Text{
			RU: "Кубики с буквами казахского алфавита, выжигание и безопасные краски.",
			KK: "Қазақ әліпбиінің әріптері бар текшелер, күйдіріп салынған, қауіпсіз бояулар.",
			EN: "Blocks with the letters of the Kazakh alphabet, pyrographed and painted with safe paints.",
		},
		Attributes: catalog.Attributes{LengthMM: 300, WidthMM: 250, HeightMM: 100, Material: matBeech, Colour: colMulti, Standard: "ГОСТ 25779-90", AgeGroup: "3-7", Certification: certToys},
		Unit:       catalog.UnitSet, PriceTiyn: tenge(9_200), VAT: true, MinOrder: 5, LeadDays: 14, Labour: 120, Stock: 25,
	},
	{
		Code: "DEMO-030", Enterprise: demoStateEast, Sites: []string{"UKG-16-WOOD"}, Category: "play-construction", Art: demoart.Construction,
		Title: accounts.Text{RU: "Конструктор деревянный, 2500 деталей", KK: "Ағаш конструктор, 2500 бөлшек", EN: "Wooden construction set, 2,500 pieces"},
		Description: accounts.Text{
			RU: "Большой набор брусков, арок, цилиндров и крыш из бука в двух ящиках на колёсах. Для групп детского сада и начальной школы.",
			KK: "Доңғалақты екі жәшіктегі шамшат ағашынан жасалған білеулер, доғалар, цилиндрлер мен шатырлардың үлкен жинағы. Балабақша топтары мен бастауыш мектепке.",
			EN: "A large set of beech bricks, arches, cylinders and roofs in two wheeled crates, for kindergarten groups and primary classes.",
		},
		Attributes: catalog.Attributes{LengthMM: 800, WidthMM: 600, HeightMM: 450, Material: matBeech, Colour: colMulti, Standard: "ГОСТ 25779-90", AgeGroup: "3-10", Certification: certToys},
		Unit:       catalog.UnitSet, PriceTiyn: tenge(65_000), VAT: true, MinOrder: 1, LeadDays: 30, Labour: 900, Stock: 5,
	},
	{
		Code: "DEMO-031", Enterprise: demoStateKrg, Sites: []string{"KRG-29-WOOD"}, Category: "play-construction", Art: demoart.Construction,
		Title: accounts.Text{RU: "Конструктор «Қала», 500 деталей", KK: "«Қала» конструкторы, 500 бөлшек", EN: "Qala town construction set, 500 pieces"},
		Description: accounts.Text{
			RU: "Набор для постройки домов, мостов и башен, в деревянном ящике.",
			KK: "Үйлер, көпірлер мен мұнаралар салуға арналған жинақ, ағаш жәшікте.",
			EN: "Build houses, bridges and towers; comes in a wooden crate.",
		},
		Attributes: catalog.Attributes{LengthMM: 500, WidthMM: 400, HeightMM: 250, Material: matBeech, Colour: colMulti, Standard: "ГОСТ 25779-90", AgeGroup: "3-7", Certification: certToys},
		Unit:       catalog.UnitSet, PriceTiyn: tenge(21_000), VAT: true, MinOrder: 2, LeadDays: 21, Labour: 300, Stock: 0,
	},
	{
		Code: "DEMO-032", Enterprise: demoSocialShm, Sites: []string{"SHM-53-WOOD"}, Category: "play-construction", Art: demoart.Construction,
		Title: accounts.Text{RU: "Напольный конструктор из крупных блоков, 120 деталей", KK: "Ірі блоктардан жасалған еден конструкторы, 120 бөлшек", EN: "Large floor block set, 120 pieces"},
		Description: accounts.Text{
			RU: "Крупные полые блоки для построек в рост ребёнка.",
			KK: "Бала бойындай құрылыстар салуға арналған ірі қуыс блоктар.",
			EN: "Big hollow blocks for child-high buildings.",
		},
		Attributes: catalog.Attributes{LengthMM: 1000, WidthMM: 600, HeightMM: 600, Material: matPine, Colour: colNatural, Standard: "ГОСТ 25779-90", AgeGroup: "3-7", Certification: certToys},
		Unit:       catalog.UnitSet, PriceTiyn: tenge(54_000), VAT: false, MinOrder: 1, LeadDays: 28, Labour: 720, Stock: 2,
	},
	{
		Code: "DEMO-033", Enterprise: demoStateEast, Sites: []string{"UKG-16-WOOD"}, Category: "play-corners", Art: demoart.PlayCorner,
		Title: accounts.Text{RU: "Игровой уголок «Киіз үй» с шаныраком", KK: "Шаңырағы бар «Киіз үй» ойын бұрышы", EN: "Kiiz Üi play corner with a shanyrak"},
		Description: accounts.Text{
			RU: "Детская юрта с решётчатыми стенами (кереге), куполом и шаныраком, дверь с орнаментом. Собирается без инструментов.",
			KK: "Керегесі, күмбезі мен шаңырағы бар балалар киіз үйі, есігі өрнекті. Құралсыз құрастырылады.",
			EN: "A child-size yurt with lattice walls (kerege), a dome and a shanyrak, and an ornamented door; assembles without tools.",
		},
		Attributes: catalog.Attributes{LengthMM: 2400, WidthMM: 2400, HeightMM: 1900, Material: accounts.Text{RU: "сосна, войлок, хлопок", KK: "қарағай, киіз, мақта", EN: "pine, felt, cotton"}, Colour: colMulti, Standard: "ГОСТ 25779-90", AgeGroup: "3-7", Certification: certToys},
		Unit:       catalog.UnitSet, PriceTiyn: tenge(420_000), VAT: true, MinOrder: 1, LeadDays: 40, Labour: 3600, Stock: 1,
	},
	{
		Code: "DEMO-034", Enterprise: demoSocialShm, Sites: []string{"SHM-53-WOOD"}, Category: "play-corners", Art: demoart.Shanyrak,
		Title: accounts.Text{RU: "Шанырак декоративный для группы, Ø 1 м", KK: "Топқа арналған сәндік шаңырақ, Ø 1 м", EN: "Decorative shanyrak for a group room, 1 m"},
		Description: accounts.Text{
			RU: "Шанырак с уыками для потолка группы или музейного уголка.",
			KK: "Топ төбесіне немесе мұражай бұрышына арналған уықтары бар шаңырақ.",
			EN: "A shanyrak with roof poles (uyk) for a group room ceiling or a heritage corner.",
		},
		Attributes: catalog.Attributes{LengthMM: 1000, WidthMM: 1000, HeightMM: 250, Material: matPine, Colour: colNatural, Standard: "СТ РК 1.5-2019", AgeGroup: "3-7"},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(75_000), VAT: false, MinOrder: 1, LeadDays: 21, Labour: 900, Stock: 2,
	},
	{
		Code: "DEMO-035", Enterprise: demoSocialShm, Sites: []string{"SHM-53-WOOD"}, Category: "play-corners", Art: demoart.Dastarkhan,
		Title: accounts.Text{RU: "Игровой набор «Дастархан» с низким столиком", KK: "Аласа үстелі бар «Дастархан» ойын жинағы", EN: "Dastarkhan play set with a low table"},
		Description: accounts.Text{
			RU: "Круглый столик, скатерть, чайник, пиалы и баурсаки из дерева для сюжетных игр.",
			KK: "Сюжетті ойындарға арналған дөңгелек үстел, дастарқан, шәйнек, кеселер мен ағаш бауырсақтар.",
			EN: "A round low table, cloth, teapot, bowls and wooden baursaks for role play.",
		},
		Attributes: catalog.Attributes{LengthMM: 900, WidthMM: 900, HeightMM: 300, Material: matBeech, Colour: colMulti, Standard: "ГОСТ 25779-90", AgeGroup: "3-7", Certification: certToys},
		Unit:       catalog.UnitSet, PriceTiyn: tenge(48_000), VAT: false, MinOrder: 1, LeadDays: 21, Labour: 600, Stock: 4,
	},
	{
		Code: "DEMO-036", Enterprise: demoStateKrg, Sites: []string{"KRG-29-WOOD"}, Category: "play-corners", Art: demoart.Piala,
		Title: accounts.Text{RU: "Набор миниатюрных пиал на подносе, 8 шт.", KK: "Табақтағы шағын кеселер жинағы, 8 дана", EN: "Miniature piala set on a tray, 8 pieces"},
		Description: accounts.Text{
			RU: "Точёные деревянные пиалы с росписью и поднос для игрового уголка «Қонақжай».",
			KK: "«Қонақжай» ойын бұрышына арналған өрнекті жонылған ағаш кеселер мен табақ.",
			EN: "Turned and painted wooden bowls with a tray, for a hospitality play corner.",
		},
		Attributes: catalog.Attributes{LengthMM: 400, WidthMM: 400, HeightMM: 80, Material: matBeech, Colour: colWhite, Standard: "ГОСТ 25779-90", AgeGroup: "3-7", Certification: certToys},
		Unit:       catalog.UnitSet, PriceTiyn: tenge(12_400), VAT: true, MinOrder: 3, LeadDays: 14, Labour: 160, Stock: 18,
	},
	{
		Code: "DEMO-037", Enterprise: demoStateEast, Sites: []string{"UKG-16-WOOD"}, Category: "play-corners", Art: demoart.Dastarkhan,
		Title: accounts.Text{RU: "Уголок «Қонақжай» с дастарханом и пиалами", KK: "Дастарқаны мен кеселері бар «Қонақжай» бұрышы", EN: "Qonaqzhai corner with a dastarkhan and pialas"},
		Description: accounts.Text{
			RU: "Комплект для группы: столик-дастархан, четыре пуфа-корпе, набор посуды.",
			KK: "Топқа арналған жинақ: дастарқан-үстел, төрт көрпе-пуф, ыдыс жинағы.",
			EN: "A group set: a dastarkhan table, four korpe floor cushions and a tableware set.",
		},
		Attributes: catalog.Attributes{LengthMM: 1600, WidthMM: 1600, HeightMM: 350, Material: accounts.Text{RU: "бук, хлопок, войлок", KK: "шамшат, мақта, киіз", EN: "beech, cotton, felt"}, Colour: colMulti, Standard: "ГОСТ 25779-90", AgeGroup: "3-7", Certification: certToys},
		Unit:       catalog.UnitSet, PriceTiyn: tenge(136_000), VAT: true, MinOrder: 1, LeadDays: 30, Labour: 1500, Stock: 0,
	},

	// Sewn goods.
	{
		Code: "DEMO-038", Enterprise: demoSocialEast, Sites: []string{"ALT-22-SEW"}, Category: "sewn", Art: demoart.Bedding,
		Title: accounts.Text{RU: "Полотенце вафельное 45×70 см", KK: "Вафли сүлгі 45×70 см", EN: "Waffle towel, 45×70 cm"},
		Description: accounts.Text{
			RU: "Полотенца для столовых, медкабинетов и детских садов, обработанный край.",
			KK: "Асханаларға, медициналық кабинеттерге және балабақшаларға арналған сүлгілер, жиегі өңделген.",
			EN: "Towels for canteens, medical rooms and kindergartens, with hemmed edges.",
		},
		Attributes: catalog.Attributes{LengthMM: 700, WidthMM: 450, Material: matCotton, Colour: colWhite, Standard: "ГОСТ 11027-2014", Certification: certLight},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(650), VAT: false, MinOrder: 100, LeadDays: 7, Labour: 6, Stock: 1500,
	},
	{
		Code: "DEMO-039", Enterprise: demoStateEast, Sites: []string{"UKG-22-SEW"}, Category: "sewn-uniforms", Art: demoart.Uniform,
		Title: accounts.Text{RU: "Школьный костюм для мальчиков (пиджак и брюки)", KK: "Ұлдарға арналған мектеп костюмі (пиджак пен шалбар)", EN: "Boys' school suit (jacket and trousers)"},
		Description: accounts.Text{
			RU: "Тёмно-синий костюм по требованиям к школьной форме, размеры 28-44.",
			KK: "Мектеп формасына қойылатын талаптарға сай қою көк костюм, 28-44 өлшемдер.",
			EN: "A navy suit meeting the school uniform rules, sizes 28 to 44.",
		},
		Attributes: catalog.Attributes{Material: matSuiting, Colour: colDarkBlue, Standard: "ГОСТ 31409-2009", AgeGroup: "7-17", Certification: certKids},
		Unit:       catalog.UnitSet, PriceTiyn: tenge(18_900), VAT: true, MinOrder: 20, LeadDays: 30, Labour: 210, Stock: 150,
	},
	{
		Code: "DEMO-040", Enterprise: demoSocialEast, Sites: []string{"ALT-22-SEW"}, Category: "sewn-uniforms", Art: demoart.Uniform,
		Title: accounts.Text{RU: "Жакет школьный для девочек", KK: "Қыздарға арналған мектеп жакеті", EN: "Girls' school blazer"},
		Description: accounts.Text{
			RU: "Приталенный жакет с эмблемой школы по эскизу заказчика.",
			KK: "Тапсырыс берушінің эскизі бойынша мектеп эмблемасы бар жакет.",
			EN: "A fitted blazer with the school's emblem to the buyer's design.",
		},
		Attributes: catalog.Attributes{Material: matSuiting, Colour: colDarkBlue, Standard: "ГОСТ 31409-2009", AgeGroup: "7-17", Certification: certKids},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(11_500), VAT: false, MinOrder: 20, LeadDays: 25, Labour: 150, Stock: 0,
	},
	{
		Code: "DEMO-041", Enterprise: demoSocialShm, Sites: []string{"SHM-53-SEW"}, Category: "sewn-uniforms", Art: demoart.Uniform,
		Title: accounts.Text{RU: "Китель форменный для колледжа", KK: "Колледжге арналған форма кителі", EN: "College uniform tunic"},
		Description: accounts.Text{
			RU: "Китель с погончиками и шевроном колледжа, размеры 44-60.",
			KK: "Иық белгілері мен колледж шевроны бар китель, 44-60 өлшемдер.",
			EN: "A tunic with shoulder straps and the college's chevron, sizes 44 to 60.",
		},
		Attributes: catalog.Attributes{Material: matTwill, Colour: colDarkBlue, Standard: "ГОСТ 25295-2003", Certification: certLight},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(16_800), VAT: false, MinOrder: 30, LeadDays: 30, Labour: 180, Stock: 0,
	},
	{
		Code: "DEMO-042", Enterprise: demoStateEast, Sites: []string{"UKG-22-SEW"}, Category: "sewn-workwear", Art: demoart.Workwear,
		Title: accounts.Text{RU: "Костюм рабочий летний (куртка и полукомбинезон)", KK: "Жазғы жұмыс костюмі (күртеше мен жартылай комбинезон)", EN: "Summer work suit (jacket and bib trousers)"},
		Description: accounts.Text{
			RU: "Костюм из смесовой ткани со световозвращающими полосами, пять карманов.",
			KK: "Жарық шағылыстыратын жолақтары бар аралас матадан тігілген костюм, бес қалта.",
			EN: "A poly-cotton suit with reflective stripes and five pockets.",
		},
		Attributes: catalog.Attributes{Material: matTwill, Colour: colGreen, Standard: "ГОСТ 12.4.280-2014", Certification: "декларация о соответствии ТР ТС 019/2011"},
		Unit:       catalog.UnitSet, PriceTiyn: tenge(14_500), VAT: true, MinOrder: 20, LeadDays: 14, Labour: 140, Stock: 300,
	},
	{
		Code: "DEMO-043", Enterprise: demoSocialEast, Sites: []string{"ALT-22-SEW"}, Category: "sewn-workwear", Art: demoart.Workwear,
		Title: accounts.Text{RU: "Куртка рабочая утеплённая", KK: "Жылытылған жұмыс күртешесі", EN: "Insulated work jacket"},
		Description: accounts.Text{
			RU: "Зимняя куртка с синтепоном 200 г/м² и капюшоном, для дворников и рабочих.",
			KK: "200 г/м² синтепоны мен күләпарасы бар қысқы күртеше, аула сыпырушылар мен жұмысшыларға.",
			EN: "A winter jacket with 200 g/m² padding and a hood, for caretakers and workers.",
		},
		Attributes: catalog.Attributes{Material: matTwill, Colour: colDarkBlue, Standard: "ГОСТ 12.4.303-2016", Certification: "декларация о соответствии ТР ТС 019/2011"},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(21_000), VAT: false, MinOrder: 10, LeadDays: 21, Labour: 190, Stock: 0,
	},
	{
		Code: "DEMO-044", Enterprise: demoSocialShm, Sites: []string{"SHM-53-SEW"}, Category: "sewn-workwear", Art: demoart.Workwear,
		Title: accounts.Text{RU: "Халат рабочий для технического персонала", KK: "Техникалық қызметкерлерге арналған жұмыс халаты", EN: "Work coat for maintenance staff"},
		Description: accounts.Text{
			RU: "Халат на пуговицах с двумя накладными карманами, размеры 44-62.",
			KK: "Екі жапсырма қалтасы бар түймелі халат, 44-62 өлшемдер.",
			EN: "A buttoned coat with two patch pockets, sizes 44 to 62.",
		},
		Attributes: catalog.Attributes{Material: matTwill, Colour: colGrey, Standard: "ГОСТ 12.4.131-83", Certification: "декларация о соответствии ТР ТС 019/2011"},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(6_900), VAT: false, MinOrder: 20, LeadDays: 10, Labour: 70, Stock: 80,
	},
	{
		Code: "DEMO-045", Enterprise: demoStateEast, Sites: []string{"UKG-22-SEW"}, Category: "sewn-bedding", Art: demoart.Bedding,
		Title: accounts.Text{RU: "Комплект постельного белья 1,5-спальный, бязь", KK: "Бір жарым кісілік төсек-орын жабдығы, бязь", EN: "Single bedding set, calico"},
		Description: accounts.Text{
			RU: "Простыня, пододеяльник и наволочка; выдерживает промышленную стирку при 90 °C.",
			KK: "Ақжайма, көрпе тысы және жастық тысы; 90 °C өнеркәсіптік жууға шыдайды.",
			EN: "A sheet, duvet cover and pillowcase that stand industrial washing at 90 °C.",
		},
		Attributes: catalog.Attributes{LengthMM: 2150, WidthMM: 1450, Material: matCotton, Colour: colWhite, Standard: "ГОСТ 31307-2005", Certification: certLight},
		Unit:       catalog.UnitSet, PriceTiyn: tenge(9_400), VAT: true, MinOrder: 20, LeadDays: 10, Labour: 55, Stock: 400,
	},
	{
		Code: "DEMO-046", Enterprise: demoSocialEast, Sites: []string{"ALT-22-SEW"}, Category: "sewn-bedding", Art: demoart.Bedding,
		Title: accounts.Text{RU: "Комплект детского постельного белья для детского сада", KK: "Балабақшаға арналған балалар төсек-орын жабдығы", EN: "Children's bedding set for kindergartens"},
		Description: accounts.Text{
			RU: "Комплект под детский матрас 1400×600 мм, рисунок на выбор.",
			KK: "1400×600 мм балалар матрасына арналған жинақ, суреті таңдау бойынша.",
			EN: "For a 1400×600 mm child's mattress, choice of prints.",
		},
		Attributes: catalog.Attributes{LengthMM: 1470, WidthMM: 1100, Material: matCotton, Colour: colMulti, Standard: "ГОСТ 31307-2005", AgeGroup: "1-7", Certification: certKids},
		Unit:       catalog.UnitSet, PriceTiyn: tenge(7_200), VAT: false, MinOrder: 20, LeadDays: 10, Labour: 45, Stock: 220,
	},
	{
		Code: "DEMO-047", Enterprise: demoSocialShm, Sites: []string{"SHM-53-SEW"}, Category: "sewn-bedding", Art: demoart.Bedding,
		Title: accounts.Text{RU: "Одеяло шерстяное 140×205 см", KK: "Жүн көрпе 140×205 см", EN: "Wool blanket, 140×205 cm"},
		Description: accounts.Text{
			RU: "Тёплое одеяло из овечьей шерсти в чехле из бязи.",
			KK: "Бязь тыстағы қой жүнінен жасалған жылы көрпе.",
			EN: "A warm sheep's wool blanket in a calico cover.",
		},
		Attributes: catalog.Attributes{LengthMM: 2050, WidthMM: 1400, Material: accounts.Text{RU: "овечья шерсть, бязь", KK: "қой жүні, бязь", EN: "sheep's wool, calico"}, Colour: colBeige, Standard: "ГОСТ 9382-78", Certification: certLight},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(15_800), VAT: false, MinOrder: 10, LeadDays: 14, Labour: 80, Stock: 0,
	},
	{
		Code: "DEMO-048", Enterprise: demoStateEast, Sites: []string{"UKG-22-SEW"}, Category: "sewn-bedding", Art: demoart.Bedding,
		Title: accounts.Text{RU: "Подушка 50×70 см, холлофайбер", KK: "Жастық 50×70 см, холлофайбер", EN: "Pillow, 50×70 cm, hollow fibre"},
		Description: accounts.Text{
			RU: "Гипоаллергенная подушка для интернатов и общежитий.",
			KK: "Интернаттар мен жатақханаларға арналған гипоаллергенді жастық.",
			EN: "A hypoallergenic pillow for boarding schools and dormitories.",
		},
		Attributes: catalog.Attributes{LengthMM: 700, WidthMM: 500, Material: accounts.Text{RU: "тик, холлофайбер", KK: "тик, холлофайбер", EN: "ticking, hollow fibre"}, Colour: colWhite, Standard: "ГОСТ 30332-2015", Certification: certLight},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(3_900), VAT: true, MinOrder: 20, LeadDays: 7, Labour: 25, Stock: 600,
	},

	// Construction materials.
	{
		Code: "DEMO-049", Enterprise: demoStateEast, Sites: []string{"UKG-30-BLOCK"}, Category: "construction", Art: demoart.Curb,
		Title: accounts.Text{RU: "Бордюр дорожный БР 100.30.15", KK: "БР 100.30.15 жол жиектасы", EN: "Road kerb BR 100.30.15"},
		Description: accounts.Text{
			RU: "Бортовой камень для проезжей части, марка бетона по морозостойкости F200.",
			KK: "Жүру бөлігіне арналған жиектас, бетонның аязға төзімділік маркасы F200.",
			EN: "A roadside kerb stone, concrete frost grade F200.",
		},
		Attributes: catalog.Attributes{LengthMM: 1000, WidthMM: 150, HeightMM: 300, Material: matConcrete, Colour: colGrey, Standard: "ГОСТ 6665-91"},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(3_600), VAT: true, MinOrder: 50, LeadDays: 7, Labour: 12, Stock: 900,
	},
	{
		Code: "DEMO-050", Enterprise: demoStateEast, Sites: []string{"UKG-30-BLOCK"}, Category: "construction-paving", Art: demoart.Paving,
		Title: accounts.Text{RU: "Плитка тротуарная «Кирпичик» 200×100×60 мм", KK: "«Кірпіш» тротуар плиткасы 200×100×60 мм", EN: "Brick paver, 200×100×60 mm"},
		Description: accounts.Text{
			RU: "Вибропрессованная плитка для тротуаров и школьных дворов, серая и цветная.",
			KK: "Тротуарлар мен мектеп аулаларына арналған дірілмен престелген плитка, сұр және түрлі түсті.",
			EN: "Vibro-pressed paving for pavements and schoolyards, grey or coloured.",
		},
		Attributes: catalog.Attributes{LengthMM: 200, WidthMM: 100, HeightMM: 60, Material: matConcrete, Colour: colGrey, Standard: "ГОСТ 17608-2017"},
		Unit:       catalog.UnitSquareMetre, PriceTiyn: tenge(4_200), VAT: true, MinOrder: 50, LeadDays: 10, Labour: 40, Stock: 1200,
	},
	{
		Code: "DEMO-051", Enterprise: demoStateEast, Sites: []string{"UKG-30-BLOCK"}, Category: "construction-paving", Art: demoart.Paving,
		Title: accounts.Text{RU: "Плитка тротуарная «Волна» 240×120×60 мм", KK: "«Толқын» тротуар плиткасы 240×120×60 мм", EN: "Wave paver, 240×120×60 mm"},
		Description: accounts.Text{
			RU: "Фигурная плитка с плотным сцеплением, для пешеходных зон.",
			KK: "Тығыз ілінісетін пішінді плитка, жаяу жүргіншілер аймақтарына.",
			EN: "An interlocking shaped paver for pedestrian areas.",
		},
		Attributes: catalog.Attributes{LengthMM: 240, WidthMM: 120, HeightMM: 60, Material: matConcrete, Colour: accounts.Text{RU: "терракотовый", KK: "терракота", EN: "terracotta"}, Standard: "ГОСТ 17608-2017"},
		Unit:       catalog.UnitSquareMetre, PriceTiyn: tenge(4_600), VAT: true, MinOrder: 50, LeadDays: 14, Labour: 45, Stock: 0,
	},
	{
		Code: "DEMO-052", Enterprise: demoStateEast, Sites: []string{"UKG-30-BLOCK"}, Category: "construction-paving", Art: demoart.Paving,
		Title: accounts.Text{RU: "Плитка тротуарная «Старый город», набор из 3 размеров", KK: "«Ескі қала» тротуар плиткасы, 3 өлшемдегі жинақ", EN: "Old Town pavers, three-size mix"},
		Description: accounts.Text{
			RU: "Плитка трёх размеров для укладки «ковром» в скверах и у памятников.",
			KK: "Скверлерде және ескерткіштер маңында «кілем» тәрізді төсеуге арналған үш өлшемді плитка.",
			EN: "Pavers in three sizes laid as a random carpet in squares and by monuments.",
		},
		Attributes: catalog.Attributes{LengthMM: 180, WidthMM: 120, HeightMM: 60, Material: matConcrete, Colour: colMulti, Standard: "ГОСТ 17608-2017"},
		Unit:       catalog.UnitSquareMetre, PriceTiyn: tenge(5_300), VAT: true, MinOrder: 30, LeadDays: 14, Labour: 50, Stock: 350,
	},
	{
		Code: "DEMO-053", Enterprise: demoStateEast, Sites: []string{"UKG-30-BLOCK"}, Category: "construction-blocks", Art: demoart.Blocks,
		Title: accounts.Text{RU: "Шлакоблок стеновой 390×190×188 мм", KK: "Қабырғалық шлакоблок 390×190×188 мм", EN: "Cinder wall block, 390×190×188 mm"},
		Description: accounts.Text{
			RU: "Пустотелый блок для стен хозяйственных построек и заборов, поддон 90 шт.",
			KK: "Шаруашылық құрылыстары мен қоршау қабырғаларына арналған қуыс блок, табанда 90 дана.",
			EN: "A hollow block for outbuildings and fences; 90 to a pallet.",
		},
		Attributes: catalog.Attributes{LengthMM: 390, WidthMM: 190, HeightMM: 188, Material: accounts.Text{RU: "шлакобетон M75", KK: "шлакбетон M75", EN: "cinder concrete M75"}, Colour: colGrey, Standard: "ГОСТ 6133-2019"},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(290), VAT: true, MinOrder: 450, LeadDays: 7, Labour: 3, Stock: 8000,
	},
	{
		Code: "DEMO-054", Enterprise: demoStateEast, Sites: []string{"UKG-30-BLOCK"}, Category: "construction-blocks", Art: demoart.Blocks,
		Title: accounts.Text{RU: "Керамзитоблок 390×190×188 мм", KK: "Керамзитблок 390×190×188 мм", EN: "Expanded-clay block, 390×190×188 mm"},
		Description: accounts.Text{
			RU: "Лёгкий тёплый блок для наружных стен, марка M50.",
			KK: "Сыртқы қабырғаларға арналған жеңіл әрі жылы блок, M50 маркасы.",
			EN: "A light, warm block for outer walls, grade M50.",
		},
		Attributes: catalog.Attributes{LengthMM: 390, WidthMM: 190, HeightMM: 188, Material: accounts.Text{RU: "керамзитобетон", KK: "керамзитбетон", EN: "expanded-clay concrete"}, Colour: accounts.Text{RU: "терракотовый", KK: "терракота", EN: "terracotta"}, Standard: "ГОСТ 6133-2019"},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(340), VAT: true, MinOrder: 450, LeadDays: 10, Labour: 3, Stock: 0,
	},
	{
		Code: "DEMO-055", Enterprise: demoStateEast, Sites: []string{"UKG-30-BLOCK"}, Category: "construction-blocks", Art: demoart.Blocks,
		Title: accounts.Text{RU: "Блок перегородочный 390×90×188 мм", KK: "Қалқа блогы 390×90×188 мм", EN: "Partition block, 390×90×188 mm"},
		Description: accounts.Text{
			RU: "Тонкий блок для внутренних перегородок.",
			KK: "Ішкі қалқаларға арналған жұқа блок.",
			EN: "A thin block for inner partitions.",
		},
		Attributes: catalog.Attributes{LengthMM: 390, WidthMM: 90, HeightMM: 188, Material: accounts.Text{RU: "пескобетон M100", KK: "құмбетон M100", EN: "sand concrete M100"}, Colour: colGrey, Standard: "ГОСТ 6133-2019"},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(210), VAT: true, MinOrder: 500, LeadDays: 7, Labour: 2, Stock: 5000,
	},

	// Metalwork.
	{
		Code: "DEMO-056", Enterprise: demoStateKrg, Sites: []string{"KRG-31-WELD"}, Category: "metalwork", Art: demoart.Gate,
		Title: accounts.Text{RU: "Ворота распашные с калиткой, 4 м", KK: "Қақпашасы бар ашылмалы қақпа, 4 м", EN: "Swing gates with a wicket, 4 m"},
		Description: accounts.Text{
			RU: "Сварные ворота из профильной трубы с элементами ковки, петли и запорное устройство в комплекте.",
			KK: "Соғу элементтері бар профильді құбырдан пісірілген қақпа, топсалары мен құлыптау құрылғысы бар.",
			EN: "Welded tube gates with wrought details; hinges and locking bar included.",
		},
		Attributes: catalog.Attributes{LengthMM: 4000, WidthMM: 100, HeightMM: 2000, Material: matSteel, Colour: colBlackGrey, Standard: "ГОСТ 31174-2017"},
		Unit:       catalog.UnitSet, PriceTiyn: tenge(360_000), VAT: true, MinOrder: 1, LeadDays: 30, Labour: 1200, Stock: 0,
	},
	{
		Code: "DEMO-057", Enterprise: demoStateEast, Sites: []string{"UKG-13-METAL"}, Category: "metalwork", Art: demoart.Fence,
		Title: accounts.Text{RU: "Секция ограждения школьной территории 2,5×1,5 м", KK: "Мектеп аумағын қоршау секциясы 2,5×1,5 м", EN: "Schoolyard fence panel, 2.5×1.5 m"},
		Description: accounts.Text{
			RU: "Секция из прутка 12 мм с пиками, столбы и крепёж заказываются отдельно.",
			KK: "Ұшты 12 мм шыбықтан жасалған секция, бағаналар мен бекіткіштер бөлек тапсырыс беріледі.",
			EN: "A 12 mm bar panel with spear tops; posts and fixings are ordered separately.",
		},
		Attributes: catalog.Attributes{LengthMM: 2500, WidthMM: 40, HeightMM: 1500, Material: matSteel, Colour: colGreen, Standard: "ГОСТ 26804-2012"},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(38_500), VAT: true, MinOrder: 10, LeadDays: 21, Labour: 150, Stock: 60,
	},
	{
		Code: "DEMO-058", Enterprise: demoStateKrg, Sites: []string{"KRG-31-WELD"}, Category: "metalwork", Art: demoart.Mangal,
		Title: accounts.Text{RU: "Мангал разборный 3 мм с полкой", KK: "Сөресі бар 3 мм жиналмалы манғал", EN: "Folding 3 mm barbecue grill with a shelf"},
		Description: accounts.Text{
			RU: "Мангал из стали 3 мм на 10 шампуров, складные ножки и нижняя полка.",
			KK: "10 шампурға арналған 3 мм болаттан жасалған манғал, бүктелетін аяқтар мен төменгі сөре.",
			EN: "A 3 mm steel grill for ten skewers with folding legs and a lower shelf.",
		},
		Attributes: catalog.Attributes{LengthMM: 800, WidthMM: 350, HeightMM: 800, Material: accounts.Text{RU: "сталь 3 мм", KK: "болат 3 мм", EN: "3 mm steel"}, Colour: colBlackGrey, Standard: "СТ РК 1.5-2019"},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(44_000), VAT: true, MinOrder: 1, LeadDays: 7, Labour: 240, Stock: 25,
	},
	{
		Code: "DEMO-059", Enterprise: demoStateEast, Sites: []string{"UKG-13-METAL"}, Category: "metalwork", Art: demoart.Gate,
		Title: accounts.Text{RU: "Калитка металлическая с замком", KK: "Құлпы бар металл қақпаша", EN: "Steel wicket gate with a lock"},
		Description: accounts.Text{
			RU: "Калитка 1×2 м со встроенным замком и ручками.",
			KK: "Кіріктірілген құлпы мен тұтқалары бар 1×2 м қақпаша.",
			EN: "A 1×2 m wicket gate with a built-in lock and handles.",
		},
		Attributes: catalog.Attributes{LengthMM: 1000, WidthMM: 60, HeightMM: 2000, Material: matSteel, Colour: colBlackGrey, Standard: "ГОСТ 31174-2017"},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(98_000), VAT: true, MinOrder: 1, LeadDays: 21, Labour: 420, Stock: 3,
	},

	// Other.
	{
		Code: "DEMO-060", Enterprise: demoSocialShm, Sites: []string{"SHM-53-CRAFT"}, Category: "other", Art: demoart.CuttingBoard,
		Title: accounts.Text{RU: "Набор разделочных досок для пищеблока, 3 шт.", KK: "Асүй блогына арналған кесу тақталарының жинағы, 3 дана", EN: "Kitchen cutting board set, 3 pieces"},
		Description: accounts.Text{
			RU: "Доски из берёзы с маркировкой для сырого, варёного и хлеба.",
			KK: "Шикі, пісірілген тағам мен нанға арналған таңбасы бар қайың тақталар.",
			EN: "Birch boards marked for raw food, cooked food and bread.",
		},
		Attributes: catalog.Attributes{LengthMM: 400, WidthMM: 250, HeightMM: 20, Material: accounts.Text{RU: "берёза, пищевое масло", KK: "қайың, тағамдық май", EN: "birch, food-safe oil"}, Colour: colNatural, Standard: "СТ РК 1.5-2019"},
		Unit:       catalog.UnitSet, PriceTiyn: tenge(6_500), VAT: false, MinOrder: 5, LeadDays: 7, Labour: 60, Stock: 40,
	},
	{
		Code: "DEMO-061", Enterprise: demoSocialShm, Sites: []string{"SHM-53-CRAFT"}, Category: "other", Art: demoart.Broom,
		Title: accounts.Text{RU: "Веник сорго, упаковка 10 шт.", KK: "Сорго сыпырғышы, 10 данадан орам", EN: "Sorghum brooms, pack of 10"},
		Description: accounts.Text{
			RU: "Вязаные веники из сорго на деревянной ручке для хозяйственных служб.",
			KK: "Шаруашылық қызметтеріне арналған ағаш сапты сорго сыпырғыштары.",
			EN: "Tied sorghum brooms on wooden handles for caretaking services.",
		},
		Attributes: catalog.Attributes{LengthMM: 1200, WidthMM: 350, Material: accounts.Text{RU: "сорго, дерево", KK: "сорго, ағаш", EN: "sorghum, wood"}, Colour: colNatural, Standard: "СТ РК 1.5-2019"},
		Unit:       catalog.UnitSet, PriceTiyn: tenge(11_000), VAT: false, MinOrder: 1, LeadDays: 5, Labour: 150, Stock: 30,
	},
	{
		Code: "DEMO-062", Enterprise: demoSocialShm, Sites: []string{"SHM-53-CRAFT"}, Category: "other", Art: demoart.CuttingBoard,
		Title: accounts.Text{RU: "Доска для нарезки мяса «Табақ» с желобком", KK: "Ойығы бар «Табақ» ет турайтын тақтасы", EN: "Tabaq meat board with a juice groove"},
		Description: accounts.Text{
			RU: "Толстая доска из карагача для подачи бешбармака и нарезки мяса.",
			KK: "Бешбармақ тартуға және ет турауға арналған қарағаштан жасалған қалың тақта.",
			EN: "A thick elm board for carving meat and serving beshbarmak.",
		},
		Attributes: catalog.Attributes{LengthMM: 500, WidthMM: 350, HeightMM: 40, Material: accounts.Text{RU: "карагач, пищевое масло", KK: "қарағаш, тағамдық май", EN: "elm, food-safe oil"}, Colour: colNatural, Standard: "СТ РК 1.5-2019"},
		Unit:       catalog.UnitPiece, PriceTiyn: tenge(8_900), VAT: false, MinOrder: 2, LeadDays: 10, Labour: 90, Stock: 0,
	},
}
