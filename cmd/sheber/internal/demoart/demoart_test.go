package demoart

import (
	"bytes"
	"crypto/sha256"
	"image"
	"image/png"
	"testing"
)

// Every subject draws the same pixels twice, a picture of the right size with many
// colours that covers a fair share of the canvas (not a blank or single-colour one), and
// no two subjects look the same.
func TestEverySubjectDrawsDeterministically(t *testing.T) {
	seen := map[[32]byte]Subject{}
	for i, s := range Subjects() {
		first, err := Draw(s, i)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		second, err := Draw(s, i)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first.Pix, second.Pix) {
			t.Errorf("%s: two drawings differ", s)
		}
		if b := first.Bounds(); b.Dx() != Width || b.Dy() != Height {
			t.Errorf("%s: %v, want %dx%d", s, b, Width, Height)
		}
		colours, changed := survey(first, s)
		if colours < 40 {
			t.Errorf("%s: only %d colours", s, colours)
		}
		if changed < 0.04 {
			t.Errorf("%s: the subject covers only %.1f%% of the picture", s, 100*changed)
		}
		h := sha256.Sum256(first.Pix)
		if other, dup := seen[h]; dup {
			t.Errorf("%s draws the same picture as %s", s, other)
		}
		seen[h] = s
	}
	if len(Subjects()) != len(arts) {
		t.Errorf("Subjects lists %d subjects, %d have drawings", len(Subjects()), len(arts))
	}
}

// PNG gives the same bytes every time, and they decode to the drawing.
func TestPNGIsDeterministic(t *testing.T) {
	first, err := PNG(Shanyrak, 3)
	if err != nil {
		t.Fatal(err)
	}
	second, err := PNG(Shanyrak, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Error("two encodings differ")
	}
	img, err := png.Decode(bytes.NewReader(first))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Draw(Shanyrak, 3)
	if b := img.Bounds(); b != want.Bounds() {
		t.Fatalf("decoded %v, want %v", b, want.Bounds())
	}
	for _, p := range []image.Point{{400, 280}, {10, 10}, {600, 530}} {
		r1, g1, b1, _ := img.At(p.X, p.Y).RGBA()
		r2, g2, b2, _ := want.At(p.X, p.Y).RGBA()
		if r1 != r2 || g1 != g2 || b1 != b2 {
			t.Errorf("pixel %v decodes differently", p)
		}
	}
}

// survey samples every third pixel of a drawing of s: how many colours it has, and the
// share of pixels that the subject paints over the bare background.
func survey(img *image.RGBA, s Subject) (colours int, changed float64) {
	bare := newCanvas()
	bg := rgb(arts[s].bg)
	bare.background(shade(bg, 1.35), bg, shade(bg, 0.93), shade(bg, 0.86), 640)
	seen := map[[4]byte]bool{}
	n, diff := 0, 0
	for i := 0; i+3 < len(img.Pix); i += 4 * 3 {
		px := [4]byte(img.Pix[i : i+4])
		seen[px] = true
		if px != [4]byte(bare.img.Pix[i:i+4]) {
			diff++
		}
		n++
	}
	return len(seen), float64(diff) / float64(n)
}

// Variants change the colours, and any integer is a valid variant.
func TestVariants(t *testing.T) {
	a, _ := PNG(Bench, 0)
	b, _ := PNG(Bench, 1)
	if bytes.Equal(a, b) {
		t.Error("variants 0 and 1 of the bench are the same picture")
	}
	c, err := PNG(Bench, len(accents))
	if err != nil || !bytes.Equal(a, c) {
		t.Errorf("variant %d is not variant 0 again (err %v)", len(accents), err)
	}
	if _, err := PNG(Bench, -7); err != nil {
		t.Errorf("a negative variant: %v", err)
	}
}

func TestUnknownSubject(t *testing.T) {
	if _, err := Draw("spaceship", 0); err == nil {
		t.Error("drew an unknown subject")
	}
}

func BenchmarkDraw(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := Draw(Subjects()[i%len(Subjects())], i); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPNG(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := PNG(Subjects()[i%len(Subjects())], i); err != nil {
			b.Fatal(err)
		}
	}
}
