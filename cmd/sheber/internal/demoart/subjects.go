package demoart

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
)

// Subject is what a drawing shows.
type Subject string

// Subjects of the demo catalog.
const (
	Bench        Subject = "bench"
	Urn          Subject = "urn"
	Gazebo       Subject = "gazebo"
	Planter      Subject = "planter"
	BikeRack     Subject = "bike-rack"
	Desk         Subject = "desk"
	Table        Subject = "table"
	Chair        Subject = "chair"
	Cabinet      Subject = "cabinet"
	Shelving     Subject = "shelving"
	Bed          Subject = "bed"
	BunkBed      Subject = "bunk-bed"
	PlayCorner   Subject = "play-corner"
	Shanyrak     Subject = "shanyrak"
	Dastarkhan   Subject = "dastarkhan"
	Piala        Subject = "piala"
	Construction Subject = "construction-set"
	Abacus       Subject = "abacus"
	Uniform      Subject = "uniform"
	Workwear     Subject = "workwear"
	Bedding      Subject = "bedding"
	Paving       Subject = "paving-tiles"
	Curb         Subject = "curb-stone"
	Blocks       Subject = "building-blocks"
	Gate         Subject = "gate"
	Fence        Subject = "fence"
	Mangal       Subject = "mangal"
	CuttingBoard Subject = "cutting-board"
	Broom        Subject = "broom"
)

// palette is the colours of one variant of a drawing.
type palette struct {
	main, accent, wood, metal color.RGBA
}

// accents are the main colours the variants cycle through.
var accents = []uint32{0x2f6f9f, 0x3f8f5a, 0xc0573a, 0xd69a2d, 0x6d5ba8, 0x3d8a8a}

func paletteFor(variant int) palette {
	v := ((variant % len(accents)) + len(accents)) % len(accents)
	woods := []uint32{0xc8924f, 0xb27a3e, 0xd9a866}
	metals := []uint32{0x4a5560, 0x2f3a44, 0x5c6b5a}
	return palette{
		main:   rgb(accents[v]),
		accent: rgb(accents[(v+2)%len(accents)]),
		wood:   rgb(woods[v%len(woods)]),
		metal:  rgb(metals[v%len(metals)]),
	}
}

type subjectArt struct {
	bg   uint32 // the soft background colour
	draw func(cv *canvas, p palette)
}

var arts = map[Subject]subjectArt{
	Bench: {0xe3efe0, drawBench}, Urn: {0xe3efe0, drawUrn}, Gazebo: {0xe1ecf4, drawGazebo},
	Planter: {0xe9f1df, drawPlanter}, BikeRack: {0xe3efe0, drawBikeRack},
	Desk: {0xf3eadb, drawDesk}, Table: {0xf3eadb, drawTable}, Chair: {0xf3eadb, drawChair},
	Cabinet: {0xeee6da, drawCabinet}, Shelving: {0xeee6da, drawShelving},
	Bed: {0xe6e4f2, drawBed}, BunkBed: {0xe6e4f2, drawBunkBed},
	PlayCorner: {0xf6ead2, drawPlayCorner}, Shanyrak: {0xf6ead2, drawShanyrak},
	Dastarkhan: {0xf5e6dc, drawDastarkhan}, Piala: {0xf5e6dc, drawPiala},
	Construction: {0xf8efd8, drawConstruction}, Abacus: {0xf8efd8, drawAbacus},
	Uniform: {0xe2e8f2, drawUniform}, Workwear: {0xe9ece4, drawWorkwear}, Bedding: {0xece5f0, drawBedding},
	Paving: {0xe9e6e0, drawPaving}, Curb: {0xe9e6e0, drawCurb}, Blocks: {0xe8e4dc, drawBlocks},
	Gate: {0xdde6ea, drawGate}, Fence: {0xdde6ea, drawFence}, Mangal: {0xeee2d8, drawMangal},
	CuttingBoard: {0xf1ece1, drawCuttingBoard}, Broom: {0xf1ece1, drawBroom},
}

// Subjects lists every subject, in a fixed order.
func Subjects() []Subject {
	return []Subject{Bench, Urn, Gazebo, Planter, BikeRack, Desk, Table, Chair, Cabinet, Shelving,
		Bed, BunkBed, PlayCorner, Shanyrak, Dastarkhan, Piala, Construction, Abacus, Uniform,
		Workwear, Bedding, Paving, Curb, Blocks, Gate, Fence, Mangal, CuttingBoard, Broom}
}

// Draw returns the drawing of s in colour variant variant (any integer; the variants
// cycle). The same arguments always give the same picture.
func Draw(s Subject, variant int) (*image.RGBA, error) {
	art, ok := arts[s]
	if !ok {
		return nil, fmt.Errorf("demoart: no drawing of %q", s)
	}
	cv := newCanvas()
	bg := rgb(art.bg)
	cv.background(shade(bg, 1.35), bg, shade(bg, 0.93), shade(bg, 0.86), 640)
	art.draw(cv, paletteFor(variant))
	return cv.img, nil
}

// PNG returns the drawing of s in variant as PNG bytes.
func PNG(s Subject, variant int) ([]byte, error) {
	img, err := Draw(s, variant)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// --- Small architectural forms ---

func drawBench(cv *canvas, p palette) {
	cv.shadow(600, 700, 420, 40)
	m := p.metal
	// Cast side frames.
	for _, x := range []float64{250, 890} {
		cv.line(x, 700, x+20, 560, 26, m)
		cv.line(x+60, 700, x+40, 560, 26, m)
		cv.line(x+20, 560, x+30, 330, 22, m)
		cv.rect(x-10, 550, 90, 24, m)
		cv.ellipse(x+10, 700, 22, 8, shade(m, 0.8))
		cv.ellipse(x+70, 700, 22, 8, shade(m, 0.8))
	}
	// Seat slats.
	for i := 0; i < 4; i++ {
		y := 520 + float64(i)*14
		cv.fill(shade(p.wood, 1-0.06*float64(i)), []float64{200, y, 1000, y, 1010, y + 11, 190, y + 11})
	}
	// Back slats.
	for i := 0; i < 4; i++ {
		y := 340 + float64(i)*40
		cv.rect(205, y, 790, 28, shade(p.wood, 1.05-0.05*float64(i)))
		cv.rect(205, y+22, 790, 6, shade(p.wood, 0.8))
	}
	// Armrests.
	for _, x := range []float64{220, 860} {
		cv.rect(x, 455, 120, 18, m)
	}
}

func drawUrn(cv *canvas, p palette) {
	cv.shadow(600, 730, 190, 30)
	m := p.metal
	cv.rect(585, 560, 30, 170, shade(m, 0.8)) // post
	cv.rect(500, 718, 200, 18, shade(m, 0.7)) // foot
	// Body: a cylinder with slots.
	cv.rect(450, 260, 300, 380, p.main)
	cv.fill(shade(p.main, 0.8), []float64{650, 260, 750, 260, 750, 640, 650, 640})
	cv.fill(shade(p.main, 1.15), []float64{450, 260, 520, 260, 520, 640, 450, 640})
	cv.ellipse(600, 640, 150, 26, shade(p.main, 0.85))
	for i := 0; i < 6; i++ {
		x := 480 + float64(i)*45
		cv.rect(x, 320, 18, 260, shade(p.main, 0.55))
	}
	// Lid with opening.
	cv.ellipse(600, 262, 160, 34, shade(m, 1.1))
	cv.ellipse(600, 250, 150, 30, m)
	cv.ellipse(600, 248, 70, 14, shade(m, 0.4))
	cv.ring(600, 250, 160, 34, 8, shade(m, 0.7))
}

func drawGazebo(cv *canvas, p palette) {
	cv.shadow(600, 720, 460, 50)
	// Floor.
	cv.fill(shade(p.wood, 0.8), []float64{190, 690, 1010, 690, 960, 650, 240, 650})
	cv.rect(190, 690, 820, 26, shade(p.wood, 0.65))
	// Posts.
	for _, x := range []float64{250, 440, 760, 950} {
		cv.rect(x-14, 330, 28, 340, p.metal)
	}
	// Railings between posts.
	for _, seg := range [][2]float64{{250, 440}, {760, 950}} {
		cv.rect(seg[0], 540, seg[1]-seg[0], 14, p.wood)
		for x := seg[0] + 20; x < seg[1]; x += 28 {
			cv.rect(x, 554, 8, 96, shade(p.wood, 0.85))
		}
	}
	// Bench inside.
	cv.rect(470, 580, 260, 20, p.wood)
	cv.rect(490, 600, 14, 50, p.metal)
	cv.rect(700, 600, 14, 50, p.metal)
	// Roof: a wide hipped roof with a finial.
	cv.fill(p.main, []float64{150, 340, 1050, 340, 760, 140, 440, 140})
	cv.fill(shade(p.main, 0.8), []float64{150, 340, 1050, 340, 1050, 362, 150, 362})
	cv.fill(shade(p.main, 1.2), []float64{440, 140, 760, 140, 680, 90, 520, 90})
	for i := 1; i < 8; i++ {
		t := float64(i) / 8
		cv.line(150+900*t, 340, 440+320*t, 140, 6, shade(p.main, 0.85))
	}
	cv.rect(594, 40, 12, 56, p.metal)
	cv.ellipse(600, 40, 14, 14, p.accent)
}

func drawPlanter(cv *canvas, p palette) {
	cv.shadow(600, 720, 330, 36)
	stone := rgb(0xb9b2a6)
	// Foliage and flowers first, the bowl over it.
	for i, f := range []struct{ x, y, r float64 }{{450, 400, 110}, {600, 350, 130}, {750, 400, 110}, {520, 330, 90}, {690, 320, 95}} {
		cv.ellipse(f.x, f.y, f.r, f.r*0.85, shade(rgb(0x4c8a3f), 1-0.06*float64(i%3)))
	}
	flower := []color.RGBA{p.accent, rgb(0xe4574a), rgb(0xf2c23a), rgb(0xe985b5)}
	for i := 0; i < 14; i++ {
		a := float64(i) * 2.4
		x := 600 + math.Cos(a)*float64(60+i*13)
		y := 360 + math.Sin(a)*float64(30+i*6)
		c := flower[i%len(flower)]
		for k := 0; k < 5; k++ {
			b := float64(k) * 2 * math.Pi / 5
			cv.ellipse(x+math.Cos(b)*14, y+math.Sin(b)*14, 12, 12, c)
		}
		cv.ellipse(x, y, 8, 8, rgb(0xf7e27a))
	}
	// Bowl on a pedestal.
	cv.fill(stone, []float64{300, 470, 900, 470, 820, 620, 380, 620})
	cv.fill(shade(stone, 0.85), []float64{780, 470, 900, 470, 820, 620, 740, 620})
	cv.rect(290, 450, 620, 30, shade(stone, 1.1))
	cv.rect(520, 620, 160, 70, shade(stone, 0.9))
	cv.rect(470, 688, 260, 26, shade(stone, 0.8))
	cv.rect(330, 520, 540, 14, p.main)
}

func drawBikeRack(cv *canvas, p palette) {
	cv.shadow(600, 690, 430, 34)
	cv.rect(170, 670, 860, 20, shade(p.metal, 0.8))
	for i := 0; i < 5; i++ {
		x := 260 + float64(i)*170
		cv.line(x-60, 670, x-60, 430, 20, p.main)
		cv.line(x+60, 670, x+60, 430, 20, p.main)
		cv.arc(x, 430, 60, 60, math.Pi, 2*math.Pi, 20, p.main)
	}
}

// --- Furniture ---

func drawDesk(cv *canvas, p palette) {
	cv.shadow(600, 700, 400, 40)
	m := p.metal
	// Frame legs (bent tube).
	for _, x := range []float64{270, 900} {
		cv.line(x, 700, x, 420, 20, m)
		cv.line(x+50, 660, x+50, 400, 16, shade(m, 0.85))
		cv.line(x-20, 700, x+60, 700, 18, m)
	}
	cv.line(270, 560, 900, 560, 12, shade(m, 0.9))
	// Top with an edge.
	cv.box(220, 400, 760, 30, 90, p.wood)
	cv.rect(220, 426, 760, 8, shade(p.wood, 0.7))
	// Shelf under the top.
	cv.rect(270, 470, 630, 18, shade(p.wood, 0.85))
	cv.rect(270, 450, 630, 20, shade(p.main, 0.9))
	// Pencil groove and a gap between the two places.
	cv.line(300, 376, 880, 376, 5, shade(p.wood, 0.8))
}

func drawTable(cv *canvas, p palette) {
	cv.shadow(600, 700, 380, 40)
	for _, x := range []float64{280, 900} {
		cv.rect(x, 430, 30, 270, p.wood)
	}
	cv.rect(340, 410, 30, 240, shade(p.wood, 0.75))
	cv.rect(840, 410, 30, 240, shade(p.wood, 0.75))
	cv.box(240, 400, 720, 36, 110, p.wood)
	cv.rect(280, 436, 650, 40, shade(p.main, 1.0))
	cv.rect(560, 450, 80, 10, shade(p.metal, 1.4))
}

func drawChair(cv *canvas, p palette) {
	cv.shadow(600, 720, 220, 28)
	m := p.metal
	cv.line(480, 720, 490, 520, 18, m)
	cv.line(720, 720, 710, 520, 18, m)
	cv.line(530, 690, 535, 520, 14, shade(m, 0.8))
	cv.line(670, 690, 665, 520, 14, shade(m, 0.8))
	cv.line(495, 520, 500, 200, 16, m)
	cv.line(705, 520, 700, 200, 16, m)
	// Seat and back of bent plywood.
	cv.fill(p.wood, []float64{460, 500, 740, 500, 700, 450, 500, 450})
	cv.rect(460, 500, 280, 22, shade(p.wood, 0.75))
	cv.fill(p.main, []float64{470, 220, 730, 220, 724, 340, 476, 340})
	cv.rect(476, 336, 248, 10, shade(p.main, 0.7))
}

func drawCabinet(cv *canvas, p palette) {
	cv.shadow(600, 730, 300, 30)
	cv.box(340, 150, 500, 560, 90, p.wood)
	cv.rect(360, 170, 225, 520, shade(p.wood, 1.08))
	cv.rect(595, 170, 225, 520, shade(p.wood, 1.08))
	cv.rect(585, 170, 10, 520, shade(p.wood, 0.7))
	cv.rect(560, 400, 10, 70, p.metal)
	cv.rect(610, 400, 10, 70, p.metal)
	cv.rect(340, 705, 500, 20, shade(p.wood, 0.6))
	cv.rect(360, 140, 460, 10, p.main)
}

func drawShelving(cv *canvas, p palette) {
	cv.shadow(600, 730, 320, 30)
	cv.box(320, 150, 540, 570, 80, shade(p.wood, 0.9))
	cv.rect(345, 170, 490, 530, shade(p.wood, 0.62))
	cols := []color.RGBA{p.main, p.accent, rgb(0xd0c7b2), rgb(0x8fb0c8), rgb(0xe2a35c)}
	for s := 0; s < 4; s++ {
		y := 170 + float64(s)*132
		cv.rect(345, y+112, 490, 20, shade(p.wood, 1.05))
		// Boxes and folders on the shelf.
		x := 360.0
		for k := 0; x < 800; k++ {
			w := 40 + float64((k*37+s*17)%50)
			h := 60 + float64((k*23+s*11)%45)
			if x+w > 820 {
				break
			}
			cv.rect(x, y+112-h, w, h, cols[(k+s)%len(cols)])
			cv.rect(x+6, y+112-h+10, w-12, 8, shade(cols[(k+s)%len(cols)], 1.3))
			x += w + 10
		}
	}
}

func drawBed(cv *canvas, p palette) {
	cv.shadow(600, 710, 440, 40)
	cv.rect(160, 330, 40, 370, p.wood) // headboard posts
	cv.rect(160, 330, 150, 300, p.wood)
	cv.rect(176, 346, 118, 260, shade(p.wood, 1.1))
	cv.rect(990, 470, 40, 230, p.wood)
	cv.rect(900, 470, 130, 160, p.wood)
	cv.box(300, 540, 610, 60, 120, shade(p.wood, 0.85))
	cv.box(300, 490, 610, 52, 120, rgb(0xf4f1ea)) // mattress
	cv.fill(p.main, []float64{470, 488, 910, 488, 982, 434, 542, 434})
	cv.rect(470, 488, 440, 52, p.main)
	cv.fill(shade(p.main, 0.75), []float64{910, 488, 982, 434, 982, 486, 910, 540})
	cv.ellipse(380, 460, 80, 32, rgb(0xffffff)) // pillow
	cv.ellipse(380, 466, 80, 30, rgb(0xefeae0))
}

func drawBunkBed(cv *canvas, p palette) {
	cv.shadow(600, 730, 420, 36)
	for _, x := range []float64{240, 940} {
		cv.rect(x, 140, 34, 590, p.metal)
	}
	for _, y := range []float64{300, 600} {
		cv.box(274, y, 666, 40, 70, shade(p.wood, 0.9))
		cv.rect(274, y-34, 666, 34, rgb(0xf4f1ea))
		cv.rect(420, y-40, 520, 40, p.main)
		cv.ellipse(340, y-36, 56, 20, rgb(0xffffff))
	}
	cv.rect(274, 200, 666, 16, p.metal) // top guard rail
	// Ladder.
	cv.rect(800, 300, 14, 300, shade(p.metal, 1.2))
	cv.rect(880, 300, 14, 300, shade(p.metal, 1.2))
	for y := 360.0; y < 600; y += 60 {
		cv.rect(800, y, 94, 12, shade(p.metal, 1.2))
	}
}

// --- Play sets ---

// shanyrakAt draws a yurt crown: a ring with two families of crossed arches.
func shanyrakAt(cv *canvas, cx, cy, r float64, c color.RGBA) {
	cv.ring(cx, cy, r, r, r*0.12, c)
	for _, k := range []float64{-0.5, 0, 0.5} {
		x := cx + k*r
		h := math.Sqrt(r*r - (k*r)*(k*r))
		cv.line(x, cy-h+r*0.06, x, cy+h-r*0.06, r*0.07, shade(c, 0.9))
		y := cy + k*r
		cv.line(cx-h+r*0.06, y, cx+h-r*0.06, y, r*0.07, shade(c, 0.9))
	}
	cv.ring(cx, cy, r*0.99, r*0.99, r*0.03, shade(c, 0.7))
}

func drawShanyrak(cv *canvas, p palette) {
	cv.shadow(600, 740, 320, 30)
	// Seen from below at a slight angle: an ellipse, with the roof poles (uyk) around it.
	for i := 0; i < 16; i++ {
		a := float64(i) * 2 * math.Pi / 16
		cv.line(600+math.Cos(a)*240, 420+math.Sin(a)*150, 600+math.Cos(a)*520, 420+math.Sin(a)*330, 14, shade(p.accent, 0.9))
	}
	cv.ring(600, 420, 250, 160, 36, p.wood)
	for _, k := range []float64{-0.45, 0, 0.45} {
		h := math.Sqrt(1 - k*k)
		cv.line(600+k*250, 420-h*150, 600+k*250, 420+h*150, 18, shade(p.wood, 0.85))
		cv.line(600-h*230, 420+k*150, 600+h*230, 420+k*150, 18, shade(p.wood, 0.85))
	}
	cv.ring(600, 420, 214, 124, 6, p.main)
}

func drawPlayCorner(cv *canvas, p palette) {
	cv.shadow(600, 710, 460, 44)
	felt := rgb(0xf3e7cf)
	// A child-size yurt: lattice wall (kerege), dome and crown.
	cv.rect(230, 420, 740, 270, felt)
	for x := 230.0; x < 970; x += 46 {
		cv.line(x, 420, x+46, 690, 6, shade(p.wood, 0.9))
		cv.line(x+46, 420, x, 690, 6, shade(p.wood, 0.9))
	}
	cv.rect(230, 420, 740, 16, p.main)
	cv.rect(230, 674, 740, 16, p.main)
	// Door.
	cv.rect(520, 470, 160, 220, p.accent)
	cv.rect(534, 484, 132, 206, shade(p.accent, 0.8))
	cv.ellipse(600, 480, 30, 12, rgb(0xf2c23a))
	// Dome.
	cv.fill(felt, []float64{200, 425, 1000, 425, 820, 240, 380, 240})
	for i := 0; i <= 10; i++ {
		t := float64(i) / 10
		cv.line(200+800*t, 425, 380+440*t, 240, 7, shade(p.wood, 0.95))
	}
	cv.fill(p.main, []float64{230, 390, 970, 390, 985, 410, 215, 410})
	// Ornament band.
	for x := 250.0; x < 960; x += 60 {
		cv.fill(p.accent, []float64{x, 400, x + 15, 390, x + 30, 400, x + 15, 410})
	}
	shanyrakAt(cv, 600, 215, 90, p.wood)
	cv.fill(shade(felt, 0.9), []float64{510, 235, 690, 235, 600, 215})
}

// pialaAt draws a small tea bowl with an ornament band.
func pialaAt(cv *canvas, cx, cy, s float64, body, band color.RGBA) {
	cv.ellipse(cx, cy+s*0.55, s*0.35, s*0.08, shade(body, 0.75))
	cv.fill(body, []float64{cx - s*0.6, cy, cx + s*0.6, cy, cx + s*0.4, cy + s*0.5, cx - s*0.4, cy + s*0.5})
	cv.ellipse(cx, cy+s*0.5, s*0.4, s*0.09, body)
	cv.fill(band, []float64{cx - s*0.56, cy + s*0.07, cx + s*0.56, cy + s*0.07, cx + s*0.5, cy + s*0.18, cx - s*0.5, cy + s*0.18})
	cv.ellipse(cx, cy, s*0.6, s*0.13, shade(body, 1.1))
	cv.ellipse(cx, cy+s*0.01, s*0.5, s*0.1, rgb(0xb4632c))
}

func drawDastarkhan(cv *canvas, p palette) {
	cv.shadow(600, 700, 470, 60)
	// Low round table with a cloth.
	cv.rect(330, 560, 40, 130, shade(p.wood, 0.75))
	cv.rect(830, 560, 40, 130, shade(p.wood, 0.75))
	cv.ellipse(600, 540, 430, 120, shade(p.wood, 0.8))
	cv.ellipse(600, 525, 430, 120, p.wood)
	cv.ellipse(600, 520, 360, 96, p.main)
	cv.ring(600, 520, 360, 96, 16, p.accent)
	// Bread (baursak), a bowl and pialas.
	cv.ellipse(600, 500, 110, 34, rgb(0xf0e6d0))
	for i := 0; i < 9; i++ {
		a := float64(i) * 0.7
		cv.ellipse(560+math.Cos(a)*40+float64(i%3)*25, 488+math.Sin(a)*12, 20, 15, rgb(0xd99a4a))
	}
	for i, x := range []float64{340, 440, 770, 860} {
		y := 480.0 + float64(i%2)*50
		pialaAt(cv, x, y, 70, rgb(0xfafafa), p.main)
	}
	// Teapot.
	tp := rgb(0xfafafa)
	cv.ellipse(600, 400, 70, 56, tp)
	cv.line(660, 400, 715, 360, 14, tp)
	cv.arc(530, 400, 26, 30, math.Pi/2, 3*math.Pi/2, 10, tp)
	cv.ellipse(600, 350, 36, 12, shade(tp, 0.9))
	cv.ellipse(600, 340, 12, 10, p.accent)
	cv.rect(540, 396, 120, 12, p.accent)
}

func drawPiala(cv *canvas, p palette) {
	cv.shadow(600, 700, 420, 50)
	// A tray with miniature pialas in two rows.
	cv.ellipse(600, 620, 430, 110, shade(p.wood, 0.8))
	cv.ellipse(600, 605, 420, 104, p.wood)
	for row := 0; row < 2; row++ {
		for i := 0; i < 4; i++ {
			x := 380 + float64(i)*150 + float64(row)*70
			y := 500 + float64(row)*80
			body := rgb(0xfbfbfb)
			if (i+row)%2 == 1 {
				body = rgb(0xf3ead6)
			}
			pialaAt(cv, x, y, 120, body, p.main)
		}
	}
	pialaAt(cv, 600, 300, 200, rgb(0xfbfbfb), p.main) // one large, up front
	for k := 0; k < 6; k++ {
		cv.ellipse(490+float64(k)*44, 338, 10, 6, p.accent)
	}
}

func drawConstruction(cv *canvas, p palette) {
	cv.shadow(600, 710, 460, 40)
	woods := []color.RGBA{p.wood, shade(p.wood, 1.15), shade(p.wood, 0.88)}
	paint := []color.RGBA{p.main, p.accent, rgb(0xe4b23a), rgb(0x5aa06a), rgb(0xd8574a)}
	// Base row of bricks.
	for i := 0; i < 7; i++ {
		cv.box(170+float64(i)*120, 610, 112, 70, 40, woods[i%3])
	}
	// Towers, an arch and a roof.
	cv.box(260, 460, 100, 150, 40, paint[0])
	cv.box(840, 460, 100, 150, 40, paint[1])
	cv.box(420, 520, 360, 90, 40, woods[1])
	cv.ellipse(600, 610, 90, 70, shade(woods[1], 0.5)) // arch opening
	cv.rect(510, 610, 180, 5, woods[2])
	cv.box(440, 440, 320, 80, 40, paint[2])
	cv.fill(paint[4], []float64{420, 440, 780, 440, 600, 300})
	cv.fill(shade(paint[4], 0.8), []float64{780, 440, 804, 422, 624, 285, 600, 300})
	// Cylinders and cones on the towers.
	for i, x := range []float64{310, 890} {
		cv.fill(paint[(i+3)%5], []float64{x - 50, 460, x + 50, 460, x, 350})
	}
	// Loose pieces in front.
	cv.box(200, 700, 80, 40, 26, paint[3])
	cv.box(900, 705, 90, 34, 26, paint[0])
	cv.ellipse(780, 725, 40, 14, paint[1])
	cv.rect(740, 690, 80, 35, paint[1])
	cv.ellipse(780, 690, 40, 14, shade(paint[1], 1.2))
}

func drawAbacus(cv *canvas, p palette) {
	cv.shadow(600, 720, 360, 30)
	cv.rect(260, 170, 40, 550, p.wood)
	cv.rect(900, 170, 40, 550, p.wood)
	cv.rect(240, 690, 720, 30, shade(p.wood, 0.8))
	beads := []color.RGBA{p.main, p.accent, rgb(0xe4b23a), rgb(0xd8574a), rgb(0x5aa06a)}
	for r := 0; r < 6; r++ {
		y := 230 + float64(r)*80
		cv.rect(300, y-4, 600, 8, p.metal)
		n := 4 + (r*3)%6
		for k := 0; k < n; k++ {
			cv.ellipse(340+float64(k)*52, y, 24, 28, beads[r%len(beads)])
			cv.ellipse(334+float64(k)*52, y-8, 8, 8, shade(beads[r%len(beads)], 1.4))
		}
	}
	cv.rect(260, 170, 680, 30, p.wood)
}

// --- Sewn goods ---

// jacketAt draws a jacket on a hanger: body colour c, with lapels when lapels.
func jacketAt(cv *canvas, c, trim color.RGBA, lapels bool) {
	// Hanger.
	cv.arc(600, 150, 26, 26, math.Pi, 2.4*math.Pi, 8, rgb(0x6b6b6b))
	cv.line(420, 250, 600, 180, 12, rgb(0x8a6a45))
	cv.line(780, 250, 600, 180, 12, rgb(0x8a6a45))
	// Sleeves and body.
	cv.fill(shade(c, 0.85), []float64{420, 250, 330, 300, 280, 640, 360, 650, 420, 380})
	cv.fill(shade(c, 0.85), []float64{780, 250, 870, 300, 920, 640, 840, 650, 780, 380})
	cv.fill(c, []float64{420, 240, 540, 200, 600, 260, 660, 200, 780, 240, 790, 720, 410, 720})
	if lapels {
		cv.fill(rgb(0xffffff), []float64{540, 200, 660, 200, 600, 330})
		cv.fill(shade(c, 0.7), []float64{540, 200, 600, 330, 560, 460, 500, 260})
		cv.fill(shade(c, 0.7), []float64{660, 200, 600, 330, 640, 460, 700, 260})
		cv.fill(trim, []float64{590, 230, 610, 230, 616, 330, 600, 350, 584, 330})
	}
	cv.line(600, 330, 600, 720, 4, shade(c, 0.6))
	for _, y := range []float64{480, 560, 640} {
		cv.ellipse(620, y, 9, 9, shade(c, 0.5))
	}
	cv.rect(450, 560, 100, 10, shade(c, 0.65)) // pockets
	cv.rect(660, 560, 100, 10, shade(c, 0.65))
}

func drawUniform(cv *canvas, p palette) {
	cv.shadow(600, 760, 260, 26)
	jacketAt(cv, shade(p.main, 0.65), p.accent, true)
	cv.fill(shade(p.accent, 1.2), []float64{470, 300, 520, 300, 520, 330, 470, 330}) // badge
}

func drawWorkwear(cv *canvas, p palette) {
	cv.shadow(600, 800, 300, 26)
	c := shade(p.main, 0.8)
	jacketAt(cv, c, p.accent, false)
	hi := rgb(0xd9e04a)
	for _, y := range []float64{520, 600} {
		cv.rect(412, y, 376, 22, hi)
		cv.rect(412, y+8, 376, 6, rgb(0xd0d4d8))
		cv.fill(hi, []float64{290, y + 20, 364, y + 20, 362, y + 42, 288, y + 42})
		cv.fill(hi, []float64{836, y + 20, 910, y + 20, 912, y + 42, 838, y + 42})
	}
	// Bib trousers below, folded.
	cv.rect(450, 720, 300, 60, shade(c, 0.85))
	cv.rect(450, 720, 300, 12, shade(c, 0.6))
}

func drawBedding(cv *canvas, p palette) {
	cv.shadow(600, 720, 380, 40)
	cols := []color.RGBA{rgb(0xffffff), shade(p.main, 1.5), p.main, shade(p.accent, 1.4)}
	for i := 0; i < 4; i++ {
		y := 620 - float64(i)*92
		w := 620 - float64(i)*30
		x := 600 - w/2
		cv.box(x, y, w, 80, 60, cols[i])
		cv.rect(x, y+36, w, 6, shade(cols[i], 0.85))
		if i == 2 {
			for k := 0; k < 9; k++ {
				cv.ellipse(x+40+float64(k)*66, y+20, 12, 8, shade(cols[i], 1.5))
			}
		}
	}
	// Pillow on top.
	cv.ellipse(600, 300, 240, 70, rgb(0xfdfdfb))
	cv.ellipse(600, 310, 230, 60, rgb(0xf1ede4))
	cv.ring(600, 305, 240, 70, 6, p.accent)
}

// --- Construction materials ---

func drawPaving(cv *canvas, p palette) {
	// Tiles laid in perspective, a herringbone of two colours.
	grey, warm := rgb(0xb5aea4), shade(p.accent, 1.1)
	horizon := 250.0
	cv.fill(shade(grey, 0.9), []float64{0, horizon, artWidth, horizon, artWidth, artHeight, 0, artHeight})
	proj := func(u, v float64) (float64, float64) {
		// u across (-1..1 on the near edge), v depth 0 (near) .. 1 (far)
		s := 1 / (1 + 3*v)
		return 600 + u*900*s, horizon + (artHeight-horizon)*s
	}
	for j := 0; j < 22; j++ {
		for i := -14; i < 14; i++ {
			u0, u1 := float64(i)*0.16, float64(i+1)*0.16
			v0, v1 := float64(j)*0.08, float64(j+1)*0.08
			off := 0.0
			if j%2 == 1 {
				off = 0.08
			}
			x0, y0 := proj(u0+off, v0)
			x1, _ := proj(u1+off, v0)
			x2, y2 := proj(u1+off, v1)
			x3, _ := proj(u0+off, v1)
			c := grey
			if (i+j)%5 == 0 || (i-j)%7 == 0 {
				c = warm
			}
			c = shade(c, 1-0.015*float64(j))
			cv.fill(shade(c, 0.7), []float64{x0, y0, x1, y0, x2, y2, x3, y2})
			g := 3 * (1 / (1 + 3*v0))
			cv.fill(c, []float64{x0 + g, y0 - g, x1 - g, y0 - g, x2 - g, y2 + g*0.5, x3 + g, y2 + g*0.5})
		}
	}
	// Soft sky over the far edge.
	cv.fill(alpha(rgb(0xffffff), 90), []float64{0, horizon, artWidth, horizon, artWidth, horizon + 60, 0, horizon + 60})
}

func drawCurb(cv *canvas, p palette) {
	cv.shadow(600, 700, 460, 40)
	stone := rgb(0xbdb7ad)
	for i := 0; i < 3; i++ {
		x := 160 + float64(i)*300
		// Profile: a block with a rounded top edge.
		cv.box(x, 480, 280, 200, 120, shade(stone, 1-0.04*float64(i)))
		cv.fill(shade(stone, 1.25), []float64{x, 480, x + 30, 460, x + 102, 406, x + 72, 426})
	}
	cv.rect(140, 680, 920, 16, shade(stone, 0.7))
	_ = p
}

func drawBlocks(cv *canvas, p palette) {
	cv.shadow(600, 720, 430, 40)
	c := rgb(0xb8b2a8)
	if p.main == rgb(accents[2]) || p.main == rgb(accents[3]) {
		c = rgb(0xc98f6a) // ceramic-coloured variant
	}
	for row := 0; row < 4; row++ {
		n := 4 - row/2
		for i := 0; i < n; i++ {
			x := 220 + float64(i)*190 + float64(row%2)*95 + float64(row/2)*95
			y := 610 - float64(row)*110
			cv.box(x, y, 180, 100, 70, shade(c, 1-0.03*float64((i+row)%3)))
			// Hollow cores.
			cv.rect(x+25, y+25, 50, 50, shade(c, 0.65))
			cv.rect(x+105, y+25, 50, 50, shade(c, 0.65))
		}
	}
	// Pallet.
	cv.rect(200, 710, 860, 24, p.wood)
	for x := 210.0; x < 1060; x += 140 {
		cv.rect(x, 734, 60, 18, shade(p.wood, 0.8))
	}
}

// --- Metalwork ---

func drawGate(cv *canvas, p palette) {
	m := p.metal
	cv.rect(0, 640, artWidth, 8, shade(m, 1.8))
	cv.rect(150, 160, 50, 540, shade(m, 0.9)) // posts
	cv.rect(1000, 160, 50, 540, shade(m, 0.9))
	cv.rect(140, 150, 70, 20, m)
	cv.rect(990, 150, 70, 20, m)
	for _, leaf := range [][2]float64{{210, 590}, {610, 990}} {
		x0, x1 := leaf[0], leaf[1]
		cv.rect(x0, 300, x1-x0, 16, m)
		cv.rect(x0, 660, x1-x0, 16, m)
		cv.rect(x0, 300, 16, 376, m)
		cv.rect(x1-16, 300, 16, 376, m)
		for x := x0 + 40; x < x1-20; x += 38 {
			cv.rect(x, 300, 10, 376, m)
			cv.fill(m, []float64{x - 8, 300, x + 18, 300, x + 5, 270})
		}
		// Scroll ornament.
		cx := (x0 + x1) / 2
		cv.ring(cx-50, 480, 46, 46, 10, p.accent)
		cv.ring(cx+50, 480, 46, 46, 10, p.accent)
	}
	cv.arc(600, 300, 390, 130, math.Pi, 2*math.Pi, 16, m)
	cv.ellipse(600, 170, 22, 22, p.accent)
}

func drawFence(cv *canvas, p palette) {
	m := p.main
	cv.rect(0, 640, artWidth, 8, shade(p.metal, 1.8))
	for _, x := range []float64{100, 600, 1100} {
		cv.rect(x-20, 260, 40, 450, shade(p.metal, 0.9))
		cv.fill(p.metal, []float64{x - 26, 260, x + 26, 260, x, 230})
	}
	for _, y := range []float64{320, 600} {
		cv.rect(80, y, 1040, 18, m)
	}
	for x := 130.0; x < 1090; x += 40 {
		if math.Abs(x-600) < 30 {
			continue
		}
		cv.rect(x, 300, 12, 340, m)
		cv.fill(m, []float64{x - 6, 300, x + 18, 300, x + 6, 276})
	}
	cv.rect(80, 720, 1040, 10, alpha(rgb(0x000000), 30))
}

func drawMangal(cv *canvas, p palette) {
	cv.shadow(600, 720, 380, 36)
	m := p.metal
	for _, x := range []float64{300, 880} {
		cv.line(x, 520, x-30, 720, 18, m)
		cv.line(x+20, 520, x+50, 720, 18, shade(m, 0.8))
	}
	cv.box(260, 380, 660, 150, 110, m)
	for x := 300.0; x < 900; x += 70 {
		cv.rect(x, 490, 30, 12, shade(m, 0.5)) // air holes
	}
	// Embers and skewers.
	cv.fill(rgb(0xd9582b), []float64{266, 378, 332, 332, 986, 332, 920, 378})
	for i := 0; i < 7; i++ {
		x := 330 + float64(i)*85
		cv.line(x, 360, x+70, 320, 6, rgb(0xcfd3d6))
		for k := 0; k < 3; k++ {
			cv.ellipse(x+14+float64(k)*18, 352-float64(k)*10, 10, 8, rgb(0x8a4a2b))
		}
	}
	cv.rect(200, 600, 780, 12, shade(m, 1.2)) // lower shelf
}

func drawCuttingBoard(cv *canvas, p palette) {
	cv.shadow(600, 720, 420, 36)
	// Three boards, leaning and lying.
	cv.fill(shade(p.wood, 0.9), []float64{620, 680, 980, 680, 940, 250, 660, 250})
	cv.ellipse(800, 300, 40, 16, shade(p.wood, 0.5))
	cv.box(200, 600, 520, 60, 120, p.wood)
	for x := 240.0; x < 700; x += 70 {
		cv.line(x, 610, x+10, 650, 3, shade(p.wood, 0.85))
	}
	cv.box(260, 540, 420, 50, 100, shade(p.wood, 1.12))
	cv.ellipse(330, 565, 24, 12, shade(p.wood, 0.6))
}

func drawBroom(cv *canvas, p palette) {
	cv.shadow(600, 730, 300, 30)
	for i, x := range []float64{430, 600, 770} {
		c := shade(rgb(0xd8b65a), 1-0.06*float64(i))
		cv.line(x, 120, x, 470, 22, shade(p.wood, 0.9))
		cv.fill(c, []float64{x - 40, 460, x + 40, 460, x + 110, 720, x - 110, 720})
		for k := -4; k <= 4; k++ {
			cv.line(x+float64(k)*8, 480, x+float64(k)*25, 720, 3, shade(c, 0.8))
		}
		cv.rect(x-44, 470, 88, 16, p.main)
		cv.rect(x-50, 530, 100, 12, p.main)
	}
}
