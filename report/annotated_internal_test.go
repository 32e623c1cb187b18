package report

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/scrub837/scrub837/edi"
)

// TestFitAgreesWithFitNote: the in-place note fitter gives what fitNote,
// its reference by Unicode's rules, gives, for texts of every kind: lower
// and upper case, delimiters, runs of white space and control bytes, DEL,
// non-ASCII letters (some upper-case to ASCII), invalid UTF-8, words longer
// than a note, texts around the 80-character cut.
func TestFitAgreesWithFitNote(t *testing.T) {
	parts := []string{"a", "Z", "m", "77002", "-", ",", " ", "  ", "\t", "\r\n", "\x00", "\x1f", "\x7f", "*", ":", "~", "^",
		"é", "ı", "ſ", "\xff", "\xc3", "FACILITY-NEEDS-26", "place of service", strings.Repeat("w", 45), strings.Repeat("x", 90), ";"}
	delims := []edi.Delimiters{
		{Element: '*', Component: ':', Segment: '~', Repetition: '^'},
		{Element: '|', Component: '>', Segment: '\n'},
		{Element: '!', Component: '^', Segment: '\'', Repetition: '{'},
	}
	rng := rand.New(rand.NewSource(5))
	cases := []string{"", " ", "a b", strings.Repeat("word ", 30), strings.Repeat("x", 81), strings.Repeat("ab ", 27) + "cd"}
	for range 20000 {
		var b strings.Builder
		for n := rng.Intn(40); n > 0; n-- {
			b.WriteString(parts[rng.Intn(len(parts))])
		}
		cases = append(cases, b.String())
	}
	for _, d := range delims {
		n := &notes{d: d}
		for _, s := range cases {
			prefix := "kept:" // fit works on the text after from
			got := n.fit([]byte(prefix+s), len(prefix))
			if !assert.Equal(t, prefix+fitNote(s, d), string(got), "%q with %q", s, string([]byte{d.Element, d.Component, d.Segment})) {
				return
			}
		}
	}
}
