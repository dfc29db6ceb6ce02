package orders

import (
	"context"
	"fmt"
	"time"

	"github.com/sheber-kz/sheber/accounts"
)

// RequestEvent is one transition of a custom request, chained per request as an order's
// events are (see Event): who, when, what, why, the facts, and the hashes. The database
// refuses UPDATE and DELETE on them.
type RequestEvent struct {
	RequestID    int64
	Seq          int
	QuoteID      int64 // the quote it is about, if any
	At           time.Time
	ActorUserID  int64
	ActorTokenID int64
	ActorOrgID   int64
	Action       Action
	From, To     string
	Reason       string
	Data         string
	PrevHash     []byte
	Hash         []byte
}

// ComputeHash returns SHA-256 over PrevHash and every field of e, length-prefixed, under
// a prefix of its own so that no request event can pass for an order event.
func (e RequestEvent) ComputeHash() []byte { return e.link().hash() }

func (e RequestEvent) link() link {
	return link{prefix: "sheber-request-event-v1", prevHash: e.PrevHash, subject: e.RequestID, seq: e.Seq, about: e.QuoteID,
		at: e.At, user: e.ActorUserID, token: e.ActorTokenID, org: e.ActorOrgID, action: e.Action, from: e.From, to: e.To,
		reason: e.Reason, data: e.Data}
}

func (e *RequestEvent) seal(prev *RequestEvent) {
	var prevSeq int
	var prevHash []byte
	if prev != nil {
		prevSeq, prevHash = prev.Seq, prev.Hash
	}
	e.At, e.Data, e.Seq, e.PrevHash = sealed(e.At, e.Data, prev == nil, prevSeq, prevHash)
	e.Hash = e.ComputeHash()
}

// RequestChainError says where a request's chain breaks.
type RequestChainError struct {
	RequestID int64
	Seq       int
	Problem   string
}

func (e *RequestChainError) Error() string {
	return fmt.Sprintf("custom request %d, event %d: %s", e.RequestID, e.Seq, e.Problem)
}

// VerifyRequestChain checks one request's events in Seq order, as VerifyChain does an
// order's.
func VerifyRequestChain(events []RequestEvent) error {
	i, problem := brokenLink(len(events), func(i int) (link, []byte) { return events[i].link(), events[i].Hash })
	if i < 0 {
		return nil
	}
	return &RequestChainError{RequestID: events[i].RequestID, Seq: events[i].Seq, Problem: problem}
}

// VerifyRequestChains checks the chain of every custom request, as VerifyChains does
// orders', and returns how many requests and events it checked; the first broken chain is
// the error (a *RequestChainError). `sheber audit verify` runs both.
func VerifyRequestChains(ctx context.Context, store Store) (requests, events int, err error) {
	err = store.EachRequestChain(ctx, func(id int64, evs []RequestEvent) error {
		requests++
		events += len(evs)
		return VerifyRequestChain(evs)
	})
	return requests, events, err
}

// recordRequest appends an event to request e.RequestID's chain in tx; the request must
// be locked.
func (s *Service) recordRequest(ctx context.Context, tx Store, a accounts.Actor, orgID int64, e RequestEvent) error {
	prev, err := tx.LastRequestEvent(ctx, e.RequestID)
	if err != nil {
		return err
	}
	e.At = s.now()
	e.ActorUserID, e.ActorTokenID, e.ActorOrgID = a.UserID, a.TokenID, orgID
	e.seal(prev)
	return tx.AppendRequestEvent(ctx, e)
}
