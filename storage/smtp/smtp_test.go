package smtp

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/accounts"
)

// inbox returns the messages maildev holds for to, through maildev's REST API.
func inbox(t *testing.T, to string) []struct {
	Subject string `json:"subject"`
	Text    string `json:"text"`
} {
	t.Helper()
	web := os.Getenv("MAILDEV_WEB")
	if web == "" {
		t.Fatal("MAILDEV_WEB is not set: run the tests with `make test`, which starts maildev")
	}
	resp, err := http.Get(web + "/email")
	if err != nil {
		t.Fatalf("maildev: %v", err)
	}
	defer resp.Body.Close()
	var all []struct {
		Subject string `json:"subject"`
		Text    string `json:"text"`
		To      []struct {
			Address string `json:"address"`
		} `json:"to"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&all); err != nil {
		t.Fatalf("maildev: %v", err)
	}
	var out []struct {
		Subject string `json:"subject"`
		Text    string `json:"text"`
	}
	for _, m := range all {
		for _, r := range m.To {
			if r.Address == to {
				out = append(out, struct {
					Subject string `json:"subject"`
					Text    string `json:"text"`
				}{m.Subject, m.Text})
			}
		}
	}
	return out
}

func uniqueAddress() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "test-" + hex.EncodeToString(b) + "@demo.sheber.kz"
}

func TestSendDeliversUTF8(t *testing.T) {
	u := os.Getenv("SMTP_URL")
	if u == "" {
		t.Fatal("SMTP_URL is not set: run the tests with `make test`, which starts maildev")
	}
	m, err := New(u, "Sheber <no-reply@sheber.kz>")
	if err != nil {
		t.Fatal(err)
	}
	to := uniqueAddress()
	msg := accounts.Email{To: to, Subject: "Шақыру — приглашение", Text: "Сәлеметсіз бе!\nЗдравствуйте.\n"}
	if err := m.Send(context.Background(), msg); err != nil {
		t.Fatalf("send: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := inbox(t, to)
		if len(got) == 1 {
			if got[0].Subject != msg.Subject || !strings.Contains(got[0].Text, "Сәлеметсіз бе!") {
				t.Fatalf("received %+v; want subject %q and the Kazakh text intact", got[0], msg.Subject)
			}
			return
		}
		if len(got) > 1 || time.Now().After(deadline) {
			t.Fatalf("maildev holds %d messages for %s; want 1", len(got), to)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, tt := range []struct{ url, from string }{
		{"http://127.0.0.1:25", "a@b.kz"},
		{"smtp://", "a@b.kz"},
		{"smtp://127.0.0.1:25", "not an address"},
	} {
		if _, err := New(tt.url, tt.from); err == nil {
			t.Errorf("New(%q, %q) accepted", tt.url, tt.from)
		}
	}
}

func TestSendFailsWhenServerIsDown(t *testing.T) {
	m, err := New("smtp://127.0.0.1:1", "a@b.kz")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Send(context.Background(), accounts.Email{To: "x@y.kz", Subject: "s", Text: "t"}); err == nil {
		t.Fatal("send to a closed port succeeded")
	}
}
