package orders

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"time"
)

// Event is one transition of an order or of one of its fulfillments: who (user or
// machine client, in which organization), when, what (action, from and to states), why,
// and the facts of it (Data, canonical JSON). Events of an order form a chain: each holds
// the hash of the one before, so that changing, removing or reordering one breaks every
// hash after it. The database refuses UPDATE and DELETE on them.
type Event struct {
	OrderID       int64
	Seq           int // 1, 2, ... within the order
	FulfillmentID int64
	At            time.Time // UTC, microseconds (as PostgreSQL keeps them)
	ActorUserID   int64
	ActorTokenID  int64
	ActorOrgID    int64
	Action        Action
	From, To      string
	Reason        string
	Data          string // canonical JSON object, "{}" when there is nothing more
	PrevHash      []byte // the previous event's Hash; 32 zero bytes for the first
	Hash          []byte
}

// genesis is the PrevHash of an order's first event.
var genesis = make([]byte, sha256.Size)

// ComputeHash returns SHA-256 over PrevHash and every field of e in a fixed, length-
// prefixed layout, so that no two different events share an encoding.
func (e Event) ComputeHash() []byte { return e.link().hash() }

func (e Event) link() link {
	return link{prefix: "sheber-order-event-v1", prevHash: e.PrevHash, subject: e.OrderID, seq: e.Seq, about: e.FulfillmentID,
		at: e.At, user: e.ActorUserID, token: e.ActorTokenID, org: e.ActorOrgID, action: e.Action, from: e.From, to: e.To,
		reason: e.Reason, data: e.Data}
}

// seal sets e's Seq, PrevHash and Hash as the event after prev (nil for the first).
func (e *Event) seal(prev *Event) {
	var prevSeq int
	var prevHash []byte
	if prev != nil {
		prevSeq, prevHash = prev.Seq, prev.Hash
	}
	e.At, e.Data, e.Seq, e.PrevHash = sealed(e.At, e.Data, prev == nil, prevSeq, prevHash)
	e.Hash = e.ComputeHash()
}

// ChainError says where an order's chain of events breaks.
type ChainError struct {
	OrderID int64
	Seq     int
	Problem string
}

func (e *ChainError) Error() string {
	return fmt.Sprintf("order %d, event %d: %s", e.OrderID, e.Seq, e.Problem)
}

// VerifyChain checks events, one order's in Seq order: numbered from 1 without gaps, each
// pointing at the hash of the one before and holding the hash of its own content.
func VerifyChain(events []Event) error {
	i, problem := brokenLink(len(events), func(i int) (link, []byte) { return events[i].link(), events[i].Hash })
	if i < 0 {
		return nil
	}
	return &ChainError{OrderID: events[i].OrderID, Seq: events[i].Seq, Problem: problem}
}

// eventData encodes facts of an event as canonical JSON: encoding/json writes map keys
// sorted and structs in field order, so the same facts give the same bytes.
func eventData(v any) string {
	if v == nil {
		return "{}"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "{}"
	}
	return string(b)
}
