package accounts

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what a user may do inside one organization.
type Role string

// Roles.
const (
	RoleRequester          Role = "requester"
	RoleApprover           Role = "approver"
	RoleProcurementOfficer Role = "procurement_officer"
	RoleProducerManager    Role = "producer_manager"
	RoleWorkshopMaster     Role = "workshop_master"
	RoleAccountant         Role = "accountant"
	RoleInspector          Role = "inspector"
	RoleAuditor            Role = "auditor"
	RoleAdmin              Role = "admin"
)

// Roles lists every role in a stable order.
var Roles = []Role{RoleRequester, RoleApprover, RoleProcurementOfficer, RoleProducerManager,
	RoleWorkshopMaster, RoleAccountant, RoleInspector, RoleAuditor, RoleAdmin}

// rolesByKind says which roles make sense in which kind of organization. Every kind has
// admin: the person who invites the others.
var rolesByKind = map[Kind][]Role{
	KindBuyer:               {RoleRequester, RoleApprover, RoleProcurementOfficer, RoleAccountant, RoleAdmin},
	KindProcuringEntity:     {RoleProcurementOfficer, RoleApprover, RoleAccountant, RoleAdmin},
	KindProducerInstitution: {RoleProducerManager, RoleWorkshopMaster, RoleAccountant, RoleAdmin},
	KindProducerEnterprise:  {RoleProducerManager, RoleWorkshopMaster, RoleAccountant, RoleAdmin},
	KindOversight:           {RoleInspector, RoleAuditor, RoleAdmin},
	KindPlatform:            {RoleAuditor, RoleAdmin},
}

// RoleAllowed reports whether role can be held in an organization of kind.
func RoleAllowed(kind Kind, role Role) bool {
	for _, r := range rolesByKind[kind] {
		if r == role {
			return true
		}
	}
	return false
}

// RolesFor returns the roles an organization of kind can give.
func RolesFor(kind Kind) []Role { return append([]Role(nil), rolesByKind[kind]...) }

// Limits on user input.
const (
	MinPasswordLength = 10
	// MaxPasswordLength bounds the work an attacker can make the password hash do.
	MaxPasswordLength = 256
	MaxEmailLength    = 254
	MaxNameLength     = 200
)

// User is a person who signs in. Users are staff of organizations, never the workers in
// the workshops, who are pseudonymous and have no accounts.
type User struct {
	ID           int64
	Email        string // lower-cased
	Name         string
	PasswordHash string
	CreatedAt    time.Time
}

// NormalizeEmail trims and lower-cases an address and checks its form.
func NormalizeEmail(email string) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return "", Errorf(CodeInvalid, "required")
	}
	if len(email) > MaxEmailLength {
		return "", Errorf(CodeInvalid, "too long")
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || !strings.Contains(email[strings.LastIndexByte(email, '@'):], ".") {
		return "", Errorf(CodeInvalid, "not an e-mail address")
	}
	return email, nil
}

// ValidatePassword checks a new password against the length rules.
func ValidatePassword(password string) error {
	n := utf8.RuneCountInString(password)
	if n < MinPasswordLength {
		return Errorf(CodeInvalid, "at least %d characters", MinPasswordLength)
	}
	if len(password) > MaxPasswordLength {
		return Errorf(CodeInvalid, "at most %d bytes", MaxPasswordLength)
	}
	return nil
}

// ValidateName checks a person's display name.
func ValidateName(name string) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return Errorf(CodeInvalid, "required")
	}
	if utf8.RuneCountInString(name) > MaxNameLength {
		return Errorf(CodeInvalid, "at most %d characters", MaxNameLength)
	}
	return nil
}

// Membership gives a user one role in one organization.
type Membership struct {
	UserID    int64
	OrgID     int64
	Role      Role
	CreatedAt time.Time
}

// Member is a membership with the user's and organization's display data, for lists.
type Member struct {
	Membership
	Email   string
	Name    string
	OrgName Text
	OrgKind Kind
	Region  string
}
