package report_test

import (
	"bytes"
	"fmt"
	"math/rand"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/finding"
	"github.com/scrub837/scrub837/internal/build"
	"github.com/scrub837/scrub837/report"
	"github.com/scrub837/scrub837/rules"
	"github.com/scrub837/scrub837/scrub"
)

// referenceAnnotated is the annotated writer as it was first written, with
// strings and a map: notes are built whole, placed by segment, and the
// transaction copied segment by segment. The writer builds them in place
// now; TestAnnotatedAgreesWithReference holds it to this.
type referenceAnnotated struct{ out bytes.Buffer }

func refFit(s string, d edi.Delimiters) string {
	b := []byte(strings.ToUpper(s))
	for i, c := range b {
		if c == d.Element || c == d.Component || c == d.Segment || (d.Repetition != 0 && c == d.Repetition) || c < 0x20 || c >= 0x7F {
			b[i] = ' '
		}
	}
	s = strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 80 {
		cut := strings.LastIndexByte(s[:81], ' ')
		if cut < 40 {
			cut = 80
		}
		s = strings.TrimRight(s[:cut], " ")
	}
	return s
}

func refNoteText(prefix string, fs []finding.Finding, line int, d edi.Delimiters) string {
	var ids []string
	msg := ""
	for _, f := range fs {
		if f.Severity != finding.SeverityError || f.Line != line {
			continue
		}
		dup := false
		for _, id := range ids {
			dup = dup || id == f.Rule
		}
		if !dup {
			ids = append(ids, f.Rule)
		}
		if msg == "" {
			msg = f.Message
		}
	}
	if len(ids) == 0 {
		return ""
	}
	return refFit(prefix+strings.Join(ids, ",")+" - "+msg, d)
}

func (p *referenceAnnotated) Render(buf []byte, res *finding.Result) []byte {
	tx := res.Tx
	d := tx.Interchange.Delims
	at := map[int][]string{}
	if tx.HasSE {
		for ci := range res.Claims {
			cr := &res.Claims[ci]
			if !cr.Rejected {
				continue
			}
			c := &res.Model.Claims[ci]
			var claimNote []string
			for li := range c.Lines {
				l := &c.Lines[li]
				if l.NTE < 0 {
					if t := refNoteText("", cr.Findings, li, d); t != "" {
						at[l.NoteAt] = append(at[l.NoteAt], t)
					}
					continue
				}
				if t := refNoteText("LX "+l.LX+" ", cr.Findings, li, d); t != "" {
					claimNote = append(claimNote, t)
				}
			}
			if len(claimNote) > 0 && c.NTE < 0 {
				at[c.NoteAt] = append(at[c.NoteAt], refFit(strings.Join(claimNote, "; "), d))
			}
		}
	}
	inserted := 0
	for i, ns := range at {
		if i < len(tx.Segs) {
			inserted += len(ns)
		}
	}
	if inserted == 0 {
		return append(buf, tx.Raw...)
	}
	b := buf
	for i := range tx.Segs {
		s := tx.Segs[i]
		lead := tx.Raw[tx.Lead(i):s.Start]
		for _, n := range at[i] {
			b = append(b, lead...)
			b = append(b, "NTE"+string([]byte{d.Element})+"ADD"+string([]byte{d.Element})+n...)
			b = append(b, d.Segment)
		}
		if s.ID == edi.SegSE {
			var els [4][]byte
			e := edi.SplitElements(els[:0], tx.Content(i), d.Element)
			b = append(b, lead...)
			b = append(b, "SE"...)
			b = append(b, d.Element)
			b = strconv.AppendInt(b, int64(len(tx.Segs)+inserted), 10)
			for _, rest := range e[min(2, len(e)):] {
				b = append(b, d.Element)
				b = append(b, rest...)
			}
			b = append(b, tx.Raw[s.End:tx.Stop(i)]...)
			continue
		}
		b = append(b, tx.Span(i)...)
	}
	return b
}

func (p *referenceAnnotated) Write(it *edi.Item, res *finding.Result, rendered []byte) error {
	if it.Kind == edi.ItemTransaction {
		p.out.Write(rendered)
		return nil
	}
	p.out.Write(it.Raw)
	return nil
}

func (p *referenceAnnotated) Close(*finding.Summary) error { return nil }

// The annotated writer gives what its first, string-built version gave,
// on claims that mix failing lines with and without notes of their own,
// in every order, with long and lower-case notes, in two delimiter sets.
func TestAnnotatedAgreesWithReference(t *testing.T) {
	codes := []string{"77002", "77002", "20610", "64415", "99213", "62273", "36561", "27093"}
	notes := []string{"", "", "PATIENT ANXIOUS", "see chart; recheck", strings.Repeat("LONG NOTE ", 12)}
	rng := rand.New(rand.NewSource(11))
	for _, delims := range []edi.Delimiters{{}, {Element: '|', Component: '>', Segment: '~', Repetition: '^'}} {
		var claims []build.Claim
		for ci := range 400 {
			c := build.Claim{ID: fmt.Sprintf("C%d", ci), POS: []string{"11", "22"}[rng.Intn(2)]}
			for range 1 + rng.Intn(5) {
				l := build.Line{Code: codes[rng.Intn(len(codes))], Note: notes[rng.Intn(len(notes))]}
				if rng.Intn(3) == 0 {
					l.Mods = []string{[]string{"26", "51", "59", "50"}[rng.Intn(4)]}
				}
				c.Lines = append(c.Lines, l)
			}
			claims = append(claims, c)
		}
		in := build.File(build.Options{Delims: delims, Newline: "\n", Transactions: [][]build.Claim{claims[:150], claims[150:]}})
		got, ref := &bytes.Buffer{}, &referenceAnnotated{}
		for _, p := range []scrub.Printer{&report.AnnotatedPrinter{W: got}, ref} {
			var sum finding.Summary
			require.NoError(t, scrub.Run("in", bytes.NewReader(in), scrub.Options{Engine: scrub.New(rules.Default()), Printers: []scrub.Printer{p}}, &sum))
			require.Greater(t, sum.Rejected, 50)
		}
		sep := delims.Element
		if sep == 0 {
			sep = '*'
		}
		require.Greater(t, bytes.Count(ref.out.Bytes(), []byte("ADD"+string([]byte{sep})+"LX ")), 10, "claim notes made of lines' notes")
		if g, w := got.Bytes(), ref.out.Bytes(); !bytes.Equal(g, w) {
			n := 0
			for n < len(g) && n < len(w) && g[n] == w[n] {
				n++
			}
			from := max(0, bytes.LastIndexByte(w[:n], '\n')-300)
			t.Fatalf("annotated output differs from the reference at byte %d:\n got …%s\nwant …%s", n, g[from:min(len(g), n+200)], w[from:min(len(w), n+200)])
		}
	}
}
