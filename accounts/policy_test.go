package accounts_test

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/sheber-kz/sheber/accounts"
)

// Organization ids of the authorization matrix.
const (
	orgA         = 1 // the organization that owns every resource (region karaganda)
	orgB         = 2 // another organization
	orgPlatform  = 3 // the operator of the portal
	orgKaraganda = 4 // the karaganda penal-system department (oversight)
	orgShymkent  = 5 // the shymkent penal-system department (oversight)
	orgNational  = 6 // a national auditor (oversight, no region)
)

func membership(userID, orgID int64, role accounts.Role, kind accounts.Kind, region string) accounts.Member {
	return accounts.Member{Membership: accounts.Membership{UserID: userID, OrgID: orgID, Role: role}, OrgKind: kind, Region: region}
}

// memberOfA is a user holding role in organization A, whose kind is the one that role
// belongs to.
func memberOfA(userID int64, role accounts.Role) accounts.Actor {
	kind := accounts.KindBuyer
	switch role {
	case accounts.RoleProducerManager, accounts.RoleWorkshopMaster:
		kind = accounts.KindProducerEnterprise
	case accounts.RoleInspector, accounts.RoleAuditor:
		kind = accounts.KindOversight
	}
	return accounts.Actor{UserID: userID, Memberships: []accounts.Member{membership(userID, orgA, role, kind, "karaganda")}}
}

// The matrix's outcomes, short so that the table reads as a grid.
const (
	allow  = accounts.Code("")
	unauth = accounts.CodeUnauthenticated
	hidden = accounts.CodeNotFound
	denied = accounts.CodeForbidden
)

type cell struct {
	resource accounts.ResourceKind
	action   accounts.Action
}

// columns are the matrix's columns, in the order of every row of expected outcomes.
var columns = []cell{
	{accounts.ResourceOrganization, accounts.ActionView}, {accounts.ResourceOrganization, accounts.ActionManage},
	{accounts.ResourceMembers, accounts.ActionView}, {accounts.ResourceMembers, accounts.ActionManage},
	{accounts.ResourceInvitations, accounts.ActionView}, {accounts.ResourceInvitations, accounts.ActionManage},
	{accounts.ResourceAPITokens, accounts.ActionView}, {accounts.ResourceAPITokens, accounts.ActionManage},
}

// TestAuthorizeMatrix states, for every kind of actor, the outcome of every action on
// every resource of organization A. It is written out by hand, not derived from the
// policy table: a change of policy must change this test too.
func TestAuthorizeMatrix(t *testing.T) {
	// Columns: organization view, manage; members view, manage; invitations view, manage;
	// api_tokens view, manage.
	nonAdmin := [8]accounts.Code{allow, denied, allow, denied, denied, denied, denied, denied}
	tests := []struct {
		name  string
		actor accounts.Actor
		want  [8]accounts.Code
	}{
		{"anonymous", accounts.Actor{},
			[8]accounts.Code{allow, unauth, unauth, unauth, unauth, unauth, unauth, unauth}},

		{"requester of A", memberOfA(10, accounts.RoleRequester), nonAdmin},
		{"approver of A", memberOfA(11, accounts.RoleApprover), nonAdmin},
		{"procurement officer of A", memberOfA(12, accounts.RoleProcurementOfficer), nonAdmin},
		{"accountant of A", memberOfA(13, accounts.RoleAccountant), nonAdmin},
		{"producer manager of A", memberOfA(14, accounts.RoleProducerManager), nonAdmin},
		{"workshop master of A", memberOfA(15, accounts.RoleWorkshopMaster), nonAdmin},
		{"inspector of A", memberOfA(16, accounts.RoleInspector), nonAdmin},
		{"auditor of A", memberOfA(17, accounts.RoleAuditor), nonAdmin},
		{"admin of A", memberOfA(18, accounts.RoleAdmin),
			[8]accounts.Code{allow, allow, allow, allow, allow, allow, allow, allow}},

		// Another organization's admin: A's profile is public, so managing it is
		// forbidden rather than hidden; everything else of A does not exist for them.
		{"admin of B", accounts.Actor{UserID: 20, Memberships: []accounts.Member{membership(20, orgB, accounts.RoleAdmin, accounts.KindBuyer, "karaganda")}},
			[8]accounts.Code{allow, denied, hidden, hidden, hidden, hidden, hidden, hidden}},

		// The platform's admin manages organizations, members and invitations anywhere,
		// but API tokens are the organization's own business.
		{"platform admin", accounts.Actor{UserID: 30, Memberships: []accounts.Member{membership(30, orgPlatform, accounts.RoleAdmin, accounts.KindPlatform, "")}},
			[8]accounts.Code{allow, allow, allow, allow, allow, allow, hidden, hidden}},

		// The platform's auditor reads members and invitations anywhere, changes nothing.
		{"platform auditor", accounts.Actor{UserID: 31, Memberships: []accounts.Member{membership(31, orgPlatform, accounts.RoleAuditor, accounts.KindPlatform, "")}},
			[8]accounts.Code{allow, denied, allow, denied, allow, denied, hidden, hidden}},

		// Oversight sees the members of organizations in its region, nothing more.
		{"inspector of karaganda", accounts.Actor{UserID: 40, Memberships: []accounts.Member{membership(40, orgKaraganda, accounts.RoleInspector, accounts.KindOversight, "karaganda")}},
			[8]accounts.Code{allow, denied, allow, denied, hidden, hidden, hidden, hidden}},
		{"auditor of karaganda", accounts.Actor{UserID: 41, Memberships: []accounts.Member{membership(41, orgKaraganda, accounts.RoleAuditor, accounts.KindOversight, "karaganda")}},
			[8]accounts.Code{allow, denied, allow, denied, hidden, hidden, hidden, hidden}},
		{"admin of karaganda oversight", accounts.Actor{UserID: 42, Memberships: []accounts.Member{membership(42, orgKaraganda, accounts.RoleAdmin, accounts.KindOversight, "karaganda")}},
			[8]accounts.Code{allow, denied, hidden, hidden, hidden, hidden, hidden, hidden}},
		{"inspector of shymkent", accounts.Actor{UserID: 43, Memberships: []accounts.Member{membership(43, orgShymkent, accounts.RoleInspector, accounts.KindOversight, "shymkent")}},
			[8]accounts.Code{allow, denied, hidden, hidden, hidden, hidden, hidden, hidden}},
		{"national auditor", accounts.Actor{UserID: 44, Memberships: []accounts.Member{membership(44, orgNational, accounts.RoleAuditor, accounts.KindOversight, "")}},
			[8]accounts.Code{allow, denied, allow, denied, hidden, hidden, hidden, hidden}},
		// An inspector's role in a buyer organization gives no oversight.
		{"inspector role in a buyer org of karaganda", accounts.Actor{UserID: 45, Memberships: []accounts.Member{membership(45, orgB, accounts.RoleInspector, accounts.KindBuyer, "karaganda")}},
			[8]accounts.Code{allow, denied, hidden, hidden, hidden, hidden, hidden, hidden}},

		// A member of several organizations acts in A with their role in A.
		{"requester of A, admin of B", accounts.Actor{UserID: 50, Memberships: []accounts.Member{
			membership(50, orgB, accounts.RoleAdmin, accounts.KindBuyer, "almaty"),
			membership(50, orgA, accounts.RoleRequester, accounts.KindBuyer, "karaganda")}}, nonAdmin},

		// API tokens carry exactly one membership and act with its role.
		// ... but who may act for an organization (members, invitations, tokens) is
		// decided by a person, never by a machine client.
		{"token as admin of A", accounts.Actor{TokenID: 60, Memberships: []accounts.Member{membership(0, orgA, accounts.RoleAdmin, accounts.KindBuyer, "karaganda")}},
			[8]accounts.Code{allow, allow, allow, denied, allow, denied, allow, denied}},
		// A token of the platform's admin or of an oversight body reaches no other
		// organization: tokens are scoped to their own.
		{"token as platform admin", accounts.Actor{TokenID: 63, Memberships: []accounts.Member{membership(0, orgPlatform, accounts.RoleAdmin, accounts.KindPlatform, "")}},
			[8]accounts.Code{allow, denied, hidden, hidden, hidden, hidden, hidden, hidden}},
		{"token as inspector of karaganda", accounts.Actor{TokenID: 64, Memberships: []accounts.Member{membership(0, orgKaraganda, accounts.RoleInspector, accounts.KindOversight, "karaganda")}},
			[8]accounts.Code{allow, denied, hidden, hidden, hidden, hidden, hidden, hidden}},
		{"token as requester of A", accounts.Actor{TokenID: 61, Memberships: []accounts.Member{membership(0, orgA, accounts.RoleRequester, accounts.KindBuyer, "karaganda")}}, nonAdmin},
		{"token as admin of B", accounts.Actor{TokenID: 62, Memberships: []accounts.Member{membership(0, orgB, accounts.RoleAdmin, accounts.KindBuyer, "karaganda")}},
			[8]accounts.Code{allow, denied, hidden, hidden, hidden, hidden, hidden, hidden}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var wrong []string
			for i, c := range columns {
				err := accounts.Authorize(tt.actor, c.action, accounts.Resource{Kind: c.resource, OrgID: orgA, Region: "karaganda"})
				if got := accounts.ErrorCode(err); got != tt.want[i] {
					wrong = append(wrong, fmt.Sprintf("%s/%s = %q, want %q", c.resource, c.action, got, tt.want[i]))
				}
				// Refusals are *accounts.Error values that errors.Is recognises by class.
				if err != nil {
					sentinel := map[accounts.Code]error{unauth: accounts.ErrUnauthenticated, hidden: accounts.ErrNotFound, denied: accounts.ErrForbidden}[accounts.ErrorCode(err)]
					if sentinel == nil || !errors.Is(err, sentinel) {
						wrong = append(wrong, fmt.Sprintf("%s/%s: %v does not match its sentinel", c.resource, c.action, err))
					}
				}
			}
			if len(wrong) > 0 {
				t.Errorf("%s:\n  %s", tt.name, strings.Join(wrong, "\n  "))
			}
		})
	}
}

// Anything the policy table does not name is denied to everyone, with the usual rule for
// what the refusal reveals.
func TestAuthorizeDeniesUnknown(t *testing.T) {
	admin := memberOfA(1, accounts.RoleAdmin)
	outsider := accounts.Actor{UserID: 2, Memberships: []accounts.Member{membership(2, orgB, accounts.RoleAdmin, accounts.KindBuyer, "karaganda")}}
	platform := accounts.Actor{UserID: 3, Memberships: []accounts.Member{membership(3, orgPlatform, accounts.RoleAdmin, accounts.KindPlatform, "")}}
	tests := []struct {
		name   string
		actor  accounts.Actor
		action accounts.Action
		kind   accounts.ResourceKind
		want   accounts.Code
	}{
		{"unknown kind, anonymous", accounts.Actor{}, accounts.ActionView, "bogus", unauth},
		{"unknown kind, admin of owner", admin, accounts.ActionView, "bogus", denied},
		{"unknown kind, outsider", outsider, accounts.ActionView, "bogus", hidden},
		{"unknown kind, platform admin", platform, accounts.ActionManage, "bogus", hidden},
		{"unknown action on members, admin of owner", admin, "delete", accounts.ResourceMembers, denied},
		{"unknown action on members, outsider", outsider, "delete", accounts.ResourceMembers, hidden},
		{"unknown action on public organization, outsider", outsider, "delete", accounts.ResourceOrganization, denied},
		{"unknown action, anonymous", accounts.Actor{}, "delete", accounts.ResourceOrganization, unauth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := accounts.Authorize(tt.actor, tt.action, accounts.Resource{Kind: tt.kind, OrgID: orgA, Region: "karaganda"})
			if got := accounts.ErrorCode(err); got != tt.want {
				t.Errorf("Authorize = %v; want code %q", err, tt.want)
			}
		})
	}
}

func TestActorHelpers(t *testing.T) {
	if !(accounts.Actor{}).Anonymous() {
		t.Error("zero Actor is not anonymous")
	}
	if (accounts.Actor{TokenID: 1}).Anonymous() {
		t.Error("a token actor is anonymous")
	}
	a := accounts.Actor{UserID: 7, Memberships: []accounts.Member{
		membership(7, orgA, accounts.RoleApprover, accounts.KindBuyer, "karaganda"),
		membership(7, orgPlatform, accounts.RoleAuditor, accounts.KindPlatform, ""),
	}}
	if r, ok := a.RoleIn(orgA); !ok || r != accounts.RoleApprover {
		t.Errorf("RoleIn(A) = %q, %v", r, ok)
	}
	if _, ok := a.RoleIn(orgB); ok {
		t.Error("RoleIn(B) found a membership that does not exist")
	}
	if a.PlatformAdmin() {
		t.Error("a platform auditor is a platform admin")
	}
	// Admin of an organization named like the platform but of another kind is no
	// platform admin.
	if (accounts.Actor{UserID: 8, Memberships: []accounts.Member{membership(8, orgPlatform, accounts.RoleAdmin, accounts.KindBuyer, "")}}).PlatformAdmin() {
		t.Error("a buyer admin is a platform admin")
	}
}

func TestTextIn(t *testing.T) {
	full := accounts.Text{RU: "Парта", KK: "Парта (kk)", EN: "Desk"}
	tests := []struct {
		name string
		text accounts.Text
		lang string
		want string
	}{
		{"ru", full, "ru", "Парта"},
		{"kk", full, "kk", "Парта (kk)"},
		{"en", full, "en", "Desk"},
		{"unknown language is Russian", full, "de", "Парта"},
		{"empty language is Russian", full, "", "Парта"},
		{"upper-case code is not recognised", full, "EN", "Парта"},
		{"kk missing falls back to ru", accounts.Text{RU: "Парта", EN: "Desk"}, "kk", "Парта"},
		{"en missing falls back to ru", accounts.Text{RU: "Парта", KK: "Парта (kk)"}, "en", "Парта"},
		{"ru missing falls back to kk", accounts.Text{KK: "Үстел", EN: "Desk"}, "ru", "Үстел"},
		{"en and ru missing falls back to kk", accounts.Text{KK: "Үстел"}, "en", "Үстел"},
		{"only en", accounts.Text{EN: "Desk"}, "ru", "Desk"},
		{"only en, asked kk", accounts.Text{EN: "Desk"}, "kk", "Desk"},
		{"empty", accounts.Text{}, "ru", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.text.In(tt.lang); got != tt.want {
				t.Errorf("In(%q) = %q; want %q", tt.lang, got, tt.want)
			}
		})
	}
}

func TestRoleAllowed(t *testing.T) {
	// Written out by hand: which roles each kind of organization can give.
	want := map[accounts.Kind][]accounts.Role{
		accounts.KindBuyer:               {"requester", "approver", "procurement_officer", "accountant", "admin"},
		accounts.KindProcuringEntity:     {"procurement_officer", "approver", "accountant", "admin"},
		accounts.KindProducerInstitution: {"producer_manager", "workshop_master", "accountant", "admin"},
		accounts.KindProducerEnterprise:  {"producer_manager", "workshop_master", "accountant", "admin"},
		accounts.KindOversight:           {"inspector", "auditor", "admin"},
		accounts.KindPlatform:            {"auditor", "admin"},
		"unknown":                        nil,
	}
	roles := append(append([]accounts.Role(nil), accounts.Roles...), "", "superuser")
	for kind, allowed := range want {
		for _, role := range roles {
			w := false
			for _, r := range allowed {
				w = w || r == role
			}
			if got := accounts.RoleAllowed(kind, role); got != w {
				t.Errorf("RoleAllowed(%s, %q) = %v; want %v", kind, role, got, w)
			}
		}
		got := accounts.RolesFor(kind)
		if fmt.Sprint(got) != fmt.Sprint(allowed) {
			t.Errorf("RolesFor(%s) = %v; want %v", kind, got, allowed)
		}
		// RolesFor returns a copy: changing it does not change the rules.
		if len(got) > 0 {
			got[0] = "superuser"
			if accounts.RoleAllowed(kind, "superuser") {
				t.Errorf("RolesFor(%s) exposes the policy's own slice", kind)
			}
		}
	}
	if len(want)-1 != len(accounts.Subtypes) {
		t.Errorf("the test knows %d kinds, the package %d: add the new kind here", len(want)-1, len(accounts.Subtypes))
	}
}

func TestOrganizationValidate(t *testing.T) {
	valid := func() accounts.Organization {
		return accounts.Organization{BIN: "971240001315", Kind: accounts.KindBuyer, Subtype: accounts.SubtypeSchool,
			Name: accounts.Text{RU: "Школа № 1"}, Region: "karaganda"}
	}
	with := func(change func(*accounts.Organization)) accounts.Organization {
		o := valid()
		change(&o)
		return o
	}
	tests := []struct {
		name   string
		org    accounts.Organization
		fields []string // the fields named in the error; none means valid
	}{
		{"valid school", valid(), nil},
		{"BIN with surrounding spaces is trimmed", with(func(o *accounts.Organization) { o.BIN = "  971240001315\t" }), nil},
		{"Kazakh name only", with(func(o *accounts.Organization) { o.Name = accounts.Text{KK: "№ 1 мектеп"} }), nil},
		{"platform without region", with(func(o *accounts.Organization) {
			o.Kind, o.Subtype, o.Region = accounts.KindPlatform, accounts.SubtypePlatform, ""
		}), nil},
		{"national auditor without region", with(func(o *accounts.Organization) {
			o.Kind, o.Subtype, o.Region = accounts.KindOversight, accounts.SubtypeNationalAuditor, ""
		}), nil},
		{"penal institution with number and oversight", with(func(o *accounts.Organization) {
			o.Kind, o.Subtype, o.InstitutionNumber, o.OversightOrgID = accounts.KindProducerInstitution, accounts.SubtypePenalInstitution, 16, 9
		}), nil},

		{"bad BIN", with(func(o *accounts.Organization) { o.BIN = "971240001316" }), []string{"bin"}},
		{"empty BIN", with(func(o *accounts.Organization) { o.BIN = "" }), []string{"bin"}},
		{"unknown kind", with(func(o *accounts.Organization) { o.Kind = "shop" }), []string{"kind"}},
		{"subtype of another kind", with(func(o *accounts.Organization) { o.Subtype = accounts.SubtypeAkimat }), []string{"subtype"}},
		{"empty subtype", with(func(o *accounts.Organization) { o.Subtype = "" }), []string{"subtype"}},
		{"English name only", with(func(o *accounts.Organization) { o.Name = accounts.Text{EN: "School 1"} }), []string{"name"}},
		{"blank names", with(func(o *accounts.Organization) { o.Name = accounts.Text{RU: "  ", KK: "\t"} }), []string{"name"}},
		{"unknown region", with(func(o *accounts.Organization) { o.Region = "atlantis" }), []string{"region"}},
		{"missing region", with(func(o *accounts.Organization) { o.Region = "" }), []string{"region"}},
		{"regional penal department without region", with(func(o *accounts.Organization) {
			o.Kind, o.Subtype, o.Region = accounts.KindOversight, accounts.SubtypePenalDepartment, ""
		}), []string{"region"}},
		{"penal institution without number", with(func(o *accounts.Organization) {
			o.Kind, o.Subtype = accounts.KindProducerInstitution, accounts.SubtypePenalInstitution
		}), []string{"institution_number"}},
		{"buyer with an institution number", with(func(o *accounts.Organization) { o.InstitutionNumber = 22 }), []string{"institution_number"}},
		{"buyer with an oversight department", with(func(o *accounts.Organization) { o.OversightOrgID = 5 }), []string{"institution_number"}},
		{"everything wrong", accounts.Organization{BIN: "x", Kind: "shop", Region: "atlantis", InstitutionNumber: 3},
			[]string{"bin", "institution_number", "kind", "name", "region"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.org
			err := o.Validate()
			if tt.fields == nil {
				if err != nil {
					t.Fatalf("Validate() = %v; want nil", err)
				}
				if o.BIN != strings.TrimSpace(tt.org.BIN) {
					t.Errorf("BIN after Validate = %q; want it trimmed", o.BIN)
				}
				return
			}
			var e *accounts.Error
			if !errors.As(err, &e) || e.Code != accounts.CodeInvalid {
				t.Fatalf("Validate() = %v; want a CodeInvalid *Error", err)
			}
			var got []string
			for f, problem := range e.Fields {
				got = append(got, f)
				if problem == "" {
					t.Errorf("field %s has no problem text", f)
				}
			}
			sort.Strings(got)
			if strings.Join(got, ",") != strings.Join(tt.fields, ",") {
				t.Errorf("fields = %v; want %v (error: %v)", got, tt.fields, err)
			}
		})
	}
}

func TestNormalizeEmail(t *testing.T) {
	tests := []struct {
		in, want string // want "" means invalid
	}{
		{"user@example.kz", "user@example.kz"},
		{"  User@Example.KZ \n", "user@example.kz"},
		{"first.last+tag@mail.school.kz", "first.last+tag@mail.school.kz"},
		{"ПОЧТА@пример.каз", "почта@пример.каз"},
		{"", ""},
		{"   ", ""},
		{"user", ""},
		{"user@", ""},
		{"@example.kz", ""},
		{"user@localhost", ""},
		{"user@@example.kz", ""},
		{"two words@example.kz", ""},
		{"Name <user@example.kz>", ""},
		{"user@example.kz, other@example.kz", ""},
		{strings.Repeat("a", 64) + "@" + strings.Repeat("b", 186) + ".kz", strings.Repeat("a", 64) + "@" + strings.Repeat("b", 186) + ".kz"}, // 254
		{strings.Repeat("a", 64) + "@" + strings.Repeat("b", 187) + ".kz", ""},                                                               // 255
	}
	for _, tt := range tests {
		got, err := accounts.NormalizeEmail(tt.in)
		if tt.want == "" {
			if err == nil {
				t.Errorf("NormalizeEmail(%q) = %q; want an error", tt.in, got)
			} else if accounts.ErrorCode(err) != accounts.CodeInvalid {
				t.Errorf("NormalizeEmail(%q) error %v is not CodeInvalid", tt.in, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestValidatePassword(t *testing.T) {
	tests := []struct {
		name     string
		password string
		valid    bool
	}{
		{"empty", "", false},
		{"9 characters", "123456789", false},
		{"10 characters", "1234567890", true},
		// Length counts characters, not bytes: 9 Cyrillic letters are 18 bytes.
		{"9 Cyrillic characters", "абвгдеёжз", false},
		{"10 Cyrillic characters", "абвгдеёжзи", true},
		{"256 bytes", strings.Repeat("x", 256), true},
		{"257 bytes", strings.Repeat("x", 257), false},
		// The upper bound is in bytes, because it bounds the hashing work.
		{"200 Cyrillic characters (400 bytes)", strings.Repeat("ж", 200), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := accounts.ValidatePassword(tt.password)
			if tt.valid != (err == nil) {
				t.Errorf("ValidatePassword = %v; want valid=%v", err, tt.valid)
			}
			if err != nil && accounts.ErrorCode(err) != accounts.CodeInvalid {
				t.Errorf("error %v is not CodeInvalid", err)
			}
		})
	}
}

// TestAuthorizeListingsMatrix states who may see an enterprise's unpublished listings and
// who may change its listings (published ones are public and need no grant to read).
func TestAuthorizeListingsMatrix(t *testing.T) {
	enterprise := func(userID int64, role accounts.Role) accounts.Actor {
		return accounts.Actor{UserID: userID, Memberships: []accounts.Member{membership(userID, orgA, role, accounts.KindProducerEnterprise, "karaganda")}}
	}
	tests := []struct {
		name         string
		actor        accounts.Actor
		view, manage accounts.Code
	}{
		{"anonymous", accounts.Actor{}, unauth, unauth},
		{"producer manager", enterprise(1, accounts.RoleProducerManager), allow, allow},
		{"admin", enterprise(2, accounts.RoleAdmin), allow, allow},
		{"workshop master", enterprise(3, accounts.RoleWorkshopMaster), allow, denied},
		{"accountant", enterprise(4, accounts.RoleAccountant), allow, denied},
		{"producer manager of another enterprise", accounts.Actor{UserID: 5, Memberships: []accounts.Member{membership(5, orgB, accounts.RoleProducerManager, accounts.KindProducerEnterprise, "karaganda")}}, hidden, hidden},
		{"buyer", accounts.Actor{UserID: 6, Memberships: []accounts.Member{membership(6, orgB, accounts.RoleRequester, accounts.KindBuyer, "karaganda")}}, hidden, hidden},
		{"inspector of the region", accounts.Actor{UserID: 7, Memberships: []accounts.Member{membership(7, orgKaraganda, accounts.RoleInspector, accounts.KindOversight, "karaganda")}}, allow, denied},
		{"inspector of another region", accounts.Actor{UserID: 8, Memberships: []accounts.Member{membership(8, orgShymkent, accounts.RoleInspector, accounts.KindOversight, "shymkent")}}, hidden, hidden},
		{"platform auditor", accounts.Actor{UserID: 9, Memberships: []accounts.Member{membership(9, orgPlatform, accounts.RoleAuditor, accounts.KindPlatform, "")}}, allow, denied},
		// The enterprise's stock system may keep its listings up to date.
		{"token as producer manager", accounts.Actor{TokenID: 10, Memberships: []accounts.Member{membership(0, orgA, accounts.RoleProducerManager, accounts.KindProducerEnterprise, "karaganda")}}, allow, allow},
	}
	for _, tt := range tests {
		res := accounts.Resource{Kind: accounts.ResourceListings, OrgID: orgA, Region: "karaganda"}
		if got := accounts.ErrorCode(accounts.Authorize(tt.actor, accounts.ActionView, res)); got != tt.view {
			t.Errorf("%s: view = %q; want %q", tt.name, got, tt.view)
		}
		if got := accounts.ErrorCode(accounts.Authorize(tt.actor, accounts.ActionManage, res)); got != tt.manage {
			t.Errorf("%s: manage = %q; want %q", tt.name, got, tt.manage)
		}
	}
}

// TestAuthorizeOrdersMatrix states, for the resources of orders, who may view and who may
// manage those of organization A (a buyer for orders, approval and budget; a producer
// enterprise for fulfillments), region karaganda. Written out by hand.
func TestAuthorizeOrdersMatrix(t *testing.T) {
	of := func(userID int64, org int64, role accounts.Role, kind accounts.Kind, region string) accounts.Actor {
		return accounts.Actor{UserID: userID, Memberships: []accounts.Member{membership(userID, org, role, kind, region)}}
	}
	buyer := func(userID int64, role accounts.Role) accounts.Actor {
		return of(userID, orgA, role, accounts.KindBuyer, "karaganda")
	}
	producer := func(userID int64, role accounts.Role) accounts.Actor {
		return of(userID, orgA, role, accounts.KindProducerEnterprise, "karaganda")
	}
	token := func(role accounts.Role) accounts.Actor {
		return accounts.Actor{TokenID: 99, Memberships: []accounts.Member{membership(0, orgA, role, accounts.KindBuyer, "karaganda")}}
	}
	// Columns: orders view, manage; order_approval view, manage; budget view, manage;
	// fulfillments view, manage; payments (invoices and payments) view, manage.
	tests := []struct {
		name  string
		actor accounts.Actor
		want  [10]accounts.Code
	}{
		{"anonymous", accounts.Actor{}, [10]accounts.Code{unauth, unauth, unauth, unauth, unauth, unauth, unauth, unauth, unauth, unauth}},
		{"requester", buyer(1, accounts.RoleRequester), [10]accounts.Code{allow, allow, allow, denied, allow, denied, allow, denied, allow, allow}},
		{"approver", buyer(2, accounts.RoleApprover), [10]accounts.Code{allow, allow, allow, allow, allow, denied, allow, denied, allow, allow}},
		{"accountant", buyer(3, accounts.RoleAccountant), [10]accounts.Code{allow, denied, allow, denied, allow, allow, allow, denied, allow, allow}},
		{"procurement officer", buyer(4, accounts.RoleProcurementOfficer), [10]accounts.Code{allow, denied, allow, denied, allow, denied, allow, denied, allow, denied}},
		{"admin", buyer(5, accounts.RoleAdmin), [10]accounts.Code{allow, allow, allow, allow, allow, allow, allow, allow, allow, allow}},
		{"producer manager", producer(6, accounts.RoleProducerManager), [10]accounts.Code{allow, denied, allow, denied, allow, denied, allow, allow, allow, denied}},
		{"workshop master", producer(7, accounts.RoleWorkshopMaster), [10]accounts.Code{allow, denied, allow, denied, allow, denied, allow, allow, allow, denied}},
		{"member of another organization", of(8, orgB, accounts.RoleAdmin, accounts.KindBuyer, "karaganda"), [10]accounts.Code{hidden, hidden, hidden, hidden, hidden, hidden, hidden, hidden, hidden, hidden}},
		{"inspector of the region", of(9, orgKaraganda, accounts.RoleInspector, accounts.KindOversight, "karaganda"), [10]accounts.Code{allow, denied, allow, denied, allow, denied, allow, denied, allow, denied}},
		{"inspector of another region", of(10, orgShymkent, accounts.RoleInspector, accounts.KindOversight, "shymkent"), [10]accounts.Code{hidden, hidden, hidden, hidden, hidden, hidden, hidden, hidden, hidden, hidden}},
		{"national auditor", of(11, orgNational, accounts.RoleAuditor, accounts.KindOversight, ""), [10]accounts.Code{allow, denied, allow, denied, allow, denied, allow, denied, allow, denied}},
		{"platform admin", of(12, orgPlatform, accounts.RoleAdmin, accounts.KindPlatform, ""), [10]accounts.Code{hidden, hidden, hidden, hidden, hidden, hidden, hidden, hidden, hidden, hidden}},
		{"platform auditor", of(13, orgPlatform, accounts.RoleAuditor, accounts.KindPlatform, ""), [10]accounts.Code{allow, denied, allow, denied, allow, denied, allow, denied, allow, denied}},
		// A buyer's accounting system may place orders, never approve them.
		{"token as requester", token(accounts.RoleRequester), [10]accounts.Code{allow, allow, allow, denied, allow, denied, allow, denied, allow, allow}},
		{"token as approver", token(accounts.RoleApprover), [10]accounts.Code{allow, allow, allow, denied, allow, denied, allow, denied, allow, allow}},
	}
	cols := []cell{
		{accounts.ResourceOrders, accounts.ActionView}, {accounts.ResourceOrders, accounts.ActionManage},
		{accounts.ResourceOrderApproval, accounts.ActionView}, {accounts.ResourceOrderApproval, accounts.ActionManage},
		{accounts.ResourceBudget, accounts.ActionView}, {accounts.ResourceBudget, accounts.ActionManage},
		{accounts.ResourceFulfillments, accounts.ActionView}, {accounts.ResourceFulfillments, accounts.ActionManage},
		{accounts.ResourcePayments, accounts.ActionView}, {accounts.ResourcePayments, accounts.ActionManage},
	}
	for _, tt := range tests {
		for i, c := range cols {
			res := accounts.Resource{Kind: c.resource, OrgID: orgA, Region: "karaganda"}
			if got := accounts.ErrorCode(accounts.Authorize(tt.actor, c.action, res)); got != tt.want[i] {
				t.Errorf("%s: %s %s = %q; want %q", tt.name, c.action, c.resource, got, tt.want[i])
			}
		}
	}
}
