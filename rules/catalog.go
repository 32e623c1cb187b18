// Package rules holds scrub837's rule catalog: the code tables of docs/rules.md
// as data (embedded, overridable with --rules) and the rules that read them,
// one file per rule family.
package rules

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"github.com/scrub837/scrub837/claim"
	"github.com/scrub837/scrub837/finding"
)

//go:embed data/catalog.rules
var embeddedCatalog []byte

//go:embed data/explain.md
var explainDoc string

// Rule is one catalog entry.
type Rule struct {
	ID       string
	Severity finding.Severity
	STC01    string // 277CA STC01 category:status for a rejection
	STC10    string
	Summary  string
	Where    string // file:line that defined it
}

// Row is one code in one table, with the dates it is in effect.
type Row struct {
	Code   string
	From   int    // yyyymmdd, 0 = always
	Until  int    // yyyymmdd inclusive, 0 = open
	As     string // recode table: the code that includes the imaging
	Source string
	Where  string
	seq    int // order of the line that added it: earlier data wins a tie
}

// InEffect reports whether the row applies on date (yyyymmdd).
func (r *Row) InEffect(date int) bool {
	return (r.From == 0 || date >= r.From) && (r.Until == 0 || date <= r.Until)
}

// table is a named code list belonging to one add-on (or "*").
type table map[string]*Row

// Addon is an add-on code the engine checks, with its tables.
type Addon struct {
	Code    string
	Enabled bool
	MUE     claim.Decimal // from mue=; 0: CMS table I's (1 when it has none)
	Source  string
	Where   string
}

// table names (the second word of add/remove/date lines).
const (
	TablePrimary        = "primary"
	TableCPTPrimary     = "cpt-primary"
	TableAlternative    = "alternative"
	TableIncluded       = "included"
	TableCentralVenous  = "central-venous"
	TableArthrographySI = "arthrography-si"
	TableGuidance       = "guidance"
	TableFacilityPOS    = "facility-pos"
	TableRecode         = "recode"
)

var knownTables = map[string]bool{TablePrimary: true, TableCPTPrimary: true, TableAlternative: true, TableIncluded: true,
	TableCentralVenous: true, TableArthrographySI: true, TableGuidance: true, TableFacilityPOS: true, TableRecode: true}

// Catalog is the loaded rule catalog. It does not change once loaded
// (Load, LoadFrom): its accessors return copies, and it is safe for
// concurrent use.
type Catalog struct {
	rules  map[string]*Rule
	order  []string // rule ids in catalog order
	addons map[string]*Addon
	tables map[tableKey]table
	rows   int   // rows added so far: each row's seq
	idx    index // built on first use
	once   sync.Once
	// ncciFiles are the CMS files read with LoadWith, nil for none.
	ncciFiles *ncciFiles
}

// index is what Check reads for every line, keyed by small integers
// instead of strings, since it runs for every line of a batch. The catalog
// does not change once loaded, so it is built once.
type index struct {
	addons      []indexedAddon // the enabled add-ons
	facilityPOS table
	facility2   [100]bool // facilityPOS for the two-digit codes, as CMS writes every place of service
	ncci        *ncciView // the CMS tables H and I as this catalog sees them
}

// facility reports whether place of service pos is in the facility table.
func (x *index) facility(pos string) bool {
	if n, ok := twoDigits(pos); ok {
		return x.facility2[n]
	}
	return x.facilityPOS[pos] != nil
}

// twoDigits reads a place of service written as two digits.
func twoDigits(pos string) (int, bool) {
	if len(pos) == 2 && pos[0]-'0' <= 9 && pos[1]-'0' <= 9 {
		return int(pos[0]-'0')*10 + int(pos[1]-'0'), true
	}
	return 0, false
}

type indexedAddon struct {
	key   uint64
	addon *Addon
	mue   claim.Decimal // the addon line's mue=, else CMS table I's, else 1
	facts factTable     // code key → facts
}

// factTable maps code keys to facts by open addressing, at most a quarter
// full: a multiply, a shift and nearly always one compare, where a Go map's
// lookup was the add-on rules' largest cost (docs/performance.md).
type factTable struct {
	keys  []uint64 // 0: empty (no code has key 0)
	facts []*codeFacts
	shift uint
	n     int // keys set
}

func (t *factTable) slot(k uint64) int { return int((k * 0x9E3779B97F4A7C15) >> t.shift) }

// get returns the facts of key k, or nil.
func (t *factTable) get(k uint64) *codeFacts {
	if k == 0 || len(t.keys) == 0 {
		return nil
	}
	mask := len(t.keys) - 1
	for i := t.slot(k); ; i = (i + 1) & mask {
		switch t.keys[i] {
		case k:
			return t.facts[i]
		case 0:
			return nil
		}
	}
}

// set makes k's facts f, growing the table to stay at most a quarter full.
func (t *factTable) set(k uint64, f *codeFacts) {
	if 4*(t.n+1) > len(t.keys) {
		old := *t
		size := 16
		for size < 8*(t.n+1) {
			size *= 2
		}
		t.keys, t.facts, t.shift, t.n = make([]uint64, size), make([]*codeFacts, size), uint(64-bits.TrailingZeros(uint(size))), 0
		for i, key := range old.keys {
			if key != 0 {
				t.set(key, old.facts[i])
			}
		}
	}
	mask := len(t.keys) - 1
	i := t.slot(k)
	for t.keys[i] != 0 && t.keys[i] != k {
		i = (i + 1) & mask
	}
	if t.keys[i] == 0 {
		t.n++
	}
	t.keys[i], t.facts[i] = k, f
}

// codeKey packs a code of up to seven bytes, and its length, into one
// integer: equal keys are equal codes. Longer codes, and "", give 0, which
// matches nothing: catalog codes are one to five characters (expand, and
// the addon line).
func codeKey(s string) uint64 {
	if len(s) == 5 { // CPT and HCPCS: two loads, not a loop (it runs for every line)
		return 5<<56 | uint64(s[4])<<32 | uint64(binary.LittleEndian.Uint32(unsafe.Slice(unsafe.StringData(s), 4)))
	}
	if len(s) == 0 || len(s) > 7 {
		return 0
	}
	k := uint64(len(s)) << 56
	for i := 0; i < len(s); i++ {
		k |= uint64(s[i]) << (8 * i)
	}
	return k
}

// factsOf returns the facts of code under add-on a, or nil.
func (a *indexedAddon) factsOf(code string) *codeFacts { return a.facts.get(codeKey(code)) }

// addonOf returns the enabled add-on of code, or nil.
func (c *Catalog) addonOf(code string) *indexedAddon {
	idx, k := c.index(), codeKey(code)
	for i := range idx.addons {
		if idx.addons[i].key == k {
			return &idx.addons[i]
		}
	}
	return nil
}

// codeFacts are what the tables of one add-on say about one code, indexed by
// kind: every rule reads them with one map lookup per line instead of one
// per table.
type codeFacts [numKinds]*Row

// The kinds of codeFacts.
const (
	kindPrimary = iota
	kindCPTPrimary
	kindAltPrimary // a primary of an alternative add-on (77003 for 77002)
	kindIncluded
	kindCentralVenous
	kindArthrographySI
	kindGuidance
	kindRecode // a code without imaging whose imaging-included form is Row.As
	numKinds
)

// kindTable names the table each kind is read from (the alternative's
// primaries are read through the alternative table).
var kindTable = [numKinds]string{kindPrimary: TablePrimary, kindCPTPrimary: TableCPTPrimary, kindIncluded: TableIncluded,
	kindCentralVenous: TableCentralVenous, kindArthrographySI: TableArthrographySI, kindGuidance: TableGuidance, kindRecode: TableRecode}

// index builds, once, the per-code facts of every enabled add-on.
func (c *Catalog) index() *index {
	c.once.Do(func() {
		c.idx.facilityPOS = c.table(TableFacilityPOS, "*")
		for pos := range c.idx.facilityPOS {
			if n, ok := twoDigits(pos); ok {
				c.idx.facility2[n] = true
			}
		}
		codes := make([]string, 0, len(c.addons))
		for code, a := range c.addons {
			if a.Enabled {
				codes = append(codes, code)
			}
		}
		sort.Strings(codes)
		var alts []*Row
		for _, code := range codes {
			ia := indexedAddon{key: codeKey(code), addon: c.addons[code], mue: c.addons[code].MUE}
			if ia.mue == 0 {
				ia.mue = tableIMUE(code)
			}
			set := func(k string, kind int, r *Row) {
				f := ia.factsOf(k)
				if f == nil {
					f = &codeFacts{}
					ia.facts.set(codeKey(k), f)
				}
				f[kind] = r
			}
			for kind, name := range kindTable {
				for k, r := range c.table(name, code) {
					if name != "" {
						set(k, kind, r)
					}
				}
			}
			// Alternatives in the order the data declares them: when two
			// claim one code, the first declared owns it.
			alts = c.sortedRows(TableAlternative, code, alts[:0])
			for _, altRow := range alts {
				alt := altRow.Code
				for k, r := range c.table(TablePrimary, alt) {
					if f := ia.factsOf(k); f != nil && f[kindAltPrimary] != nil {
						continue
					}
					row := *r
					// in effect only while both the code and the redirect are
					row.From = max(row.From, altRow.From)
					if altRow.Until != 0 && (row.Until == 0 || altRow.Until < row.Until) {
						row.Until = altRow.Until
					}
					row.Source = alt // names the alternative add-on
					set(k, kindAltPrimary, &row)
				}
			}
			c.idx.addons = append(c.idx.addons, ia)
		}
		v, err := c.buildNCCI()
		if err != nil {
			panic("embedded NCCI tables are broken: " + err.Error())
		}
		c.idx.ncci = v
	})
	return &c.idx
}

type tableKey struct{ name, addon string }

// table returns the named table of an add-on ("*" for shared tables).
func (c *Catalog) table(name, addon string) table { return c.tables[tableKey{name, addon}] }

// sortedRows appends the rows of a table to dst in the order the data
// added them.
func (c *Catalog) sortedRows(name, addon string, dst []*Row) []*Row {
	for _, r := range c.table(name, addon) {
		dst = append(dst, r)
	}
	sort.Slice(dst, func(i, j int) bool { return dst[i].seq < dst[j].seq })
	return dst
}

// finish checks what only the whole catalog can tell and builds the index:
// an alternative add-on needs a rule of its own (USE-77003 for 77003), or
// its findings would have no rule to report under.
func (c *Catalog) finish() error {
	var alts []*Row
	for _, a := range c.Addons() {
		for _, r := range c.sortedRows(TableAlternative, a.Code, alts[:0]) {
			if c.rules["USE-"+r.Code] == nil {
				return fmt.Errorf("%s: alternative add-on %s of %s has no rule USE-%s of its own (declare it: rule USE-%s error stc=… summary=\"…\")",
					r.Where, r.Code, a.Code, r.Code, r.Code)
			}
			if c.addons[r.Code] == nil {
				return fmt.Errorf("%s: alternative add-on %s is not declared (declare it: addon %s off)", r.Where, r.Code, r.Code)
			}
		}
	}
	c.index()
	return nil
}

// Table returns a copy of the named table of an add-on ("*" for shared
// tables), sorted by code.
func (c *Catalog) Table(name, addon string) []Row {
	t := c.table(name, addon)
	out := make([]Row, 0, len(t))
	for _, r := range t {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// Rules returns a copy of every rule, in catalog order.
func (c *Catalog) Rules() []Rule {
	out := make([]Rule, len(c.order))
	for i, id := range c.order {
		out[i] = *c.rules[id]
	}
	return out
}

// Addons returns a copy of every add-on code the catalog declares, sorted.
func (c *Catalog) Addons() []Addon {
	out := make([]Addon, 0, len(c.addons))
	for _, a := range c.addons {
		cp := *a
		if cp.MUE == 0 {
			cp.MUE = tableIMUE(cp.Code) // as checked: CMS table I's
		}
		out = append(out, cp)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// Rule returns a copy of the rule for id; X12-… ids share the X12 entry.
func (c *Catalog) Rule(id string) (Rule, bool) {
	if r := c.rule(id); r != nil {
		return *r, true
	}
	return Rule{}, false
}

// rule is Rule without the copy, for the checker.
func (c *Catalog) rule(id string) *Rule {
	if r, ok := c.rules[id]; ok {
		return r
	}
	if strings.HasPrefix(id, "X12-") {
		return c.rules["X12"]
	}
	return nil
}

// Default loads the embedded catalog.
func Default() *Catalog {
	c, err := Load()
	if err != nil {
		panic("embedded rule catalog is broken: " + err.Error())
	}
	return c
}

// Load reads the embedded catalog, then each override file in order.
func Load(paths ...string) (*Catalog, error) {
	c, err := embedded()
	if err != nil {
		return nil, err
	}
	for _, p := range paths {
		if err := c.readFile(p); err != nil {
			return nil, err
		}
	}
	if err := c.finish(); err != nil {
		return nil, err
	}
	return c, nil
}

// LoadFrom reads the embedded catalog, then the override lines of r, named
// name in errors.
func LoadFrom(name string, r io.Reader) (*Catalog, error) {
	c, err := embedded()
	if err != nil {
		return nil, err
	}
	if err := c.read(r, name, false); err != nil {
		return nil, err
	}
	if err := c.finish(); err != nil {
		return nil, err
	}
	return c, nil
}

func embedded() (*Catalog, error) {
	c := &Catalog{rules: map[string]*Rule{}, addons: map[string]*Addon{}, tables: map[tableKey]table{}}
	if err := c.read(bytes.NewReader(embeddedCatalog), "catalog.rules", true); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Catalog) readFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	return c.read(f, path, false)
}

// fields splits a line into words; key="quoted value" stays one word.
func fields(line string) ([]string, error) {
	var out []string
	for i := 0; i < len(line); {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i >= len(line) || line[i] == '#' {
			break
		}
		j := i
		for j < len(line) && line[j] != ' ' && line[j] != '\t' {
			if line[j] == '"' {
				k := strings.IndexByte(line[j+1:], '"')
				if k < 0 {
					return nil, fmt.Errorf("unterminated quote")
				}
				j += k + 1
			}
			j++
		}
		out = append(out, line[i:j])
		i = j
	}
	return out, nil
}

func parseDay[T string | []byte](v T) (int, error) {
	var d int
	if len(v) == 10 && v[4] == '-' && v[7] == '-' {
		var b [8]byte
		copy(b[:4], v[:4])
		copy(b[4:6], v[5:7])
		copy(b[6:], v[8:])
		d = claim.ParseDate(b[:])
	}
	if d == 0 {
		return 0, fmt.Errorf("%q is not a date YYYY-MM-DD", v)
	}
	return d, nil
}

// isCode: a catalog code is one to five characters, so that it has a
// codeKey.
func isCode(s string) bool { return s != "" && len(s) <= 5 }

// expand turns CODE or LOW-HIGH into codes.
func expand(tok string) ([]string, error) {
	lo, hi, isRange := strings.Cut(tok, "-")
	if !isRange {
		if !isCode(tok) {
			return nil, fmt.Errorf("%q is not a code", tok)
		}
		return []string{tok}, nil
	}
	a, err1 := strconv.Atoi(lo)
	b, err2 := strconv.Atoi(hi)
	if err1 != nil || err2 != nil || len(lo) != 5 || len(hi) != 5 || a > b {
		return nil, fmt.Errorf("%q is not a range of five-digit codes LOW-HIGH", tok)
	}
	// Every code of the range in one string, each a five-byte view of it:
	// the embedded catalog's ranges hold thousands of codes, read at every
	// start.
	text := make([]byte, 5*(b-a+1))
	for n, at := a, 0; n <= b; n, at = n+1, at+5 {
		for i, v := 4, n; i >= 0; i, v = i-1, v/10 {
			text[at+i] = byte('0' + v%10)
		}
	}
	all := string(text)
	out := make([]string, 0, b-a+1)
	for at := 0; at < len(all); at += 5 {
		out = append(out, all[at:at+5])
	}
	return out, nil
}

func (c *Catalog) read(r io.Reader, name string, builtin bool) error {
	sc := bufio.NewScanner(r)
	ln := 0
	for sc.Scan() {
		ln++
		where := fmt.Sprintf("%s:%d", name, ln)
		words, err := fields(sc.Text())
		if err == nil && len(words) > 0 {
			err = c.apply(words, where, builtin)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
	}
	return sc.Err()
}

// split separates positional words from key=value options.
func split(words []string) (pos []string, opts map[string]string, err error) {
	opts = map[string]string{}
	for _, w := range words {
		k, v, ok := strings.Cut(w, "=")
		if !ok {
			pos = append(pos, w)
			continue
		}
		if _, dup := opts[k]; dup {
			return nil, nil, fmt.Errorf("%s= given twice", k)
		}
		opts[k] = strings.Trim(v, `"`)
	}
	return pos, opts, nil
}

func onlyKeys(opts map[string]string, allowed ...string) error {
	for k := range opts {
		found := false
		for _, a := range allowed {
			found = found || k == a
		}
		if !found {
			return fmt.Errorf("unknown option %s= (allowed: %s)", k, strings.Join(allowed, ", "))
		}
	}
	return nil
}

func (c *Catalog) apply(words []string, where string, builtin bool) error {
	pos, opts, err := split(words)
	if err != nil {
		return err
	}
	if len(pos) == 0 { // options alone: "=", "source=x" (FuzzRulesFile)
		return fmt.Errorf("a line with options only (%q): expected a directive first (rule, addon, add, remove, date or import)", words[0])
	}
	switch pos[0] {
	case "rule":
		return c.applyRule(pos, opts, where, builtin)
	case "addon":
		if err := onlyKeys(opts, "mue", "source"); err != nil {
			return err
		}
		if len(pos) != 3 || (pos[2] != "on" && pos[2] != "off") {
			return fmt.Errorf("expected: addon CODE on|off [mue=N] [source=\"…\"]")
		}
		if !isCode(pos[1]) {
			return fmt.Errorf("%q is not a code", pos[1])
		}
		a := c.addons[pos[1]]
		if a == nil {
			a = &Addon{Code: pos[1]} // MUE 0: CMS table I's
			c.addons[pos[1]] = a
		}
		a.Enabled, a.Where = pos[2] == "on", where
		if v, ok := opts["mue"]; ok {
			m, ok := claim.ParseDecimal([]byte(v))
			if !ok || m <= 0 {
				return fmt.Errorf("mue=%s is not a positive number", v)
			}
			a.MUE = m
		}
		if v, ok := opts["source"]; ok {
			a.Source = v
		}
		return nil
	case "add", "remove", "date":
		return c.applyRows(pos, opts, where)
	case "import":
		return c.importPrimaries(pos, opts, where)
	}
	return fmt.Errorf("unknown directive %q (expected rule, addon, add, remove, date or import)", pos[0])
}

func (c *Catalog) applyRule(pos []string, opts map[string]string, where string, builtin bool) error {
	if len(pos) != 3 {
		return fmt.Errorf("expected: rule ID error|warning|off")
	}
	sev, ok := finding.ParseSeverity(pos[2])
	if !ok {
		return fmt.Errorf("severity %q is not error, warning or off", pos[2])
	}
	id := pos[1]
	r := c.rules[id]
	// A user's file changes existing rules; it defines only the rule of an
	// alternative add-on (USE-77012), which the code reports by that name.
	if !builtin && (r != nil || !strings.HasPrefix(id, useAlternativeFmt) || !isCode(strings.TrimPrefix(id, useAlternativeFmt))) {
		if r == nil {
			return fmt.Errorf("unknown rule id %q (see scrub837 --list-rules; a file may define only USE-CODE, the rule of an alternative add-on)", id)
		}
		if len(opts) > 0 {
			return fmt.Errorf("rule %s exists: a file changes only its severity (no stc=, stc10= or summary=)", id)
		}
		if id == "X12" && sev != finding.SeverityError {
			return fmt.Errorf("X12 structural faults always reject the claim; their severity cannot change")
		}
		r.Severity = sev
		return nil
	}
	if err := onlyKeys(opts, "stc", "stc10", "summary"); err != nil {
		return err
	}
	if r != nil {
		return fmt.Errorf("rule %s defined twice (first at %s)", id, r.Where)
	}
	if sev == finding.SeverityError && opts["stc"] == "" {
		return fmt.Errorf("error rule %s needs stc= (its 277CA status)", id)
	}
	c.rules[id] = &Rule{ID: id, Severity: sev, STC01: opts["stc"], STC10: opts["stc10"], Summary: opts["summary"], Where: where}
	c.order = append(c.order, id)
	return nil
}

func (c *Catalog) applyRows(pos []string, opts map[string]string, where string) error {
	op := pos[0]
	if len(pos) < 4 {
		return fmt.Errorf("expected: %s TABLE ADDON CODE…", op)
	}
	tableName, addon := pos[1], pos[2]
	if !knownTables[tableName] {
		keys := make([]string, 0, len(knownTables))
		for k := range knownTables {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return fmt.Errorf("unknown table %q (tables: %s)", tableName, strings.Join(keys, ", "))
	}
	if addon != "*" && c.addons[addon] == nil {
		return fmt.Errorf("add-on %s is not declared (declare it first: addon %s on)", addon, addon)
	}
	var from, until int
	var err error
	if v, ok := opts["from"]; ok {
		if from, err = parseDay(v); err != nil {
			return err
		}
	}
	if v, ok := opts["until"]; ok {
		if until, err = parseDay(v); err != nil {
			return err
		}
	}
	if from != 0 && until != 0 && until < from {
		return fmt.Errorf("until=%s is before from=%s", opts["until"], opts["from"])
	}
	switch op {
	case "add":
		err = onlyKeys(opts, "from", "until", "source", "as")
		if err == nil && (tableName == TableRecode) != (opts["as"] != "") {
			err = fmt.Errorf("as=CODE goes with the recode table, and only with it")
		}
	case "date":
		err = onlyKeys(opts, "from", "until")
		if err == nil && len(opts) == 0 {
			err = fmt.Errorf("date needs from= and/or until=")
		}
	default:
		err = onlyKeys(opts)
	}
	if err != nil {
		return err
	}
	key := tableKey{tableName, addon}
	t := c.tables[key]
	if t == nil {
		t = make(table)
		c.tables[key] = t
	}
	for _, tok := range pos[3:] {
		codes, err := expand(tok)
		if err != nil {
			return err
		}
		for _, code := range codes {
			row := t[code]
			switch op {
			case "add":
				if row != nil {
					return fmt.Errorf("duplicate row: %s is already in %s %s (added at %s); use date to change its dates", code, tableName, addon, row.Where)
				}
				c.rows++
				t[code] = &Row{Code: code, From: from, Until: until, As: opts["as"], Source: opts["source"], Where: where, seq: c.rows}
			case "remove", "date":
				if row == nil {
					return fmt.Errorf("%s is not in %s %s", code, tableName, addon)
				}
				if op == "remove" {
					delete(t, code)
					continue
				}
				if _, ok := opts["from"]; ok {
					row.From = from
				}
				if _, ok := opts["until"]; ok {
					row.Until = until
				}
				row.Where = where
			}
		}
	}
	return nil
}

// Explain returns the documentation of a rule id (X12-… ids share X12's).
func Explain(id string) (string, bool) {
	if strings.HasPrefix(id, "X12-") {
		id = "X12"
	}
	start := strings.Index(explainDoc, "\n## "+id+"\n")
	if start < 0 {
		return "", false
	}
	body := explainDoc[start+len("\n## "+id+"\n"):]
	if end := strings.Index(body, "\n## "); end >= 0 {
		body = body[:end]
	}
	return strings.TrimSpace(body), true
}

// importPrimaries applies "import primary ADDON source=…": the add-on's
// primary table is its rows in the CMS add-on code edits (table H), each
// from its date (the add-on's earliest rows: always). One source of truth
// for 77002's table A, 77003's table B and every other add-on.
func (c *Catalog) importPrimaries(pos []string, opts map[string]string, where string) error {
	if err := onlyKeys(opts, "source"); err != nil {
		return err
	}
	if len(pos) != 3 || pos[1] != TablePrimary {
		return fmt.Errorf("expected: import primary ADDON [source=\"…\"]")
	}
	t, err := ncciTablesOf()
	if err != nil {
		return err
	}
	k, ok := packCode(pos[2])
	ai := -1
	if ok {
		ai = t.addon(k)
	}
	if ai < 0 || t.addons[ai].typ == 2 {
		return fmt.Errorf("%s has no listed primaries in the CMS add-on code edits (%s)", pos[2], AOCQuarter)
	}
	key := tableKey{TablePrimary, pos[2]}
	tb := c.tables[key]
	if tb == nil {
		tb = make(table)
		c.tables[key] = tb
	}
	a := t.addons[ai]
	for j := a.start; j < a.end; j++ {
		code := unpackCode(t.prims[j])
		if tb[code] != nil {
			continue // a code's earliest row wins
		}
		c.rows++
		tb[code] = &Row{Code: code, From: int(t.from[j]), Source: opts["source"], Where: where, seq: c.rows}
	}
	return nil
}
