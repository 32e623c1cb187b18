// Package igcheck is the bridge to moov-io/x12 behind the command's --ig
// flag. It is kept out of the library so that importing scrub does not pull
// moov-io/x12 in.
package igcheck

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/moov-io/x12/pkg/file"
	moov837p "github.com/moov-io/x12/rule_5010_837p"

	"github.com/scrub837/scrub837/claim"
	"github.com/scrub837/scrub837/finding"
	"github.com/scrub837/scrub837/rules"
)

// New returns a check, for scrub.Engine.Extra, that re-envelopes each claim
// with normalised delimiters (moov-io/x12 hard-codes * and ~ and wants no
// newlines) and asks moov-io/x12's 005010X222A1 rules whether it parses and
// validates. The claim travels with its transaction header and its HL
// chain, renumbered, so moov-io/x12 sees a one-claim transaction. Failures
// are IG-STRUCTURE findings with the catalog's severity.
func New(cat *rules.Catalog) func(m *claim.Model, ci int, out []finding.Finding) []finding.Finding {
	return func(m *claim.Model, ci int, out []finding.Finding) []finding.Finding {
		return append(out, check(cat, m, ci)...)
	}
}

func check(cat *rules.Catalog, m *claim.Model, ci int) []finding.Finding {
	c := &m.Claims[ci]
	raw := igTransaction(m, ci)
	ic := file.NewInterchange(&moov837p.InterchangeRule)
	msg := ""
	func() {
		defer func() {
			if r := recover(); r != nil {
				msg = fmt.Sprintf("moov-io/x12 panicked: %v", r)
			}
		}()
		if _, err := ic.Parse(raw, ":"); err != nil {
			msg = "moov-io/x12 could not parse the claim: " + err.Error()
		} else if err := ic.Validate(nil); err != nil {
			msg = "moov-io/x12 005010X222A1 validation: " + err.Error()
		} else if len(ic.FunctionalGroups) == 0 {
			msg = "moov-io/x12 read no functional group from the claim"
		}
	}()
	if msg == "" {
		return nil
	}
	if why := moovLimits(m, c); why != "" {
		msg += " (moov-io/x12 v0.1.0 cannot read " + why + ", which this claim uses: likely not a fault of the claim)"
	}
	r, ok := cat.Rule("IG-STRUCTURE")
	if !ok || r.Severity == finding.SeverityOff {
		return nil
	}
	return []finding.Finding{{Rule: "IG-STRUCTURE", Severity: r.Severity, Line: -1, Seg: c.Seg, Message: msg,
		Hint: "compare the claim with the 005010X222A1 implementation guide", STC01: r.STC01, STC10: r.STC10}}
}

// igTransaction writes claim ci as a whole interchange in * : ~ delimiters.
func igTransaction(m *claim.Model, ci int) string {
	tx := m.Tx
	d := tx.Interchange.Delims
	norm := func(b []byte) []byte {
		out := make([]byte, len(b))
		for i, ch := range b {
			switch ch {
			case d.Element:
				ch = '*'
			case d.Component:
				ch = ':'
			case '*', ':', '~':
				ch = ' ' // a normalised delimiter inside data would split it
			}
			out[i] = ch
		}
		return out
	}
	var body bytes.Buffer
	n := 0
	add := func(b []byte) { body.Write(norm(b)); body.WriteByte('~'); n++ }
	for i := 0; i < m.HeaderEnd && i < len(tx.Segs); i++ {
		add(tx.Content(i))
	}
	var chain []int
	for h := range m.Ancestors(m.Claims[ci].HL) {
		if len(chain) == 3 {
			break
		}
		chain = append([]int{h}, chain...)
	}
	for k, h := range chain {
		hl := m.HLs[h]
		parent := ""
		if k > 0 {
			parent = fmt.Sprint(k)
		}
		child := "0"
		if k < len(chain)-1 {
			child = "1"
		}
		add([]byte(fmt.Sprintf("HL*%d*%s*%s*%s", k+1, parent, hl.Level, child)))
		for i := hl.Seg + 1; i < hl.OwnEnd; i++ {
			add(tx.Content(i))
		}
	}
	c := &m.Claims[ci]
	for i := c.Seg; i < c.End; i++ {
		add(tx.Content(i))
	}
	ic := tx.Interchange
	var out strings.Builder
	fmt.Fprintf(&out, "ISA*00*          *00*          *%-2s*%-15s*%-2s*%-15s*%-6s*%-4s*^*00501*%09d*0*%s*:~",
		pad(ic.SenderQual, 2), pad(ic.SenderID, 15), pad(ic.ReceiverQual, 2), pad(ic.ReceiverID, 15), pad(ic.Date, 6), pad(ic.Time, 4), 1, pad(ic.Usage, 1))
	g := tx.Group
	fmt.Fprintf(&out, "GS*HC*%s*%s*%s*%s*1*X*005010X222A1~", g.Sender, g.Receiver, g.Date, g.Time)
	out.Write(body.Bytes())
	fmt.Fprintf(&out, "SE*%d*%s~GE*1*1~IEA*1*000000001~", n+1, tx.ST02)
	return out.String()
}

func pad(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s + strings.Repeat(" ", n-len(s))
}

// moovLimits names the 005010X222A1 constructs a claim uses that
// moov-io/x12 v0.1.0's 837P rules do not know (edi's differential test
// finds them), so that an IG-STRUCTURE warning about them is not mistaken
// for a fault of the claim.
func moovLimits(m *claim.Model, c *claim.Claim) string {
	var parts []string
	if c.HL >= 0 && m.HLs[c.HL].Level == "23" {
		parts = append(parts, "a 2000C patient loop")
	}
	ref, note := false, false
	for i := range c.Lines {
		ref = ref || c.Lines[i].Ref6R != ""
		note = note || c.Lines[i].NTE >= 0
	}
	if ref {
		parts = append(parts, "REF*6R in 2400")
	}
	if note {
		parts = append(parts, "NTE in 2400")
	}
	return strings.Join(parts, ", ")
}
