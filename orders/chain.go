package orders

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"time"
)

// link is what a hash chain covers of one event, whatever the chain's subject (an order,
// a custom request): Event and RequestEvent both hash and verify through it.
type link struct {
	prefix   string // tells the chains apart: no request event passes for an order event
	prevHash []byte
	subject  int64 // the order or the request
	seq      int
	about    int64 // the fulfillment or the quote, if any
	at       time.Time
	user     int64
	token    int64
	org      int64
	action   Action
	from, to string
	reason   string
	data     string
}

// hash returns SHA-256 over the prefix and every field in a fixed, length-prefixed layout,
// so that no two different events share an encoding.
func (l link) hash() []byte {
	h := sha256.New()
	h.Write([]byte(l.prefix))
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
	field(l.prevHash)
	num(l.subject)
	num(int64(l.seq))
	num(l.about)
	num(l.at.UTC().UnixMicro())
	num(l.user)
	num(l.token)
	num(l.org)
	field([]byte(l.action))
	field([]byte(l.from))
	field([]byte(l.to))
	field([]byte(l.reason))
	field([]byte(l.data))
	return h.Sum(nil)
}

// sealed returns at and data as a sealed event keeps them (microseconds, as PostgreSQL
// does; "{}" for no facts) and the Seq and PrevHash of the event after one with prevSeq and
// prevHash (first: there is none).
func sealed(at time.Time, data string, first bool, prevSeq int, prevHash []byte) (time.Time, string, int, []byte) {
	if data == "" {
		data = "{}"
	}
	at = at.UTC().Truncate(time.Microsecond)
	if first {
		return at, data, 1, genesis
	}
	return at, data, prevSeq + 1, prevHash
}

// brokenLink walks one chain of n events, the i-th described by its link, and returns
// the index of the first event that breaks it and why; -1 when the chain holds. An event
// breaks it when it is numbered out of turn, does not point at the hash of the one before,
// or does not hold the hash of its own content.
func brokenLink(n int, event func(i int) (l link, hash []byte)) (int, string) {
	var prevHash []byte
	for i := 0; i < n; i++ {
		l, hash := event(i)
		if l.seq != i+1 {
			return i, fmt.Sprintf("sequence number %d where %d was due (an event is missing)", l.seq, i+1)
		}
		want := genesis
		if i > 0 {
			want = prevHash
		}
		if !bytes.Equal(l.prevHash, want) {
			return i, "does not point at the hash of the event before it"
		}
		if !bytes.Equal(hash, l.hash()) {
			return i, "its content does not match its hash (it was changed)"
		}
		prevHash = hash
	}
	return -1, ""
}
