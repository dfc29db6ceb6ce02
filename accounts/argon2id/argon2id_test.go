package argon2id

import (
	"testing"
	"time"
)

func TestHashVerify(t *testing.T) {
	h := New()
	enc, err := h.Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	other, _ := h.Hash("correct horse battery")
	if enc == other {
		t.Fatal("two hashes of one password are equal: salt is not random")
	}
	tests := []struct {
		password string
		want     bool
	}{
		{"correct horse battery", true},
		{"correct horse batterY", false},
		{"", false},
	}
	for _, tt := range tests {
		got, err := h.Verify(tt.password, enc)
		if err != nil || got != tt.want {
			t.Errorf("Verify(%q) = %v, %v; want %v", tt.password, got, err, tt.want)
		}
	}
}

func TestVerifyRejectsMalformed(t *testing.T) {
	h := New()
	for _, enc := range []string{
		"", "plain", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA",
		"$argon2id$v=18$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA",
		"$argon2id$v=19$m=99999999,t=2,p=1$c2FsdHNhbHQ$aGFzaA",
		"$argon2id$v=19$m=19456,t=2,p=1$!!$aGFzaA",
	} {
		if ok, err := h.Verify("x", enc); err == nil || ok {
			t.Errorf("Verify on %q = %v, %v; want an error", enc, ok, err)
		}
	}
}

func FuzzVerify(f *testing.F) {
	h := &Hasher{Params: Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1, SaltLength: 8, KeyLength: 16}}
	good, _ := h.Hash("pw")
	f.Add("pw", good)
	f.Add("x", "$argon2id$v=19$m=64,t=1,p=1$$")
	f.Fuzz(func(t *testing.T, password, encoded string) {
		// Keep fuzzed costs small; parameters come from the input.
		if len(encoded) > 200 {
			return
		}
		_, _ = h.Verify(password, encoded)
	})
}

// A Hasher from New computes at most MaxConcurrentHashes hashes at once: with every slot
// taken, hashing waits until one is free.
func TestHashWaitsForAFreeSlot(t *testing.T) {
	h := New()
	h.Params = Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1, SaltLength: 8, KeyLength: 16}
	for i := 0; i < MaxConcurrentHashes; i++ {
		h.slots <- struct{}{} // MaxConcurrentHashes hashes in progress
	}
	done := make(chan struct{})
	go func() {
		if _, err := h.Hash("pw"); err != nil {
			t.Error(err)
		}
		close(done)
	}()
	select {
	case <-done:
		t.Fatal("a hash ran while every slot was taken")
	case <-time.After(100 * time.Millisecond):
	}
	<-h.slots // one hash finishes
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the hash did not run when a slot came free")
	}
}
