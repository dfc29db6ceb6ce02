package api

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
)

// FuzzIdempotencyKey reads any value as Idempotency-Key: a key is taken exactly as it came
// when it is 1-255 printable ASCII characters, with the sender's scope and the request's
// hash; anything else is refused as invalid naming the header, never a panic or another
// error.
func FuzzIdempotencyKey(f *testing.F) {
	for _, seed := range []string{"k", "7f1c2b9e-order", "ключ", "tab\there", strings.Repeat("k", 256), " ", "~", ""} {
		f.Add(seed)
	}
	app := fiber.New()
	f.Fuzz(func(t *testing.T, key string) {
		c := app.AcquireCtx(&fasthttp.RequestCtx{})
		defer app.ReleaseCtx(c)
		c.Request().Header.SetMethod("POST")
		c.Request().Header.Set(IdempotencyHeader, key)
		c.Request().SetBodyString(`{"a":1}`)
		c.Locals(actorKey, accounts.Actor{UserID: 7})
		// What arrives is what the header can carry (fasthttp turns line breaks into
		// spaces, as they could not have come over the wire).
		key = string(c.Request().Header.Peek(IdempotencyHeader))
		k, err := idempotencyKey(c)
		valid := len(key) >= 1 && len(key) <= MaxIdempotencyKeyLength
		for i := 0; i < len(key); i++ {
			valid = valid && key[i] >= 0x20 && key[i] <= 0x7e
		}
		switch {
		case valid && (err != nil || k == nil || k.Key != key):
			t.Fatalf("valid key %q: got %+v, %v", key, k, err)
		case valid && (k.Scope != "user:7" || len(k.RequestHash) != 32):
			t.Fatalf("key %q: scope %q, hash of %d bytes", key, k.Scope, len(k.RequestHash))
		case !valid && k != nil:
			t.Fatalf("invalid key %q was taken as %q", key, k.Key)
		case !valid && err == nil && key != "":
			t.Fatalf("invalid key %q was not refused", key)
		case err != nil:
			e, ok := err.(*accounts.Error)
			if !ok || e.Code != accounts.CodeInvalid || e.Fields[IdempotencyHeader] == "" {
				t.Fatalf("key %q: %v", key, err)
			}
		}
	})
}

// TestUnitNamesMatchLocales keeps the documents' units equal to the pages' words for them,
// for every unit of the catalog.
func TestUnitNamesMatchLocales(t *testing.T) {
	for _, lang := range []string{"ru", "kk", "en"} {
		b, err := os.ReadFile(filepath.Join("..", "frontend", "locales", lang+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var messages map[string]string
		if err := json.Unmarshal(b, &messages); err != nil {
			t.Fatal(err)
		}
		for _, u := range catalog.Units {
			want := messages["unit."+string(u)]
			if got := unitName(string(u), lang); want == "" || got != want {
				t.Errorf("unit %s in %s: documents print %q, the pages %q", u, lang, got, want)
			}
		}
	}
}
