package imaging_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/sheber-kz/sheber/catalog/imaging"
)

func picture(w, h int, alpha bool) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			a := uint8(255)
			if alpha && x < w/2 {
				a = 100
			}
			img.SetNRGBA(x, y, color.NRGBA{R: uint8(x), G: uint8(y), B: 90, A: a})
		}
	}
	return img
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodePNG(t testing.TB, img image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// exifSegment is an APP1 Exif segment (big-endian TIFF) with an orientation tag and a
// GPS IFD holding a latitude reference, as a phone writes them.
func exifSegment(orientation uint16) []byte {
	var t bytes.Buffer
	be := binary.BigEndian
	t.WriteString("MM")
	_ = binary.Write(&t, be, uint16(42))
	_ = binary.Write(&t, be, uint32(8))
	_ = binary.Write(&t, be, uint16(2)) // IFD0: orientation, GPS IFD pointer
	_ = binary.Write(&t, be, []uint16{0x0112, 3})
	_ = binary.Write(&t, be, uint32(1))
	_ = binary.Write(&t, be, []uint16{orientation, 0})
	_ = binary.Write(&t, be, []uint16{0x8825, 4})
	_ = binary.Write(&t, be, uint32(1))
	_ = binary.Write(&t, be, uint32(8+2+24+4))
	_ = binary.Write(&t, be, uint32(0)) // no next IFD
	_ = binary.Write(&t, be, uint16(1)) // GPS IFD: GPSLatitudeRef "N"
	_ = binary.Write(&t, be, []uint16{0x0001, 2})
	_ = binary.Write(&t, be, uint32(2))
	t.Write([]byte{'N', 0, 0, 0})
	_ = binary.Write(&t, be, uint32(0))
	payload := append([]byte("Exif\x00\x00"), t.Bytes()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	be.PutUint16(seg[2:], uint16(len(payload)+2))
	return append(seg, payload...)
}

// withSegment inserts seg right after a JPEG's SOI.
func withSegment(jpg, seg []byte) []byte {
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// comment is a JPEG COM segment holding text.
func comment(text string) []byte {
	seg := []byte{0xFF, 0xFE, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(text)+2))
	return append(seg, text...)
}

// PNGBomb is a valid PNG header declaring width x height with a tiny data chunk: a few
// dozen bytes that would decode to gigabytes.
func PNGBomb(width, height uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], width)
	binary.BigEndian.PutUint32(ihdr[4:], height)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return b.Bytes()
}

func TestCheckRefuses(t *testing.T) {
	jpg := encodeJPEG(t, picture(40, 30, false))
	pngData := encodePNG(t, picture(40, 30, false))
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, imaging.ErrType},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), imaging.ErrType},
		{"gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), imaging.ErrType},
		{"html", []byte("<!DOCTYPE html><html></html>"), imaging.ErrType},
		{"jpeg with data after its end", append(append([]byte{}, jpg...), []byte("PK\x03\x04zip")...), imaging.ErrPolyglot},
		{"png with data after IEND", append(append([]byte{}, pngData...), 0x00, 0x01), imaging.ErrPolyglot},
		{"jpeg with a script inside", withSegment(jpg, comment("<script>alert(1)</script>")), imaging.ErrPolyglot},
		{"truncated jpeg", jpg[:len(jpg)/2], imaging.ErrDamaged},
		{"png bomb", PNGBomb(100_000, 100_000), imaging.ErrTooManyPixels},
		{"png just over 40 MP", PNGBomb(8000, 5001), imaging.ErrTooManyPixels},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := imaging.Check(tc.data); !errors.Is(err, tc.want) {
				t.Fatalf("Check = %v, want %v", err, tc.want)
			}
			if _, err := imaging.Process(tc.data); !errors.Is(err, tc.want) {
				t.Fatalf("Process = %v, want %v", err, tc.want)
			}
		})
	}
	if _, _, err := imaging.Check(withSegment(jpg, comment("made in workshop 16"))); err != nil {
		t.Fatalf("a JPEG with a plain comment is refused: %v", err)
	}
}

func TestProcessStripsEXIFAndOrients(t *testing.T) {
	src := withSegment(encodeJPEG(t, picture(60, 20, false)), exifSegment(6)) // 6: turn 90° clockwise
	if o := imaging.JPEGOrientation(src); o != 6 {
		t.Fatalf("orientation = %d, want 6", o)
	}
	vs, err := imaging.Process(src)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 || vs[0].Width != 20 || vs[0].Height != 60 || vs[0].Ext != "jpg" {
		t.Fatalf("variants = %+v, want one 20x60 JPEG (turned, not enlarged)", vs)
	}
	if bytes.Contains(vs[0].Data, []byte("Exif")) || imaging.JPEGOrientation(vs[0].Data) != 1 {
		t.Fatal("EXIF survived the re-encoding")
	}
}

func TestVariants(t *testing.T) {
	vs, err := imaging.Process(encodePNG(t, picture(2000, 1000, false)))
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]int{{320, 160}, {800, 400}, {1600, 800}}
	if len(vs) != len(want) {
		t.Fatalf("%d variants, want %v", len(vs), want)
	}
	for i, v := range vs {
		if [2]int{v.Width, v.Height} != want[i] || v.Ext != "jpg" {
			t.Fatalf("variant %d is %dx%d %s, want %v jpg", i, v.Width, v.Height, v.Ext, want[i])
		}
	}
	vs, err = imaging.Process(encodePNG(t, picture(500, 100, true)))
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || vs[1].Width != 500 || vs[0].Ext != "png" {
		t.Fatalf("a 500 px PNG with alpha gave %+v, want 320 and 500 px PNGs", vs)
	}
}

// The smaller variants are made from the larger ones by halving and resampling: they
// still show the same picture (the left half red, the right half blue, a green band
// along the top that must not spill), with the aspect ratio of the original within a pixel,
// also for odd sizes.
func TestVariantsKeepThePicture(t *testing.T) {
	const w, h = 3203, 1601
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{R: 220, G: 20, B: 20, A: 255}
			if x >= w/2 {
				c = color.RGBA{R: 20, G: 20, B: 220, A: 255}
			}
			if y < 40 {
				c = color.RGBA{R: 20, G: 200, B: 20, A: 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	vs, err := imaging.Process(encodePNG(t, img))
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 3 {
		t.Fatalf("%d variants, want 3", len(vs))
	}
	for i, v := range vs {
		if v.Width != imaging.VariantWidths[i] {
			t.Errorf("variant %d is %d px wide, want %d", i, v.Width, imaging.VariantWidths[i])
		}
		if want := v.Width * h / w; v.Height < want-1 || v.Height > want+1 {
			t.Errorf("variant %d is %dx%d, want a height of %d±1", i, v.Width, v.Height, want)
		}
		got, err := jpeg.Decode(bytes.NewReader(v.Data))
		if err != nil {
			t.Fatal(err)
		}
		near := func(x, y int, want color.RGBA) {
			r, g, b, _ := got.At(x, y).RGBA()
			if d := absDiff(r>>8, uint32(want.R)) + absDiff(g>>8, uint32(want.G)) + absDiff(b>>8, uint32(want.B)); d > 40 {
				t.Errorf("variant %d: pixel %d,%d is %d,%d,%d; want about %v", i, x, y, r>>8, g>>8, b>>8, want)
			}
		}
		mid := v.Height / 2
		near(v.Width/4, mid, color.RGBA{R: 220, G: 20, B: 20})
		near(3*v.Width/4, mid, color.RGBA{R: 20, G: 20, B: 220})
		near(v.Width/4, v.Height-1, color.RGBA{R: 220, G: 20, B: 20})
		near(v.Width-1, mid, color.RGBA{R: 20, G: 20, B: 220})
		near(v.Width/4, 0, color.RGBA{R: 20, G: 200, B: 20})
	}
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

// BenchmarkProcess measures the variants of a 12-megapixel photo-sized JPEG.
func BenchmarkProcess(b *testing.B) {
	data := encodeJPEG(b, picture(4000, 3000, false))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := imaging.Process(data); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzProcess(f *testing.F) {
	f.Add(encodeJPEG(f, picture(8, 8, false)))
	f.Add(encodePNG(f, picture(8, 8, true)))
	f.Add(withSegment(encodeJPEG(f, picture(8, 4, false)), exifSegment(8)))
	f.Add(PNGBomb(100_000, 100_000))
	f.Add([]byte("RIFF\x10\x00\x00\x00WEBPVP8 "))
	f.Fuzz(func(t *testing.T, data []byte) {
		vs, err := imaging.Process(data)
		if err != nil {
			return
		}
		for _, v := range vs {
			if v.Width <= 0 || v.Height <= 0 || v.Width > imaging.VariantWidths[len(imaging.VariantWidths)-1] {
				t.Fatalf("variant %dx%d", v.Width, v.Height)
			}
			if _, _, err := imaging.Check(v.Data); err != nil {
				t.Fatalf("a variant fails the check: %v", err)
			}
		}
	})
}

func FuzzJPEGOrientation(f *testing.F) {
	f.Add(withSegment(encodeJPEG(f, picture(4, 4, false)), exifSegment(3)))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x08, 'E', 'x', 'i', 'f', 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := imaging.JPEGOrientation(data); o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
	})
}
