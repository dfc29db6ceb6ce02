package orders

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
)

// Directory is what orders need to know of organizations; accounts.Store has it.
type Directory interface {
	Organization(ctx context.Context, id int64) (accounts.Organization, error)
}

// Service carries out the use cases of orders.
type Service struct {
	Store     Store
	Directory Directory
	// Procurement holds the procurement routes; nil: none is configured.
	Procurement ProcurementStore
	// Objects stores the attachments' files (orders/attachments.go); nil: none can be
	// uploaded or read.
	Objects catalog.Objects
	// Attachments persists the attachments' rows; nil: none can be uploaded or read.
	Attachments AttachmentStore
	// PublicURL is the portal's address, for links in e-mails.
	PublicURL string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// organization loads org and checks that a may do action to resources of kind in it, and
// that the organization is of kind want.
func (s *Service) organization(ctx context.Context, a accounts.Actor, kind accounts.ResourceKind, action accounts.Action, orgID int64, want accounts.Kind) (accounts.Organization, error) {
	if a.Anonymous() {
		return accounts.Organization{}, &accounts.Error{Code: accounts.CodeUnauthenticated, Message: "sign in first"}
	}
	org, err := s.Directory.Organization(ctx, orgID)
	if err != nil {
		return accounts.Organization{}, err
	}
	if err := accounts.Authorize(a, action, accounts.Resource{Kind: kind, OrgID: org.ID, Region: org.Region}); err != nil {
		return accounts.Organization{}, err
	}
	if org.Kind != want {
		return accounts.Organization{}, &accounts.Error{Code: accounts.CodeNotFound, Message: "not found"}
	}
	return org, nil
}

// orderResource is the order as the policy sees it.
func orderResource(kind accounts.ResourceKind, o Order) accounts.Resource {
	return accounts.Resource{Kind: kind, OrgID: o.BuyerOrgID, Region: o.BuyerRegion}
}

// claim takes an idempotency key in tx; a key seen before returns what it recorded, or
// an error if it came with a different request.
func claim(ctx context.Context, tx Store, k *IdempotencyKey) (*IdempotentResult, error) {
	if k == nil {
		return nil, nil
	}
	r, err := tx.ClaimIdempotency(ctx, *k)
	if err != nil || r == nil {
		return nil, err
	}
	if !bytes.Equal(r.RequestHash, k.RequestHash) {
		return nil, differentRequest()
	}
	return r, nil
}

// replayed returns what the committed request with key k recorded (nil when there is
// none yet, or no key), read outside any transaction: a repeat of a request that is done
// is answered without waiting its turn for one (storage gates them). A repeat that finds
// nothing goes on to claim the key in its transaction, which settles a race with the
// first request.
func (s *Service) replayed(ctx context.Context, k *IdempotencyKey) (*IdempotentResult, error) {
	if k == nil {
		return nil, nil
	}
	r, err := s.Store.IdempotentResult(ctx, *k)
	if err != nil || r == nil {
		return nil, err
	}
	if !bytes.Equal(r.RequestHash, k.RequestHash) {
		return nil, differentRequest()
	}
	return r, nil
}

// differentRequest is the error of a key used again with another request.
func differentRequest() error {
	return &accounts.Error{Code: accounts.CodeInvalid, Message: "this Idempotency-Key was used with a different request",
		Fields: map[string]string{"Idempotency-Key": "already used with a different request body or path"}}
}

// SaveResponse stores the response a create with key k got, for its repeats.
func (s *Service) SaveResponse(ctx context.Context, k IdempotencyKey, status int, body []byte) error {
	return s.Store.SaveIdempotentResponse(ctx, k, status, body)
}

// IdempotencyRetention is how long keys are kept: at least 24 hours, as promised to
// clients, and a day more for clients retrying across midnight.
const IdempotencyRetention = 48 * time.Hour

// PurgeIdempotencyKeys removes keys older than IdempotencyRetention.
func (s *Service) PurgeIdempotencyKeys(ctx context.Context) (int64, error) {
	return s.Store.PurgeIdempotency(ctx, s.now().Add(-IdempotencyRetention))
}

// actorOrg is the organization in which a acts on a resource of org: org itself for a
// member, else the first organization of its memberships (oversight).
func actorOrg(a accounts.Actor, org int64) int64 {
	if _, ok := a.RoleIn(org); ok {
		return org
	}
	if len(a.Memberships) > 0 {
		return a.Memberships[0].OrgID
	}
	return 0
}

// record appends an event to order o's chain in tx. The order must be locked.
func (s *Service) record(ctx context.Context, tx Store, a accounts.Actor, orgID int64, e Event) error {
	prev, err := tx.LastEvent(ctx, e.OrderID)
	if err != nil {
		return err
	}
	e.At = s.now()
	e.ActorUserID, e.ActorTokenID, e.ActorOrgID = a.UserID, a.TokenID, orgID
	e.seal(prev)
	return tx.AppendEvent(ctx, e)
}

// Events returns an order's record, to those who may see the order.
func (s *Service) Events(ctx context.Context, a accounts.Actor, orderID int64) ([]Event, error) {
	if _, err := s.Order(ctx, a, orderID); err != nil {
		return nil, err
	}
	return s.Store.Events(ctx, orderID)
}

// VerifyChains checks the chain of every order and returns how many orders and events it
// checked; the first broken chain is the error (a *ChainError).
func VerifyChains(ctx context.Context, store Store) (orders, events int, err error) {
	err = store.EachChain(ctx, func(orderID int64, evs []Event) error {
		orders++
		events += len(evs)
		return VerifyChain(evs)
	})
	return orders, events, err
}

// tooLong reports whether s has more than n characters.
func tooLong(s string, n int) bool { return len([]rune(s)) > n }

// conflictf is a CodeConflict error with a message.
func conflictf(format string, args ...any) error {
	return &accounts.Error{Code: accounts.CodeConflict, Message: fmt.Sprintf(format, args...)}
}
