package rules

import (
	"bytes"
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unsafe"
)

// The practitioner PTP table is the largest one CMS publishes: over a
// million rows, in four tab-separated files (.txt, each in its .zip). Read
// as a sheet, every cell a string of its own, a million rows took 0.66 s
// and 528 MB before the first claim. textPTP reads a tab-separated PTP
// file's rows straight from its bytes instead, in as many parts as there
// are processors, and sorts each part where it was read; the parts are
// merged at the end (mergePTP). Every other file, and a PTP file in CSV or
// .xlsx, is read as a sheet. The two readings agree row for row and error
// for error (FuzzPTPText).

// ptpCols are the columns of a PTP header.
type ptpCols struct{ c1, c2, from, until, mod int }

func ptpColsOf(cols map[string]int) ptpCols {
	return ptpCols{c1: cols["c1"], c2: cols["c2"], from: cols["from"], until: cols["until"], mod: cols["mod"]}
}

// ptpRowOf reads one row of a PTP table, at line of file name; skip is a
// row without codes.
func ptpRowOf(name string, line int, row []string, c ptpCols) (r ptpRow, skip bool, err error) {
	c1, c2 := cell(row, c.c1), cell(row, c.c2)
	if c1 == "" && c2 == "" {
		return ptpRow{}, true, nil
	}
	k1, ok1 := packCode(c1)
	k2, ok2 := packCode(c2)
	if !ok1 || !ok2 {
		return ptpRow{}, false, fmt.Errorf("%s:%d: column 1 %q, column 2 %q: expected five-character codes", name, line, c1, c2)
	}
	from, err := cmsDate(cell(row, c.from))
	if err != nil || from == 0 {
		return ptpRow{}, false, fmt.Errorf("%s:%d: effective date %q: expected YYYYMMDD", name, line, cell(row, c.from))
	}
	until, err := cmsDate(cell(row, c.until))
	if err != nil {
		return ptpRow{}, false, fmt.Errorf("%s:%d: deletion date %q: expected YYYYMMDD or *", name, line, cell(row, c.until))
	}
	mod, ok := leadingInt(cell(row, c.mod))
	if !ok || (mod != 0 && mod != 1 && mod != 9) {
		return ptpRow{}, false, fmt.Errorf("%s:%d: modifier indicator %q: expected 0, 1 or 9", name, line, cell(row, c.mod))
	}
	return ptpRow{uint64(k1)<<32 | uint64(k2), from, until, uint8(mod)}, false, nil
}

// comparePTP orders rows by key, then every other field, so that a table
// is the same however its rows were read.
func comparePTP(a, b ptpRow) int {
	if a.key != b.key { // nearly always: a pair has one row, or a few
		return cmp.Compare(a.key, b.key)
	}
	return cmp.Or(cmp.Compare(a.from, b.from), cmp.Compare(a.until, b.until), cmp.Compare(a.mod, b.mod))
}

// headerLines is how many lines textPTP looks at for the header: CMS's
// files open with a notice of a few lines. A file whose header comes later
// is read as a sheet.
const headerLines = 64

// textPTP reads a tab-separated PTP file (its bytes as sheetOf would read
// them, unpacked), appending its rows, sorted, as runs to runs. ok is
// false when the file is not one: the caller reads it as a sheet, which
// also reports what is wrong with its header.
func textPTP(name string, b []byte, runs [][]ptpRow) (_ [][]ptpRow, n int, ok bool, err error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if len(b) == 0 || !tabSeparated(b) {
		return runs, 0, false, nil
	}
	// The rows are read as strings that view the file's bytes, which
	// nothing writes to from here on and no row keeps.
	text := unsafe.String(unsafe.SliceData(b), len(b))
	var cols ptpCols
	line, at, seen := 0, 0, 0 // the header's line, where the body starts, lines looked at
	for found := false; !found; {
		if at >= len(text) || seen == headerLines {
			return runs, 0, false, nil
		}
		end := strings.IndexByte(text[at:], '\n')
		if end < 0 {
			end = len(text) - at
		}
		row := strings.TrimRight(text[at:at+end], "\r")
		at += end + 1
		line++
		if strings.TrimSpace(row) == "" {
			continue
		}
		seen++
		kind, cm, missing := headerOf(strings.Split(row, "\t"))
		switch {
		case kind == ncciPTP && missing == "":
			cols, found = ptpColsOf(cm), true
		case kind != 0:
			return runs, 0, false, nil
		}
	}
	if at >= len(text) {
		return runs, 0, true, nil
	}
	parts := splitLines(text[at:], ptpParts(0), ptpPartMin)
	out := make([]ptpPart, len(parts))
	var wg sync.WaitGroup
	for i, p := range parts {
		wg.Go(func() { out[i].read(name, p, cols) })
	}
	wg.Wait()
	first := line + 1
	for i := range out {
		out[i].first = first
		first += out[i].lines
	}
	for _, p := range out {
		if p.err != nil {
			return runs, 0, true, p.err(p.first) // the first in the file
		}
		n += len(p.rows)
		if len(p.rows) > 0 {
			runs = append(runs, p.rows)
		}
	}
	return runs, n, true, nil
}

// tabSeparated is textSheet's test: more tabs than commas in the first
// 64 KiB.
func tabSeparated(b []byte) bool {
	head := b[:min(len(b), 1<<16)]
	return bytes.Count(head, []byte("\t")) > bytes.Count(head, []byte(","))
}

// A PTP file's body is read in a part per processor, of at least
// ptpPartMin bytes (tests read small files in many parts).
var (
	ptpParts   = runtime.GOMAXPROCS
	ptpPartMin = 1 << 20
)

// splitLines cuts text into at most n parts of whole lines, of at least
// least bytes each.
func splitLines(text string, n, least int) []string {
	n = max(1, min(n, len(text)/max(least, 1)))
	parts := make([]string, 0, n)
	for i := n; i > 1; i-- {
		cut := len(text) / i
		if nl := strings.IndexByte(text[cut:], '\n'); nl >= 0 {
			parts = append(parts, text[:cut+nl+1])
			text = text[cut+nl+1:]
		}
	}
	return append(parts, text)
}

// ptpPart is one part of a PTP file's body and what reading it gave: its
// line count, and its first error, to be told once the part's first line
// number is known (the parts before it are read meanwhile).
type ptpPart struct {
	first int
	lines int
	rows  []ptpRow
	err   func(first int) error
}

// read reads the part's lines as textSheet and ptpRows would, then sorts
// its rows.
func (p *ptpPart) read(name, text string, cols ptpCols) {
	p.lines = strings.Count(text, "\n")
	p.rows = make([]ptpRow, 0, p.lines+1)
	fields := make([]string, 0, 8)
	last := max(cols.c1, cols.c2, cols.from, cols.until, cols.mod) // the columns after it are not read
	for line := 0; len(text) > 0; line++ {
		end := strings.IndexByte(text, '\n')
		if end < 0 {
			end = len(text)
		}
		row := strings.TrimRight(text[:end], "\r")
		text = text[min(end+1, len(text)):]
		if strings.TrimSpace(row) == "" {
			continue
		}
		fields = splitTabs(fields[:0], row, last+1)
		r, skip, err := ptpRowOf("", 0, fields, cols)
		if err != nil {
			row := slices.Clone(splitTabs(nil, row, -1)) // for the message: every field
			p.err = func(first int) error {
				_, _, err := ptpRowOf(name, first+line, row, cols)
				return err
			}
			return
		}
		if !skip {
			p.rows = append(p.rows, r)
		}
	}
	slices.SortFunc(p.rows, comparePTP)
}

// splitTabs is strings.Split(row, "\t") into fields, its first n fields
// when n >= 0.
func splitTabs(fields []string, row string, n int) []string {
	for len(fields) != n-1 {
		i := strings.IndexByte(row, '\t')
		if i < 0 {
			return append(fields, row)
		}
		fields = append(fields, row[:i])
		row = row[i+1:]
	}
	if i := strings.IndexByte(row, '\t'); i >= 0 {
		row = row[:i]
	}
	return append(fields, row)
}

// mergePTP builds table J from sorted runs of rows. Runs already in order
// (CMS sorts its files) are not merged, only copied
// into the table, each to its place at once.
func mergePTP(runs [][]ptpRow) ptpTable {
	for !inOrder(runs) {
		next := make([][]ptpRow, (len(runs)+1)/2)
		var wg sync.WaitGroup
		for i := 0; i < len(runs); i += 2 {
			if i+1 == len(runs) {
				next[i/2] = runs[i]
				continue
			}
			wg.Go(func() { next[i/2] = mergeRuns(runs[i], runs[i+1]) })
		}
		wg.Wait()
		runs = next
	}
	n := 0
	for _, r := range runs {
		n += len(r)
	}
	t := ptpTable{keys: make([]uint64, n), from: make([]int32, n), until: make([]int32, n), mod: make([]uint8, n)}
	var wg sync.WaitGroup
	at := 0
	for _, r := range runs {
		keys, from, until, mod := t.keys[at:at+len(r)], t.from[at:at+len(r)], t.until[at:at+len(r)], t.mod[at:at+len(r)]
		wg.Go(func() {
			for i, r := range r {
				keys[i], from[i], until[i], mod[i] = r.key, r.from, r.until, r.mod
			}
		})
		at += len(r)
	}
	wg.Wait()
	return t
}

// inOrder reports whether each run's rows come after the run before it.
func inOrder(runs [][]ptpRow) bool {
	var last *ptpRow
	for _, r := range runs {
		if len(r) == 0 {
			continue
		}
		if last != nil && comparePTP(*last, r[0]) > 0 {
			return false
		}
		last = &r[len(r)-1]
	}
	return true
}

// mergeRuns merges two sorted runs into a new one.
func mergeRuns(a, b []ptpRow) []ptpRow {
	out := make([]ptpRow, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if comparePTP(b[0], a[0]) < 0 {
			out, b = append(out, b[0]), b[1:]
		} else {
			out, a = append(out, a[0]), a[1:]
		}
	}
	return append(append(out, a...), b...)
}
