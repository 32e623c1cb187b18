package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
	"text/tabwriter"

	"github.com/scrub837/scrub837/rules"
)

// listRules prints the catalog: a table, or with json one object per rule.
func listRules(w io.Writer, cat *rules.Catalog, asJSON bool) error {
	if asJSON {
		return listRulesJSON(w, cat)
	}
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	rows := []string{"ID\tSEVERITY\t277CA\tSUMMARY"}
	for _, r := range cat.Rules() {
		name := r.ID
		if r.ID == "X12" {
			name = "X12-…"
		}
		stc := r.STC01
		if r.STC10 != "" {
			stc += " +" + r.STC10
		}
		if stc == "" {
			stc = "—"
		}
		rows = append(rows, name+"\t"+r.Severity.String()+"\t"+stc+"\t"+r.Summary)
	}
	var addons []string
	for _, a := range cat.Addons() {
		state := "off"
		if a.Enabled {
			state = "on"
		}
		addons = append(addons, a.Code+" "+state)
	}
	rows = append(rows, "", "add-on codes checked: "+strings.Join(addons, ", "),
		"CMS NCCI tables: "+rules.AOCQuarter+"; "+rules.MUEQuarter+" (embedded)")
	for _, s := range cat.NCCISources() {
		rows = append(rows, "  --ncci "+s)
	}
	if _, err := io.WriteString(tw, strings.Join(rows, "\n")+"\n"); err != nil {
		return err
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

// ruleJSON is one line of --list-rules -f json.
type ruleJSON struct {
	ID       string `json:"id"`
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	STC01    string `json:"stc01,omitempty"` // 277CA status of a rejection
	STC10    string `json:"stc10,omitempty"`
}

func listRulesJSON(w io.Writer, cat *rules.Catalog) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for _, r := range cat.Rules() {
		id := r.ID
		if id == "X12" {
			id = "X12-…"
		}
		if err := enc.Encode(ruleJSON{id, r.Severity.String(), r.Summary, r.STC01, r.STC10}); err != nil {
			return err
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

func version() string {
	v, rev := "(devel)", ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				rev = s.Value
			}
		}
	}
	if rev == "" {
		rev = "unknown (built without VCS information)"
	}
	return fmt.Sprintf("scrub837 %s, revision %s, %s\nembedded tables: %s; %s", v, rev, runtime.Version(), rules.AOCQuarter, rules.MUEQuarter)
}

func explain(w io.Writer, cat *rules.Catalog, id string) (int, error) {
	r, found := cat.Rule(id)
	doc, ok := rules.Explain(id)
	if !found || !ok {
		return 2, usageError{fmt.Sprintf("--explain %q: no such rule (see scrub837 --list-rules)", id)}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s\n", id, r.Severity, r.Summary)
	if r.STC01 != "" {
		fmt.Fprintf(&b, "277CA: STC01 %s", r.STC01)
		if r.STC10 != "" {
			fmt.Fprintf(&b, ", STC10 %s", r.STC10)
		}
		b.WriteString(", STC03 U\n")
	}
	fmt.Fprintf(&b, "\n%s\n", doc)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return 2, err
	}
	return 0, nil
}
