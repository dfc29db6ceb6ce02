package accounts

// Actor is whoever makes a request: a signed-in user, a machine client holding an API token,
// or nobody (the zero Actor, the public).
type Actor struct {
	UserID int64
	// TokenID is set when the actor authenticated with an API token; such an actor holds
	// exactly the one membership the token is scoped to.
	TokenID     int64
	Memberships []Member
	// system is set only by SystemActor: the portal's own command-line tools. It is
	// unexported so that no request decoder, session or token can set it.
	system string
}

// SystemActor returns the actor of the portal's own command-line tools (such as `sheber
// catalog import`), run by whoever operates the servers; purpose names the tool. The
// policy lets it manage any enterprise's catalog listings and nothing else. Only
// cmd/sheber may call it: no session, API token or request is ever turned into it (a test
// of the module checks that no other package calls it).
func SystemActor(purpose string) Actor {
	if purpose == "" {
		purpose = "system"
	}
	return Actor{system: purpose}
}

// System reports whether the actor is a SystemActor, and for what purpose.
func (a Actor) System() (string, bool) { return a.system, a.system != "" }

// Anonymous reports whether the actor is the public.
func (a Actor) Anonymous() bool { return a.UserID == 0 && a.TokenID == 0 && a.system == "" }

// RoleIn returns the actor's role in org.
func (a Actor) RoleIn(orgID int64) (Role, bool) {
	for _, m := range a.Memberships {
		if m.OrgID == orgID {
			return m.Role, true
		}
	}
	return "", false
}

// PlatformAdmin reports whether the actor administers the portal itself.
func (a Actor) PlatformAdmin() bool {
	for _, m := range a.Memberships {
		if m.OrgKind == KindPlatform && m.Role == RoleAdmin {
			return true
		}
	}
	return false
}

// platformAuditor reports whether the actor audits the portal itself.
func (a Actor) platformAuditor() bool {
	for _, m := range a.Memberships {
		if m.OrgKind == KindPlatform && m.Role == RoleAuditor {
			return true
		}
	}
	return false
}

// overseesRegion reports whether the actor is an inspector or auditor of an oversight body
// whose remit covers region. A national body (no region of its own) covers every region.
func (a Actor) overseesRegion(region string) bool {
	for _, m := range a.Memberships {
		if m.OrgKind != KindOversight || (m.Role != RoleInspector && m.Role != RoleAuditor) {
			continue
		}
		if m.Region == "" || m.Region == region {
			return true
		}
	}
	return false
}

// Action is what an actor wants to do to a resource.
type Action string

// Actions.
const (
	ActionView   Action = "view"
	ActionManage Action = "manage"
)

// ResourceKind names a class of resource that the policy knows.
type ResourceKind string

// Resource kinds of the accounts domain; later domains add theirs to the policy table.
const (
	ResourceOrganization ResourceKind = "organization" // an organization's public profile
	ResourceMembers      ResourceKind = "members"      // who belongs to an organization, with roles
	ResourceInvitations  ResourceKind = "invitations"  // pending invitations into an organization
	ResourceAPITokens    ResourceKind = "api_tokens"   // an organization's machine-client tokens
	// ResourceListings are an enterprise's catalog listings that are not public: drafts
	// and archived ones, and the right to change any of them. Published listings are
	// public and need no grant to be read.
	ResourceListings ResourceKind = "listings"
	// ResourceOrders are a buyer organization's carts and orders (Region: the buyer's);
	// managing them is building, submitting, cancelling, recording deliveries and
	// acceptance.
	ResourceOrders ResourceKind = "orders"
	// ResourceOrderApproval is the right to approve or return a buyer organization's
	// orders that need approval, and to set whether they do.
	ResourceOrderApproval ResourceKind = "order_approval"
	// ResourceBudget are a buyer organization's budget lines.
	ResourceBudget ResourceKind = "budget"
	// ResourceFulfillments are a producer enterprise's fulfillment orders: its queue
	// (Region: the region of the institution that hosts the site).
	ResourceFulfillments ResourceKind = "fulfillments"
	// ResourcePayments are the invoices a buyer organization received for its orders and
	// the payments it made on them (Region: the buyer's). The producer enterprise reads
	// those of its own fulfillment orders through ResourceFulfillments.
	ResourcePayments ResourceKind = "payments"
)

// Resource identifies what is acted on: its kind, the organization that owns it and that
// organization's region.
type Resource struct {
	Kind   ResourceKind
	OrgID  int64
	Region string
}

// grant is one rule of the policy: who may do an action to a kind of resource.
type grant struct {
	public        bool   // anyone, signed in or not
	roles         []Role // members of the owning organization with one of these roles
	anyMember     bool   // any member of the owning organization
	platformAdmin bool   // administrators of the portal, for any organization
	platformAudit bool   // auditors of the portal, for any organization (read-only grants)
	oversight     bool   // inspectors and auditors whose remit covers the resource's region
	// usersOnly keeps the grant from API tokens: who may act for an organization (members,
	// invitations, tokens) is decided by a person, never by a machine client.
	usersOnly bool
	// system admits the SystemActor, for any organization.
	system bool
}

// policy is the table that answers every authorization question. A kind or action missing
// from it is denied to everyone.
var policy = map[ResourceKind]map[Action]grant{
	ResourceOrganization: {
		ActionView:   {public: true},
		ActionManage: {roles: []Role{RoleAdmin}, platformAdmin: true},
	},
	ResourceMembers: {
		ActionView:   {anyMember: true, platformAdmin: true, platformAudit: true, oversight: true},
		ActionManage: {roles: []Role{RoleAdmin}, platformAdmin: true, usersOnly: true},
	},
	ResourceInvitations: {
		ActionView:   {roles: []Role{RoleAdmin}, platformAdmin: true, platformAudit: true},
		ActionManage: {roles: []Role{RoleAdmin}, platformAdmin: true, usersOnly: true},
	},
	ResourceAPITokens: {
		ActionView:   {roles: []Role{RoleAdmin}},
		ActionManage: {roles: []Role{RoleAdmin}, usersOnly: true},
	},
	// Machine clients of an enterprise (its stock system) may manage its listings.
	ResourceListings: {
		ActionView:   {anyMember: true, platformAdmin: true, platformAudit: true, oversight: true, system: true},
		ActionManage: {roles: []Role{RoleProducerManager, RoleAdmin}, system: true},
	},
	// Orders are seen by their own organizations, by oversight of the region and by the
	// portal's auditors, not by its administrators. A buyer's machine client (its
	// accounting system) may place orders; approving them is a person's decision.
	ResourceOrders: {
		ActionView:   {anyMember: true, platformAudit: true, oversight: true},
		ActionManage: {roles: []Role{RoleRequester, RoleApprover, RoleAdmin}},
	},
	ResourceOrderApproval: {
		ActionView:   {anyMember: true, platformAudit: true, oversight: true},
		ActionManage: {roles: []Role{RoleApprover, RoleAdmin}, usersOnly: true},
	},
	ResourceBudget: {
		ActionView:   {anyMember: true, platformAudit: true, oversight: true},
		ActionManage: {roles: []Role{RoleAccountant, RoleAdmin}},
	},
	ResourceFulfillments: {
		ActionView:   {anyMember: true, platformAudit: true, oversight: true},
		ActionManage: {roles: []Role{RoleProducerManager, RoleWorkshopMaster, RoleAdmin}},
	},
	// Invoices and payments are recorded by those who run the buyer's orders and by its
	// accountant, who pays them through the treasury; a buyer's accounting system may
	// record them too.
	ResourcePayments: {
		ActionView:   {anyMember: true, platformAudit: true, oversight: true},
		ActionManage: {roles: []Role{RoleRequester, RoleApprover, RoleAccountant, RoleAdmin}},
	},
}

// Authorize answers whether actor may do action to r. It returns nil when allowed;
// ErrUnauthenticated when the public asks for something that is not public; ErrNotFound
// when the actor has no standing at all in the owning organization, so that refusing does
// not reveal whether the resource exists; ErrForbidden when the actor may see the resource
// but not do this to it.
func Authorize(a Actor, action Action, r Resource) error {
	g, ok := policy[r.Kind][action]
	if ok && g.public {
		return nil
	}
	if a.Anonymous() {
		return &Error{Code: CodeUnauthenticated, Message: "sign in first"}
	}
	if ok && allowed(a, g, r) {
		return nil
	}
	// Refused. Tell those who may know the resource exists that they lack the right;
	// tell everyone else that there is nothing here.
	if view, ok := policy[r.Kind][ActionView]; ok && (view.public || allowed(a, view, r)) {
		return &Error{Code: CodeForbidden, Message: "your role does not allow this"}
	}
	if _, member := a.RoleIn(r.OrgID); member {
		return &Error{Code: CodeForbidden, Message: "your role does not allow this"}
	}
	return &Error{Code: CodeNotFound, Message: "not found"}
}

func allowed(a Actor, g grant, r Resource) bool {
	if _, system := a.System(); system {
		return g.system // the system actor holds no membership and no other grant
	}
	if g.usersOnly && a.UserID == 0 {
		return false
	}
	// Grants across organizations (the platform's, oversight's) are a person's: an API
	// token is scoped to its own organization and never reaches another's resources.
	if a.TokenID == 0 {
		if g.platformAdmin && a.PlatformAdmin() {
			return true
		}
		if g.platformAudit && a.platformAuditor() {
			return true
		}
		if g.oversight && a.overseesRegion(r.Region) {
			return true
		}
	}
	role, member := a.RoleIn(r.OrgID)
	if !member {
		return false
	}
	if g.anyMember {
		return true
	}
	for _, allowedRole := range g.roles {
		if role == allowedRole {
			return true
		}
	}
	return false
}
