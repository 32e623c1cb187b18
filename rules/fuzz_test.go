package rules_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scrub837/scrub837/internal/build"
	"github.com/scrub837/scrub837/rules"
)

// fuzzExts are the file kinds --ncci reads, chosen by the fuzzer.
var fuzzExts = []string{".csv", ".txt", ".tsv", ".zip", ".xlsx"}

// fuzzClaim bills the codes the seed files name, so that a table that
// loads is also used: every add-on, MUE and PTP rule runs on it.
var fuzzClaim = build.Claim{Lines: []L{
	{Code: "20610", Units: "2"}, {Code: "29881"}, {Code: "29877", Mods: []string{"59"}}, {Code: "64421"},
	{Code: "77002", Mods: []string{"26"}, Units: "3"}, {Code: "99213", Units: "9"}, {Code: "36415"},
}}

// FuzzNCCIFile feeds --ncci any bytes under any of the names it reads:
// it never panics, an error names the file, and tables that load can be
// used on a claim.
//
//	go test ./rules -run '^$' -fuzz FuzzNCCIFile
func FuzzNCCIFile(f *testing.F) {
	seeds := []struct {
		ext  int
		body string
	}{
		{0, mueCSV}, {1, ptpTXT}, {0, aocCSV}, {3, string(zipOf(f, "ccipra-v321r0-f1.txt", ptpTXT))},
		{2, "# type\taddon\tprimary\tedit_effective\n1\t64421\t64420\t2020-01-01\n2\t99292\tCCCCC\t2020-01-01\n"},
		{0, "\"Column 1\",\"Column 2\",\"* = In existence prior to 1996\",\"Effective Date\",\"Deletion Date *=no data\",\"Modifier 0=not allowed 1=allowed 9=not applicable\",\"PTP Edit Rationale\"\r\n" +
			"\"29881\",\"29877\",\"\",\"20060101\",\"*\",\"1\",\"Standards of medical, surgical practice\"\r\n"},
		{4, "PK\x03\x04"}, {4, string(mueXLSX(f))},
	}
	for _, s := range seeds {
		f.Add(uint8(s.ext), []byte(s.body))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, ext uint8, body []byte) {
		path := filepath.Join(dir, "ncci"+fuzzExts[int(ext)%len(fuzzExts)])
		require.NoError(t, os.WriteFile(path, body, 0o600))
		cat, err := rules.LoadWith(nil, []string{path})
		if err != nil {
			require.True(t, strings.Contains(err.Error(), path) || strings.Contains(err.Error(), filepath.Base(path)),
				"the error names the file: %v", err)
			return
		}
		require.NotEmpty(t, cat.NCCISources())
		check(t, cat, fuzzClaim)
	})
}

// FuzzRulesFile feeds --rules any lines: it never panics, an error names
// the file, and a catalog that loads can be used on a claim.
//
//	go test ./rules -run '^$' -fuzz FuzzRulesFile
func FuzzRulesFile(f *testing.F) {
	for _, s := range documented(f) { // docs/rules.md's examples
		f.Add([]byte(s))
	}
	f.Add([]byte("addon 77012 off\nadd primary 77012 99999\nadd alternative 77002 77012\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		cat, err := rules.LoadFrom("fuzz.rules", bytes.NewReader(body))
		if err != nil {
			require.Contains(t, err.Error(), "fuzz.rules", "the error names the file")
			return
		}
		check(t, cat, fuzzClaim)
	})
}
