// Package argon2id implements accounts.PasswordHasher with Argon2id from
// golang.org/x/crypto, encoding hashes in the PHC string format
// ($argon2id$v=19$m=...,t=...,p=...$salt$hash) so that parameters can be raised later
// without invalidating stored hashes.
package argon2id

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are Argon2id cost parameters.
type Params struct {
	MemoryKiB   uint32
	Iterations  uint32
	Parallelism uint8
	SaltLength  int
	KeyLength   uint32
}

// Recommended follows OWASP's Argon2id guidance (19 MiB, 2 iterations, 1 lane).
var Recommended = Params{MemoryKiB: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// MaxConcurrentHashes bounds the hashes computed at once by a Hasher made with New: each
// takes Params.MemoryKiB of memory (19 MiB), so a burst of sign-ins must queue rather than
// exhaust memory. Waiting is bounded by the request's deadline upstream.
const MaxConcurrentHashes = 4

// Hasher hashes new passwords with its Params and verifies hashes made with any params.
type Hasher struct {
	Params Params
	// slots limits concurrent hashing; nil means no limit.
	slots chan struct{}
}

// New returns a Hasher with the recommended parameters, computing at most
// MaxConcurrentHashes hashes at once.
func New() *Hasher {
	return &Hasher{Params: Recommended, slots: make(chan struct{}, MaxConcurrentHashes)}
}

// key computes an Argon2id key, waiting for a free slot first.
func (h *Hasher) key(password, salt []byte, p Params, keyLen uint32) []byte {
	if h.slots != nil {
		h.slots <- struct{}{}
		defer func() { <-h.slots }()
	}
	return argon2.IDKey(password, salt, p.Iterations, p.MemoryKiB, p.Parallelism, keyLen)
}

var b64 = base64.RawStdEncoding

// Hash returns the PHC-encoded Argon2id hash of password with a fresh random salt.
func (h *Hasher) Hash(password string) (string, error) {
	p := h.Params
	salt := make([]byte, p.SaltLength)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("argon2id: salt: %w", err)
	}
	key := h.key([]byte(password), salt, p, p.KeyLength)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Iterations, p.Parallelism,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// errMalformed means a stored hash is not one this package wrote.
var errMalformed = errors.New("argon2id: malformed hash")

// maxMemoryKiB refuses stored parameters that would exhaust memory (a corrupted row).
const maxMemoryKiB = 1 << 20

// Verify reports whether password matches encoded, in constant time.
func (h *Hasher) Verify(password, encoded string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errMalformed
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errMalformed
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Iterations, &p.Parallelism); err != nil {
		return false, errMalformed
	}
	if p.MemoryKiB == 0 || p.MemoryKiB > maxMemoryKiB || p.Iterations == 0 || p.Iterations > 100 || p.Parallelism == 0 {
		return false, errMalformed
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errMalformed
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 128 {
		return false, errMalformed
	}
	got := h.key([]byte(password), salt, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
