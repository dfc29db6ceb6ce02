package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/sheber-kz/sheber/accounts"
)

// The demo data that `sheber seed demo` loads, made up for trying the portal: the BINs are valid in form but made up, and the people are fictional. The two state
// enterprises, the two social enterprises and the national audit body are invented
// organizations (the audit body says "demo" in its name). Penal institutions are named only by
// the public numbers that appear in published reports; the penal-system departments and the
// akimats are public bodies named by their role and city; the schools, kindergartens, college
// and boarding school carry generic names (a number or a common name, and a city).

// demoPassword is the password of every demo account; it is published in the README,
// which is why `seed demo` refuses to run in production.
const demoPassword = "sheber-demo"

// demoEmailDomain is the domain of every demo account's e-mail address.
const demoEmailDomain = "demo.sheber.kz"

// Keys of the organizations that the demo accounts and production sites refer to.
const (
	demoPlatform      = "platform"
	demoDUISEast      = "duis-east-kazakhstan"
	demoDUISKaraganda = "duis-karaganda"
	demoDUISShymkent  = "duis-shymkent"
	demoAuditor       = "national-auditor"
	demoStateEast     = "state-enterprise-east"
	demoStateKrg      = "state-enterprise-karaganda"
	demoSocialShm     = "koloner-shymkent"
	demoSocialEast    = "altai-toqyma"
	demoFirstSchool   = "school-ukg-12"
	demoAkimatKrg     = "akimat-karaganda"
	demoAkimatShm     = "akimat-shymkent"
)

// demoInstitution returns the key of penal institution No. n.
func demoInstitution(n int) string { return fmt.Sprintf("institution-%d", n) }

// demoOrg is one demo organization. Key names it inside the demo data; Oversight is the key
// of the department that oversees a penal institution.
type demoOrg struct {
	Key               string
	BIN               string
	Kind              accounts.Kind
	Subtype           accounts.Subtype
	Name              accounts.Text
	Region            string
	InstitutionNumber int
	Oversight         string
}

// demoBIN builds a valid, invented BIN: the registration year and month yymm, the type digit
// 4 (a resident legal entity), a six-digit serial and the check digit. A serial for which no
// check digit exists is skipped for the next one; the demo serials are ten apart, so every
// organization's BIN stays unique (a test checks it).
func demoBIN(yymm string, serial int) string {
	for s := serial; s < serial+10; s++ {
		prefix := fmt.Sprintf("%s4%06d", yymm, s)
		if d, ok := accounts.BINCheckDigit(prefix); ok {
			return fmt.Sprintf("%s%d", prefix, d)
		}
	}
	panic(fmt.Sprintf("seed demo: no valid BIN near serial %d", serial))
}

// demoPenalInstitution returns the demo record of penal institution No. n in region, under
// the department with key oversight.
func demoPenalInstitution(n int, region, oversight, yymm string, serial int) demoOrg {
	return demoOrg{
		Key: demoInstitution(n), BIN: demoBIN(yymm, serial),
		Kind: accounts.KindProducerInstitution, Subtype: accounts.SubtypePenalInstitution,
		Name: accounts.Text{
			RU: fmt.Sprintf("Учреждение № %d", n),
			KK: fmt.Sprintf("№ %d мекеме", n),
			EN: fmt.Sprintf("Institution No. %d", n),
		},
		Region: region, InstitutionNumber: n, Oversight: oversight,
	}
}

// demoOrgs lists the demo organizations in the order they are created: a department before
// the institutions it oversees.
var demoOrgs = []demoOrg{
	{
		Key: demoPlatform, BIN: demoBIN("2309", 710010), Kind: accounts.KindPlatform, Subtype: accounts.SubtypePlatform,
		Name: accounts.Text{RU: "Портал «Шебер»", KK: "«Шебер» порталы", EN: "Sheber"},
	},

	// Oversight.
	{
		Key: demoDUISEast, BIN: demoBIN("0102", 710020), Kind: accounts.KindOversight, Subtype: accounts.SubtypePenalDepartment,
		Name: accounts.Text{
			RU: "Департамент уголовно-исполнительной системы по Восточно-Казахстанской области",
			KK: "Шығыс Қазақстан облысы бойынша қылмыстық-атқару жүйесі департаменті",
			EN: "Penal System Department of East Kazakhstan Region",
		},
		Region: "east-kazakhstan",
	},
	{
		Key: demoDUISKaraganda, BIN: demoBIN("0102", 710030), Kind: accounts.KindOversight, Subtype: accounts.SubtypePenalDepartment,
		Name: accounts.Text{
			RU: "Департамент уголовно-исполнительной системы по Карагандинской области",
			KK: "Қарағанды облысы бойынша қылмыстық-атқару жүйесі департаменті",
			EN: "Penal System Department of Karaganda Region",
		},
		Region: "karaganda",
	},
	{
		Key: demoDUISShymkent, BIN: demoBIN("1807", 710040), Kind: accounts.KindOversight, Subtype: accounts.SubtypePenalDepartment,
		Name: accounts.Text{
			RU: "Департамент уголовно-исполнительной системы по городу Шымкент",
			KK: "Шымкент қаласы бойынша қылмыстық-атқару жүйесі департаменті",
			EN: "Penal System Department of Shymkent City",
		},
		Region: "shymkent",
	},
	{
		Key: demoAuditor, BIN: demoBIN("2201", 710050), Kind: accounts.KindOversight, Subtype: accounts.SubtypeNationalAuditor,
		Name: accounts.Text{
			RU: "Национальная служба аудита (демо)",
			KK: "Ұлттық аудит қызметі (демо)",
			EN: "National Audit Service (demo)",
		},
	},

	// Penal institutions, by the numbers used in public reports.
	demoPenalInstitution(13, "east-kazakhstan", demoDUISEast, "0103", 710060),
	demoPenalInstitution(16, "east-kazakhstan", demoDUISEast, "0103", 710070),
	demoPenalInstitution(22, "east-kazakhstan", demoDUISEast, "0103", 710080),
	demoPenalInstitution(30, "east-kazakhstan", demoDUISEast, "0103", 710090),
	demoPenalInstitution(29, "karaganda", demoDUISKaraganda, "0104", 710100),
	demoPenalInstitution(31, "karaganda", demoDUISKaraganda, "0104", 710110),
	demoPenalInstitution(53, "shymkent", demoDUISShymkent, "1808", 710120),

	// Producer enterprises: two state enterprises and two social enterprises, all invented.
	{
		Key: demoStateEast, BIN: demoBIN("0105", 710130), Kind: accounts.KindProducerEnterprise, Subtype: accounts.SubtypeStateEnterprise,
		Name:   accounts.Text{RU: "РГП «Шеберхана-Шығыс»", KK: "«Шеберхана-Шығыс» РМК", EN: "RSE Sheberkhana-Shygys"},
		Region: "east-kazakhstan",
	},
	{
		Key: demoStateKrg, BIN: demoBIN("0105", 710140), Kind: accounts.KindProducerEnterprise, Subtype: accounts.SubtypeStateEnterprise,
		Name:   accounts.Text{RU: "РГП «Шеберхана-Орталық»", KK: "«Шеберхана-Орталық» РМК", EN: "RSE Sheberkhana-Ortalyq"},
		Region: "karaganda",
	},
	{
		Key: demoSocialShm, BIN: demoBIN("2103", 710150), Kind: accounts.KindProducerEnterprise, Subtype: accounts.SubtypeSocialEnterprise,
		Name:   accounts.Text{RU: "ТОО «Қолөнер Шымкент»", KK: "«Қолөнер Шымкент» ЖШС", EN: "Koloner Shymkent LLP"},
		Region: "shymkent",
	},
	{
		Key: demoSocialEast, BIN: demoBIN("2210", 710160), Kind: accounts.KindProducerEnterprise, Subtype: accounts.SubtypeSocialEnterprise,
		Name:   accounts.Text{RU: "ТОО «Алтай Тоқыма»", KK: "«Алтай Тоқыма» ЖШС", EN: "Altai Toqyma LLP"},
		Region: "east-kazakhstan",
	},

	// Buyers: schools, kindergartens, a college and a boarding school (invented).
	{
		Key: demoFirstSchool, BIN: demoBIN("9908", 710170), Kind: accounts.KindBuyer, Subtype: accounts.SubtypeSchool,
		Name: accounts.Text{
			RU: "КГУ «Общеобразовательная школа № 12» г. Усть-Каменогорск",
			KK: "Өскемен қаласының «№ 12 жалпы білім беретін мектеп» КММ",
			EN: "Secondary School No. 12, Ust-Kamenogorsk",
		},
		Region: "east-kazakhstan",
	},
	{
		Key: "kindergarten-ukg-balapan", BIN: demoBIN("0409", 710180), Kind: accounts.KindBuyer, Subtype: accounts.SubtypeKindergarten,
		Name: accounts.Text{
			RU: "КГКП «Ясли-сад «Балапан»» г. Усть-Каменогорск",
			KK: "Өскемен қаласының «Балапан» бөбекжай-бақшасы» КМҚК",
			EN: "Balapan Nursery School, Ust-Kamenogorsk",
		},
		Region: "east-kazakhstan",
	},
	{
		Key: "school-krg-45", BIN: demoBIN("9907", 710190), Kind: accounts.KindBuyer, Subtype: accounts.SubtypeSchool,
		Name: accounts.Text{
			RU: "КГУ «Общеобразовательная школа № 45» г. Караганды",
			KK: "Қарағанды қаласының «№ 45 жалпы білім беретін мектеп» КММ",
			EN: "Secondary School No. 45, Karaganda",
		},
		Region: "karaganda",
	},
	{
		Key: "kindergarten-krg-aigolek", BIN: demoBIN("1102", 710200), Kind: accounts.KindBuyer, Subtype: accounts.SubtypeKindergarten,
		Name: accounts.Text{
			RU: "КГКП «Ясли-сад «Айгөлек»» г. Караганды",
			KK: "Қарағанды қаласының «Айгөлек» бөбекжай-бақшасы» КМҚК",
			EN: "Aigolek Nursery School, Karaganda",
		},
		Region: "karaganda",
	},
	{
		Key: "school-shm-87", BIN: demoBIN("0006", 710210), Kind: accounts.KindBuyer, Subtype: accounts.SubtypeSchool,
		Name: accounts.Text{
			RU: "КГУ «Школа-гимназия № 87» г. Шымкент",
			KK: "Шымкент қаласының «№ 87 мектеп-гимназиясы» КММ",
			EN: "School-Gymnasium No. 87, Shymkent",
		},
		Region: "shymkent",
	},
	{
		Key: "kindergarten-shm-kunshuak", BIN: demoBIN("1505", 710220), Kind: accounts.KindBuyer, Subtype: accounts.SubtypeKindergarten,
		Name: accounts.Text{
			RU: "ГККП «Ясли-сад «Күншуақ»» г. Шымкент",
			KK: "Шымкент қаласының «Күншуақ» бөбекжай-бақшасы» МКҚК",
			EN: "Kunshuak Nursery School, Shymkent",
		},
		Region: "shymkent",
	},
	{
		Key: "college-astana-service", BIN: demoBIN("0811", 710230), Kind: accounts.KindBuyer, Subtype: accounts.SubtypeCollege,
		Name: accounts.Text{
			RU: "ГККП «Колледж сервиса и технологий» г. Астаны",
			KK: "Астана қаласының «Сервис және технологиялар колледжі» МКҚК",
			EN: "College of Service and Technology, Astana",
		},
		Region: "astana",
	},
	{
		Key: "school-almaty-140", BIN: demoBIN("1009", 710240), Kind: accounts.KindBuyer, Subtype: accounts.SubtypeSchool,
		Name: accounts.Text{
			RU: "КГУ «Общеобразовательная школа № 140» г. Алматы",
			KK: "Алматы қаласының «№ 140 жалпы білім беретін мектеп» КММ",
			EN: "Secondary School No. 140, Almaty",
		},
		Region: "almaty",
	},
	{
		Key: "boarding-pavlodar-3", BIN: demoBIN("0301", 710250), Kind: accounts.KindBuyer, Subtype: accounts.SubtypeBoardingSchool,
		Name: accounts.Text{
			RU: "КГУ «Школа-интернат № 3» г. Павлодара",
			KK: "Павлодар қаласының «№ 3 мектеп-интернаты» КММ",
			EN: "Boarding School No. 3, Pavlodar",
		},
		Region: "pavlodar",
	},
	{
		Key: "school-semey-27", BIN: demoBIN("9812", 710260), Kind: accounts.KindBuyer, Subtype: accounts.SubtypeSchool,
		Name: accounts.Text{
			RU: "КГУ «Средняя школа № 27» г. Семей",
			KK: "Семей қаласының «№ 27 орта мектебі» КММ",
			EN: "Secondary School No. 27, Semey",
		},
		Region: "abai",
	},

	// Procuring entities.
	{
		Key: demoAkimatKrg, BIN: demoBIN("9703", 710270), Kind: accounts.KindProcuringEntity, Subtype: accounts.SubtypeAkimat,
		Name: accounts.Text{
			RU: "ГУ «Аппарат акима города Караганды»",
			KK: "«Қарағанды қаласы әкімінің аппараты» ММ",
			EN: "Office of the Akim of Karaganda",
		},
		Region: "karaganda",
	},
	{
		Key: demoAkimatShm, BIN: demoBIN("1807", 710280), Kind: accounts.KindProcuringEntity, Subtype: accounts.SubtypeAkimat,
		Name: accounts.Text{
			RU: "ГУ «Аппарат акима города Шымкент»",
			KK: "«Шымкент қаласы әкімінің аппараты» ММ",
			EN: "Office of the Akim of Shymkent",
		},
		Region: "shymkent",
	},
}

// demoSite is a workshop that a demo enterprise operates inside a demo institution.
type demoSite struct {
	Enterprise  string // key of the enterprise
	Institution int    // number of the institution
	Code        string
	Kind        accounts.WorkshopKind
	Hours       int // weekly capacity
}

// demoSites covers every workshop kind across the demo enterprises, so that every category
// of the demo catalog has a site of its workshop kind.
var demoSites = []demoSite{
	{demoStateEast, 16, "UKG-16-WOOD", accounts.WorkshopWoodwork, 1200},
	{demoStateEast, 22, "UKG-22-SEW", accounts.WorkshopSewing, 900},
	{demoStateEast, 13, "UKG-13-METAL", accounts.WorkshopMetalwork, 700},
	{demoStateEast, 30, "UKG-30-BLOCK", accounts.WorkshopConstruction, 600},
	{demoStateKrg, 29, "KRG-29-WOOD", accounts.WorkshopWoodwork, 800},
	{demoStateKrg, 31, "KRG-31-WELD", accounts.WorkshopMetalwork, 650},
	{demoSocialShm, 53, "SHM-53-WOOD", accounts.WorkshopWoodwork, 400},
	{demoSocialShm, 53, "SHM-53-SEW", accounts.WorkshopSewing, 300},
	{demoSocialShm, 53, "SHM-53-CRAFT", accounts.WorkshopOther, 200},
	{demoSocialEast, 22, "ALT-22-SEW", accounts.WorkshopSewing, 350},
}

// demoWorkshopNames names a workshop of each kind; %d is the institution's number.
var demoWorkshopNames = map[accounts.WorkshopKind]accounts.Text{
	accounts.WorkshopWoodwork:     {RU: "Столярный цех, учреждение № %d", KK: "№ %d мекемедегі ағаш өңдеу цехы", EN: "Woodwork shop, Institution No. %d"},
	accounts.WorkshopMetalwork:    {RU: "Слесарно-сварочный цех, учреждение № %d", KK: "№ %d мекемедегі слесарлық-дәнекерлеу цехы", EN: "Metalwork and welding shop, Institution No. %d"},
	accounts.WorkshopSewing:       {RU: "Швейный цех, учреждение № %d", KK: "№ %d мекемедегі тігін цехы", EN: "Sewing shop, Institution No. %d"},
	accounts.WorkshopConstruction: {RU: "Цех строительных материалов, учреждение № %d", KK: "№ %d мекемедегі құрылыс материалдары цехы", EN: "Construction materials shop, Institution No. %d"},
	accounts.WorkshopOther:        {RU: "Цех народных промыслов, учреждение № %d", KK: "№ %d мекемедегі халық кәсіпшілігі цехы", EN: "Crafts shop, Institution No. %d"},
}

func (s demoSite) name() accounts.Text {
	t := demoWorkshopNames[s.Kind]
	return accounts.Text{RU: fmt.Sprintf(t.RU, s.Institution), KK: fmt.Sprintf(t.KK, s.Institution), EN: fmt.Sprintf(t.EN, s.Institution)}
}

// demoAccount is one demo user: Role in each organization of Orgs (keys of demoOrgs).
type demoAccount struct {
	Email string
	Name  string
	Role  accounts.Role
	Orgs  []string
}

// demoAccounts has one user per role; the README's table of demo accounts lists the same.
// The administrator also administers the first school and Sheberkhana-Shygys, so that the
// organization admin pages can be tried. The producer manager manages all four demo
// enterprises: the demo catalog is created in their name.
var demoAccounts = []demoAccount{
	{"requester@" + demoEmailDomain, "Айгерим С.", accounts.RoleRequester, []string{demoFirstSchool}},
	{"approver@" + demoEmailDomain, "Ольга К.", accounts.RoleApprover, []string{demoFirstSchool}},
	{"procurement-officer@" + demoEmailDomain, "Ерлан Т.", accounts.RoleProcurementOfficer, []string{demoAkimatKrg}},
	{"producer-manager@" + demoEmailDomain, "Дмитрий П.", accounts.RoleProducerManager, []string{demoStateEast, demoStateKrg, demoSocialShm, demoSocialEast}},
	{"workshop-master@" + demoEmailDomain, "Бауыржан Н.", accounts.RoleWorkshopMaster, []string{demoStateEast}},
	{"accountant@" + demoEmailDomain, "Гульнара М.", accounts.RoleAccountant, []string{demoFirstSchool}},
	{"inspector@" + demoEmailDomain, "Нурлан Ж.", accounts.RoleInspector, []string{demoDUISEast}},
	{"auditor@" + demoEmailDomain, "Светлана В.", accounts.RoleAuditor, []string{demoAuditor}},
	{"admin@" + demoEmailDomain, "Асель Б.", accounts.RoleAdmin, []string{demoPlatform, demoFirstSchool, demoStateEast}},
}

// seedCount counts the records of one kind that a seeding run created or found.
type seedCount struct{ Created, Present int }

func (c *seedCount) add(created bool) {
	if created {
		c.Created++
	} else {
		c.Present++
	}
}

// seedSummary says what seedDemo did.
type seedSummary struct {
	Organizations, ProductionSites, Users, Memberships seedCount
}

func (s seedSummary) String() string {
	var b strings.Builder
	for i, part := range []struct {
		c    seedCount
		noun string
	}{
		{s.Organizations, "organizations"}, {s.ProductionSites, "production sites"},
		{s.Users, "users"}, {s.Memberships, "memberships"},
	} {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%d %s created, %d already present", part.c.Created, part.noun, part.c.Present)
	}
	return b.String()
}

// seedAttempts bounds how often seedDemo starts over after losing a race to a concurrent
// seeding run; each new attempt finds what the winner committed.
const seedAttempts = 3

// seedDemo loads the demo data idempotently: running it twice changes nothing the second time.
// Organizations are matched by BIN, users by e-mail, memberships by user and organization,
// production sites by enterprise and code; whatever exists is left as it is. In particular a
// renamed demo organization is not renamed in a database seeded before: an organization found
// by its BIN keeps the name it has (a development database may still show an older demo name
// until it is recreated, e.g. with `make clean-data`). Everything
// happens in one transaction. When a concurrent run commits the same rows first, this run's
// transaction fails with a conflict and is retried, and then finds everything present.
func seedDemo(ctx context.Context, store accounts.Store, hasher accounts.PasswordHasher) (seedSummary, error) {
	if err := validateDemoData(); err != nil {
		return seedSummary{}, err
	}
	s := &demoSeeder{hasher: hasher}
	var err error
	for attempt := 1; attempt <= seedAttempts; attempt++ {
		var sum seedSummary
		err = store.InTx(ctx, func(tx accounts.Store) error {
			var err error
			sum, err = s.run(ctx, tx)
			return err
		})
		if accounts.ErrorCode(err) != accounts.CodeConflict {
			if err != nil {
				return seedSummary{}, fmt.Errorf("seed demo: %w", err)
			}
			return sum, nil
		}
	}
	return seedSummary{}, fmt.Errorf("seed demo: still conflicting with a concurrent run after %d attempts: %w", seedAttempts, err)
}

// validateDemoData checks the demo tables before anything touches the database, so that a
// mistake in them fails loudly rather than half-seeding.
func validateDemoData() error {
	orgs := map[string]demoOrg{}
	bins := map[string]string{}
	for _, d := range demoOrgs {
		if _, dup := orgs[d.Key]; dup {
			return fmt.Errorf("seed demo: organization key %q twice", d.Key)
		}
		if other, dup := bins[d.BIN]; dup {
			return fmt.Errorf("seed demo: %s and %s share BIN %s", other, d.Key, d.BIN)
		}
		o := d.organization(0)
		if d.Oversight != "" {
			dept, ok := orgs[d.Oversight]
			if !ok || dept.Kind != accounts.KindOversight {
				return fmt.Errorf("seed demo: %s: oversight %q is not an oversight body listed before it", d.Key, d.Oversight)
			}
			o.OversightOrgID = 1 // any non-zero id, to validate the organization as stored
		}
		if err := o.Validate(); err != nil {
			return fmt.Errorf("seed demo: organization %s: %w", d.Key, err)
		}
		orgs[d.Key], bins[d.BIN] = d, d.Key
	}
	codes := map[string]bool{}
	for _, s := range demoSites {
		ent, ok := orgs[s.Enterprise]
		if !ok || ent.Kind != accounts.KindProducerEnterprise {
			return fmt.Errorf("seed demo: site %s: %q is not a demo enterprise", s.Code, s.Enterprise)
		}
		inst, ok := orgs[demoInstitution(s.Institution)]
		if !ok {
			return fmt.Errorf("seed demo: site %s: no demo institution No. %d", s.Code, s.Institution)
		}
		if inst.Region != ent.Region {
			return fmt.Errorf("seed demo: site %s: institution No. %d is outside %s's region", s.Code, s.Institution, s.Enterprise)
		}
		if codes[s.Enterprise+"\x00"+s.Code] {
			return fmt.Errorf("seed demo: site code %s twice for %s", s.Code, s.Enterprise)
		}
		codes[s.Enterprise+"\x00"+s.Code] = true
		site := accounts.ProductionSite{EnterpriseID: 1, InstitutionID: 1, Code: s.Code, Name: s.name(), WorkshopKind: s.Kind, WeeklyCapacityHours: s.Hours}
		if err := site.Validate(); err != nil {
			return fmt.Errorf("seed demo: site %s: %w", s.Code, err)
		}
	}
	emails := map[string]bool{}
	for _, a := range demoAccounts {
		email, err := accounts.NormalizeEmail(a.Email)
		if err != nil || email != a.Email {
			return fmt.Errorf("seed demo: %q is not a normalized e-mail address", a.Email)
		}
		if emails[a.Email] {
			return fmt.Errorf("seed demo: e-mail %s twice", a.Email)
		}
		emails[a.Email] = true
		if err := accounts.ValidateName(a.Name); err != nil {
			return fmt.Errorf("seed demo: %s: name: %w", a.Email, err)
		}
		if len(a.Orgs) == 0 {
			return fmt.Errorf("seed demo: %s belongs to no organization", a.Email)
		}
		for _, key := range a.Orgs {
			o, ok := orgs[key]
			if !ok {
				return fmt.Errorf("seed demo: %s: no demo organization %q", a.Email, key)
			}
			if !accounts.RoleAllowed(o.Kind, a.Role) {
				return fmt.Errorf("seed demo: %s: role %s is not allowed in %s (%s)", a.Email, a.Role, key, o.Kind)
			}
		}
	}
	return accounts.ValidatePassword(demoPassword)
}

// organization returns d as a domain organization overseen by the organization with id
// oversightID.
func (d demoOrg) organization(oversightID int64) accounts.Organization {
	return accounts.Organization{
		BIN: d.BIN, Kind: d.Kind, Subtype: d.Subtype, Name: d.Name, Region: d.Region,
		InstitutionNumber: d.InstitutionNumber, OversightOrgID: oversightID,
	}
}

// demoSeeder carries what survives between attempts: the password hash, computed at most
// once, and only if a user has to be created.
type demoSeeder struct {
	hasher accounts.PasswordHasher
	hash   string
}

// passwordHash returns the hash of demoPassword. Every demo user shares it (and its salt):
// Argon2id is slow on purpose, and the password is published anyway.
func (s *demoSeeder) passwordHash() (string, error) {
	if s.hash == "" {
		h, err := s.hasher.Hash(demoPassword)
		if err != nil {
			return "", fmt.Errorf("hash the demo password: %w", err)
		}
		s.hash = h
	}
	return s.hash, nil
}

// run seeds everything through tx, a store bound to one transaction.
func (s *demoSeeder) run(ctx context.Context, tx accounts.Store) (seedSummary, error) {
	var sum seedSummary
	ids := make(map[string]int64, len(demoOrgs))
	for _, d := range demoOrgs {
		id, created, err := seedOrganization(ctx, tx, d, ids)
		if err != nil {
			return sum, err
		}
		ids[d.Key] = id
		sum.Organizations.add(created)
	}

	sites := map[int64]map[string]bool{} // enterprise id -> codes it has
	for _, d := range demoSites {
		entID := ids[d.Enterprise]
		codes, ok := sites[entID]
		if !ok {
			list, err := tx.ProductionSites(ctx, entID)
			if err != nil {
				return sum, fmt.Errorf("production sites of %s: %w", d.Enterprise, err)
			}
			codes = make(map[string]bool, len(list))
			for _, p := range list {
				codes[p.Code] = true
			}
			sites[entID] = codes
		}
		if codes[d.Code] {
			sum.ProductionSites.add(false)
			continue
		}
		site := accounts.ProductionSite{
			EnterpriseID: entID, InstitutionID: ids[demoInstitution(d.Institution)], Code: d.Code,
			Name: d.name(), WorkshopKind: d.Kind, WeeklyCapacityHours: d.Hours,
		}
		if err := site.Validate(); err != nil {
			return sum, fmt.Errorf("production site %s: %w", d.Code, err)
		}
		if err := tx.CreateProductionSite(ctx, &site); err != nil {
			return sum, fmt.Errorf("create production site %s: %w", d.Code, err)
		}
		codes[d.Code] = true
		sum.ProductionSites.add(true)
	}

	for _, a := range demoAccounts {
		u, err := tx.UserByEmail(ctx, a.Email)
		switch {
		case err == nil:
			sum.Users.add(false)
		case errors.Is(err, accounts.ErrNotFound):
			hash, err := s.passwordHash()
			if err != nil {
				return sum, err
			}
			u = accounts.User{Email: a.Email, Name: a.Name, PasswordHash: hash}
			if err := tx.CreateUser(ctx, &u); err != nil {
				return sum, fmt.Errorf("create user %s: %w", a.Email, err)
			}
			sum.Users.add(true)
		default:
			return sum, fmt.Errorf("look up user %s: %w", a.Email, err)
		}

		// Memberships are checked first rather than left to AddMembership's conflict: a
		// failed statement aborts a PostgreSQL transaction.
		existing, err := tx.UserMemberships(ctx, u.ID)
		if err != nil {
			return sum, fmt.Errorf("memberships of %s: %w", a.Email, err)
		}
		has := make(map[int64]bool, len(existing))
		for _, m := range existing {
			has[m.OrgID] = true
		}
		for _, key := range a.Orgs {
			if has[ids[key]] {
				sum.Memberships.add(false)
				continue
			}
			if err := tx.AddMembership(ctx, accounts.Membership{UserID: u.ID, OrgID: ids[key], Role: a.Role}); err != nil {
				return sum, fmt.Errorf("add %s to %s as %s: %w", a.Email, key, a.Role, err)
			}
			sum.Memberships.add(true)
		}
	}
	return sum, nil
}

// seedOrganization finds d by its BIN or creates it, and returns its id and whether it was
// created. ids holds the ids of the organizations seeded before d.
func seedOrganization(ctx context.Context, tx accounts.Store, d demoOrg, ids map[string]int64) (int64, bool, error) {
	found, err := tx.OrganizationByBIN(ctx, d.BIN)
	if err == nil {
		// Found by BIN: adopted as it is. Its name, region and the rest are not updated, so
		// an older seed's names (the demo names have changed over time) stay until the
		// database is recreated; the seed never overwrites what someone may have edited.
		// Something else holding a demo BIN would make the demo data lie; refuse.
		if found.Kind != d.Kind || found.InstitutionNumber != d.InstitutionNumber {
			return 0, false, fmt.Errorf("BIN %s of demo organization %s already belongs to %q (%s), not a %s",
				d.BIN, d.Key, found.Name.In("ru"), found.Kind, d.Kind)
		}
		return found.ID, false, nil
	}
	if accounts.ErrorCode(err) != accounts.CodeNotFound {
		return 0, false, fmt.Errorf("look up organization %s: %w", d.Key, err)
	}
	var oversightID int64
	if d.Oversight != "" {
		oversightID = ids[d.Oversight]
	}
	o := d.organization(oversightID)
	if err := o.Validate(); err != nil {
		return 0, false, fmt.Errorf("organization %s: %w", d.Key, err)
	}
	if err := tx.CreateOrganization(ctx, &o); err != nil {
		return 0, false, fmt.Errorf("create organization %s: %w", d.Key, err)
	}
	return o.ID, true, nil
}
