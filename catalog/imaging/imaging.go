// Package imaging checks uploaded images and turns them into the variants the catalog
// stores: the type is decided by content sniffing (JPEG, PNG and WebP only, with nothing
// before or after the image's own end and no markup inside), the dimensions are read from
// the header before anything is decoded (decompression bombs are refused), the JPEG EXIF
// orientation is applied and every variant is re-encoded from pixels, so that no metadata
// (EXIF, GPS, XMP, ICC, comments) survives.
//
// Decoding uses the standard library's image/jpeg and image/png and golang.org/x/image/webp;
// resampling averages 2x2 blocks while an image is at least twice the wanted width, then
// uses golang.org/x/image/draw's Catmull-Rom kernel.
package imaging

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

// Limits of image processing. The README lists them too.
const (
	// MaxPixels refuses decompression bombs: 40 megapixels, read from the header.
	MaxPixels = 40_000_000
	// JPEGQuality is the quality of re-encoded JPEG variants.
	JPEGQuality = 85
	// MaxConcurrent bounds the images decoded at once in a process: a 40-megapixel image
	// takes 160 MB as RGBA.
	MaxConcurrent = 2
)

// VariantWidths are the widths of the stored variants; an image is never enlarged, so a
// narrower one gets the variants below its width and itself.
var VariantWidths = []int{320, 800, 1600}

// Format is an accepted image type.
type Format string

// Formats.
const (
	JPEG Format = "jpeg"
	PNG  Format = "png"
	WebP Format = "webp"
)

// Errors of Check and Process. ErrType and ErrPolyglot mean the file is not an accepted
// image; ErrTooManyPixels, a decompression bomb; ErrDamaged, an image that does not decode.
var (
	ErrType          = errors.New("imaging: not a JPEG, PNG or WebP image")
	ErrPolyglot      = errors.New("imaging: the file holds more than an image")
	ErrTooManyPixels = fmt.Errorf("imaging: more than %d pixels", MaxPixels)
	ErrDamaged       = errors.New("imaging: the image is damaged")
)

// Sniff decides the format from the content alone.
func Sniff(data []byte) (Format, error) {
	switch {
	case len(data) >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF:
		return JPEG, nil
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return PNG, nil
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return WebP, nil
	}
	return "", ErrType
}

// markup are byte strings that have no business in an image and make a file a polyglot
// that a browser or another program could read as something else. A compressed stream
// holds one of them by chance with negligible probability.
var markup = [][]byte{[]byte("<script"), []byte("<html"), []byte("<svg"), []byte("<?php"), []byte("<!doctype"),
	[]byte("<body"), []byte("<iframe"), []byte("<?xml"), []byte("javascript:")}

// Check sniffs the format, refuses polyglots (data after the image's end, markup inside)
// and reads the dimensions from the header, refusing more than MaxPixels. Nothing is
// decoded.
func Check(data []byte) (Format, image.Config, error) {
	f, err := Sniff(data)
	if err != nil {
		return "", image.Config{}, err
	}
	lower := bytes.ToLower(data)
	for _, m := range markup {
		if bytes.Contains(lower, m) {
			return "", image.Config{}, ErrPolyglot
		}
	}
	var end int
	switch f {
	case JPEG:
		end, err = jpegEnd(data)
	case PNG:
		end, err = pngEnd(data)
	case WebP:
		end, err = webpEnd(data)
	}
	if err != nil {
		return "", image.Config{}, err
	}
	if end != len(data) {
		return "", image.Config{}, ErrPolyglot
	}
	var cfg image.Config
	switch f {
	case JPEG:
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(data))
	case PNG:
		cfg, err = png.DecodeConfig(bytes.NewReader(data))
	case WebP:
		cfg, err = webp.DecodeConfig(bytes.NewReader(data))
	}
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return "", image.Config{}, ErrDamaged
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return "", image.Config{}, ErrTooManyPixels
	}
	return f, cfg, nil
}

// pngEnd walks the chunks to the end of IEND.
func pngEnd(data []byte) (int, error) {
	i := 8
	for {
		if i+12 > len(data) {
			return 0, ErrDamaged
		}
		n := int(binary.BigEndian.Uint32(data[i:]))
		typ := string(data[i+4 : i+8])
		if n < 0 || n > len(data)-i-12 {
			return 0, ErrDamaged
		}
		i += 12 + n
		if typ == "IEND" {
			return i, nil
		}
	}
}

// webpEnd is the end the RIFF header declares (chunks are padded to even sizes).
func webpEnd(data []byte) (int, error) {
	n := int64(binary.LittleEndian.Uint32(data[4:8]))
	end := 8 + n
	if end > int64(len(data)) || n < 4 {
		return 0, ErrDamaged
	}
	if end+1 == int64(len(data)) && n%2 == 1 && data[end] == 0 {
		end++ // the padding byte of an odd-sized RIFF
	}
	return int(end), nil
}

// jpegEnd walks the segments and the entropy-coded data to the end of the EOI marker.
func jpegEnd(data []byte) (int, error) {
	i := 2 // after SOI
	for i < len(data) {
		if data[i] != 0xFF {
			return 0, ErrDamaged
		}
		for i < len(data) && data[i] == 0xFF { // fill bytes
			i++
		}
		if i >= len(data) {
			return 0, ErrDamaged
		}
		m := data[i]
		i++
		switch {
		case m == 0xD9: // EOI
			return i, nil
		case m >= 0xD0 && m <= 0xD7 || m == 0x01: // no length
			continue
		}
		if i+2 > len(data) {
			return 0, ErrDamaged
		}
		n := int(binary.BigEndian.Uint16(data[i:]))
		if n < 2 || i+n > len(data) {
			return 0, ErrDamaged
		}
		i += n
		if m == 0xDA { // SOS: entropy-coded data up to the next marker that is not a restart
			for {
				if i+1 >= len(data) {
					return 0, ErrDamaged
				}
				if data[i] == 0xFF && data[i+1] != 0x00 && !(data[i+1] >= 0xD0 && data[i+1] <= 0xD7) && data[i+1] != 0xFF {
					break
				}
				i++
			}
		}
	}
	return 0, ErrDamaged
}

// Variant is one re-encoded size of an image.
type Variant struct {
	Width, Height int
	Data          []byte
	// Ext is "jpg" or "png"; ContentType the matching media type.
	Ext, ContentType string
}

// sem bounds concurrent decoding in the process.
var sem = make(chan struct{}, MaxConcurrent)

// Process checks data (see Check), decodes it, applies the JPEG EXIF orientation and
// returns the variants, ascending by width (see VariantWidths). An image with transparency stays PNG; every
// other becomes JPEG.
func Process(data []byte) ([]Variant, error) { return ProcessWidths(data, VariantWidths) }

// ProcessWidths is Process with other variant widths (ascending): an image gets the
// widths below its own and, unless it is wider than the last, itself; a wider one is
// scaled down to the last. Private attachments keep a thumbnail and a large copy.
func ProcessWidths(data []byte, widths []int) ([]Variant, error) {
	if len(widths) == 0 {
		return nil, errors.New("imaging: no variant widths")
	}
	f, _, err := Check(data)
	if err != nil {
		return nil, err
	}
	sem <- struct{}{}
	defer func() { <-sem }()
	var img image.Image
	switch f {
	case JPEG:
		img, err = jpeg.Decode(bytes.NewReader(data))
	case PNG:
		img, err = png.Decode(bytes.NewReader(data))
	case WebP:
		img, err = webp.Decode(bytes.NewReader(data))
	}
	if err != nil {
		return nil, ErrDamaged
	}
	if f == JPEG {
		img = Orient(img, JPEGOrientation(data))
	}
	alpha := hasAlpha(img)
	widths = variantWidths(widths, img.Bounds().Dx())
	out := make([]Variant, len(widths))
	// The largest variant is made from the decoded image, each smaller one from the
	// variant above it: every step shrinks by a small factor, which keeps the work close to
	// that of the first step.
	src := toRGBA(img)
	for i := len(widths) - 1; i >= 0; i-- {
		src = resize(src, widths[i])
		if out[i], err = encode(src, alpha); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// variantWidths are the widths of the variants of an image w pixels wide, ascending: the
// widths below w and, if w is not wider than the next one, w itself.
func variantWidths(widths []int, w int) []int {
	var ws []int
	for _, v := range widths {
		if v >= w {
			return append(ws, w)
		}
		ws = append(ws, v)
	}
	return ws
}

// toRGBA returns img as *image.RGBA, converting it if it is of another type.
func toRGBA(img image.Image) *image.RGBA {
	if r, ok := img.(*image.RGBA); ok && r.Bounds().Min == (image.Point{}) {
		return r
	}
	b := img.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Src)
	return dst
}

// resize returns src scaled to width w, keeping the aspect ratio (src itself if it is w
// wide). While src is at least twice as wide as w, it is first halved by averaging 2x2
// blocks (exact for a box filter and cheap); the Catmull-Rom kernel does the rest, so it
// never works over a factor of 2 or more.
func resize(src *image.RGBA, w int) *image.RGBA {
	for src.Bounds().Dx() >= 2*w && src.Bounds().Dy() >= 2 {
		src = halve(src)
	}
	b := src.Bounds()
	if b.Dx() == w {
		return src
	}
	h := max(1, int(int64(b.Dy())*int64(w)/int64(b.Dx())))
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Src, nil)
	return dst
}

// halve returns src at half its width and height, each pixel the mean of a 2x2 block (an
// odd last row or column is dropped).
func halve(src *image.RGBA) *image.RGBA {
	w, h := src.Bounds().Dx()/2, src.Bounds().Dy()/2
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		r0 := src.Pix[2*y*src.Stride:]
		r1 := src.Pix[(2*y+1)*src.Stride:]
		d := dst.Pix[y*dst.Stride : y*dst.Stride+4*w]
		for x := 0; x < 4*w; x += 4 {
			s := 2 * x
			for c := 0; c < 4; c++ {
				d[x+c] = uint8((uint32(r0[s+c]) + uint32(r0[s+4+c]) + uint32(r1[s+c]) + uint32(r1[s+4+c]) + 2) / 4)
			}
		}
	}
	return dst
}

func encode(img image.Image, alpha bool) (Variant, error) {
	var buf bytes.Buffer
	b := img.Bounds()
	if alpha {
		if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img); err != nil {
			return Variant{}, fmt.Errorf("imaging: encode: %w", err)
		}
		return Variant{Width: b.Dx(), Height: b.Dy(), Data: buf.Bytes(), Ext: "png", ContentType: "image/png"}, nil
	}
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: JPEGQuality}); err != nil {
		return Variant{}, fmt.Errorf("imaging: encode: %w", err)
	}
	return Variant{Width: b.Dx(), Height: b.Dy(), Data: buf.Bytes(), Ext: "jpg", ContentType: "image/jpeg"}, nil
}

// hasAlpha reports whether some pixel of img is not fully opaque.
func hasAlpha(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return !o.Opaque()
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a != 0xFFFF {
				return true
			}
		}
	}
	return false
}
