package rules_test

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/scrub837/scrub837/internal/build"
	"github.com/scrub837/scrub837/rules"
)

// The layouts CMS ships, as its files lay them out: notice lines before
// the header, quoted fields, CRLF, a byte-order mark.
const (
	mueCSV = "\ufeff\"CPT codes, descriptions and other data only are copyright 2025 American Medical Association. All rights reserved.\"\r\n" +
		"\"Notice: the MUE values are effective for dates of service on or after 04/01/2026\",,,\r\n" +
		"\"HCPCS/CPT Code\",\"Practitioner Services MUE Values\",\"MUE Adjudication Indicator\",\"MUE Rationale\"\r\n" +
		"20610,1,\"3 Date of Service Edit: Clinical\",\"Clinical: Data\"\r\n" +
		"A0425,250,\"1 Line Edit\",\"Clinical: Data\"\r\n" +
		"77002,3,\"3 Date of Service Edit: Clinical\",\"CMS Policy\"\r\n"
	ptpHeader = "Column 1\tColumn 2\t* = In existence prior to 1996\tEffective Date\tDeletion Date *=no data\tModifier 0=not allowed 1=allowed 9=not applicable\tPTP Edit Rationale\n"
	ptpTXT    = "CPT only copyright 2025 American Medical Association. All rights reserved.\n\n" + ptpHeader +
		"29881\t29877\t\t20060101\t*\t1\tStandards of medical / surgical practice\n" +
		"99213\t36415\t\t20100101\t*\t0\tMisuse of column two code with column one code\n" +
		"20610\t20552\t\t20100101\t20200101\t1\tDeleted edit\n" +
		"64415\t64450\t\t20100101\t*\t9\tNot applicable\n"
	aocCSV = "Add-on Code,Primary Code,AOC Edit Type,AOC Edit Effective Date,AOC Edit Deletion Date\n" +
		"64421,64420,1,20200101,*\n" +
		"64421,64999,1,20200101,20220101\n"
)

// zipOf is a .zip holding one file, name, as CMS ships its PTP tables.
func zipOf(t testing.TB, name, body string) []byte { return zipFiles(t, name, body) }

// zipFiles is a .zip holding the files named and given in pairs, in order.
func zipFiles(t testing.TB, nameBody ...string) []byte {
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	for i := 0; i+1 < len(nameBody); i += 2 {
		w, err := zw.Create(nameBody[i])
		require.NoError(t, err)
		_, err = w.Write([]byte(nameBody[i+1]))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return zb.Bytes()
}

// mueXLSX is an MUE table as an .xlsx workbook, written by excelize.
func mueXLSX(t testing.TB) []byte {
	x := excelize.NewFile()
	rows := [][]any{
		{"CPT codes and descriptions only are copyright 2025 American Medical Association."},
		{"HCPCS/CPT Code", "Practitioner Services MUE Values", "MUE Adjudication Indicator", "MUE Rationale"},
		{"20610", 1, "3 Date of Service Edit: Clinical", "Clinical: Data"},
	}
	for i, r := range rows {
		cellName, err := excelize.CoordinatesToCellName(1, i+1)
		require.NoError(t, err)
		require.NoError(t, x.SetSheetRow("Sheet1", cellName, &r))
	}
	var xb bytes.Buffer
	require.NoError(t, x.Write(&xb))
	return xb.Bytes()
}

func write(t *testing.T, name string, b []byte) string {
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, b, 0o600))
	return p
}

func TestNCCIFiles(t *testing.T) {
	mue := write(t, "MCR_MUE_PractitionerServices.csv", []byte(mueCSV))
	ptp := write(t, "ccipra-v321r0-f1.txt", []byte(ptpTXT))
	aoc := write(t, "AOC_V2026Q4.csv", []byte(aocCSV))
	cat, err := rules.LoadWith(nil, []string{mue, ptp, aoc})
	require.NoError(t, err)
	assert.Len(t, cat.NCCISources(), 3)
	assert.Contains(t, cat.NCCISources()[1], "4 PTP edits")

	cases := []struct {
		name  string
		lines []L
		want  []string
	}{
		{"MUE file replaces the embedded one: 20610 is 1 now", []L{{Code: "20610", Units: "2"}}, []string{"UNITS-MUE"}},
		{"and 77002's, from the file: 3", []L{{Code: "20610"}, {Code: "77002", Mods: []string{"26"}, Units: "3"}}, nil},
		{"77002 above the file's 3", []L{{Code: "20610"}, {Code: "77002", Mods: []string{"26"}, Units: "4"}}, []string{"UNITS-MUE"}},
		{"the embedded MUE is gone: 99213 has none", []L{{Code: "99213", Units: "9"}, {Code: "99213", Units: "9", Mods: []string{"25"}}}, nil},
		{"PTP indicator 1 without a modifier", []L{{Code: "29881"}, {Code: "29877"}}, []string{"PTP-BUNDLED"}},
		{"PTP indicator 1 with 59", []L{{Code: "29881"}, {Code: "29877", Mods: []string{"59"}}}, nil},
		{"PTP indicator 1 with RT on column 1", []L{{Code: "29881", Mods: []string{"RT"}}, {Code: "29877"}}, nil},
		{"PTP indicator 0 with 59", []L{{Code: "99213"}, {Code: "36415", Mods: []string{"59"}}}, []string{"PTP-BUNDLED"}},
		{"PTP deleted before the date", []L{{Code: "20610"}, {Code: "20552"}}, nil},
		{"PTP indicator 9", []L{{Code: "64415"}, {Code: "64450"}}, nil},
		{"PTP another date", []L{{Code: "29881", DOS: "20260301"}, {Code: "29877"}}, nil},
		{"AOC file: 64421 needs 64420", []L{{Code: "64421"}}, []string{"AOC-NO-PRIMARY"}},
		{"AOC file: a deleted row is no primary", []L{{Code: "64999"}, {Code: "64421"}}, []string{"AOC-NO-PRIMARY"}},
		{"AOC file replaces the embedded one: 99292 is no add-on", []L{{Code: "99292"}}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := check(t, cat, build.Claim{Lines: tc.lines})
			require.Equal(t, tc.want, idsOf(fs), "%v", fs)
		})
	}
	fs := check(t, cat, build.Claim{Lines: []L{{Code: "29881"}, {Code: "29877"}}})
	require.Len(t, fs, 1)
	assert.Equal(t, 1, fs[0].Line, "on the column 2 line")
	assert.Contains(t, fs[0].Message, "29877 on line 2 is bundled into 29881 on line 1")
}

// The same tables as an .xlsx workbook, inside a .zip, as CSV with
// quoted fields, and in the project's own TSV.
func TestNCCIFileFormats(t *testing.T) {
	xlsx := write(t, "MUE.xlsx", mueXLSX(t))

	zipped := write(t, "ccipra-v321r0-f1.zip", zipOf(t, "ccipra-v321r0-f1.txt", ptpTXT))

	ptpCSV := write(t, "ptp.csv", []byte("\"Column 1\",\"Column 2\",\"* = In existence prior to 1996\",\"Effective Date\",\"Deletion Date *=no data\",\"Modifier 0=not allowed 1=allowed 9=not applicable\",\"PTP Edit Rationale\"\r\n"+
		"\"29881\",\"29877\",\"\",\"20060101\",\"*\",\"1\",\"Standards of medical, surgical practice\"\r\n"))
	own := write(t, "aoc.tsv", []byte("# type\taddon\tprimary\tedit_effective\n1\t64421\t64420\t2020-01-01\n"))

	cat, err := rules.LoadWith(nil, []string{xlsx, zipped, ptpCSV, own})
	require.NoError(t, err)
	assert.Equal(t, []string{"UNITS-MUE"}, idsOf(check(t, cat, build.Claim{Lines: []L{{Code: "20610", Units: "2"}}})))
	assert.Equal(t, []string{"PTP-BUNDLED"}, idsOf(check(t, cat, build.Claim{Lines: []L{{Code: "29881"}, {Code: "29877"}}})))
	assert.Equal(t, []string{"AOC-NO-PRIMARY"}, idsOf(check(t, cat, build.Claim{Lines: []L{{Code: "64421"}}})))
}

// CMS ships each PTP file as the same table in .txt, .csv and .xlsx, beside
// notes: the text table is read (in parts), else the workbook, and the
// sources name the member read; a .zip holding no table says so, naming
// its member.
func TestNCCIZipMember(t *testing.T) {
	notes := "Read the NCCI policy manual first.\nIt has two lines.\n"
	book := string(mueXLSX(t)) // an MUE table: what was read shows in the sources
	cases := []struct {
		name  string
		files []string
		want  string // in the sources, or in the error
	}{
		{"text before its workbook", []string{"README.txt", notes, "f1.xlsx", book, "f1.TXT", ptpTXT}, "f1.zip:f1.TXT: 4 PTP edits"},
		{"CSV when no text is tab-separated", []string{"README.txt", notes, "f1.csv", strings.ReplaceAll(ptpTXT, "\t", ","), "f1.xlsx", book}, "f1.zip:f1.csv: 4 PTP edits"},
		{"tab-separated before CSV", []string{"f1.csv", strings.ReplaceAll(ptpTXT, "\t", ",") + "1,2,3,4,5,6,7\n", "f1.txt", ptpTXT}, "f1.zip:f1.txt: 4 PTP edits"},
		{"the workbook when no text has a header", []string{"README.txt", notes, "f1.xlsx", book}, "f1.zip:f1.xlsx: 1 MUEs"},
		{"notes only", []string{"README.txt", notes, "notes.pdf", "%PDF"}, "f1.zip:README.txt:1: expected a CMS NCCI file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cat, err := rules.LoadWith(nil, []string{write(t, "f1.zip", zipFiles(t, tc.files...))})
			if err != nil {
				assert.Contains(t, err.Error(), tc.want)
				return
			}
			require.Len(t, cat.NCCISources(), 1)
			assert.Contains(t, cat.NCCISources()[0], tc.want)
		})
	}
}

// A file that is none of these, or a row that does not parse, is an error
// naming FILE:LINE and what was expected.
func TestNCCIFileErrors(t *testing.T) {
	cases := []struct {
		name, body, want string
	}{
		{"unknown.csv", "a,b,c\n1,2,3\n", "unknown.csv:1: expected a CMS NCCI file"},
		{"bad-mai.csv", "HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale\n20610,1,Clinical,x\n", "bad-mai.csv:2: MUE adjudication indicator \"Clinical\""},
		{"bad-mue.csv", "x\nHCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale\n20610,one,3,x\n", "bad-mue.csv:3: MUE \"one\""},
		{"bad-ptp.txt", ptpHeader + "29881\t29877\t\t2006-13-01\t*\t1\tx\n", "bad-ptp.txt:2: effective date"},
		{"bad-mod.txt", ptpHeader + "29881\t29877\t\t20060101\t*\t2\tx\n", "bad-mod.txt:2: modifier indicator \"2\""},
		{"bad-code.txt", ptpHeader + "2988\t29877\t\t20060101\t*\t1\tx\n", "bad-code.txt:2: column 1 \"2988\""},
		{"empty.zip", "PK\x05\x06" + strings.Repeat("\x00", 18), "empty.zip"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := rules.LoadWith(nil, []string{write(t, tc.name, []byte(tc.body))})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
