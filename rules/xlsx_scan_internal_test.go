package rules

import (
	"bytes"
	"errors"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var scanShared = []string{"HCPCS/CPT Code", "Column 1", "Column 2", "1 Line Edit"}

// sheetsBothWays reads a worksheet with scanSheet, whole and a byte at a
// time, and with encoding/xml. plain is false when scanSheet left it to
// encoding/xml (both readings of it must then say so).
func sheetsBothWays(t *testing.T, body []byte) (plain bool) {
	fast := &sheetBuilder{shared: scanShared}
	ferr := scanSheet(bytes.NewReader(body), fast)
	bytewise := &sheetBuilder{shared: scanShared}
	berr := scanSheet(iotest.OneByteReader(bytes.NewReader(body)), bytewise)
	require.Equal(t, errors.Is(ferr, errNotPlain), errors.Is(berr, errNotPlain), "whole: %v, a byte at a time: %v", ferr, berr)
	if errors.Is(ferr, errNotPlain) {
		return false
	}
	slow := &sheetBuilder{shared: scanShared}
	serr := decodeSheet(bytes.NewReader(body), slow)
	for _, got := range []struct {
		b   *sheetBuilder
		err error
	}{{fast, ferr}, {bytewise, berr}} {
		if serr != nil {
			require.Error(t, got.err, "encoding/xml: %v", serr)
			require.Equal(t, serr.Error(), got.err.Error())
			continue
		}
		require.NoError(t, got.err)
		require.Equal(t, slow.rows, got.b.rows)
		require.Equal(t, slow.lines, got.b.lines)
	}
	return true
}

const excelSheet = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"><dimension ref="A1:G4"/><sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/><sheetData>
<row r="1" spans="1:7" x14ac:dyDescent="0.25"><c r="A1" s="1" t="s"><v>1</v></c><c r="B1" t="s"><v>2</v></c></row>
<row r="3" spans="1:7"><c r="A3" t="inlineStr"><is><t xml:space="preserve"> 29881 </t></is></c><c r='B3' t='inlineStr'><is><r><t>298</t></r><r><rPr><b/></rPr><t>77</t></r></is></c><c r="C3"/><c r="D3"><v>20060101</v></c><c r="E3" t="str"><f>"*"</f><v>*</v></c><c r="F3" t="b"><v>1</v></c><c r="G3" t="inlineStr"><is><t>Medical &amp; surgical &lt;practice&gt; &#233;&#x41;</t></is></c></row>
<row r="4"/>
<x:row r="5"><x:c r="A5"><x:v>77002</x:v></x:c></x:row>
</sheetData><pageMargins left="0.7" right="0.7"/></worksheet>`

// What spreadsheet writers emit is read by the scanner, not left to
// encoding/xml, and read alike.
func TestScanSheetReadsWhatWritersWrite(t *testing.T) {
	for name, body := range map[string]string{
		"as Excel writes it":   excelSheet,
		"as excelize streams":  `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Column 1</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t></t></is></c></row></sheetData></worksheet>`,
		"no declaration":       `<worksheet><sheetData><row><c><v>1</v></c></row></sheetData></worksheet>`,
		"a row out of order":   `<worksheet><sheetData><row r="5"></row><row r="2"></row></sheetData></worksheet>`,
		"a shared string past": `<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>9</v></c></row></sheetData></worksheet>`,
	} {
		t.Run(name, func(t *testing.T) {
			assert.True(t, sheetsBothWays(t, []byte(body)), "read by the scanner")
		})
	}
	b := &sheetBuilder{shared: scanShared}
	require.NoError(t, scanSheet(bytes.NewReader([]byte(excelSheet)), b))
	assert.Equal(t, [][]string{{"Column 1", "Column 2"}, {" 29881 ", "29877", "", "20060101", "*", "TRUE", "Medical & surgical <practice> éA"}, {"77002"}}, b.rows)
	assert.Equal(t, []int{1, 3, 5}, b.lines)
}

// What the scanner does not know is left to encoding/xml.
func TestScanSheetLeavesTheRest(t *testing.T) {
	for name, body := range map[string]string{
		"a comment":            `<worksheet><!-- x --><sheetData/></worksheet>`,
		"CDATA":                `<worksheet><sheetData><row><c><v><![CDATA[1]]></v></c></row></sheetData></worksheet>`,
		"a DOCTYPE":            `<!DOCTYPE worksheet><worksheet/>`,
		"another encoding":     `<?xml version="1.0" encoding="ISO-8859-1"?><worksheet/>`,
		"a processing instr.":  `<worksheet><?mso-application progid="Excel.Sheet"?></worksheet>`,
		"a carriage return":    "<worksheet><sheetData><row><c><v>1\r\n2</v></c></row></sheetData></worksheet>",
		"an unknown entity":    `<worksheet><sheetData><row><c><v>&nbsp;</v></c></row></sheetData></worksheet>`,
		"an entity in a value": `<worksheet><sheetData><row r="&#49;"/></sheetData></worksheet>`,
		"unclosed":             `<worksheet><sheetData><row r="1"><c>`,
		"mismatched":           `<worksheet><sheetData></row></sheetData></worksheet>`,
		"empty":                ``,
		"invalid UTF-8":        "<worksheet><sheetData><row><c><v>\xff</v></c></row></sheetData></worksheet>",
	} {
		t.Run(name, func(t *testing.T) {
			assert.False(t, sheetsBothWays(t, []byte(body)), "left to encoding/xml")
		})
	}
}

// FuzzScanSheet: on any worksheet the scanner reads, whole or a byte at a
// time, it gives the rows, row numbers and error encoding/xml gives.
//
//	go test ./rules -run '^$' -fuzz FuzzScanSheet
func FuzzScanSheet(f *testing.F) {
	f.Add([]byte(excelSheet))
	f.Add([]byte(`<worksheet><sheetData><row r="2"><c r="B2" t="s"><v> 3 </v></c><c t="b"><v>0</v></c><c r="D2" t="e"><v>#N/A</v></c></row><row><c><is><t>x</t></is></c></row></sheetData></worksheet>`))
	f.Add([]byte(`<a:worksheet xmlns:a="u"><a:sheetData><a:row r="1"><a:c r="A1" t="inlineStr"><a:is><a:t>&quot;q&apos;</a:t></a:is></a:c></a:row></a:sheetData></a:worksheet>`))
	f.Fuzz(func(t *testing.T, body []byte) { sheetsBothWays(t, body) })
}
