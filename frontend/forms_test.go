package frontend

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// A form field with bytes that are not UTF-8 arrives repaired, as the API's JSON does,
// and stays intact once Fiber reuses its buffers.
func TestFormValueRepairsInvalidUTF8(t *testing.T) {
	app := fiber.New()
	var got []string
	app.Post("/", func(c *fiber.Ctx) error {
		got = append(got, formValue(c, "note"))
		return c.SendString("ok")
	})
	for _, body := range []string{"note=%D0%BF%FF%D1%80", "note=%D0%BF%D1%80%D0%B8"} {
		req := httptest.NewRequest("POST", "/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
	}
	if want := []string{"п\uFFFDр", "при"}; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("form values %q, want %q", got, want)
	}
}
