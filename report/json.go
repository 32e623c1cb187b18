package report

import (
	"encoding/binary"
	"io"
	"strconv"
	"unicode/utf8"
	"unsafe"

	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/finding"
	"github.com/scrub837/scrub837/internal/mem"
)

// JSONPrinter writes newline-delimited JSON: exactly one object per claim
// read, in input order, and nothing else. Objects are appended by
// hand: no reflection on the hot path.
type JSONPrinter struct {
	W       io.Writer
	Objects int // claims written, for the conservation check
}

// Render writes one line per claim of the transaction.
func (p *JSONPrinter) Render(b []byte, res *finding.Result) []byte {
	tx, m := res.Tx, res.Model
	shared, sharedEnd := -1, -1 // the transaction and file members, as the first claim has them in b
	var refBuf [16]byte
	ref := refBuf[:0] // a finding's element reference ("SV101-2"), before escaping
	pos := newPositions(tx)
	for ci := range res.Claims {
		c := &m.Claims[ci]
		cr := &res.Claims[ci]
		if len(cr.Findings) > 0 {
			pos.claim(tx, c.Seg)
		}
		b = mem.Room(b, 4<<10) // grown by doubling (see mem.Room)
		b = append(b, `{"claim":`...)
		b = appendJSONString(b, c.ID)
		b = append(b, `,"status":`...)
		if cr.Rejected {
			b = append(b, `"rejected"`...)
		} else {
			b = append(b, `"accepted"`...)
		}
		if shared < 0 {
			shared = len(b)
			b = append(b, `,"transaction":`...)
			b = appendJSONString(b, tx.ST02)
			b = append(b, `,"file":`...)
			b = appendJSONString(b, tx.Interchange.File)
			sharedEnd = len(b)
		} else {
			b = append(b, b[shared:sharedEnd]...) // the same for every claim: escaped once
		}
		b = append(b, `,"charge":`...)
		b = appendJSONString(b, c.ChargeRaw)
		b = append(b, `,"lines":`...)
		b = strconv.AppendInt(b, int64(len(c.Lines)), 10)
		b = append(b, `,"findings":[`...)
		for fi := range cr.Findings {
			f := &cr.Findings[fi]
			if fi > 0 {
				b = append(b, ',')
			}
			seg := f.Seg
			if seg < 0 || seg >= len(tx.Segs) {
				seg = c.Seg
			}
			b = append(b, `{"rule":`...)
			b = appendJSONString(b, f.Rule)
			b = append(b, `,"severity":"`...)
			b = append(b, f.Severity.String()...)
			b = append(b, `","line":`...)
			b = strconv.AppendInt(b, int64(lineNumber(c.LineLX(f.Line))), 10)
			b = append(b, `,"message":`...)
			b = appendJSONString(b, f.Message)
			b = append(b, `,"segment":`...)
			b = strconv.AppendInt(b, int64(seg+1), 10)
			b = append(b, `,"offset":`...)
			b = strconv.AppendInt(b, tx.SegOffset(seg), 10)
			line, col := pos.at(tx.ElementAt(seg, f.Elem, f.Comp))
			b = append(b, `,"file_line":`...)
			b = strconv.AppendInt(b, int64(line), 10)
			b = append(b, `,"column":`...)
			b = strconv.AppendInt(b, int64(col), 10)
			if f.Elem > 0 {
				b = append(b, `,"element":`...)
				ref = appendElementRef(ref[:0], tx.SegIDBytes(seg), f.Elem, f.Comp)
				b = appendJSONString(b, mem.String(ref))
			}
			if f.Hint != "" {
				b = append(b, `,"hint":`...)
				b = appendJSONString(b, f.Hint)
			}
			b = append(b, '}')
		}
		b = append(b, "]}\n"...)
	}
	return b
}

// lineNumber reads LX01 for the "line" member: 0 for a claim-level
// finding ("") or anything strconv.Atoi cannot read.
func lineNumber(lx string) int {
	if lx == "" {
		return 0 // strconv.Atoi would allocate its error
	}
	n, _ := strconv.Atoi(lx)
	return n
}

// Write writes the rendered lines.
func (p *JSONPrinter) Write(it *edi.Item, res *finding.Result, rendered []byte) error {
	if res == nil {
		return nil
	}
	p.Objects += len(res.Claims)
	return writeAll(p.W, rendered)
}

// Close writes nothing: the stream is one object per claim.
func (p *JSONPrinter) Close(*finding.Summary) error { return nil }

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		// Copy the run of plain ASCII in one append: nearly every value is
		// a code, a number or a message with nothing to escape.
		j := plainRun(s, i)
		if j > i {
			b = append(b, s[i:j]...)
			i = j
			continue
		}
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// plainRun returns the end of the run of jsonPlain bytes from s[i]: eight
// bytes at a time while no byte is below 0x20, a quote, a backslash or
// non-ASCII (findings' messages are long runs of plain text), then byte by
// byte.
func plainRun(s string, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; i+8 <= len(s); i += 8 {
		x := binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s[i:]), 8))
		q, bs := x^(ones*'"'), x^(ones*'\\')
		// A lane's high bit: below 0x20 (or from 0xA0), a quote, a
		// backslash; x's own: non-ASCII. Borrows only mark lanes above a
		// marked one, and a marked word is read byte by byte.
		special := (x - ones*0x20) | (q-ones)&^q | (bs-ones)&^bs | x
		if special&highs != 0 {
			break
		}
	}
	for i < len(s) && jsonPlain[s[i]] {
		i++
	}
	return i
}

// jsonPlain marks the bytes a JSON string holds as they are: printable
// ASCII other than the quote and the backslash.
var jsonPlain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return
}()

// Written reports the objects written against the claims read.
func (p *JSONPrinter) Written(sum *finding.Summary) (wrote, want int, what string) {
	return p.Objects, sum.Claims, "JSON output"
}
