package catalog

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"шанырак", "шанырак"},
		{"Шаңырақ", "шанырак"},
		{"shanyraq", "шанырак"},
		{"SHANYRAK", "шанырак"},
		{"Parta", "парта"},
		{"Дастарқан", "дастаркан"},
		{"dastarqan", "дастаркан"},
		{"Өнеркәсіп", "онеркасип"},
		{"ұлттық", "улттык"},
		{"Мебель", "мебел"},
		{"mebel", "мебел"},
		{"Ёлка", "елка"},
		{"Һ", "х"},
		{"Жиһаз", "жихаз"},
		{"zhihaz", "жихаз"},
		{"ГОСТ 11015-93", "гост 11015-93"},
		{"пиала\tсет", "пиала сет"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// kazakhOrLatin are letters Fold must never leave behind.
const kazakhOrLatin = "әғқңөұүһіёйэьъabcdefghijklmnopqrstuvwxyzäğıñöşüūç"

func FuzzFold(f *testing.F) {
	for _, s := range []string{"Шаңырақ", "shanyraq", "Парта 2-местная", "ZHIHAZ", "ыы", "\xff", "sh", "s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		got := Fold(s)
		if again := Fold(got); again != got {
			t.Fatalf("Fold is not idempotent: %q -> %q -> %q", s, got, again)
		}
		if strings.ContainsAny(got, kazakhOrLatin) {
			t.Fatalf("Fold(%q) = %q keeps a Kazakh or Latin letter", s, got)
		}
	})
}
