package report

import (
	"cmp"
	"fmt"
	"html"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/scrub837/scrub837/finding"
)

// Close writes the page: everything before the claims needs the whole run's
// counts, so the page is written once the run is read.
func (p *HTMLPrinter) Close(sum *finding.Summary) error {
	var b strings.Builder
	b.WriteString(htmlHead)
	p.header(&b, sum)
	p.charts(&b, sum)
	p.claimsSection(&b, "rejected", "Rejected claims", p.rejected.String(), p.listedR, p.totalR,
		"No claim was rejected.")
	p.claimsSection(&b, "warned", "Accepted claims with warnings", p.warned.String(), p.listedW, p.totalW,
		"No accepted claim has a warning.")
	p.rulesSection(&b)
	b.WriteString(htmlScript)
	b.WriteString("</main></body></html>\n")
	_, err := io.WriteString(p.W, b.String())
	return err
}

func (p *HTMLPrinter) header(b *strings.Builder, sum *finding.Summary) {
	files := make([]string, len(p.files))
	for i, f := range p.files {
		files[i] = text(f)
	}
	fmt.Fprintf(b, `<header><h1>Claims scrub report</h1><p class="meta">%s · scrubbed %s by scrub837</p></header><main>`,
		strings.Join(files, ", "), p.Now.Format("2006-01-02 15:04"))
	warnFindings := 0
	for _, n := range p.warnings {
		warnFindings += n
	}
	b.WriteString(`<section class="glance" aria-label="The day at a glance">`)
	card := func(class, label, value, note string) {
		fmt.Fprintf(b, `<div class="card %s"><div class="label">%s</div><div class="value">%s</div><div class="note">%s</div></div>`, class, label, value, note)
	}
	card("", "Claims read", strconv.Itoa(sum.Claims), money(sum.AcceptedAt+sum.RejectedAt)+" billed")
	card("ok", "Accepted", strconv.Itoa(sum.Accepted), money(sum.AcceptedAt))
	card("bad", "Rejected", strconv.Itoa(sum.Rejected), pct(sum.Rejected, sum.Claims)+" of claims")
	card("bad", "Charge at risk", money(sum.RejectedAt), "the rejected claims' total charge")
	card("warn", "Warnings", strconv.Itoa(warnFindings), fmt.Sprintf("on %s accepted %s", strconv.Itoa(p.totalW), plural(p.totalW, "claim")))
	b.WriteString("</section>")
}

func pct(n, of int) string {
	if of == 0 {
		return "0%"
	}
	return strconv.Itoa((100*n+of/2)/of) + "%"
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// bar is one row of a chart.
type bar struct {
	label, href string
	t           tally
}

func (p *HTMLPrinter) charts(b *strings.Builder, sum *finding.Summary) {
	if sum.Rejected == 0 && len(p.warnings) == 0 {
		return
	}
	b.WriteString(`<section class="charts" aria-label="Where the rejections are">`)
	var rules, npis, dates []bar
	for id, t := range p.byRule {
		rules = append(rules, bar{id, "#rule-" + id, *t})
	}
	for npi, t := range p.byNPI {
		npis = append(npis, bar{or(npi, "no NPI"), "", *t})
	}
	for d, t := range p.byDOS {
		dates = append(dates, bar{dates1(d), "", *t})
	}
	byCount := func(a, b bar) int { return cmp.Or(cmp.Compare(b.t.claims, a.t.claims), cmp.Compare(a.label, b.label)) }
	byCharge := func(a, b bar) int { return cmp.Or(cmp.Compare(b.t.charge, a.t.charge), cmp.Compare(a.label, b.label)) }
	slices.SortFunc(rules, byCount)
	slices.SortFunc(npis, byCharge)
	slices.SortFunc(dates, func(a, b bar) int { return cmp.Compare(a.label, b.label) })
	chart(b, "Rejected claims by rule", "claims", rules, false)
	chart(b, "Charge at risk by rendering provider (NPI)", "charge", npis, true)
	chart(b, "Charge at risk by date of service", "charge", dates, true)
	if len(p.warnings) > 0 {
		var ws []bar
		for id, n := range p.warnings {
			ws = append(ws, bar{id, "#rule-" + id, tally{claims: n}})
		}
		slices.SortFunc(ws, byCount)
		chart(b, "Warnings by rule (claims not rejected for them)", "findings", ws, false)
	}
	b.WriteString("</section>")
}

func dates1(d int) string {
	if d == 0 {
		return "no date"
	}
	return day(d)
}

// chart draws a horizontal bar chart as inline SVG: one bar per row, at
// most 12 rows (the rest summed up in a note), the value written beside it.
func chart(b *strings.Builder, title, unit string, rows []bar, byCharge bool) {
	const maxRows, rowH, labelW, barW, valueW = 12, 30, 200, 240, 190
	fmt.Fprintf(b, `<figure class="chart"><figcaption>%s</figcaption>`, text(title))
	if len(rows) == 0 {
		b.WriteString(`<p class="empty">None.</p></figure>`)
		return
	}
	shown := rows[:min(len(rows), maxRows)]
	var top float64
	for _, r := range shown {
		top = max(top, value(r, byCharge))
	}
	h := len(shown) * rowH
	fmt.Fprintf(b, `<svg role="img" aria-label="%s" viewBox="0 0 %d %d" width="100%%" preserveAspectRatio="xMinYMin meet">`, attr(title), labelW+barW+valueW, h)
	for i, r := range shown {
		y := i * rowH
		w := 0.0
		if top > 0 {
			w = value(r, byCharge) / top * barW
		}
		label := text(r.label)
		if r.href != "" {
			label = fmt.Sprintf(`<a href="%s">%s</a>`, attr(r.href), label)
		}
		fmt.Fprintf(b, `<text x="%d" y="%d" class="lbl" text-anchor="end">%s</text>`, labelW-8, y+20, label)
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="%.1f" height="%d" rx="3" class="bar"/>`, labelW, y+5, max(w, 2), rowH-10)
		fmt.Fprintf(b, `<text x="%.1f" y="%d" class="val">%s</text>`, float64(labelW)+max(w, 2)+8, y+20, text(barValue(r, unit)))
	}
	b.WriteString("</svg>")
	if len(rows) > maxRows {
		var rest tally
		for _, r := range rows[maxRows:] {
			rest.claims += r.t.claims
			rest.charge += r.t.charge
		}
		fmt.Fprintf(b, `<p class="note">and %d more: %s</p>`, len(rows)-maxRows, text(barValue(bar{t: rest}, unit)))
	}
	b.WriteString("</figure>")
}

func value(r bar, byCharge bool) float64 {
	if byCharge {
		return float64(r.t.charge)
	}
	return float64(r.t.claims)
}

func barValue(r bar, unit string) string {
	switch unit {
	case "findings":
		return fmt.Sprintf("%d %s", r.t.claims, plural(r.t.claims, "finding"))
	case "claims":
		return fmt.Sprintf("%d %s · %s", r.t.claims, plural(r.t.claims, "claim"), money(r.t.charge))
	}
	return fmt.Sprintf("%s · %d %s", money(r.t.charge), r.t.claims, plural(r.t.claims, "claim"))
}

func (p *HTMLPrinter) claimsSection(b *strings.Builder, id, title, rows string, listed, total int, none string) {
	fmt.Fprintf(b, `<section class="claims" id="%s"><h2>%s <span class="count">%d</span></h2>`, id, title, total)
	if total == 0 {
		fmt.Fprintf(b, `<p class="empty">%s</p></section>`, none)
		return
	}
	if listed < total {
		fmt.Fprintf(b, `<p class="capped">Showing the first %d of %d claims; the counts and charts above cover all of them.</p>`, listed, total)
	}
	fmt.Fprintf(b, `<div class="tools" hidden><label>Search <input type="search" class="q" placeholder="claim id, code or rule" aria-controls="%s-table"></label> <span class="shown"></span></div>`, id)
	fmt.Fprintf(b, `<table class="claimlist" id="%s-table"><thead><tr><th data-key="claim" tabindex="0">Claim</th><th data-key="dos" data-num="1" tabindex="0">Date of service</th><th data-key="npi" tabindex="0">Rendering NPI</th><th data-key="charge" data-num="1" class="num" tabindex="0">Charge</th><th data-key="rules" tabindex="0">Findings</th></tr></thead>`, id)
	b.WriteString(rows)
	b.WriteString("</table></section>")
}

func (p *HTMLPrinter) rulesSection(b *strings.Builder) {
	if len(p.fired) == 0 {
		return
	}
	ids := slices.Clone(p.fired)
	slices.Sort(ids)
	b.WriteString(`<section class="rules" id="rules"><h2>The rules that fired</h2>`)
	for _, id := range ids {
		doc := "No documentation."
		if p.Explain != nil {
			if d, ok := p.Explain(id); ok {
				doc = d
			}
		}
		// The documentation is the catalog's own text: its line breaks stay
		// (text() would show them as \n, as it does for input values).
		fmt.Fprintf(b, `<article id="rule-%s"><h3>%s</h3><pre>%s</pre></article>`, attr(id), text(id), html.EscapeString(doc))
	}
	b.WriteString("</section>")
}

const htmlHead = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>Claims scrub report</title>
<style>
:root{--ink:#1d2733;--muted:#5b6776;--line:#d9dee5;--bg:#f6f7f9;--bad:#b42318;--badbg:#fdecea;--ok:#1a7f37;--warn:#8a5a00;--warnbg:#fff4d6;--bar:#c2410c}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
header{background:#fff;border-bottom:1px solid var(--line);padding:18px 28px}
h1{margin:0;font-size:22px}
.meta{margin:4px 0 0;color:var(--muted);font-size:13px;overflow-wrap:anywhere}
main{padding:20px 28px;max-width:1280px;margin:0 auto}
h2{font-size:18px;margin:28px 0 10px}
h2 .count{font-weight:400;color:var(--muted)}
.glance{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:12px}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 16px}
.card .label{color:var(--muted);font-size:13px}
.card .value{font-size:26px;font-weight:650;font-variant-numeric:tabular-nums}
.card .note{color:var(--muted);font-size:12px}
.card.bad .value{color:var(--bad)}.card.ok .value{color:var(--ok)}.card.warn .value{color:var(--warn)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:12px;margin-top:16px}
.chart{margin:0;background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 16px}
.chart figcaption{font-weight:600;margin-bottom:8px}
.chart svg{display:block;max-width:100%;height:auto}
.chart .lbl{font-size:14px;fill:var(--ink)}.chart .val{font-size:14px;fill:var(--muted)}
.chart a{fill:#0b57d0}.chart .bar{fill:var(--bar)}
.note,.empty,.capped{color:var(--muted);font-size:13px}
.capped{background:var(--warnbg);color:var(--warn);padding:6px 10px;border-radius:6px}
.tools{margin:8px 0}.tools input{font:inherit;padding:5px 8px;width:280px;max-width:100%;border:1px solid var(--line);border-radius:6px}
.shown{color:var(--muted);font-size:13px;margin-left:8px}
table{border-collapse:collapse;width:100%}
.claimlist{background:#fff;border:1px solid var(--line);border-radius:8px}
.claimlist>thead th{position:sticky;top:0;background:#eef1f5;text-align:left;font-size:13px;padding:8px 10px;cursor:pointer;user-select:none;border-bottom:1px solid var(--line)}
.claimlist>thead th.num{text-align:right}
.claimlist>thead th[aria-sort=ascending]::after{content:" ▲"}.claimlist>thead th[aria-sort=descending]::after{content:" ▼"}
.claimlist>tbody.claim{border-top:1px solid var(--line)}
.claimlist tr.head td{padding:8px 10px;vertical-align:top;font-variant-numeric:tabular-nums}
.claimlist td.id{font-weight:600;word-break:break-all}
.num{text-align:right}
tr.detail>td{padding:0 10px 12px 28px}
.lines{margin-top:6px;font-size:13px;table-layout:fixed}
.lines th:nth-child(1){width:7%}.lines th:nth-child(2){width:24%}.lines th:nth-child(3){width:14%}.lines th:nth-child(4){width:25%}.lines th:nth-child(5){width:12%}.lines th:nth-child(6){width:18%}
.claimlist>thead th:nth-child(1){width:20%}.claimlist>thead th:nth-child(2){width:18%}.claimlist>thead th:nth-child(3){width:18%}.claimlist>thead th:nth-child(4){width:14%}
.lines th.num{text-align:right}.lines th{text-align:left;color:var(--muted);font-weight:500;border-bottom:1px solid var(--line);padding:3px 8px}
.lines td{padding:3px 8px;border-bottom:1px solid #f0f2f5;font-variant-numeric:tabular-nums}
.finding{margin:4px 0;padding:6px 10px;border-left:4px solid var(--bad);background:var(--badbg);border-radius:0 6px 6px 0;font-size:13px}
.finding.warning{border-color:#d4a017;background:var(--warnbg)}
.finding .sev{text-transform:uppercase;font-size:11px;font-weight:700;color:var(--bad)}
.finding.warning .sev{color:var(--warn)}
.fix{margin-top:3px;color:#234}
a.rule{font-weight:650;color:#0b57d0;text-decoration:none;font-size:13px}a.rule.error{color:var(--bad)}a.rule.warning{color:var(--warn)}
.rules article{background:#fff;border:1px solid var(--line);border-radius:8px;padding:8px 16px;margin-bottom:10px}
.rules h3{margin:6px 0;font-size:15px}
.rules pre{white-space:pre-wrap;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;margin:0 0 6px}
@media (max-width:700px){
 main{padding:12px}header{padding:12px}
 .charts{grid-template-columns:1fr}
 .glance{grid-template-columns:1fr 1fr}.card .value{font-size:22px}
 .claimlist>thead{display:none}
 .claimlist tr.head td{display:block;padding:2px 10px}
 .claimlist tr.head td:first-child{padding-top:10px}
 .claimlist td.num{text-align:left}
 tr.detail>td{padding:4px 6px 10px}
 .lines thead{display:none}
 .lines td{display:inline-block;border:0;padding:1px 6px}
}
@media print{
 body{background:#fff;font-size:11pt}header{border:0;padding:0 0 8px}main{padding:0;max-width:none}
 .tools{display:none!important}
 .card,.chart,.claimlist,.rules article{border-color:#999}
 tbody.claim,.chart,.card,.rules article{break-inside:avoid;page-break-inside:avoid}
 .claimlist>thead th{position:static}
 a{color:inherit}
}
</style></head><body>
`

const htmlScript = `<script>
(function(){
  document.querySelectorAll('section.claims').forEach(function(sec){
    var tools=sec.querySelector('.tools'), q=sec.querySelector('input.q'), shown=sec.querySelector('.shown');
    var table=sec.querySelector('table.claimlist');
    if(!tools||!table)return;
    tools.hidden=false;
    var bodies=function(){return Array.prototype.slice.call(table.querySelectorAll(':scope > tbody.claim'))};
    var filter=function(){
      var v=q.value.trim().toLowerCase(), n=0, all=bodies();
      all.forEach(function(b){var hit=!v||b.dataset.search.indexOf(v)>=0;b.hidden=!hit;if(hit)n++});
      shown.textContent=v?(n+' of '+all.length+' shown'):'';
    };
    q.addEventListener('input',filter);
    table.querySelectorAll('thead th[data-key]').forEach(function(th){
      var sort=function(){
        var key=th.dataset.key, num=th.dataset.num==='1';
        var dir=th.getAttribute('aria-sort')==='ascending'?-1:1;
        table.querySelectorAll('thead th').forEach(function(h){h.removeAttribute('aria-sort')});
        th.setAttribute('aria-sort',dir>0?'ascending':'descending');
        var all=bodies();
        all.sort(function(a,b){var x=a.dataset[key],y=b.dataset[key];if(num){x=+x;y=+y}return (x<y?-1:x>y?1:0)*dir});
        all.forEach(function(b){table.appendChild(b)});
      };
      th.addEventListener('click',sort);
      th.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();sort()}});
    });
  });
})();
</script>
`
