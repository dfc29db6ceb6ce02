package orders

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
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
func (e Event) ComputeHash() []byte {
	h := sha256.New()
	h.Write([]byte("sheber-order-event-v1"))
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
	num(e.OrderID)
	num(int64(e.Seq))
	num(e.FulfillmentID)
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

// seal sets e's Seq, PrevHash and Hash as the event after prev (nil for the first).
func (e *Event) seal(prev *Event) {
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
	for i, e := range events {
		if e.Seq != i+1 {
			return &ChainError{OrderID: e.OrderID, Seq: e.Seq, Problem: fmt.Sprintf("sequence number %d where %d was due (an event is missing)", e.Seq, i+1)}
		}
		want := genesis
		if i > 0 {
			want = events[i-1].Hash
		}
		if !bytes.Equal(e.PrevHash, want) {
			return &ChainError{OrderID: e.OrderID, Seq: e.Seq, Problem: "does not point at the hash of the event before it"}
		}
		if !bytes.Equal(e.Hash, e.ComputeHash()) {
			return &ChainError{OrderID: e.OrderID, Seq: e.Seq, Problem: "its content does not match its hash (it was changed)"}
		}
	}
	return nil
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
