package synthetic

import (
	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
)

// goods is the vocabulary and the ranges of one category's listings.
type goods struct {
	category   string
	kind       accounts.WorkshopKind
	nouns      []accounts.Text // Russian nouns come first in a title, Kazakh ones last
	qualifiers []accounts.Text
	materials  []accounts.Text
	minTenge   int64
	maxTenge   int64
	unit       catalog.Unit
	sizeMM     [3]int // least length, width, height
	standard   string
	minOrder   []int
	labourMin  int // least minutes per unit
}

func t(ru, kk, en string) accounts.Text { return accounts.Text{RU: ru, KK: kk, EN: en} }

var (
	wood  = []accounts.Text{t("массив сосны", "қарағай массиві", "solid pine"), t("берёза", "қайың", "birch"), t("ЛДСП 16 мм", "ЛАТП 16 мм", "16 mm chipboard"), t("фанера", "фанера", "plywood")}
	metal = []accounts.Text{t("стальная труба", "болат құбыр", "steel tube"), t("листовая сталь", "табақ болат", "sheet steel"), t("оцинкованная сталь", "мырышталған болат", "galvanized steel")}
	cloth = []accounts.Text{t("хлопок", "мақта", "cotton"), t("смесовая ткань", "аралас мата", "blended fabric"), t("бязь", "бязь", "calico"), t("саржа", "сарж", "twill")}
	stone = []accounts.Text{t("вибропрессованный бетон", "вибропресстелген бетон", "vibro-pressed concrete"), t("бетон М300", "М300 бетон", "M300 concrete")}
)

// vocabulary covers every leaf of the seeded category tree.
var vocabulary = []goods{
	{"furniture-desks", accounts.WorkshopWoodwork,
		[]accounts.Text{t("парта", "парта", "school desk"), t("стол ученический", "оқушы үстелі", "pupil's table"), t("стол учительский", "мұғалім үстелі", "teacher's desk"), t("стол компьютерный", "компьютер үстелі", "computer desk")},
		[]accounts.Text{t("одноместная", "бір орындық", "single"), t("двухместная", "екі орындық", "double"), t("регулируемая по росту", "бойға қарай реттелетін", "height-adjustable"), t("с полкой", "сөресі бар", "with a shelf")},
		wood, 18_000, 95_000, catalog.UnitPiece, [3]int{600, 450, 600}, "ГОСТ 11015-93", []int{1, 10, 20}, 90},
	{"furniture-chairs", accounts.WorkshopWoodwork,
		[]accounts.Text{t("стул", "орындық", "chair"), t("табурет", "табурет", "stool"), t("стул ученический", "оқушы орындығы", "pupil's chair")},
		[]accounts.Text{t("регулируемый", "реттелетін", "adjustable"), t("штабелируемый", "қабаттап қойылатын", "stackable"), t("на металлокаркасе", "металл қаңқалы", "steel-framed")},
		wood, 6_000, 28_000, catalog.UnitPiece, [3]int{380, 380, 700}, "ГОСТ 11016-93", []int{1, 10, 30}, 40},
	{"furniture-cabinets", accounts.WorkshopWoodwork,
		[]accounts.Text{t("шкаф", "шкаф", "cabinet"), t("стеллаж", "сөре", "shelving unit"), t("шкаф для одежды", "киім шкафы", "wardrobe"), t("тумба", "тумба", "pedestal")},
		[]accounts.Text{t("двухстворчатый", "екі есікті", "two-door"), t("открытый", "ашық", "open"), t("с замком", "құлыпты", "lockable")},
		wood, 25_000, 160_000, catalog.UnitPiece, [3]int{800, 400, 1200}, "ГОСТ 16371-2014", []int{1, 5}, 180},
	{"furniture-beds", accounts.WorkshopWoodwork,
		[]accounts.Text{t("кровать", "кереует", "bed"), t("кровать детская", "балалар кереуеті", "child's bed"), t("кровать двухъярусная", "екі қабатты кереует", "bunk bed")},
		[]accounts.Text{t("односпальная", "бір кісілік", "single"), t("с ящиком", "тартпасы бар", "with a drawer"), t("усиленная", "күшейтілген", "reinforced")},
		wood, 30_000, 140_000, catalog.UnitPiece, [3]int{1900, 800, 600}, "ГОСТ 19917-2014", []int{1, 10}, 200},
	{"small-forms-benches", accounts.WorkshopMetalwork,
		[]accounts.Text{t("скамья", "орындық", "bench"), t("скамейка парковая", "саябақ орындығы", "park bench"), t("лавка", "ұзын орындық", "bench seat")},
		[]accounts.Text{t("со спинкой", "арқалығы бар", "with a backrest"), t("без спинки", "арқалықсыз", "backless"), t("уличная", "көшелік", "outdoor")},
		metal, 35_000, 180_000, catalog.UnitPiece, [3]int{1500, 500, 800}, "СТ РК 1.5-2019", []int{1, 5, 10}, 240},
	{"small-forms-urns", accounts.WorkshopMetalwork,
		[]accounts.Text{t("урна", "қоқыс жәшігі", "litter bin"), t("урна поворотная", "айналмалы қоқыс жәшігі", "tipping litter bin")},
		[]accounts.Text{t("уличная", "көшелік", "outdoor"), t("на 40 литров", "40 литрлік", "40-litre"), t("с крышкой", "қақпақты", "lidded")},
		metal, 9_000, 45_000, catalog.UnitPiece, [3]int{400, 400, 700}, "", []int{1, 10, 20}, 90},
	{"small-forms-gazebos", accounts.WorkshopMetalwork,
		[]accounts.Text{t("беседка", "шатыр", "gazebo"), t("навес", "күнқағар", "canopy"), t("павильон", "павильон", "pavilion")},
		[]accounts.Text{t("шестигранная", "алты қырлы", "hexagonal"), t("со столом", "үстелі бар", "with a table"), t("разборная", "құрастырмалы", "demountable")},
		metal, 350_000, 2_500_000, catalog.UnitPiece, [3]int{3000, 3000, 2500}, "СТ РК 1.5-2019", []int{1}, 2400},
	{"small-forms-planters", accounts.WorkshopMetalwork,
		[]accounts.Text{t("вазон", "гүл вазоны", "planter"), t("цветочница", "гүлсауыт", "flower box")},
		[]accounts.Text{t("круглый", "дөңгелек", "round"), t("прямоугольный", "тікбұрышты", "rectangular"), t("подвесной", "аспалы", "hanging")},
		metal, 8_000, 60_000, catalog.UnitPiece, [3]int{500, 500, 450}, "", []int{1, 10}, 60},
	{"play-construction", accounts.WorkshopWoodwork,
		[]accounts.Text{t("конструктор деревянный", "ағаш конструктор", "wooden construction set"), t("набор кубиков", "текшелер жиынтығы", "block set")},
		[]accounts.Text{t("на 500 деталей", "500 бөлшекті", "of 500 pieces"), t("на 2500 деталей", "2500 бөлшекті", "of 2,500 pieces"), t("настольный", "үстел үсті", "tabletop")},
		wood, 7_000, 120_000, catalog.UnitSet, [3]int{400, 300, 150}, "ТР ТС 008/2011", []int{1, 5}, 120},
	{"play-corners", accounts.WorkshopWoodwork,
		[]accounts.Text{t("игровой уголок", "ойын бұрышы", "play corner"), t("юрта игровая", "ойын киіз үйі", "play yurt"), t("набор «Дастархан»", "«Дастарқан» жиынтығы", "dastarkhan set")},
		[]accounts.Text{t("с шаныраком", "шаңырағы бар", "with a shanyrak"), t("с пиалами", "кесесі бар", "with piala cups"), t("в национальном стиле", "ұлттық нақышта", "in national style")},
		wood, 40_000, 450_000, catalog.UnitSet, [3]int{1200, 1000, 1200}, "ТР ТС 008/2011", []int{1}, 600},
	{"sewn-uniforms", accounts.WorkshopSewing,
		[]accounts.Text{t("школьная форма", "мектеп формасы", "school uniform"), t("китель", "китель", "tunic"), t("жилет", "жилет", "waistcoat"), t("сарафан", "сарафан", "pinafore dress")},
		[]accounts.Text{t("для мальчиков", "ұлдарға арналған", "for boys"), t("для девочек", "қыздарға арналған", "for girls"), t("тёмно-синий", "қою көк", "navy blue")},
		cloth, 6_000, 35_000, catalog.UnitPiece, [3]int{0, 0, 0}, "ГОСТ 31410-2009", []int{10, 50}, 80},
	{"sewn-workwear", accounts.WorkshopSewing,
		[]accounts.Text{t("костюм рабочий", "жұмыс костюмі", "work suit"), t("халат", "халат", "work coat"), t("комбинезон", "комбинезон", "overalls"), t("фартук", "алжапқыш", "apron")},
		[]accounts.Text{t("утеплённый", "жылытылған", "insulated"), t("летний", "жазғы", "summer"), t("сигнальный", "сигналдық", "high-visibility")},
		cloth, 4_000, 30_000, catalog.UnitPiece, [3]int{0, 0, 0}, "ГОСТ 12.4.280-2014", []int{10, 50, 100}, 70},
	{"sewn-bedding", accounts.WorkshopSewing,
		[]accounts.Text{t("комплект постельного белья", "төсек жабдықтарының жиынтығы", "bedding set"), t("простыня", "ақжайма", "bed sheet"), t("наволочка", "жастық тысы", "pillowcase"), t("одеяло", "көрпе", "blanket")},
		[]accounts.Text{t("полутораспальный", "бір жарым кісілік", "one-and-a-half"), t("детский", "балалар", "children's"), t("белый", "ақ", "white")},
		cloth, 1_500, 18_000, catalog.UnitSet, [3]int{0, 0, 0}, "ГОСТ 31307-2005", []int{10, 50, 100}, 30},
	{"construction-paving", accounts.WorkshopConstruction,
		[]accounts.Text{t("плитка тротуарная", "тротуар плиткасы", "paving tile"), t("брусчатка", "тас төсеме", "paving stone"), t("бордюр", "жиектас", "kerb")},
		[]accounts.Text{t("серая", "сұр", "grey"), t("красная", "қызыл", "red"), t("толщиной 60 мм", "қалыңдығы 60 мм", "60 mm thick")},
		stone, 2_500, 9_000, catalog.UnitSquareMetre, [3]int{300, 300, 60}, "ГОСТ 17608-2017", []int{10, 50, 100}, 15},
	{"construction-blocks", accounts.WorkshopConstruction,
		[]accounts.Text{t("блок стеновой", "қабырға блогы", "wall block"), t("шлакоблок", "шлакоблок", "cinder block"), t("блок фундаментный", "іргетас блогы", "foundation block")},
		[]accounts.Text{t("пустотелый", "қуысты", "hollow"), t("полнотелый", "тұтас", "solid"), t("облегчённый", "жеңілдетілген", "lightweight")},
		stone, 250, 12_000, catalog.UnitPiece, [3]int{390, 190, 188}, "ГОСТ 6133-2019", []int{100, 500}, 5},
	{"metalwork", accounts.WorkshopMetalwork,
		[]accounts.Text{t("ворота", "қақпа", "gate"), t("ограждение", "қоршау", "fence"), t("решётка", "тор", "grille"), t("стеллаж металлический", "металл сөре", "steel rack")},
		[]accounts.Text{t("сварная", "дәнекерленген", "welded"), t("кованая", "соғылған", "wrought"), t("секционная", "секциялы", "sectional")},
		metal, 15_000, 600_000, catalog.UnitPiece, [3]int{1000, 50, 1500}, "ГОСТ 23118-2012", []int{1, 5}, 300},
	{"other", accounts.WorkshopOther,
		[]accounts.Text{t("сувенир", "кәдесый", "souvenir"), t("рамка для фото", "фото жақтау", "photo frame"), t("шкатулка", "қобдиша", "casket")},
		[]accounts.Text{t("резной", "оюлы", "carved"), t("с орнаментом", "ою-өрнекті", "ornamented"), t("подарочный", "сыйлық", "gift")},
		wood, 1_500, 25_000, catalog.UnitPiece, [3]int{150, 100, 50}, "", []int{1, 10}, 45},
}
