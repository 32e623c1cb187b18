package report

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/scrub837/scrub837/claim"
	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/finding"
)

// HTMLPrinter writes one self-contained HTML page for a billing office: the
// day at a glance (claims, accepted, rejected, the charge at risk; charts by
// rule, by rendering provider and by date of service), each rejected claim
// with its lines and findings in place, the accepted claims with warnings,
// and the documentation of every rule that fired. No script, style sheet
// or image comes from outside the file; the page reads with scripts off
// (a small inline script adds search and sorting). It shows claim ids,
// codes, NPIs, dates of service and charges, never a name, member id,
// birth date or address.
type HTMLPrinter struct {
	W io.Writer
	// Explain returns a rule's documentation (rules.Explain), shown for
	// every rule that fired.
	Explain func(id string) (string, bool)
	// Now is the time the page says the batch was scrubbed.
	Now time.Time
	// MaxClaims caps the claims listed in each section (0: 2,000); the
	// counts and charts always cover every claim.
	MaxClaims int

	rejected, warned bytes.Buffer // one <tbody> per claim
	listedR, listedW int
	totalR, totalW   int
	byRule, byNPI    map[string]*tally
	byDOS            map[int]*tally
	warnings         map[string]int
	files            []string
	fired            []string
}

// tally is what a chart bar counts: rejected claims and their charges.
type tally struct {
	claims int
	charge claim.Decimal
}

// The parts of what Render returns: the claims' facts, then the rejected
// claims' rows, then the warned claims' rows, separated by NUL (which the
// escaped HTML never holds).
const htmlSep = 0

// Render formats one transaction's flagged claims: a line of facts per
// claim for the charts, and the rows of the page.
func (p *HTMLPrinter) Render(buf []byte, res *finding.Result) []byte {
	tx, m := res.Tx, res.Model
	var facts, rej, warn []byte
	facts = append(facts, "F\t"...)
	facts = append(facts, tx.Interchange.File...)
	facts = append(facts, '\n')
	for ci := range res.Claims {
		cr := &res.Claims[ci]
		if len(cr.Findings) == 0 {
			continue
		}
		c := &m.Claims[ci]
		lo, _ := c.ServiceDates()
		facts = append(facts, "C\t"...)
		facts = strconv.AppendBool(facts, cr.Rejected)
		facts = append(facts, '\t')
		facts = strconv.AppendInt(facts, int64(c.Charge), 10)
		facts = append(facts, '\t')
		facts = append(facts, cleanField(claimNPI(c))...)
		facts = append(facts, '\t')
		facts = strconv.AppendInt(facts, int64(lo), 10)
		for _, f := range cr.Findings {
			facts = append(facts, '\t')
			facts = append(facts, f.Severity.String()[0]) // e or w
			facts = append(facts, cleanField(f.Rule)...)
		}
		facts = append(facts, '\n')
		if cr.Rejected {
			rej = appendClaimRows(rej, tx, c, cr)
		} else {
			warn = appendClaimRows(warn, tx, c, cr)
		}
	}
	buf = append(buf, facts...)
	buf = append(buf, htmlSep)
	buf = append(buf, rej...)
	buf = append(buf, htmlSep)
	return append(buf, warn...)
}

// cleanField keeps a fact on its line and in its column.
func cleanField(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == htmlSep {
			return ' '
		}
		return r
	}, s)
}

// claimNPI is the rendering provider the charts count a claim under: the
// claim's 2310B, else its billing provider.
func claimNPI(c *claim.Claim) string {
	if c.RenderingNPI != "" {
		return c.RenderingNPI
	}
	return c.BillingNPI
}

// Write adds a transaction's facts to the run's counts and keeps its rows,
// up to MaxClaims per section.
func (p *HTMLPrinter) Write(_ *edi.Item, res *finding.Result, rendered []byte) error {
	if res == nil || rendered == nil {
		return nil
	}
	parts := bytes.SplitN(rendered, []byte{htmlSep}, 3)
	if len(parts) != 3 {
		return fmt.Errorf("html: a rendered transaction has %d parts", len(parts))
	}
	p.count(string(parts[0]))
	limit := p.MaxClaims
	if limit <= 0 {
		limit = 2000
	}
	p.listedR = keepRows(&p.rejected, parts[1], p.listedR, limit)
	p.listedW = keepRows(&p.warned, parts[2], p.listedW, limit)
	return nil
}

// keepRows appends the claims' <tbody> elements of rows to dst until limit
// claims are kept, and returns how many are.
func keepRows(dst *bytes.Buffer, rows []byte, kept, limit int) int {
	const open = "<tbody "
	for len(rows) > 0 && kept < limit {
		end := bytes.Index(rows[len(open):], []byte(open))
		if end < 0 {
			end = len(rows)
		} else {
			end += len(open)
		}
		dst.Write(rows[:end])
		rows = rows[end:]
		kept++
	}
	return kept
}

// count reads the facts lines Render wrote.
func (p *HTMLPrinter) count(facts string) {
	if p.byRule == nil {
		p.byRule, p.byNPI, p.byDOS, p.warnings = map[string]*tally{}, map[string]*tally{}, map[int]*tally{}, map[string]int{}
	}
	add := func(t *tally, charge claim.Decimal) {
		t.claims++
		t.charge += charge
	}
	for _, line := range strings.Split(strings.TrimSuffix(facts, "\n"), "\n") {
		f := strings.Split(line, "\t")
		switch f[0] {
		case "F":
			if !slices.Contains(p.files, f[1]) {
				p.files = append(p.files, f[1])
			}
		case "C":
			rejected := f[1] == "true"
			charge, _ := strconv.ParseInt(f[2], 10, 64)
			dos, _ := strconv.Atoi(f[4])
			seen := map[string]bool{}
			for _, r := range f[5:] {
				sev, id := r[0], r[1:]
				if !slices.Contains(p.fired, id) {
					p.fired = append(p.fired, id)
				}
				if sev == 'w' {
					p.warnings[id]++
					continue
				}
				if !seen[id] {
					seen[id] = true
					add(tallyOf(p.byRule, id), claim.Decimal(charge))
				}
			}
			if rejected {
				p.totalR++
				add(tallyOf(p.byNPI, f[3]), claim.Decimal(charge))
				t := p.byDOS[dos]
				if t == nil {
					t = &tally{}
					p.byDOS[dos] = t
				}
				add(t, claim.Decimal(charge))
			} else {
				p.totalW++
			}
		}
	}
}

func tallyOf(m map[string]*tally, k string) *tally {
	t := m[k]
	if t == nil {
		t = &tally{}
		m[k] = t
	}
	return t
}

// appendClaimRows appends one claim's <tbody>: a row for the claim, then a
// row holding its lines with each finding in place.
func appendClaimRows(b []byte, tx *edi.Transaction, c *claim.Claim, cr *finding.ClaimResult) []byte {
	lo, hi := c.ServiceDates()
	var rules []string
	for _, f := range cr.Findings {
		if !slices.Contains(rules, f.Rule) {
			rules = append(rules, f.Rule)
		}
	}
	search := []string{c.ID}
	for i := range c.Lines {
		search = append(search, c.Lines[i].Code)
	}
	search = append(search, rules...)
	b = fmt.Appendf(b, `<tbody class="claim" data-claim="%s" data-dos="%d" data-npi="%s" data-charge="%s" data-rules="%s" data-search="%s">`,
		attr(c.ID), lo, attr(claimNPI(c)), c.Charge.String(), attr(strings.Join(rules, " ")), attr(strings.ToLower(strings.Join(search, " "))))
	b = fmt.Appendf(b, `<tr class="head"><td class="id">%s</td><td>%s</td><td>%s</td><td class="num">%s</td><td>`,
		text(c.ID), dates(lo, hi), text(or(claimNPI(c), "—")), money(c.Charge))
	for i, r := range rules {
		if i > 0 {
			b = append(b, ' ')
		}
		b = fmt.Appendf(b, `<a class="rule %s" href="#rule-%s">%s</a>`, severityOf(cr.Findings, r), attr(r), text(r))
	}
	b = append(b, "</td></tr>\n<tr class=\"detail\"><td colspan=\"5\">"...)
	b = appendFindings(b, cr.Findings, -1)
	b = append(b, `<table class="lines"><thead><tr><th>Line</th><th>Date of service</th><th>Code</th><th>Modifiers</th><th class="num">Units</th><th class="num">Charge</th></tr></thead><tbody>`...)
	for li := range c.Lines {
		l := &c.Lines[li]
		units := "—"
		if l.UnitsOK {
			units = l.Units.String()
		}
		b = fmt.Appendf(b, `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class="num">%s</td><td class="num">%s</td></tr>`,
			text(l.LX), dates(l.DOS, l.DOSEnd), text(or(l.Code, "—")), text(strings.Join(l.Modifiers(), " ")), text(units), money(l.Charge))
		if hasLine(cr.Findings, li) {
			b = append(b, `<tr class="findings"><td></td><td colspan="5">`...)
			b = appendFindings(b, cr.Findings, li)
			b = append(b, "</td></tr>"...)
		}
	}
	return append(b, "</tbody></table></td></tr></tbody>\n"...)
}

func hasLine(fs []finding.Finding, li int) bool {
	for i := range fs {
		if fs[i].Line == li {
			return true
		}
	}
	return false
}

func severityOf(fs []finding.Finding, rule string) string {
	for i := range fs {
		if fs[i].Rule == rule && fs[i].Severity == finding.SeverityError {
			return "error"
		}
	}
	return "warning"
}

// appendFindings appends the findings of line li (-1: the claim's own).
func appendFindings(b []byte, fs []finding.Finding, li int) []byte {
	for i := range fs {
		f := &fs[i]
		if f.Line != li {
			continue
		}
		sev := f.Severity.String()
		b = fmt.Appendf(b, `<div class="finding %s"><a class="rule" href="#rule-%s">%s</a> <span class="sev">%s</span> %s`,
			sev, attr(f.Rule), text(f.Rule), sev, text(f.Message))
		if f.Hint != "" {
			b = fmt.Appendf(b, `<div class="fix">Fix: %s</div>`, text(f.Hint))
		}
		b = append(b, "</div>"...)
	}
	return b
}

// text escapes a value for HTML text, control characters made visible.
func text(s string) string { return html.EscapeString(Escape(s)) }

// attr escapes a value for an attribute.
func attr(s string) string { return html.EscapeString(Escape(s)) }

// dates writes a date of service, or a period.
func dates(lo, hi int) string {
	switch {
	case lo == 0:
		return "—"
	case hi > lo:
		return day(lo) + " – " + day(hi)
	}
	return day(lo)
}

func day(d int) string { return fmt.Sprintf("%04d-%02d-%02d", d/10000, d/100%100, d%100) }

// money writes an amount as dollars with thousands separators.
func money(d claim.Decimal) string {
	s := d.Money() // "-1234.50"
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, cents, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return sign + "$" + b.String() + "." + cents
}
