package rules

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// The reader agrees with excelize, a full spreadsheet library kept here as
// the reference, on workbooks excelize writes: shared and rich strings,
// numbers, booleans, formulas (their cached text, or nothing), cells and
// rows left out, a second sheet that is not read.
func TestXLSXRowsAgreeWithExcelize(t *testing.T) {
	x := excelize.NewFile()
	set := func(cell string, v any) { require.NoError(t, x.SetCellValue("Sheet1", cell, v)) }
	set("A1", "CPT codes and descriptions only are copyright 2025 American Medical Association.")
	require.NoError(t, x.SetSheetRow("Sheet1", "A3", &[]any{"HCPCS/CPT Code", "Practitioner Services MUE Values", "MUE Adjudication Indicator", "MUE Rationale"}))
	require.NoError(t, x.SetSheetRow("Sheet1", "A4", &[]any{"20610", 1, "3 Date of Service Edit: Clinical", "Clinical: Data"}))
	require.NoError(t, x.SetSheetRow("Sheet1", "A5", &[]any{"0001F", 250, "1 Line Edit", "Clinical & <Data> \"quoted\""}))
	set("A6", 77002)
	set("C6", true)
	set("E6", 1.5)
	set("B7", "Ünïcode, tab\tand  spaces ")
	require.NoError(t, x.SetCellRichText("Sheet1", "A8", []excelize.RichTextRun{{Text: "rich "}, {Text: "text", Font: &excelize.Font{Bold: true}}}))
	require.NoError(t, x.SetCellFormula("Sheet1", "A9", "A6+1"))
	require.NoError(t, x.SetCellStr("Sheet1", "AB10", "far right"))
	_, err := x.NewSheet("Other")
	require.NoError(t, err)
	require.NoError(t, x.SetCellValue("Other", "A1", "not read"))
	var b bytes.Buffer
	require.NoError(t, x.Write(&b))

	rows, lines, err := xlsxRows(b.Bytes())
	require.NoError(t, err)

	ref, err := excelize.OpenReader(bytes.NewReader(b.Bytes()))
	require.NoError(t, err)
	want, err := ref.GetRows("Sheet1")
	require.NoError(t, err)
	var wantRows [][]string
	var wantLines []int
	for i, r := range want {
		if strings.Join(r, "") != "" { // a row of empty cells (a formula never computed) holds nothing
			wantRows, wantLines = append(wantRows, r), append(wantLines, i+1)
		}
	}
	assert.Equal(t, wantRows, rows)
	assert.Equal(t, wantLines, lines, "each row's number, empty rows skipped")
	assert.Equal(t, []string{"rich text"}, rows[6])
	assert.Equal(t, []string{"77002", "", "TRUE", "", "1.5"}, rows[4])
}

// A workbook laid out as Excel writes it, which excelize does not: the
// sheet named through the relationships, an absolute target, phonetic
// runs, inline strings, cells and rows without r.
func TestXLSXRowsExcelLayout(t *testing.T) {
	parts := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="MUE" sheetId="7" r:id="rId9"/><sheet name="Notes" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/mue.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="strings.xml"/>
</Relationships>`,
		"xl/strings.xml": `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">
<si><t>HCPCS/CPT Code</t></si><si><r><t xml:space="preserve">Practitioner </t></r><r><rPr><b/></rPr><t>Services MUE Values</t></r><rPh sb="0" eb="1"><t>ignored</t></rPh></si><si><t>1 Line Edit</t></si></sst>`,
		"xl/worksheets/mue.xml": `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c></row>
<row><c t="inlineStr"><is><t>20610</t></is></c><c><v>1</v></c><c t="s"><v>2</v></c></row>
<row r="9"><c r="B9" t="str"><f>A1</f><v>cached</v></c><c r="D9"/></row>
</sheetData></worksheet>`,
		"xl/worksheets/sheet1.xml": `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>wrong sheet</t></is></c></row></sheetData></worksheet>`,
	}
	rows, lines, err := xlsxRows(zipParts(t, parts))
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"HCPCS/CPT Code", "Practitioner Services MUE Values"}, {"20610", "1", "1 Line Edit"}, {"", "cached"}}, rows)
	assert.Equal(t, []int{2, 3, 9}, lines)
}

func TestXLSXRowsErrors(t *testing.T) {
	wb := `<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet r:id="rId1"/></sheets></workbook>`
	rels := `<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>`
	sheet := func(data string) map[string]string {
		return map[string]string{"xl/workbook.xml": wb, "xl/_rels/workbook.xml.rels": rels, "xl/worksheets/sheet1.xml": "<worksheet><sheetData>" + data + "</sheetData></worksheet>"}
	}
	cases := []struct {
		name  string
		parts map[string]string
		want  string
	}{
		{"no workbook", map[string]string{"a.txt": "x"}, "not an .xlsx workbook: no xl/workbook.xml"},
		{"no sheet", map[string]string{"xl/workbook.xml": "<workbook/>", "xl/_rels/workbook.xml.rels": rels}, "the workbook has no sheet"},
		{"sheet part missing", map[string]string{"xl/workbook.xml": wb, "xl/_rels/workbook.xml.rels": rels}, "names sheet xl/worksheets/sheet1.xml, which it does not hold"},
		{"no relationship", map[string]string{"xl/workbook.xml": wb, "xl/_rels/workbook.xml.rels": "<Relationships/>"}, "no part for the first sheet (rId1)"},
		{"shared string out of range", sheet(`<row r="1"><c r="A1" t="s"><v>3</v></c></row>`), "row 1, column 1: shared string \"3\" of 0"},
		{"rows out of order", sheet(`<row r="5"></row><row r="2"></row>`), "row \"2\" after row 5"},
		{"cells out of order", sheet(`<row r="1"><c r="C1"/><c r="B1"/></row>`), "row 1: cell \"B1\" after column 3"},
		{"bad reference", sheet(`<row r="1"><c r="1A"/></row>`), "row 1: cell \"1A\" after column 0"},
		{"bad XML", sheet(`<row r="1"><c>`), "XML syntax error"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := xlsxRows(zipParts(t, c.parts))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	_, _, err := xlsxRows([]byte("PK\x03\x04 not a zip"))
	assert.Error(t, err)
}

func zipParts(t *testing.T, parts map[string]string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range parts {
		w, err := zw.Create(name)
		require.NoError(t, err)
		_, err = fmt.Fprint(w, body)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return b.Bytes()
}
