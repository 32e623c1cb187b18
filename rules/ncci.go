package rules

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/scrub837/scrub837/claim"
)

// The CMS NCCI tables every code is checked against (RULES "Every add-on
// code and every MUE"): table H, the add-on code edits, and table I, the
// practitioner MUEs. Their sources are rules/data/ncci/ (with their
// provenance); the program holds them decoded (ncci_embedded.go) into flat
// sorted arrays keyed by the code packed into 32 bits: a lookup is a
// binary search over integers, never a map of strings.

// The embedded tables' sources: ncci_embedded.go holds them decoded
// (TestEmbeddedNCCITables writes it and checks it against them).
const (
	embeddedAOCFile = "aoc-2026q3.tsv"
	embeddedMUEFile = "mue-practitioner-2026q2.tsv"
)

// The quarters of the embedded tables, for --version, --list-rules and
// --explain.
const (
	AOCQuarter = "CMS NCCI add-on code edits 2026 Q3 (AOC_V2026Q3)"
	MUEQuarter = "CMS NCCI practitioner MUEs 2026 Q2, effective 2026-04-01"
)

// packCode packs a five-character HCPCS code (digits and upper-case
// letters) into base 36; ok is false for anything else.
func packCode[T string | []byte](s T) (uint32, bool) {
	if len(s) != 5 {
		return 0, false
	}
	var k uint32
	for i := 0; i < 5; i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			k = k*36 + uint32(c-'0')
		case 'A' <= c && c <= 'Z':
			k = k*36 + uint32(c-'A'+10)
		default:
			return 0, false
		}
	}
	return k, true
}

// unpackCode is packCode's inverse, for messages.
func unpackCode(k uint32) string {
	var b [5]byte
	for i := 4; i >= 0; i-- {
		d := byte(k % 36)
		k /= 36
		if d < 10 {
			b[i] = '0' + d
		} else {
			b[i] = 'A' + d - 10
		}
	}
	return string(b[:])
}

// aocAddon is one add-on code of table H: its type and its rows
// [start, end) in ncciTables.prims and .from, sorted by primary.
type aocAddon struct {
	key        uint32
	typ        uint8
	start, end int32
}

type ncciTables struct {
	addons []aocAddon // sorted by key
	prims  []uint32   // each row's primary (type 2 has none)
	from   []int32    // each row's first day in effect, yyyymmdd; 0: always

	mueKeys    []uint32 // sorted
	mue        []claim.Decimal
	mai        []uint8
	rationale  []uint8 // index into rationales
	rationales []string
}

// ncciTablesOf returns the embedded tables, decoded when the program was
// built (ncci_embedded.go): decoding the 650 KB of TSV took 1.4-2.0 ms of
// every run's start. Nothing modifies them.
func ncciTablesOf() (*ncciTables, error) { return &embeddedTables, nil }

// tsvRows calls row for each line of data that is not blank or a #
// comment, split at tabs; an error names the line. The fields are views
// into data, valid during the call (decoding the embedded tables runs at
// every start: no allocation per row).
func tsvRows(data []byte, name string, row func(f [][]byte) error) error {
	var f [][]byte
	for n := 1; len(data) > 0; n++ {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		f = f[:0]
		for {
			i := bytes.IndexByte(line, '\t')
			if i < 0 {
				f = append(f, line)
				break
			}
			f = append(f, line[:i])
			line = line[i+1:]
		}
		if err := row(f); err != nil {
			return fmt.Errorf("%s:%d: %w", name, n, err)
		}
	}
	return nil
}

// readAOC reads rows "type addon primary edit_effective". An add-on's rows
// that carry its earliest date apply to every earlier date of service too
// (that date is when the table, or the code's edits, began).
func (t *ncciTables) readAOC(data []byte, name string) error {
	type row struct {
		addon, prim uint32
		typ         uint8
		from        int32
	}
	rows := make([]row, 0, bytes.Count(data, []byte{'\n'})+1)
	err := tsvRows(data, name, func(f [][]byte) error {
		if len(f) != 4 {
			return fmt.Errorf("expected 4 tab-separated fields (type, addon, primary, edit_effective), found %d", len(f))
		}
		typ := smallInt(f[0])
		if typ < 1 || typ > 3 {
			return fmt.Errorf("type %q: expected 1, 2 or 3", f[0])
		}
		a, ok := packCode(f[1])
		if !ok {
			return fmt.Errorf("add-on code %q: expected five letters or digits", f[1])
		}
		var p uint32
		if string(f[2]) != "CCCCC" {
			if p, ok = packCode(f[2]); !ok {
				return fmt.Errorf("primary code %q: expected five letters or digits, or CCCCC", f[2])
			}
		}
		d, err := parseDay(f[3])
		if err != nil {
			return err
		}
		rows = append(rows, row{a, p, uint8(typ), int32(d)})
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortFunc(rows, func(x, y row) int {
		if x.addon != y.addon {
			return cmpU32(x.addon, y.addon)
		}
		if x.prim != y.prim {
			return cmpU32(x.prim, y.prim)
		}
		return int(x.from - y.from)
	})
	t.prims, t.from = slices.Grow(t.prims, len(rows)), slices.Grow(t.from, len(rows))
	for i := 0; i < len(rows); {
		j, earliest := i, rows[i].from
		for j < len(rows) && rows[j].addon == rows[i].addon {
			if rows[j].typ != rows[i].typ {
				return fmt.Errorf("%s: add-on %s has rows of types %d and %d", name, unpackCode(rows[i].addon), rows[i].typ, rows[j].typ)
			}
			earliest = min(earliest, rows[j].from)
			j++
		}
		a := aocAddon{key: rows[i].addon, typ: rows[i].typ, start: int32(len(t.prims))}
		for _, r := range rows[i:j] {
			if r.typ == 2 {
				continue // CCCCC: no listed primary
			}
			from := r.from
			if from == earliest {
				from = 0
			}
			t.prims, t.from = append(t.prims, r.prim), append(t.from, from)
		}
		a.end = int32(len(t.prims))
		t.addons = append(t.addons, a)
		i = j
	}
	return nil
}

// smallInt reads a field of one to four digits, or -1.
func smallInt(b []byte) int {
	if len(b) == 0 || len(b) > 4 {
		return -1
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func cmpU32(a, b uint32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// readMUE reads rows "code mue mai rationale".
func (t *ncciTables) readMUE(data []byte, name string) error {
	type row struct {
		key uint32
		mue claim.Decimal
		mai uint8
		rat uint8
	}
	rows := make([]row, 0, bytes.Count(data, []byte{'\n'})+1)
	rats := map[string]uint8{}
	err := tsvRows(data, name, func(f [][]byte) error {
		if len(f) != 4 {
			return fmt.Errorf("expected 4 tab-separated fields (code, mue, mai, rationale), found %d", len(f))
		}
		k, ok := packCode(f[0])
		if !ok {
			return fmt.Errorf("code %q: expected five letters or digits", f[0])
		}
		m, ok := claim.ParseDecimal(f[1])
		if !ok || m < 0 {
			return fmt.Errorf("MUE %q: expected a number of units", f[1])
		}
		mai := smallInt(f[2])
		if mai < 1 || mai > 3 {
			return fmt.Errorf("MAI %q: expected 1, 2 or 3", f[2])
		}
		ri, ok := rats[string(f[3])]
		if !ok {
			if len(t.rationales) == 255 {
				return fmt.Errorf("more than 255 distinct rationales")
			}
			ri = uint8(len(t.rationales))
			rats[string(f[3])] = ri
			t.rationales = append(t.rationales, string(f[3]))
		}
		rows = append(rows, row{k, m, uint8(mai), ri})
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortFunc(rows, func(x, y row) int { return cmpU32(x.key, y.key) })
	n := len(rows)
	t.mueKeys, t.mue, t.mai, t.rationale = slices.Grow(t.mueKeys, n), slices.Grow(t.mue, n), slices.Grow(t.mai, n), slices.Grow(t.rationale, n)
	for i, r := range rows {
		if i > 0 && rows[i-1].key == r.key {
			return fmt.Errorf("%s: code %s has two MUE rows", name, unpackCode(r.key))
		}
		t.mueKeys, t.mue, t.mai, t.rationale = append(t.mueKeys, r.key), append(t.mue, r.mue), append(t.mai, r.mai), append(t.rationale, r.rat)
	}
	return nil
}

// addon returns the index of code key in t.addons, -1 if it is no add-on.
func (t *ncciTables) addon(key uint32) int {
	i, ok := slices.BinarySearchFunc(t.addons, key, func(a aocAddon, k uint32) int { return cmpU32(a.key, k) })
	if !ok {
		return -1
	}
	return i
}

// primaryOf reports whether key is a listed primary of add-on ai, and
// whether one of its rows is in effect on dos.
func (t *ncciTables) primaryOf(ai int, key uint32, dos int) (listed, inEffect bool) {
	a := t.addons[ai]
	rows := t.prims[a.start:a.end]
	i, ok := slices.BinarySearch(rows, key)
	if !ok {
		return false, false
	}
	for j := int(a.start) + i; j < int(a.end) && t.prims[j] == key; j++ {
		if int(t.from[j]) <= dos {
			return true, true
		}
	}
	return true, false
}

// firstFrom is the first day key is a primary of add-on ai (0: always).
func (t *ncciTables) firstFrom(ai int, key uint32) int {
	a := t.addons[ai]
	i, _ := slices.BinarySearch(t.prims[a.start:a.end], key)
	return int(t.from[int(a.start)+i])
}

// examplePrimary is a primary of add-on ai in effect on dos, for a hint;
// "" when none is listed.
func (t *ncciTables) examplePrimary(ai, dos int) string {
	a := t.addons[ai]
	for j := a.start; j < a.end; j++ {
		if int(t.from[j]) <= dos {
			return unpackCode(t.prims[j])
		}
	}
	return ""
}

// mueOf returns the index of code key in the MUE table, -1 if it has none.
func (t *ncciTables) mueOf(key uint32) int {
	i, ok := slices.BinarySearch(t.mueKeys, key)
	if !ok {
		return -1
	}
	return i
}

// maiText says what kind of edit an MUE is, as RULES words it.
func maiText(mai uint8) string {
	switch mai {
	case 1:
		return "a line edit"
	case 2:
		return "a date of service edit, policy: not appealable"
	}
	return "a date of service edit, clinical: appealable with records"
}

// ncciView is the NCCI tables as one catalog sees them: an add-on or a
// code that the catalog names in an addon line (77002's own rules, or
// "addon 99292 off") is left to the catalog.
type ncciView struct {
	t         *ncciTables
	codes     codeIndex
	ptp       ptpTable // table J: only from --ncci files
	skipAddon []bool   // by index in t.addons
	skipMUE   []bool   // by index in t.mueKeys
}

func (c *Catalog) buildNCCI() (*ncciView, error) {
	t, err := ncciTablesOf()
	if err != nil {
		return nil, err
	}
	var ptp ptpTable
	if f := c.ncciFiles; f != nil {
		mixed := *t
		if f.aoc != nil {
			mixed.addons, mixed.prims, mixed.from = f.aoc.addons, f.aoc.prims, f.aoc.from
		}
		if f.mue != nil {
			mixed.mueKeys, mixed.mue, mixed.mai, mixed.rationale, mixed.rationales = f.mue.mueKeys, f.mue.mue, f.mue.mai, f.mue.rationale, f.mue.rationales
		}
		t, ptp = &mixed, f.ptp
	}
	v := &ncciView{t: t, ptp: ptp, skipAddon: make([]bool, len(t.addons)), skipMUE: make([]bool, len(t.mueKeys))}
	v.codes = newCodeIndex(t)
	for code := range c.addons {
		k, ok := packCode(code)
		if !ok {
			continue
		}
		if i := t.addon(k); i >= 0 {
			v.skipAddon[i] = true
		}
		if i := t.mueOf(k); i >= 0 {
			v.skipMUE[i] = true
		}
	}
	return v, nil
}

// LoadWith reads the embedded catalog, the --rules files in order, then
// the CMS NCCI files (--ncci): an MUE or AOC file replaces the embedded
// table, PTP files add up. An error names FILE:LINE.
func LoadWith(rulesPaths, ncciPaths []string) (*Catalog, error) {
	c, err := Load(rulesPaths...)
	if err != nil || len(ncciPaths) == 0 {
		return c, err
	}
	f, err := readNCCIFiles(ncciPaths)
	if err != nil {
		return nil, err
	}
	c.ncciFiles = f
	v, err := c.buildNCCI()
	if err != nil {
		return nil, err
	}
	idx := c.index()
	idx.ncci = v // the catalog is not shared yet: the index may be rebuilt in place
	if f.mue != nil {
		// An MUE file replaces table I for the catalog's add-ons too,
		// unless their addon line says mue=.
		for i := range idx.addons {
			ia := &idx.addons[i]
			if ia.addon.MUE != 0 {
				continue
			}
			if k, ok := packCode(ia.addon.Code); ok {
				if mi := f.mue.mueOf(k); mi >= 0 && f.mue.mue[mi] > 0 {
					ia.mue = f.mue.mue[mi]
				}
			}
		}
	}
	return c, nil
}

// NCCISources says what the --ncci files held, one line a file.
func (c *Catalog) NCCISources() []string {
	if c.ncciFiles == nil {
		return nil
	}
	return append([]string(nil), c.ncciFiles.sources...)
}

// codeIndex finds a code's rows in tables H and I with one probe of an
// open-addressing table at most half full (a multiply, a shift, nearly
// always one compare), where two binary searches per line cost the NCCI
// rules most of their time.
type codeIndex struct {
	keys  []uint32 // code key + 1; 0: empty
	vals  []uint64 // add-on index + 1 | (MUE index + 1) << 32
	shift uint
}

func newCodeIndex(t *ncciTables) codeIndex {
	n := len(t.addons) + len(t.mueKeys)
	size, shift := 1, uint(32)
	for size < 2*n {
		size <<= 1
		shift--
	}
	x := codeIndex{keys: make([]uint32, size), vals: make([]uint64, size), shift: shift}
	for i, a := range t.addons {
		*x.slot(a.key) |= uint64(i + 1)
	}
	for i, k := range t.mueKeys {
		*x.slot(k) |= uint64(i+1) << 32
	}
	return x
}

// slot returns the value cell of key, claiming an empty one for it.
func (x *codeIndex) slot(key uint32) *uint64 {
	mask := uint32(len(x.keys) - 1)
	for i := (key * 0x9E3779B1) >> x.shift; ; i = (i + 1) & mask {
		switch x.keys[i] {
		case key + 1:
			return &x.vals[i]
		case 0:
			x.keys[i] = key + 1
			return &x.vals[i]
		}
	}
}

// find returns code key's index in the add-on table and in the MUE
// table, -1 where it has none.
func (x *codeIndex) find(key uint32) (addon, mue int) {
	mask := uint32(len(x.keys) - 1)
	for i := (key * 0x9E3779B1) >> x.shift; ; i = (i + 1) & mask {
		switch x.keys[i] {
		case key + 1:
			v := x.vals[i]
			return int(v&0xFFFFFFFF) - 1, int(v>>32) - 1
		case 0:
			return -1, -1
		}
	}
}

// tableIMUE is code's MUE in the embedded table I, 1 unit when it has
// none (or 0: another table's code): the MUE of a catalog add-on without
// mue=.
func tableIMUE(code string) claim.Decimal {
	one, _ := claim.ParseDecimal([]byte("1"))
	t, err := ncciTablesOf()
	if err != nil {
		return one
	}
	k, ok := packCode(code)
	if !ok {
		return one
	}
	if i := t.mueOf(k); i >= 0 && t.mue[i] > 0 {
		return t.mue[i]
	}
	return one
}
