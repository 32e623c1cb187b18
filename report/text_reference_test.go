package report_test

import (
	"bytes"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/finding"
	"github.com/scrub837/scrub837/internal/build"
	"github.com/scrub837/scrub837/report"
	"github.com/scrub837/scrub837/rules"
	"github.com/scrub837/scrub837/scrub"
)

// referenceText is the text report as it was first written, with fmt and
// string building; TestTextAgreesWithReference holds the writer, which
// appends in place now, to it.
type referenceText struct {
	out   bytes.Buffer
	color bool
	in    []byte // the whole input, for lines and columns
}

func (p *referenceText) paint(code, s string) string {
	if !p.color {
		return s
	}
	return code + s + "\x1b[0m"
}

// refQuote quotes a segment for the reference report. The column of the
// element at fault is counted from a split into elements and components,
// not by the writer's scan: the reference is meant to reach it another way.
func refQuote(content []byte, d edi.Delimiters, elem, comp int) (string, int, int) {
	els := bytes.Split(content, []byte{d.Element})
	switch string(els[0]) {
	case "NM1", "N3", "N4", "DMG", "PER", "PAT", "REF", "SBR":
		return string(els[0]) + string([]byte{d.Element}) + "… (not shown: may hold protected health information)", 0, refAt(content, d, elem, comp)
	}
	col := 0
	if elem > 0 {
		pos := len(content) // a missing element: past the end
		if elem < len(els) {
			pos = len(bytes.Join(els[:elem], []byte{d.Element})) + 1
			comps := bytes.Split(els[elem], []byte{d.Component})
			for k := 1; k < comp && k < len(comps); k++ {
				pos += len(comps[k-1]) + 1
			}
		}
		col = utf8.RuneCount(content[:pos])
	}
	return string(content) + string([]byte{d.Segment}), col, refAt(content, d, elem, comp)
}

// refAt is the byte offset in content of the element at fault.
func refAt(content []byte, d edi.Delimiters, elem, comp int) int {
	els := bytes.Split(content, []byte{d.Element})
	if elem == 0 {
		return 0
	}
	if elem >= len(els) {
		return len(content)
	}
	pos := len(bytes.Join(els[:elem], []byte{d.Element})) + 1
	comps := bytes.Split(els[elem], []byte{d.Component})
	for k := 1; k < comp && k < len(comps); k++ {
		pos += len(comps[k-1]) + 1
	}
	return pos
}

func (p *referenceText) Render(buf []byte, res *finding.Result) []byte {
	tx := res.Tx
	b := bytes.NewBuffer(buf)
	for ci := range res.Claims {
		c := &res.Model.Claims[ci]
		for fi := range res.Claims[ci].Findings {
			f := &res.Claims[ci].Findings[fi]
			seg := f.Seg
			if seg < 0 || seg >= len(tx.Segs) {
				seg = c.Seg
			}
			off := tx.SegOffset(seg) + int64(refAt(tx.Content(seg), tx.Interchange.Delims, f.Elem, f.Comp))
			line := bytes.Count(p.in[:off], []byte{'\n'}) + 1
			col := int(off) - bytes.LastIndexByte(p.in[:off], '\n')
			where := fmt.Sprintf("%s:%d:%d", tx.Interchange.File, line, col)
			who := "claim " + c.ID
			if lx := c.LineLX(f.Line); lx != "" {
				who += " line " + lx
			}
			sev := p.paint("\x1b[1;33m", "warning")
			if f.Severity == finding.SeverityError {
				sev = p.paint("\x1b[1;31m", "error")
			}
			fmt.Fprintf(b, "%s: %s: %s %s: %s\n", p.paint("\x1b[1m", where), who, p.paint("\x1b[1m", f.Rule), sev, f.Message)
			if tx.Segs[seg].ID != edi.SegTruncated {
				quoted, col, _ := refQuote(tx.Content(seg), tx.Interchange.Delims, f.Elem, f.Comp)
				b.WriteString("    " + quoted + "\n")
				if f.Elem > 0 {
					b.WriteString("    " + strings.Repeat(" ", col) + p.paint("\x1b[1m", "^ "+report.ElementRef(string(tx.SegIDBytes(seg)), f.Elem, f.Comp)) + "\n")
				}
			}
			if f.Hint != "" {
				b.WriteString("    " + p.paint("\x1b[2m", "fix: "+f.Hint) + "\n")
			}
		}
	}
	return b.Bytes()
}

func (p *referenceText) Write(it *edi.Item, res *finding.Result, rendered []byte) error {
	if it.Tx != nil {
		p.out.Write(rendered)
	}
	return nil
}

func (p *referenceText) Close(*finding.Summary) error { return nil }

// The text report gives, finding by finding, what its first, fmt-built
// version gave, with and without color, on random claims with failing and
// malformed lines (numbers that are not numbers, unknown qualifiers,
// components past the code, non-ASCII codes: the caret counts runes) and
// warnings.
func TestTextAgreesWithReference(t *testing.T) {
	codes := []string{"77002", "77002", "20610", "64415", "99213", "62273", "36561", "27093", "77003"}
	raw := []string{"SV1*HC:77002:26*ABC*UN*1***1", "SV1*ZZ:77002*95*UN*1***1", "SV1*HC:77002:26:::::9*95*UN*x***1",
		"SV1*HC:éé002*95*UN*1***1", "SV1**95*UN*1", "SV1*HC:77002:26*95*MJ*1***1"}
	rng := rand.New(rand.NewSource(13))
	var claims []build.Claim
	for ci := range 600 {
		c := build.Claim{ID: fmt.Sprintf("C%d", ci), POS: []string{"11", "22", "24"}[rng.Intn(3)], Patient: rng.Intn(4) == 0}
		if rng.Intn(8) == 0 {
			c.Charge = "1" // CLAIM-BALANCE, at CLM02
		}
		for range 1 + rng.Intn(4) {
			l := build.Line{Code: codes[rng.Intn(len(codes))], Units: []string{"", "", "2", "1.5"}[rng.Intn(4)]}
			if rng.Intn(3) == 0 {
				l.Mods = []string{[]string{"26", "51", "59", "50", "TC"}[rng.Intn(5)]}
			}
			if rng.Intn(10) == 0 {
				l.RawSV1 = raw[rng.Intn(len(raw))]
			}
			c.Lines = append(c.Lines, l)
		}
		claims = append(claims, c)
	}
	in := build.File(build.Options{Newline: "\n", Transactions: [][]build.Claim{claims[:300], claims[300:]}})
	for _, color := range []bool{false, true} {
		got, ref := &bytes.Buffer{}, &referenceText{color: color, in: in}
		for _, p := range []scrub.Printer{&report.TextPrinter{W: got, Color: color}, ref} {
			var sum finding.Summary
			require.NoError(t, scrub.Run("batch.x12", bytes.NewReader(in), scrub.Options{Engine: scrub.New(rules.Default()), Printers: []scrub.Printer{p}}, &sum))
			require.Greater(t, sum.Rejected, 100)
		}
		for _, must := range []string{"warning", "X12-NUMERIC", "SV101-2", "SV104", "CLM02", "CLM05-1", "é"} {
			require.True(t, strings.Contains(ref.out.String(), must), "the batch exercises %q (color %v, %d bytes)", must, color, ref.out.Len())
		}
		if g, w := got.Bytes(), ref.out.Bytes(); !bytes.Equal(g, w) {
			n := 0
			for n < len(g) && n < len(w) && g[n] == w[n] {
				n++
			}
			from := max(0, bytes.LastIndexByte(w[:n], '\n')-200)
			t.Fatalf("color %v: text differs from the reference at byte %d:\n got …%q\nwant …%q", color, n, g[from:min(len(g), n+200)], w[from:min(len(w), n+200)])
		}
	}
}
