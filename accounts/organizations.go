package accounts

import (
	"strings"
	"time"
)

// Kind is the broad kind of an organization; it decides which roles its members may hold.
type Kind string

// Organization kinds.
const (
	KindBuyer               Kind = "buyer"                // budget organizations that order goods
	KindProcuringEntity     Kind = "procuring_entity"     // akimats and departments that run tenders
	KindProducerInstitution Kind = "producer_institution" // a penal institution hosting workshops
	KindProducerEnterprise  Kind = "producer_enterprise"  // the enterprise operating workshops
	KindOversight           Kind = "oversight"            // regional penal-system departments, auditors
	KindPlatform            Kind = "platform"             // the operator of the portal
)

// Subtype refines Kind: a school is a buyer, an akimat a procuring entity.
type Subtype string

// Subtypes, grouped by the kind they belong to in Subtypes.
const (
	SubtypeSchool             Subtype = "school"
	SubtypeKindergarten       Subtype = "kindergarten"
	SubtypeCollege            Subtype = "college"
	SubtypeHospital           Subtype = "hospital"
	SubtypeBoardingSchool     Subtype = "boarding_school"
	SubtypeOtherBudget        Subtype = "other_budget"
	SubtypeAkimat             Subtype = "akimat"
	SubtypeRegionalDepartment Subtype = "regional_department"
	SubtypePenalInstitution   Subtype = "penal_institution"
	SubtypeStateEnterprise    Subtype = "state_enterprise"
	SubtypeSocialEnterprise   Subtype = "social_enterprise"
	SubtypePenalDepartment    Subtype = "penal_department" // DUIS: regional penal-system department
	SubtypeNationalAuditor    Subtype = "national_auditor"
	SubtypePlatform           Subtype = "platform"
)

// Subtypes maps each kind to the subtypes it allows.
var Subtypes = map[Kind][]Subtype{
	KindBuyer:               {SubtypeSchool, SubtypeKindergarten, SubtypeCollege, SubtypeHospital, SubtypeBoardingSchool, SubtypeOtherBudget},
	KindProcuringEntity:     {SubtypeAkimat, SubtypeRegionalDepartment},
	KindProducerInstitution: {SubtypePenalInstitution},
	KindProducerEnterprise:  {SubtypeStateEnterprise, SubtypeSocialEnterprise},
	KindOversight:           {SubtypePenalDepartment, SubtypeNationalAuditor},
	KindPlatform:            {SubtypePlatform},
}

// Organization is any legal entity using the portal.
type Organization struct {
	ID      int64
	BIN     string
	Kind    Kind
	Subtype Subtype
	Name    Text
	// Region is the region code; national organizations (an auditor, the platform) have
	// none.
	Region string
	// InstitutionNumber is the public number of a penal institution ("No. 16"); zero for
	// other kinds.
	InstitutionNumber int
	// OversightOrgID is, for a penal institution, the regional penal-system department that
	// oversees it; zero otherwise.
	OversightOrgID int64
	CreatedAt      time.Time
}

// Validate checks an organization before it is stored.
func (o *Organization) Validate() error {
	v := Validation{}
	o.BIN = strings.TrimSpace(o.BIN)
	if err := ValidateBIN(o.BIN); err != nil {
		v.Add("bin", err.Error())
	}
	subtypes, ok := Subtypes[o.Kind]
	if !ok {
		v.Add("kind", "unknown organization kind")
	} else if !containsSubtype(subtypes, o.Subtype) {
		v.Add("subtype", "not a subtype of "+string(o.Kind))
	}
	if strings.TrimSpace(o.Name.RU) == "" && strings.TrimSpace(o.Name.KK) == "" {
		v.Add("name", "a Russian or Kazakh name is required")
	}
	if o.Region != "" {
		if _, ok := RegionByCode(o.Region); !ok {
			v.Add("region", "unknown region")
		}
	} else if o.Kind != KindPlatform && o.Subtype != SubtypeNationalAuditor {
		v.Add("region", "required")
	}
	if o.Kind == KindProducerInstitution && o.InstitutionNumber <= 0 {
		v.Add("institution_number", "a penal institution needs its number")
	}
	if o.Kind != KindProducerInstitution && (o.InstitutionNumber != 0 || o.OversightOrgID != 0) {
		v.Add("institution_number", "only penal institutions have a number and an oversight department")
	}
	return v.Err()
}

func containsSubtype(list []Subtype, s Subtype) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// WorkshopKind is what a production site can make.
type WorkshopKind string

// Workshop kinds.
const (
	WorkshopWoodwork     WorkshopKind = "woodwork"
	WorkshopMetalwork    WorkshopKind = "metalwork"
	WorkshopSewing       WorkshopKind = "sewing"
	WorkshopConstruction WorkshopKind = "construction_materials"
	WorkshopOther        WorkshopKind = "other"
)

// WorkshopKinds lists every workshop kind.
var WorkshopKinds = []WorkshopKind{WorkshopWoodwork, WorkshopMetalwork, WorkshopSewing, WorkshopConstruction, WorkshopOther}

// MaxWeeklyCapacityHours bounds a site's weekly capacity: 1,000 workers at 60 hours.
const MaxWeeklyCapacityHours = 60_000

// ProductionSite is a workshop that a producer enterprise operates inside a penal
// institution.
type ProductionSite struct {
	ID                  int64
	EnterpriseID        int64
	InstitutionID       int64
	Code                string // the enterprise's own short code, unique within it
	Name                Text
	WorkshopKind        WorkshopKind
	WeeklyCapacityHours int
	CreatedAt           time.Time
}

// Validate checks a production site before it is stored.
func (s *ProductionSite) Validate() error {
	v := Validation{}
	if s.EnterpriseID == 0 {
		v.Add("enterprise_id", "required")
	}
	if s.InstitutionID == 0 {
		v.Add("institution_id", "required")
	}
	if strings.TrimSpace(s.Code) == "" {
		v.Add("code", "required")
	}
	ok := false
	for _, k := range WorkshopKinds {
		ok = ok || k == s.WorkshopKind
	}
	if !ok {
		v.Add("workshop_kind", "unknown workshop kind")
	}
	if s.WeeklyCapacityHours < 0 || s.WeeklyCapacityHours > MaxWeeklyCapacityHours {
		v.Add("weekly_capacity_hours", "must be between 0 and 60000")
	}
	return v.Err()
}
