package accounts_test

import (
	"testing"

	"github.com/sheber-kz/sheber/accounts"
)

// Distances between region centres are great-circle ones (Astana-Almaty about 970 km as
// the crow flies), symmetric, and zero within a region.
func TestDistanceKm(t *testing.T) {
	tests := []struct {
		a, b     string
		min, max float64
	}{
		{"astana", "almaty", 950, 990}, // about 970 km
		{"karaganda", "pavlodar", 370, 400},
		{"mangystau", "east-kazakhstan", 2400, 2550},
		{"shymkent", "shymkent", 0, 0},
	}
	for _, tt := range tests {
		d, ok := accounts.DistanceKm(tt.a, tt.b)
		back, _ := accounts.DistanceKm(tt.b, tt.a)
		if !ok || d < tt.min || d > tt.max || d != back {
			t.Errorf("%s-%s: %.0f km (%v), back %.0f; want %.0f-%.0f", tt.a, tt.b, d, ok, back, tt.min, tt.max)
		}
	}
	if _, ok := accounts.DistanceKm("astana", "atlantis"); ok {
		t.Error("a distance to an unknown region")
	}
	for _, r := range accounts.Regions {
		if r.Lat < 40 || r.Lat > 56 || r.Lon < 46 || r.Lon > 88 {
			t.Errorf("%s is placed outside Kazakhstan: %.2f, %.2f", r.Code, r.Lat, r.Lon)
		}
	}
}
