package rules

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ptpBySheet reads a PTP file as every other file is read: as a sheet,
// every cell a string, its rows sorted at once.
func ptpBySheet(name string, b []byte) (ptpTable, int, error) {
	s, err := textSheet(name, b)
	if err != nil {
		return ptpTable{}, 0, err
	}
	kind, at, cols, err := s.header()
	if err != nil {
		return ptpTable{}, 0, err
	}
	if kind != ncciPTP {
		return ptpTable{}, 0, errors.New("not a PTP file")
	}
	run, err := ptpRows(s.name, s.rows[at+1:], s.lines[at+1:], ptpColsOf(cols))
	if err != nil {
		return ptpTable{}, 0, err
	}
	slices.SortFunc(run, comparePTP)
	return mergePTP([][]ptpRow{run}), len(run), nil
}

// ptpByText reads it with textPTP, in parts.
func ptpByText(name string, b []byte) (ptpTable, int, bool, error) {
	runs, n, ok, err := textPTP(name, b, nil)
	if err != nil || !ok {
		return ptpTable{}, 0, ok, err
	}
	return mergePTP(runs), n, true, nil
}

// requireAgree reads body both ways and requires the same table, count
// and error. It reports whether textPTP took body for a PTP file (when it
// does not, the sheet reader is all there is).
func requireAgree(t *testing.T, body []byte) bool {
	got, n, ok, err := ptpByText("f.txt", body)
	if !ok {
		require.NoError(t, err)
		return false
	}
	want, wn, werr := ptpBySheet("f.txt", body)
	if werr != nil {
		require.Error(t, err, "the sheet reader fails: %v", werr)
		require.Equal(t, werr.Error(), err.Error())
		return true
	}
	require.NoError(t, err)
	require.Equal(t, wn, n)
	require.Equal(t, want, got)
	return true
}

// inParts makes textPTP cut even a small file into up to n parts.
func inParts(tb testing.TB, n int) {
	parts, least := ptpParts, ptpPartMin
	ptpParts, ptpPartMin = func(int) int { return n }, 1
	tb.Cleanup(func() { ptpParts, ptpPartMin = parts, least })
}

// ptpBody is a PTP file of n rows after CMS's notice and header, with bad
// rows at the given row numbers (0-based).
func ptpBody(n int, crlf bool, bad ...int) []byte {
	var b strings.Builder
	eol := "\n"
	if crlf {
		eol = "\r\n"
	}
	b.WriteString("\xef\xbb\xbfCPT only copyright 2025 American Medical Association. All rights reserved." + eol + eol)
	b.WriteString(strings.TrimSuffix(ptpHeaderLine, "\n") + eol)
	for i := range n {
		switch {
		case slices.Contains(bad, i):
			fmt.Fprintf(&b, "%05d\t1234\t\t20100101\t*\t1\tBad column 2%s", 10000+i, eol)
		case i%97 == 0:
			b.WriteString(" \t " + eol) // a blank line
		default:
			fmt.Fprintf(&b, "%05d\t%05d\t\t2010%02d01\t%s\t%d\tStandards of medical / surgical practice%s", 10000+i*7919%89999, 10000+i*13%89999, 1+i%12, []string{"*", "", "20240101"}[i%3], []int{0, 1, 9}[i%3], eol)
		}
	}
	return []byte(b.String())
}

// sortRows sorts a PTP body's rows after its header, as CMS sorts them
// (the parts' runs are then in order: copied, not merged), or in reverse.
func sortRows(b []byte, reverse bool) []byte {
	head, body, _ := strings.Cut(string(b), ptpHeaderLine)
	rows := strings.SplitAfter(strings.TrimSuffix(body, "\n"), "\n")
	slices.Sort(rows)
	if reverse {
		slices.Reverse(rows)
	}
	return []byte(head + ptpHeaderLine + strings.Join(rows, "\n"))
}

// A large file is read in parts, each into its place.
func TestReadFileInParts(t *testing.T) {
	inParts(t, 7)
	dir := t.TempDir()
	body := ptpBody(3000, true, 5)
	path := filepath.Join(dir, "ptp.txt")
	require.NoError(t, os.WriteFile(path, body, 0o600))
	got, err := readFile(path)
	require.NoError(t, err)
	assert.Equal(t, body, got)

	_, err = readFile(filepath.Join(dir, "missing.txt"))
	assert.ErrorIs(t, err, fs.ErrNotExist)
	_, err = readFile(dir)
	assert.Error(t, err, "a directory")
}

const ptpHeaderLine = "Column 1\tColumn 2\t* = In existence prior to 1996\tEffective Date\tDeletion Date *=no data\tModifier 0=not allowed 1=allowed 9=not applicable\tPTP Edit Rationale\n"

// Read in parts, a PTP file gives the table, the row count and the error
// (the first in the file, at its line) that reading it as a sheet gives.
func TestTextPTPAgreesWithSheet(t *testing.T) {
	cases := []struct {
		name string
		body []byte
	}{
		{"rows", ptpBody(5000, false)},
		{"CRLF", ptpBody(5000, true)},
		{"a bad row", ptpBody(5000, false, 3210)},
		{"bad rows in two parts", ptpBody(5000, true, 4000, 900)},
		{"bad first row", ptpBody(5000, false, 0)},
		{"bad last row", ptpBody(5000, false, 4999)},
		{"sorted rows", sortRows(ptpBody(5000, false), false)},
		{"rows in reverse order", sortRows(ptpBody(5000, false), true)},
		{"header only", []byte(ptpHeaderLine)},
		{"no newline at the end", []byte(ptpHeaderLine + "29881\t29877\t\t20060101\t*\t1")},
	}
	for _, parts := range []int{1, 2, 7} {
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%s in %d", tc.name, parts), func(t *testing.T) {
				inParts(t, parts)
				require.True(t, requireAgree(t, tc.body), "read in parts")
			})
		}
	}
}

// What is not a tab-separated PTP file within its first lines is left to
// the sheet reader, which names what is wrong.
func TestTextPTPLeavesOtherFiles(t *testing.T) {
	for name, body := range map[string]string{
		"CSV":                    strings.ReplaceAll(ptpHeaderLine, "\t", ",") + "29881,29877,,20060101,*,1,x\n",
		"MUE":                    "HCPCS/CPT Code\tPractitioner Services MUE Values\tMUE Adjudication Indicator\tMUE Rationale\n20610\t1\t3\tx\n",
		"no modifier column":     "Column 1\tColumn 2\tEffective Date\tDeletion Date\n29881\t29877\t20060101\t*\n",
		"header after 64 lines":  strings.Repeat("notice\tline\n", 64) + ptpHeaderLine,
		"nothing but blank rows": "\t\n \n",
		"empty":                  "",
	} {
		t.Run(name, func(t *testing.T) {
			_, _, ok, err := textPTP("f.txt", []byte(body), nil)
			assert.False(t, ok)
			assert.NoError(t, err)
		})
	}
}

// FuzzPTPText: on any bytes that textPTP takes for a PTP file, reading it
// in parts agrees with reading it as a sheet.
//
//	go test ./rules -run '^$' -fuzz FuzzPTPText
func FuzzPTPText(f *testing.F) {
	f.Add(ptpBody(40, false, 17))
	f.Add(ptpBody(40, true))
	f.Add([]byte("CPT only copyright 2025 American Medical Association.\n\n" + ptpHeaderLine + "29881\t29877\t\t20060101\t*\t1\tx\n20610\t20552\t\t20100101\t20200101\t1\tDeleted edit\n"))
	f.Add([]byte(ptpHeaderLine + "29881\t29877\t\t1/2/2006\t12/31/2024\t1\tx\r\n\n29881\t29877\t\t20060101\t\t9\n"))
	inParts(f, 5)
	f.Fuzz(func(t *testing.T, body []byte) { requireAgree(t, body) })
}

// BenchmarkTextPTP reads a 200,000-row PTP file held in memory, sorted
// as CMS sorts it, into table J.
//
//	go test ./rules -run '^$' -bench TextPTP -benchmem
func BenchmarkTextPTP(b *testing.B) {
	body := sortRows(ptpBody(200_000, false), false)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		runs, n, ok, err := textPTP("ptp.txt", body, nil)
		if err != nil || !ok || n == 0 {
			b.Fatal(n, ok, err)
		}
		_ = mergePTP(runs)
	}
}
