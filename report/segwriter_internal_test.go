package report

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/scrub837/scrub837/edi"
)

// TestSegWriter: values copied from the input never split an element or a
// segment, whatever the output's delimiters; statuses and composites take
// the output's component separator.
func TestSegWriter(t *testing.T) {
	cases := []struct {
		name               string
		d                  edi.Delimiters
		nl                 string
		seg, status, clean string
	}{
		{"star colon tilde", edi.Delimiters{Element: '*', Component: ':', Segment: '~', Repetition: '^'}, "\n",
			"REF*D9*A B C:D E F G~\n", "A8:736", "A*B~C:D^E F\rG"},
		{"star less-than tilde", edi.Delimiters{Element: '*', Component: '<', Segment: '~', Repetition: '^'}, "",
			"REF*D9*A B C:D E F G~", "A8<736", "A*B~C:D^E F\rG"},
		{"pipe, newline terminator, no repetition", edi.Delimiters{Element: '|', Component: '>', Segment: '\n'}, "",
			"REF|D9|A*B~C:D^E F G\n", "A8>736", "A*B~C:D^E F\rG"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newSegWriter(nil, c.d, c.nl)
			w.seg("REF", "D9", "A*B~C:D^E F\rG", "", "")
			assert.Equal(t, c.seg, string(w.Bytes()), "trailing empty elements dropped, splitting bytes made spaces")
			assert.Equal(t, 1, w.n)
			assert.Equal(t, c.status, w.status("A8:736"))
			cleaned := w.clean(c.clean)
			for _, b := range []byte{c.d.Element, c.d.Segment, c.d.Component, '\r', '\n'} {
				assert.NotContains(t, cleaned, string(b))
			}
			if c.d.Repetition != 0 {
				assert.NotContains(t, cleaned, string(c.d.Repetition))
			}
			assert.Len(t, cleaned, len(c.clean), "one space for each byte")
			w.Reset()
			assert.Empty(t, w.Bytes())
		})
	}
}
