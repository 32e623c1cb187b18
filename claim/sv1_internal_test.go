package claim

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scrub837/scrub837/edi"
)

// TestReadSV1Usual: wherever the reader of the usual SV1 shape accepts a
// segment, it reads exactly what the general reader does, and the general
// reader finds no problem there. Segments come from a grammar of SV1s, good
// and bad, and every prefix of each (a segment cut anywhere), so that every
// fixed place the usual reader looks at is also missing once.
func TestReadSV1Usual(t *testing.T) {
	pick := func(r *rand.Rand, xs ...string) string { return xs[r.Intn(len(xs))] }
	r := rand.New(rand.NewSource(9))
	accepted := 0
	for n := 0; n < 20000; n++ {
		comps := []string{pick(r, "HC", "HC", "ER", "XX", "H", ""), pick(r, "77002", "64415", "7700", "770021", "7700A", "")}
		for m := r.Intn(7); m > 0; m-- {
			comps = append(comps, pick(r, "26", "26", "51", "X", "XSS", "", "59"))
		}
		els := []string{"SV1", strings.Join(comps, ":"), pick(r, "95", "400", "115.66", "1.1234567", "-5", "", "0012", "1e3", "1234567890123"),
			pick(r, "UN", "UN", "MJ", "", "UNX", "U"), pick(r, "1", "1", "2", "10", "1.5", "", "a", "-1")}
		for m := r.Intn(4); m > 0; m-- {
			els = append(els, pick(r, "", "11", "2", "1"))
		}
		// The default delimiters, and separators that numbers and codes
		// also use: a point or a minus as the element separator, a point
		// as the component separator.
		d := []edi.Delimiters{edi.Default, {Element: '.', Component: ':', Segment: '~'}, {Element: '-', Component: ':', Segment: '~'},
			{Element: '*', Component: '.', Segment: '~'}}[n%4]
		seg := strings.NewReplacer("*", string(d.Element), ":", string(d.Component)).Replace(strings.Join(els, "*"))
		for cut := 1; cut <= len(seg); cut++ {
			c := []byte(seg[:cut])
			tx := &edi.Transaction{Interchange: &edi.Interchange{Delims: d}, Raw: c, Segs: []edi.Seg{{End: int32(len(c)), ID: edi.SegSV1}}}
			var general, usual Line
			general.SV1 = -1
			b := builder{m: &Model{Tx: tx}, tx: tx, sep: d.Element, comp: d.Component, cur: -1, generic: true, line: &general}
			b.sv1(0)
			if !readSV1Usual(c, &usual, d.Element, d.Component) {
				continue
			}
			accepted++
			usual.SV1 = general.SV1
			require.Empty(t, b.m.SegmentErrors, "%q: the usual reader accepted an SV1 with a problem", c)
			require.Equal(t, general, usual, "%q", c)
		}
	}
	require.Greater(t, accepted, 2000, "the grammar makes usual SV1s")
}

// A line's composite reads the same with any one-byte component
// separator, one of 0x80 or more included.
func TestLineComposite(t *testing.T) {
	for _, sep := range []byte{':', '>', 0xA7} {
		s := string([]byte{sep}) // the byte itself, not the UTF-8 encoding of the rune sep
		l := Line{SV101: "HC" + s + "77002" + s + s + "51" + s + s + "59" + s + "FLUORO GUIDE" + s + "EXTRA", compSep: sep}
		assert.Equal(t, "HC", l.Qualifier(), "%q", sep)
		var mods []string
		var comps []int
		for comp, m := range l.Mods() {
			comps, mods = append(comps, comp), append(mods, m)
		}
		assert.Equal(t, []string{"51", "59"}, mods, "%q", sep)
		assert.Equal(t, []int{4, 6}, comps, "%q", sep)
		assert.Equal(t, "FLUORO GUIDE", l.Description(), "%q", sep)
		short := Line{SV101: "HC" + s + "77002" + s + "26", compSep: sep}
		assert.Equal(t, "", short.Description())
		assert.Equal(t, []string{"26"}, short.Modifiers())
	}
}
