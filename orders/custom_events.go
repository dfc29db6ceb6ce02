package orders

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
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
func (e RequestEvent) ComputeHash() []byte {
	h := sha256.New()
	h.Write([]byte("sheber-request-event-v1"))
	field := func(b []byte) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	num := func(v int64) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(v))
		field(n[:])
	}
	field(e.PrevHash)
	num(e.RequestID)
	num(int64(e.Seq))
	num(e.QuoteID)
	num(e.At.UTC().UnixMicro())
	num(e.ActorUserID)
	num(e.ActorTokenID)
	num(e.ActorOrgID)
	field([]byte(e.Action))
	field([]byte(e.From))
	field([]byte(e.To))
	field([]byte(e.Reason))
	field([]byte(e.Data))
	return h.Sum(nil)
}

func (e *RequestEvent) seal(prev *RequestEvent) {
	e.At = e.At.UTC().Truncate(time.Microsecond)
	if e.Data == "" {
		e.Data = "{}"
	}
	if prev == nil {
		e.Seq, e.PrevHash = 1, genesis
	} else {
		e.Seq, e.PrevHash = prev.Seq+1, prev.Hash
	}
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
	for i, e := range events {
		if e.Seq != i+1 {
			return &RequestChainError{RequestID: e.RequestID, Seq: e.Seq, Problem: fmt.Sprintf("sequence number %d where %d was due (an event is missing)", e.Seq, i+1)}
		}
		want := genesis
		if i > 0 {
			want = events[i-1].Hash
		}
		if !bytes.Equal(e.PrevHash, want) {
			return &RequestChainError{RequestID: e.RequestID, Seq: e.Seq, Problem: "does not point at the hash of the event before it"}
		}
		if !bytes.Equal(e.Hash, e.ComputeHash()) {
			return &RequestChainError{RequestID: e.RequestID, Seq: e.Seq, Problem: "its content does not match its hash (it was changed)"}
		}
	}
	return nil
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
