package pdf

// A small reader of the PDFs this package writes, with the standard library and
// golang.org/x/image/font/sfnt only: it checks the file's structure (header, xref table,
// trailer), inflates the streams, follows each page's fonts to their ToUnicode CMap,
// CIDToGIDMap and embedded font program, and extracts the text that the content streams
// show. It is strict: anything it does not understand is an error, never a guess.

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// pdfObject is one indirect object: its dictionary (or other value) and its stream,
// inflated when it was FlateDecode-compressed.
type pdfObject struct {
	dict   string
	stream []byte
}

// pdfFont is a font a page uses.
type pdfFont struct {
	baseFont  string
	composite bool // Type0 with Identity-H: two bytes per character
	toUnicode map[uint16]rune
	cidToGID  []uint16   // by CID
	program   *sfnt.Font // the embedded subset
	original  *sfnt.Font // the face it was cut from
}

// shown is one string a content stream shows (one Tj or TJ), decoded.
type shown struct {
	text string
	font *pdfFont
	cids []uint16
}

// pdfDoc is a parsed document: its pages' shown strings, in order.
type pdfDoc struct {
	objects map[int]pdfObject
	pages   [][]shown
	fonts   []*pdfFont
}

var (
	objHeader  = regexp.MustCompile(`(?m)^(\d+) 0 obj\s*`)
	lengthKey  = regexp.MustCompile(`/Length (\d+)`)
	refKey     = func(key string) *regexp.Regexp { return regexp.MustCompile(`/` + key + ` (\d+) 0 R`) }
	kidsKey    = regexp.MustCompile(`/Kids \[([^\]]*)\]`)
	fontDict   = regexp.MustCompile(`(?s)/Font <<(.*?)>>`)
	fontEntry  = regexp.MustCompile(`/(\S+) (\d+) 0 R`)
	xrefEntry  = regexp.MustCompile(`^(\d{10}) (\d{5}) ([nf])\s*$`)
	originals  = map[string][]byte{"utf8dejavu": dejavusans.TTF, "utf8dejavuB": dejavusansbold.TTF}
	errUnknown = errors.New("not understood")
)

// parsePDF checks data's structure and reads its pages and fonts.
func parsePDF(data []byte) (*pdfDoc, error) {
	if !bytes.HasPrefix(data, []byte("%PDF-1.")) {
		return nil, errors.New("no %PDF-1.x header")
	}
	if !bytes.HasSuffix(bytes.TrimRight(data, "\r\n"), []byte("%%EOF")) {
		return nil, errors.New("no %%EOF at the end")
	}
	doc := &pdfDoc{objects: map[int]pdfObject{}}
	offsets := map[int]int{}
	pos := 0
	for {
		loc := objHeader.FindSubmatchIndex(data[pos:])
		if loc == nil {
			break
		}
		start := pos + loc[0]
		n, _ := strconv.Atoi(string(data[pos+loc[2] : pos+loc[3]]))
		body := pos + loc[1]
		end := bytes.Index(data[body:], []byte("endobj"))
		if end < 0 {
			return nil, fmt.Errorf("object %d has no endobj", n)
		}
		obj := pdfObject{}
		if s := bytes.Index(data[body:], []byte("stream\n")); s >= 0 && s < end {
			obj.dict = string(data[body : body+s])
			m := lengthKey.FindStringSubmatch(obj.dict)
			if m == nil {
				return nil, fmt.Errorf("object %d: a stream without a direct /Length", n)
			}
			length, _ := strconv.Atoi(m[1])
			from := body + s + len("stream\n")
			if from+length > len(data) || !bytes.HasPrefix(bytes.TrimLeft(data[from+length:], "\r\n"), []byte("endstream")) {
				return nil, fmt.Errorf("object %d: /Length %d does not end at endstream", n, length)
			}
			obj.stream = data[from : from+length]
			if strings.Contains(obj.dict, "/FlateDecode") {
				r, err := zlib.NewReader(bytes.NewReader(obj.stream))
				if err != nil {
					return nil, fmt.Errorf("object %d: %v", n, err)
				}
				if obj.stream, err = io.ReadAll(r); err != nil {
					return nil, fmt.Errorf("object %d: %v", n, err)
				}
			}
			end = bytes.Index(data[from+length:], []byte("endobj")) + from + length - body
		} else {
			obj.dict = string(data[body : body+end])
		}
		if _, dup := doc.objects[n]; dup {
			return nil, fmt.Errorf("object %d twice", n)
		}
		doc.objects[n], offsets[n] = obj, start
		pos = body + end + len("endobj")
	}
	if err := checkXref(data, offsets); err != nil {
		return nil, err
	}
	return doc, doc.readPages()
}

// checkXref checks that startxref points at the xref table and that each entry points at
// its object.
func checkXref(data []byte, offsets map[int]int) error {
	i := bytes.LastIndex(data, []byte("startxref"))
	if i < 0 {
		return errors.New("no startxref")
	}
	fields := strings.Fields(string(data[i+len("startxref"):]))
	if len(fields) < 2 {
		return errors.New("startxref has no offset")
	}
	at, err := strconv.Atoi(fields[0])
	if err != nil || at < 0 || at >= len(data) || !bytes.HasPrefix(data[at:], []byte("xref")) {
		return fmt.Errorf("startxref %q does not point at the xref table", fields[0])
	}
	lines := strings.Split(string(data[at:]), "\n")
	if len(lines) < 3 {
		return errors.New("xref table too short")
	}
	var first, count int
	if _, err := fmt.Sscanf(lines[1], "%d %d", &first, &count); err != nil || first != 0 {
		return fmt.Errorf("xref subsection %q", lines[1])
	}
	if count != len(offsets)+1 || len(lines) < 2+count {
		return fmt.Errorf("xref has %d entries for %d objects", count, len(offsets))
	}
	for n := 1; n < count; n++ {
		m := xrefEntry.FindStringSubmatch(lines[2+n])
		if m == nil || m[3] != "n" {
			return fmt.Errorf("xref entry %d: %q", n, lines[2+n])
		}
		off, _ := strconv.Atoi(m[1])
		if want, ok := offsets[n]; !ok || off != want {
			return fmt.Errorf("xref entry %d: offset %d, the object is at %d", n, off, offsets[n])
		}
	}
	if !strings.Contains(string(data[at:]), "trailer") || !refKey("Root").MatchString(string(data[at:])) {
		return errors.New("no trailer with /Root")
	}
	return nil
}

func (doc *pdfDoc) ref(dict, key string) (pdfObject, error) {
	m := refKey(key).FindStringSubmatch(dict)
	if m == nil {
		return pdfObject{}, fmt.Errorf("no /%s in %q", key, dict)
	}
	n, _ := strconv.Atoi(m[1])
	obj, ok := doc.objects[n]
	if !ok {
		return pdfObject{}, fmt.Errorf("/%s %d 0 R: no such object", key, n)
	}
	return obj, nil
}

// readPages follows the catalog to the page tree and reads every page's text.
func (doc *pdfDoc) readPages() error {
	var catalog *pdfObject
	for _, o := range doc.objects {
		if strings.Contains(o.dict, "/Type /Catalog") {
			catalog = &o
		}
	}
	if catalog == nil {
		return errors.New("no catalog")
	}
	tree, err := doc.ref(catalog.dict, "Pages")
	if err != nil {
		return err
	}
	kids := kidsKey.FindStringSubmatch(tree.dict)
	if kids == nil {
		return errors.New("the page tree has no /Kids")
	}
	fonts := map[int]*pdfFont{}
	for _, kid := range regexp.MustCompile(`(\d+) 0 R`).FindAllStringSubmatch(kids[1], -1) {
		n, _ := strconv.Atoi(kid[1])
		page, ok := doc.objects[n]
		if !ok || !strings.Contains(page.dict, "/Type /Page\n") {
			return fmt.Errorf("kid %d is not a page", n)
		}
		res, err := doc.ref(page.dict, "Resources")
		if err != nil {
			return err
		}
		byName := map[string]*pdfFont{}
		if fd := fontDict.FindStringSubmatch(res.dict); fd != nil {
			for _, e := range fontEntry.FindAllStringSubmatch(fd[1], -1) {
				fn, _ := strconv.Atoi(e[2])
				if fonts[fn] == nil {
					if fonts[fn], err = doc.readFont(fn); err != nil {
						return err
					}
					doc.fonts = append(doc.fonts, fonts[fn])
				}
				byName[e[1]] = fonts[fn]
			}
		}
		content, err := doc.ref(page.dict, "Contents")
		if err != nil {
			return err
		}
		texts, err := showText(content.stream, byName)
		if err != nil {
			return fmt.Errorf("page %d: %v", len(doc.pages)+1, err)
		}
		doc.pages = append(doc.pages, texts)
	}
	return nil
}

// readFont reads font object n: for a Type0 font, its ToUnicode CMap, its descendant's
// CIDToGIDMap and the embedded TrueType program.
func (doc *pdfDoc) readFont(n int) (*pdfFont, error) {
	dict := doc.objects[n].dict
	m := regexp.MustCompile(`/BaseFont /(\S+)`).FindStringSubmatch(dict)
	if m == nil {
		return nil, fmt.Errorf("font %d has no /BaseFont", n)
	}
	f := &pdfFont{baseFont: m[1]}
	if !strings.Contains(dict, "/Subtype /Type0") {
		return f, nil // a simple font: one byte a character, read as Latin-1 below
	}
	if !strings.Contains(dict, "/Encoding /Identity-H") {
		return nil, fmt.Errorf("font %s: an encoding other than Identity-H", f.baseFont)
	}
	f.composite = true
	cmap, err := doc.ref(dict, "ToUnicode")
	if err != nil {
		return nil, err
	}
	if f.toUnicode, err = parseToUnicode(string(cmap.stream)); err != nil {
		return nil, fmt.Errorf("font %s: %v", f.baseFont, err)
	}
	dm := regexp.MustCompile(`/DescendantFonts \[(\d+) 0 R\]`).FindStringSubmatch(dict)
	if dm == nil {
		return nil, fmt.Errorf("font %s has no descendant", f.baseFont)
	}
	dn, _ := strconv.Atoi(dm[1])
	cid := doc.objects[dn].dict
	gidMap, err := doc.ref(cid, "CIDToGIDMap")
	if err != nil {
		return nil, err
	}
	if len(gidMap.stream)%2 != 0 {
		return nil, fmt.Errorf("font %s: CIDToGIDMap of odd length", f.baseFont)
	}
	for i := 0; i < len(gidMap.stream); i += 2 {
		f.cidToGID = append(f.cidToGID, uint16(gidMap.stream[i])<<8|uint16(gidMap.stream[i+1]))
	}
	desc, err := doc.ref(cid, "FontDescriptor")
	if err != nil {
		return nil, err
	}
	file, err := doc.ref(desc.dict, "FontFile2")
	if err != nil {
		return nil, err
	}
	if f.program, err = sfnt.Parse(file.stream); err != nil {
		return nil, fmt.Errorf("font %s: the embedded program: %v", f.baseFont, err)
	}
	orig, ok := originals[f.baseFont]
	if !ok {
		return nil, fmt.Errorf("font %s: not one of the faces this package embeds", f.baseFont)
	}
	if f.original, err = sfnt.Parse(orig); err != nil {
		return nil, err
	}
	return f, nil
}

// parseToUnicode reads the bfchar and bfrange sections of a ToUnicode CMap (two-byte codes
// to one BMP character each, which is all this package writes).
func parseToUnicode(cmap string) (map[uint16]rune, error) {
	out := map[uint16]rune{}
	hex := func(s string) (uint16, error) {
		v, err := strconv.ParseUint(strings.Trim(s, "<>"), 16, 16)
		return uint16(v), err
	}
	sections := regexp.MustCompile(`(?s)begin(bfchar|bfrange)(.*?)end(bfchar|bfrange)`).FindAllStringSubmatch(cmap, -1)
	if len(sections) == 0 {
		return nil, errors.New("a ToUnicode CMap without bfchar or bfrange")
	}
	for _, sec := range sections {
		for _, line := range strings.Split(strings.TrimSpace(sec[2]), "\n") {
			f := strings.Fields(line)
			switch {
			case sec[1] == "bfchar" && len(f) == 2:
				c, err1 := hex(f[0])
				u, err2 := hex(f[1])
				if err := errors.Join(err1, err2); err != nil {
					return nil, err
				}
				out[c] = rune(u)
			case sec[1] == "bfrange" && len(f) == 3:
				lo, err1 := hex(f[0])
				hi, err2 := hex(f[1])
				u, err3 := hex(f[2])
				if err := errors.Join(err1, err2, err3); err != nil {
					return nil, err
				}
				for c := uint32(lo); c <= uint32(hi); c++ {
					out[uint16(c)] = rune(uint32(u) + c - uint32(lo))
				}
			default:
				return nil, fmt.Errorf("CMap line %q: %w", line, errUnknown)
			}
		}
	}
	return out, nil
}

// showText runs a content stream's text operators and returns the strings it shows.
func showText(content []byte, fonts map[string]*pdfFont) ([]shown, error) {
	var out []shown
	var stack []any // operands: string ([]byte), name (string "/X"), number (float64), array ([]any)
	var font *pdfFont
	toks := &tokenizer{data: content}
	for {
		tok, err := toks.next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		op, isOp := tok.(operator)
		if !isOp {
			stack = append(stack, tok)
			continue
		}
		switch op {
		case "Tf":
			if len(stack) < 2 {
				return nil, errors.New("Tf without operands")
			}
			name, _ := stack[len(stack)-2].(string)
			if font = fonts[strings.TrimPrefix(name, "/")]; font == nil {
				return nil, fmt.Errorf("Tf names font %q that the page does not have", name)
			}
		case "Tj", "TJ":
			if font == nil {
				return nil, fmt.Errorf("%s before Tf", op)
			}
			if len(stack) == 0 {
				return nil, fmt.Errorf("%s without operand", op)
			}
			var raw []byte
			switch v := stack[len(stack)-1].(type) {
			case []byte:
				raw = v
			case []any:
				for _, e := range v {
					if s, ok := e.([]byte); ok {
						raw = append(raw, s...)
					}
				}
			default:
				return nil, fmt.Errorf("%s of %T", op, v)
			}
			s, err := font.decode(raw)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		stack = stack[:0]
	}
}

// decode turns the bytes a Tj shows into text: for a composite font through its ToUnicode
// CMap, two bytes a code; for a simple font as Latin-1.
func (f *pdfFont) decode(raw []byte) (shown, error) {
	s := shown{font: f}
	if !f.composite {
		var b strings.Builder
		for _, c := range raw {
			b.WriteRune(rune(c))
		}
		s.text = b.String()
		return s, nil
	}
	if len(raw)%2 != 0 {
		return s, errors.New("a composite font's string of odd length")
	}
	var units []uint16
	for i := 0; i < len(raw); i += 2 {
		cid := uint16(raw[i])<<8 | uint16(raw[i+1])
		u, ok := f.toUnicode[cid]
		if !ok {
			return s, fmt.Errorf("CID %04X has no ToUnicode entry", cid)
		}
		s.cids = append(s.cids, cid)
		units = append(units, uint16(u))
	}
	s.text = string(utf16.Decode(units))
	return s, nil
}

// checkGlyphs proves that every character the document shows is drawn by the right glyph:
// its CID maps (CIDToGIDMap) to a glyph of the embedded subset whose outline is the one
// the original DejaVu face has for that character. Spaces may have empty outlines; no
// other character may.
func (doc *pdfDoc) checkGlyphs() error {
	var sub, orig sfnt.Buffer
	const ppem = fixed.Int26_6(1000 << 6)
	for _, page := range doc.pages {
		for _, s := range page {
			if !s.font.composite {
				return fmt.Errorf("%q is set in %s, not in the embedded font", s.text, s.font.baseFont)
			}
			for _, cid := range s.cids {
				r := s.font.toUnicode[cid]
				if int(cid) >= len(s.font.cidToGID) {
					return fmt.Errorf("%q: CID %04X beyond the CIDToGIDMap", r, cid)
				}
				gid := sfnt.GlyphIndex(s.font.cidToGID[cid])
				og, err := s.font.original.GlyphIndex(&orig, r)
				if err != nil || og == 0 {
					return fmt.Errorf("%q: DejaVu has no glyph for it", r)
				}
				if gid == 0 {
					return fmt.Errorf("%q (CID %04X) maps to no glyph in %s", r, cid, s.font.baseFont)
				}
				got, err := s.font.program.LoadGlyph(&sub, gid, ppem, nil)
				if err != nil {
					return fmt.Errorf("%q: glyph %d of the subset: %v", r, gid, err)
				}
				got = slices.Clone(got)
				want, err := s.font.original.LoadGlyph(&orig, og, ppem, nil)
				if err != nil {
					return err
				}
				if !slices.Equal(got, want) {
					return fmt.Errorf("%q (CID %04X) is drawn by glyph %d of the subset, whose outline is not DejaVu's %q", r, cid, gid, r)
				}
				if len(got) == 0 && r != ' ' && r != '\u00a0' {
					return fmt.Errorf("%q has an empty outline", r)
				}
			}
		}
	}
	return nil
}

// texts returns the strings shown on page i (0-based).
func (doc *pdfDoc) texts(i int) []string {
	var out []string
	for _, s := range doc.pages[i] {
		out = append(out, s.text)
	}
	return out
}

// allTexts returns every string shown, page after page.
func (doc *pdfDoc) allTexts() []string {
	var out []string
	for i := range doc.pages {
		out = append(out, doc.texts(i)...)
	}
	return out
}

// operator is a content-stream operator (Tj, BT, re, ...).
type operator string

// tokenizer splits a content stream into operands and operators.
type tokenizer struct {
	data []byte
	pos  int
}

func (t *tokenizer) next() (any, error) {
	d := t.data
	for t.pos < len(d) && isPDFSpace(d[t.pos]) {
		t.pos++
	}
	if t.pos >= len(d) {
		return nil, io.EOF
	}
	switch c := d[t.pos]; {
	case c == '(':
		return t.literal()
	case c == '<':
		end := bytes.IndexByte(d[t.pos:], '>')
		if end < 0 {
			return nil, errors.New("unterminated hex string")
		}
		h := strings.Join(strings.Fields(string(d[t.pos+1:t.pos+end])), "")
		t.pos += end + 1
		if len(h)%2 != 0 {
			h += "0"
		}
		b := make([]byte, len(h)/2)
		for i := range b {
			v, err := strconv.ParseUint(h[2*i:2*i+2], 16, 8)
			if err != nil {
				return nil, err
			}
			b[i] = byte(v)
		}
		return b, nil
	case c == '[':
		t.pos++
		var arr []any
		for {
			for t.pos < len(d) && isPDFSpace(d[t.pos]) {
				t.pos++
			}
			if t.pos < len(d) && d[t.pos] == ']' {
				t.pos++
				return arr, nil
			}
			v, err := t.next()
			if err != nil {
				return nil, fmt.Errorf("in an array: %v", err)
			}
			arr = append(arr, v)
		}
	case c == '/':
		start := t.pos
		t.pos++
		for t.pos < len(d) && !isPDFSpace(d[t.pos]) && !strings.ContainsRune("/[]()<>", rune(d[t.pos])) {
			t.pos++
		}
		return string(d[start:t.pos]), nil
	default:
		start := t.pos
		for t.pos < len(d) && !isPDFSpace(d[t.pos]) && !strings.ContainsRune("/[]()<>", rune(d[t.pos])) {
			t.pos++
		}
		if t.pos == start {
			return nil, fmt.Errorf("unexpected %q at %d", c, t.pos)
		}
		w := string(d[start:t.pos])
		if v, err := strconv.ParseFloat(w, 64); err == nil {
			return v, nil
		}
		return operator(w), nil
	}
}

// literal reads a (string) with its escapes and balanced parentheses.
func (t *tokenizer) literal() ([]byte, error) {
	d := t.data
	t.pos++ // (
	var out []byte
	depth := 0
	for t.pos < len(d) {
		c := d[t.pos]
		t.pos++
		switch c {
		case '\\':
			if t.pos >= len(d) {
				return nil, errors.New("string ends in a backslash")
			}
			e := d[t.pos]
			t.pos++
			switch e {
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case '\n':
			case '0', '1', '2', '3', '4', '5', '6', '7':
				v := int(e - '0')
				for k := 0; k < 2 && t.pos < len(d) && d[t.pos] >= '0' && d[t.pos] <= '7'; k++ {
					v = v*8 + int(d[t.pos]-'0')
					t.pos++
				}
				out = append(out, byte(v))
			default:
				out = append(out, e)
			}
		case '(':
			depth++
			out = append(out, c)
		case ')':
			if depth == 0 {
				return out, nil
			}
			depth--
			out = append(out, c)
		default:
			out = append(out, c)
		}
	}
	return nil, errors.New("unterminated string")
}

func isPDFSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}
