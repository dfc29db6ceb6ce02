// Package demoart draws the illustrations of the demo catalog: flat, clean pictures of the
// goods (a bench, a school desk, a shanyrak, paving tiles...) made in code at seed time, so
// that the demo listings have images that belong to the project. No people, no text; the
// same subject and variant always give the same bytes. Nothing it draws is ever written
// into the repository.
package demoart

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"golang.org/x/image/vector"
)

// Size of every drawing, in pixels (4:3): the product page shows at most 800 px, and a
// smaller picture keeps the seed's image processing short.
const (
	Width  = 800
	Height = 600
)

// The drawings are composed on a logical canvas of artWidth by artHeight units (4:3, the
// size they were designed at); the canvas scales them to Width by Height pixels.
const (
	artWidth  = 1200
	artHeight = 900
	scale     = float64(Width) / artWidth
)

// canvas is an RGBA picture with the few shapes the drawings need. Coordinates are in
// logical units (see artWidth), y downwards.
type canvas struct {
	img *image.RGBA
	z   vector.Rasterizer
}

func newCanvas() *canvas {
	return &canvas{img: image.NewRGBA(image.Rect(0, 0, Width, Height))}
}

// rgb is a colour from its hex value 0xRRGGBB.
func rgb(hex uint32) color.RGBA {
	return color.RGBA{R: uint8(hex >> 16), G: uint8(hex >> 8), B: uint8(hex), A: 255}
}

// shade multiplies a colour's channels by f (below 1 darker, above 1 lighter), clamped.
func shade(c color.RGBA, f float64) color.RGBA {
	ch := func(v uint8) uint8 {
		x := float64(v) * f
		if f > 1 {
			x = float64(v) + (255-float64(v))*(f-1)
		}
		return uint8(math.Max(0, math.Min(255, math.Round(x))))
	}
	return color.RGBA{R: ch(c.R), G: ch(c.G), B: ch(c.B), A: c.A}
}

// mix blends a and b: t=0 is a, t=1 is b.
func mix(a, b color.RGBA, t float64) color.RGBA {
	l := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*(1-t) + float64(y)*t)) }
	return color.RGBA{R: l(a.R, b.R), G: l(a.G, b.G), B: l(a.B, b.B), A: 255}
}

// alpha returns c with opacity a (0-255), premultiplied as image/color expects.
func alpha(c color.RGBA, a uint8) color.RGBA {
	f := float64(a) / 255
	return color.RGBA{R: uint8(float64(c.R) * f), G: uint8(float64(c.G) * f), B: uint8(float64(c.B) * f), A: a}
}

// background paints a soft vertical gradient from top to bottom with a floor from logical
// y floor downwards.
func (cv *canvas) background(top, bottom, floorTop, floorBottom color.RGBA, logicalFloor int) {
	floor := int(math.Round(float64(logicalFloor) * scale))
	for y := 0; y < Height; y++ {
		var c color.RGBA
		if y < floor {
			c = mix(top, bottom, float64(y)/float64(floor))
		} else {
			c = mix(floorTop, floorBottom, float64(y-floor)/float64(Height-floor))
		}
		row := cv.img.Pix[y*cv.img.Stride : y*cv.img.Stride+Width*4]
		row[0], row[1], row[2], row[3] = c.R, c.G, c.B, 255
		for n := 4; n < len(row); n *= 2 {
			copy(row[n:], row[:n])
		}
	}
}

// fill paints the closed polygons (each a list of x, y pairs) with c; polygons wound the
// other way cut holes.
func (cv *canvas) fill(c color.RGBA, polys ...[]float64) {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	scaled := make([][]float64, len(polys))
	for j, p := range polys {
		p = append([]float64(nil), p...)
		for i := range p {
			p[i] *= scale
		}
		scaled[j] = p
	}
	polys = scaled
	for _, p := range polys {
		for i := 0; i+1 < len(p); i += 2 {
			minX, maxX = math.Min(minX, p[i]), math.Max(maxX, p[i])
			minY, maxY = math.Min(minY, p[i+1]), math.Max(maxY, p[i+1])
		}
	}
	r := image.Rect(int(math.Floor(minX)), int(math.Floor(minY)), int(math.Ceil(maxX))+1, int(math.Ceil(maxY))+1).Intersect(cv.img.Bounds())
	if r.Empty() {
		return
	}
	cv.z.Reset(r.Dx(), r.Dy())
	ox, oy := float32(r.Min.X), float32(r.Min.Y)
	for _, p := range polys {
		if len(p) < 6 {
			continue
		}
		cv.z.MoveTo(float32(p[0])-ox, float32(p[1])-oy)
		for i := 2; i+1 < len(p); i += 2 {
			cv.z.LineTo(float32(p[i])-ox, float32(p[i+1])-oy)
		}
		cv.z.ClosePath()
	}
	cv.z.DrawOp = draw.Over
	cv.z.Draw(cv.img, r, image.NewUniform(c), image.Point{})
}

// rect fills the axis-aligned rectangle at x, y of size w by h.
func (cv *canvas) rect(x, y, w, h float64, c color.RGBA) {
	cv.fill(c, []float64{x, y, x + w, y, x + w, y + h, x, y + h})
}

// ellipsePoints returns the outline of an ellipse, counter-clockwise on screen when rev.
func ellipsePoints(cx, cy, rx, ry float64, rev bool) []float64 {
	const n = 72
	p := make([]float64, 0, 2*n)
	for i := 0; i < n; i++ {
		a := 2 * math.Pi * float64(i) / n
		if rev {
			a = -a
		}
		p = append(p, cx+rx*math.Cos(a), cy+ry*math.Sin(a))
	}
	return p
}

// ellipse fills an ellipse.
func (cv *canvas) ellipse(cx, cy, rx, ry float64, c color.RGBA) {
	cv.fill(c, ellipsePoints(cx, cy, rx, ry, false))
}

// ring fills the band between two concentric ellipses.
func (cv *canvas) ring(cx, cy, rx, ry, thick float64, c color.RGBA) {
	cv.fill(c, ellipsePoints(cx, cy, rx, ry, false), ellipsePoints(cx, cy, rx-thick, ry-thick*ry/rx, true))
}

// line draws a straight stroke of width w from (x1, y1) to (x2, y2).
func (cv *canvas) line(x1, y1, x2, y2, w float64, c color.RGBA) {
	dx, dy := x2-x1, y2-y1
	l := math.Hypot(dx, dy)
	if l == 0 {
		return
	}
	nx, ny := -dy/l*w/2, dx/l*w/2
	cv.fill(c, []float64{x1 + nx, y1 + ny, x2 + nx, y2 + ny, x2 - nx, y2 - ny, x1 - nx, y1 - ny})
}

// arc draws a stroke of width w along the elliptic arc from angle a0 to a1 (radians,
// y downwards).
func (cv *canvas) arc(cx, cy, rx, ry, a0, a1, w float64, c color.RGBA) {
	const n = 48
	outer := make([]float64, 0, 2*n+2)
	inner := make([]float64, 0, 2*n+2)
	for i := 0; i <= n; i++ {
		a := a0 + (a1-a0)*float64(i)/n
		cos, sin := math.Cos(a), math.Sin(a)
		outer = append(outer, cx+(rx+w/2)*cos, cy+(ry+w/2)*sin)
		inner = append(inner, cx+(rx-w/2)*cos, cy+(ry-w/2)*sin)
	}
	p := outer
	for i := len(inner) - 2; i >= 0; i -= 2 {
		p = append(p, inner[i], inner[i+1])
	}
	cv.fill(c, p)
}

// box draws a block seen slightly from above and to the right: the front face at x, y of
// size w by h, and a top and a right side of depth d.
func (cv *canvas) box(x, y, w, h, d float64, c color.RGBA) {
	dx, dy := d*0.6, -d*0.45
	cv.fill(shade(c, 1.18), []float64{x, y, x + dx, y + dy, x + w + dx, y + dy, x + w, y})
	cv.fill(shade(c, 0.78), []float64{x + w, y, x + w + dx, y + dy, x + w + dx, y + h + dy, x + w, y + h})
	cv.rect(x, y, w, h, c)
}

// shadow lays a soft shadow on the floor, centred at cx, cy.
func (cv *canvas) shadow(cx, cy, rx, ry float64) {
	for i := 0; i < 4; i++ {
		f := 1 - float64(i)*0.18
		cv.ellipse(cx, cy, rx*f, ry*f, alpha(rgb(0x000000), 18))
	}
}
