package orders

import (
	"time"

	"github.com/sheber-kz/sheber/accounts"
)

// MayInvite reports whether a may invite sites to r by Invite's rule of who may: the
// buyer's requesters, approvers and admins, and the regional coordinators of the
// delivery region. Whether r is still open and before its deadline is checked apart
// (Invite refuses both with 409). The pages show the invitation form by it.
func MayInvite(a accounts.Actor, r CustomRequest) bool {
	if a.Anonymous() {
		return false
	}
	return accounts.Authorize(a, accounts.ActionManage, requestResource(accounts.ResourceOrders, r)) == nil || coordinates(a, r.DeliveryRegion)
}

// MayQuote reports whether a may quote for r from an invited site of enterprise: a
// producer manager or admin of it, by SubmitQuote's rule.
func MayQuote(a accounts.Actor, r CustomRequest, enterpriseID int64) bool {
	if !r.invited(enterpriseID) {
		return false
	}
	role, ok := a.RoleIn(enterpriseID)
	return ok && (role == accounts.RoleProducerManager || role == accounts.RoleAdmin)
}

// Open reports whether r still takes invitations and quotes at now: open and before its
// quote deadline.
func (r CustomRequest) Open(now time.Time) bool {
	return r.Status == RequestOpen && now.Before(r.QuoteDeadline)
}
