package rules

import (
	"archive/zip"
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/scrub837/scrub837/claim"
)

// CMS publishes the NCCI tables every quarter. --ncci reads them as CMS
// ships them, recognised by their header row, so that next quarter's
// tables need no release: an MUE file replaces the embedded MUEs, an AOC
// file the embedded add-on edits, and PTP files (CMS splits the table into
// four) add up.

// ncciKind is what a file holds.
type ncciKind int

const (
	ncciMUE ncciKind = iota + 1
	ncciAOC
	ncciPTP
)

// ncciFiles is what the --ncci files of one run hold.
type ncciFiles struct {
	mue, aoc *ncciTables // replace the embedded tables when set
	ptp      ptpTable
	sources  []string // "FILE: 1,234 PTP edits"
}

// ptpTable is table J: column 1/column 2 pairs, sorted by key (column 1
// in the high 32 bits).
type ptpTable struct {
	keys        []uint64
	from, until []int32 // until: the deletion date, 0 for none
	mod         []uint8 // 0 not allowed, 1 allowed, 9 not applicable
}

// sheet is a file read as rows of fields (sheetOf): CSV, tab-separated
// text or an .xlsx workbook's first sheet, a .zip unpacked first (unpack).
// lines are each row's line (or spreadsheet row) number.
type sheet struct {
	name  string
	rows  [][]string
	lines []int
}

// sheetOf reads what unpack returned: a workbook or text.
func sheetOf(name string, b []byte) (*sheet, error) {
	if bytes.HasPrefix(b, zipMagic) { // unpack stops at a workbook
		return xlsxSheet(name, b)
	}
	return textSheet(name, b)
}

var zipMagic = []byte("PK\x03\x04")

// unpack returns what a file holds: a .zip's table (member), unpacked in
// turn when it is a .zip, named "FILE:MEMBER", or the file itself: text
// or an .xlsx workbook.
func unpack(name string, b []byte) (string, []byte, error) {
	for bytes.HasPrefix(b, zipMagic) && !strings.EqualFold(filepath.Ext(name), ".xlsx") {
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return "", nil, fmt.Errorf("%s: %w", name, err)
		}
		f := member(zr)
		if f == nil {
			return "", nil, fmt.Errorf("%s:1: expected a .zip holding a .csv, .txt, .tsv or .xlsx file", name)
		}
		rc, err := f.Open()
		if err != nil {
			return "", nil, fmt.Errorf("%s: %s: %w", name, f.Name, err)
		}
		inner, err := io.ReadAll(io.LimitReader(rc, 1<<30))
		_ = rc.Close()
		if err != nil {
			return "", nil, fmt.Errorf("%s: %s: %w", name, f.Name, err)
		}
		name, b = name+":"+f.Name, inner
	}
	return name, b, nil
}

// member picks the table of a .zip. CMS ships each PTP file as the same
// table in .txt, .csv and .xlsx, beside notes. The first text file whose
// opening lines hold an NCCI header is taken, a tab-separated one first
// (textPTP reads it in parts; CSV goes through encoding/csv into a sheet,
// a workbook through an XML decoder, tens of times slower); else the first
// workbook; else the first .csv, .txt or .tsv file, whose reading then
// says what is wrong. nil: none of these.
func member(zr *zip.Reader) *zip.File {
	var first, text, book *zip.File
	for _, f := range zr.File {
		switch strings.ToLower(filepath.Ext(f.Name)) {
		case ".csv", ".txt", ".tsv":
			switch headed, tabs := headed(f); {
			case headed && tabs:
				return f
			case headed && text == nil:
				text = f
			}
			if first == nil {
				first = f
			}
		case ".xlsx":
			if book == nil {
				book = f
			}
		}
	}
	return cmp.Or(text, book, first)
}

// headed reports whether a text file's first 64 KiB (whole lines) hold an
// NCCI header within headerLines rows, and whether it is tab-separated.
func headed(f *zip.File) (headed, tabs bool) {
	rc, err := f.Open()
	if err != nil {
		return false, false
	}
	head, _ := io.ReadAll(io.LimitReader(rc, 64<<10))
	_ = rc.Close()
	if len(head) == 64<<10 {
		head = head[:bytes.LastIndexByte(head, '\n')+1]
	}
	s, err := textSheet(f.Name, head)
	if err != nil {
		return false, false
	}
	for _, row := range s.rows[:min(len(s.rows), headerLines)] {
		if kind, _, _ := headerOf(row); kind != 0 {
			return true, tabSeparated(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")))
		}
	}
	return false, false
}

// textSheet reads CSV (quoted fields, a notice line of any width) or, when
// the header line has tabs and no commas outside quotes, tab-separated
// text. A byte-order mark and CRLF are allowed.
func textSheet(name string, b []byte) (*sheet, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	s := &sheet{name: name}
	tabs := bytes.Count(b[:min(len(b), 1<<16)], []byte("\t")) > bytes.Count(b[:min(len(b), 1<<16)], []byte(","))
	if tabs {
		for n, line := range strings.Split(string(b), "\n") {
			line = strings.TrimRight(line, "\r")
			if strings.TrimSpace(line) == "" {
				continue
			}
			s.rows = append(s.rows, strings.Split(line, "\t"))
			s.lines = append(s.lines, n+1)
		}
		return s, nil
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return s, nil
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		s.rows = append(s.rows, rec)
		s.lines = append(s.lines, line)
	}
}

// norm folds a header cell for matching: lower case, single spaces.
func norm(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// header finds the header row and says what the file is: the first row
// whose cells name the columns of an MUE, PTP or AOC file. cols maps each
// needed column to its index.
func (s *sheet) header() (kind ncciKind, at int, cols map[string]int, err error) {
	for i, row := range s.rows {
		kind, cols, missing := headerOf(row)
		if missing != "" {
			return 0, 0, nil, fmt.Errorf("%s:%d: a PTP header without its %q column", s.name, s.lines[i], missing)
		}
		if kind != 0 {
			return kind, i, cols, nil
		}
	}
	return 0, 0, nil, fmt.Errorf("%s:1: expected a CMS NCCI file: an MUE file (header \"HCPCS/CPT Code, Practitioner Services MUE Values, MUE Adjudication Indicator, MUE Rationale\"), a PTP file (header naming \"Column 1\", \"Column 2\", \"Effective Date\", \"Deletion Date\", \"Modifier\") or an AOC file (header naming the add-on code, the primary code and the edit type)", s.name)
}

// headerOf says what a file whose header is row holds, 0 when row is not a
// header; missing names the first column a PTP header lacks.
func headerOf(row []string) (kind ncciKind, cols map[string]int, missing string) {
	find := func(words ...string) int {
		for j, c := range row {
			c = norm(c)
			ok := true
			for _, w := range words {
				ok = ok && strings.Contains(c, w)
			}
			if ok {
				return j
			}
		}
		return -1
	}
	if code, mue, mai := find("hcpcs"), find("mue values"), find("adjudication indicator"); code >= 0 && mue >= 0 && mai >= 0 {
		return ncciMUE, map[string]int{"code": code, "mue": mue, "mai": mai, "rationale": find("rationale")}, ""
	}
	if c1, c2 := find("column 1"), find("column 2"); c1 >= 0 && c2 >= 0 {
		cols := map[string]int{"c1": c1, "c2": c2, "from": find("effective"), "until": find("deletion"), "mod": find("modifier")}
		for _, k := range []string{"from", "until", "mod"} {
			if cols[k] < 0 {
				return ncciPTP, nil, k
			}
		}
		return ncciPTP, cols, ""
	}
	addon, prim, typ := find("add"), find("primary"), find("type")
	if addon >= 0 && prim >= 0 && typ >= 0 && addon != prim {
		return ncciAOC, map[string]int{"addon": addon, "primary": prim, "type": typ, "from": find("effective"), "until": find("deletion")}, ""
	}
	return 0, nil, ""
}

// cmsDate reads YYYYMMDD, YYYY-MM-DD or M/D/YYYY; "*" or "" is none (0).
func cmsDate(v string) (int32, error) {
	v = strings.TrimSpace(v)
	if v == "" || v == "*" {
		return 0, nil
	}
	if m, d, y, ok := slashDate(v); ok {
		v = fmt.Sprintf("%04d%02d%02d", y, m, d)
	}
	v = strings.ReplaceAll(v, "-", "")
	if len(v) != 8 {
		return 0, fmt.Errorf("date %q: expected YYYYMMDD", v)
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil || n/100%100 < 1 || n/100%100 > 12 || n%100 < 1 || n%100 > 31 {
		return 0, fmt.Errorf("date %q: expected YYYYMMDD", v)
	}
	return int32(n), nil
}

func slashDate(v string) (m, d, y int, ok bool) {
	if strings.Count(v, "/") != 2 { // nothing to split, nothing allocated: most dates are YYYYMMDD
		return 0, 0, 0, false
	}
	p := strings.Split(v, "/")
	var err error
	if m, err = strconv.Atoi(p[0]); err != nil {
		return 0, 0, 0, false
	}
	if d, err = strconv.Atoi(p[1]); err != nil {
		return 0, 0, 0, false
	}
	if y, err = strconv.Atoi(p[2]); err != nil {
		return 0, 0, 0, false
	}
	return m, d, y, true
}

// leadingInt reads the number a cell starts with: "3 Date of Service
// Edit: Clinical" is 3.
func leadingInt(v string) (int, bool) {
	v = strings.TrimSpace(v)
	i := 0
	for i < len(v) && v[i] >= '0' && v[i] <= '9' {
		i++
	}
	n, err := strconv.Atoi(v[:i])
	return n, err == nil
}

func cell(row []string, i int) string {
	if i < 0 || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

// readFile reads a file whole, a large one in a part per processor, so
// that copying it from the page cache and the first touch of its memory
// (a PTP file is some 60 MB) are shared out.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }() // read only: nothing to lose
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return io.ReadAll(f)
	}
	size := st.Size()
	parts := int(max(1, min(int64(ptpParts(0)), size/int64(max(ptpPartMin, 1)))))
	b := make([]byte, size)
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for i := range parts {
		lo, hi := size*int64(i)/int64(parts), size*int64(i+1)/int64(parts)
		wg.Go(func() {
			if n, err := f.ReadAt(b[lo:hi], lo); n < int(hi-lo) {
				errs[i] = &fs.PathError{Op: "read", Path: path, Err: cmp.Or(err, io.ErrUnexpectedEOF)}
			}
		})
	}
	wg.Wait()
	return b, errors.Join(errs...)
}

// readNCCIFiles reads every --ncci file.
func readNCCIFiles(paths []string) (*ncciFiles, error) {
	out := &ncciFiles{}
	var ptp [][]ptpRow // sorted runs
	for _, path := range paths {
		b, err := readFile(path)
		if err != nil {
			return nil, err
		}
		name, b, err := unpack(path, b)
		if err != nil {
			return nil, err
		}
		if !bytes.HasPrefix(b, zipMagic) {
			var n int
			var ok bool
			if ptp, n, ok, err = textPTP(name, b, ptp); err != nil {
				return nil, err
			} else if ok {
				out.sources = append(out.sources, fmt.Sprintf("%s: %d PTP edits", name, n))
				continue
			}
		}
		s, err := sheetOf(name, b)
		if err != nil {
			return nil, err
		}
		kind, at, cols, err := s.header()
		if err != nil {
			if t, ok := ownAOC(s); ok {
				out.aoc = t
				out.sources = append(out.sources, fmt.Sprintf("%s: %d add-on codes (AOC)", name, len(t.addons)))
				continue
			}
			return nil, err
		}
		rows, lines := s.rows[at+1:], s.lines[at+1:]
		switch kind {
		case ncciMUE:
			t := &ncciTables{}
			if err := t.mueFromSheet(s.name, rows, lines, cols); err != nil {
				return nil, err
			}
			out.mue = t
			out.sources = append(out.sources, fmt.Sprintf("%s: %d MUEs", name, len(t.mueKeys)))
		case ncciAOC:
			t := &ncciTables{}
			var b strings.Builder
			for i, row := range rows {
				if cell(row, cols["addon"]) == "" {
					continue
				}
				from := cell(row, cols["from"])
				if d, err := cmsDate(from); err != nil {
					return nil, fmt.Errorf("%s:%d: %w", s.name, lines[i], err)
				} else if d != 0 {
					from = fmt.Sprintf("%04d-%02d-%02d", d/10000, d/100%100, d%100)
				} else {
					from = "2013-04-01"
				}
				if u, err := cmsDate(cell(row, cols["until"])); err != nil {
					return nil, fmt.Errorf("%s:%d: %w", s.name, lines[i], err)
				} else if u != 0 {
					continue // deleted: CMS's file keeps deleted rows
				}
				typ, _ := leadingInt(cell(row, cols["type"]))
				fmt.Fprintf(&b, "%d\t%s\t%s\t%s\n", typ, cell(row, cols["addon"]), cell(row, cols["primary"]), from)
			}
			if err := t.readAOC([]byte(b.String()), s.name); err != nil {
				return nil, err
			}
			out.aoc = t
			out.sources = append(out.sources, fmt.Sprintf("%s: %d add-on codes (AOC)", name, len(t.addons)))
		case ncciPTP:
			run, err := ptpRows(s.name, rows, lines, ptpColsOf(cols))
			if err != nil {
				return nil, err
			}
			slices.SortFunc(run, comparePTP)
			ptp = append(ptp, run)
			out.sources = append(out.sources, fmt.Sprintf("%s: %d PTP edits", name, len(run)))
		}
	}
	out.ptp = mergePTP(ptp)
	return out, nil
}

// ownAOC reads the project's own AOC TSV ("type addon primary edit_effective").
func ownAOC(s *sheet) (*ncciTables, bool) {
	var b strings.Builder
	for _, row := range s.rows {
		if strings.HasPrefix(cell(row, 0), "#") {
			continue
		}
		b.WriteString(strings.Join(row, "\t"))
		b.WriteByte('\n')
	}
	t := &ncciTables{}
	if t.readAOC([]byte(b.String()), s.name) != nil || len(t.addons) == 0 {
		return nil, false
	}
	return t, true
}

func (t *ncciTables) mueFromSheet(name string, rows [][]string, lines []int, cols map[string]int) error {
	var b strings.Builder
	for i, row := range rows {
		code := cell(row, cols["code"])
		if code == "" {
			continue
		}
		mai, ok := leadingInt(cell(row, cols["mai"]))
		if !ok {
			return fmt.Errorf("%s:%d: MUE adjudication indicator %q: expected 1, 2 or 3 (\"3 Date of Service Edit: Clinical\")", name, lines[i], cell(row, cols["mai"]))
		}
		rat := strings.NewReplacer("\t", " ", "\n", " ").Replace(cell(row, cols["rationale"]))
		if rat == "" {
			rat = "-"
		}
		if _, ok := packCode(code); !ok {
			return fmt.Errorf("%s:%d: code %q: expected five letters or digits", name, lines[i], code)
		}
		if m, ok := claim.ParseDecimal([]byte(cell(row, cols["mue"]))); !ok || m < 0 || mai < 1 || mai > 3 {
			return fmt.Errorf("%s:%d: MUE %q, indicator %q: expected a number of units and 1, 2 or 3", name, lines[i], cell(row, cols["mue"]), cell(row, cols["mai"]))
		}
		fmt.Fprintf(&b, "%s\t%s\t%d\t%s\n", code, cell(row, cols["mue"]), mai, rat)
	}
	// Every row's fields are checked above, with the file's line numbers.
	return t.readMUE([]byte(b.String()), name)
}

type ptpRow struct {
	key         uint64
	from, until int32
	mod         uint8
}

func ptpRows(name string, rows [][]string, lines []int, cols ptpCols) ([]ptpRow, error) {
	var out []ptpRow
	for i, row := range rows {
		r, skip, err := ptpRowOf(name, lines[i], row, cols)
		if err != nil {
			return nil, err
		}
		if !skip {
			out = append(out, r)
		}
	}
	return out, nil
}

// edit returns the modifier indicator of the PTP edit col1/col2 in effect
// on dos, and whether there is one.
func (t *ptpTable) edit(col1, col2 uint32, dos int) (uint8, bool) {
	k := uint64(col1)<<32 | uint64(col2)
	i, _ := slices.BinarySearch(t.keys, k)
	for ; i < len(t.keys) && t.keys[i] == k; i++ {
		if int(t.from[i]) <= dos && (t.until[i] == 0 || dos < int(t.until[i])) {
			return t.mod[i], true
		}
	}
	return 0, false
}
