package rules

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// An .xlsx workbook (ECMA-376 SpreadsheetML) is a zip of XML parts:
// xl/workbook.xml lists the sheets, xl/_rels/workbook.xml.rels says which
// part holds each, and xl/sharedStrings.xml holds the text that cells
// refer to by number. CMS's NCCI workbooks need the first sheet's cell
// text and nothing else, so the reader here does only that, in one pass
// over the sheet with encoding/xml. (A full spreadsheet library cost every
// run of the command 1.8 ms of package initialisation, most of its
// start-up; its tests keep it as the reference this reader is held to.)

// xlsxPartLimit bounds how much of one part is decompressed: a zip bomb
// is an error, not an exhausted machine.
const xlsxPartLimit = 1 << 30

func xlsxSheet(name string, b []byte) (*sheet, error) {
	rows, lines, err := xlsxRows(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &sheet{name: name, rows: rows, lines: lines}, nil
}

// xlsxRows returns the first sheet's rows that hold any cell, each as its
// cells' text from column A to its last cell (a missing cell is ""), and
// each row's number.
func xlsxRows(b []byte) ([][]string, []int, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, nil, err
	}
	parts := map[string]*zip.File{}
	for _, f := range zr.File {
		parts[strings.TrimPrefix(f.Name, "/")] = f
	}
	sheetPart, stringsPart, err := firstSheet(parts)
	if err != nil {
		return nil, nil, err
	}
	var shared []string
	if f := parts[stringsPart]; f != nil {
		if shared, err = sharedStrings(f); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", stringsPart, err)
		}
	}
	f := parts[sheetPart]
	if f == nil {
		return nil, nil, fmt.Errorf("the workbook names sheet %s, which it does not hold", sheetPart)
	}
	rows, lines, err := sheetRows(f, shared)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", sheetPart, err)
	}
	return rows, lines, nil
}

// firstSheet finds the first sheet's part and the shared strings' part
// through the workbook and its relationships.
func firstSheet(parts map[string]*zip.File) (sheet, sharedStrings string, err error) {
	var wb struct {
		Sheets []struct {
			ID string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := decodePart(parts, "xl/workbook.xml", &wb); err != nil {
		return "", "", err
	}
	if len(wb.Sheets) == 0 {
		return "", "", errors.New("the workbook has no sheet")
	}
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := decodePart(parts, "xl/_rels/workbook.xml.rels", &rels); err != nil {
		return "", "", err
	}
	sharedStrings = "xl/sharedStrings.xml"
	for _, r := range rels.Rel {
		target := r.Target
		if strings.HasPrefix(target, "/") {
			target = strings.TrimPrefix(target, "/")
		} else {
			target = path.Join("xl", target)
		}
		switch {
		case r.ID == wb.Sheets[0].ID:
			sheet = target
		case strings.HasSuffix(r.Type, "/sharedStrings"):
			sharedStrings = target
		}
	}
	if sheet == "" {
		return "", "", fmt.Errorf("xl/_rels/workbook.xml.rels: no part for the first sheet (%s)", wb.Sheets[0].ID)
	}
	return sheet, sharedStrings, nil
}

func decodePart(parts map[string]*zip.File, name string, v any) error {
	f := parts[name]
	if f == nil {
		return fmt.Errorf("not an .xlsx workbook: no %s", name)
	}
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer func() { _ = rc.Close() }()
	if err := xml.NewDecoder(io.LimitReader(rc, xlsxPartLimit)).Decode(v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// sharedStrings reads the shared string table: each <si> is one string,
// its <t> text, or the <t> of each of its runs (<r>) joined; phonetic
// hints (<rPh>) are not text.
func sharedStrings(f *zip.File) ([]string, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer func() { _ = rc.Close() }()
	d := xml.NewDecoder(io.LimitReader(rc, xlsxPartLimit))
	var out []string
	var text strings.Builder
	in, phonetic := false, 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				in = true
				text.Reset()
			case "rPh":
				phonetic++
			case "t":
				if in && phonetic == 0 {
					s, err := elementText(d)
					if err != nil {
						return nil, err
					}
					text.WriteString(s)
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				out = append(out, text.String())
				in = false
			case "rPh":
				phonetic--
			}
		}
	}
}

// elementText reads the character data up to the end of the element just
// started.
func elementText(d *xml.Decoder) (string, error) {
	var s strings.Builder
	depth := 1
	for depth > 0 {
		tok, err := d.Token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if depth == 1 {
				s.Write(t)
			}
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return s.String(), nil
}

// sheetRows reads a worksheet's <row> and <c> elements (sheetBuilder),
// with scanSheet where it can and encoding/xml where it cannot.
func sheetRows(f *zip.File, shared []string) ([][]string, []int, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, nil, err
	}
	b := &sheetBuilder{shared: shared}
	err = scanSheet(io.LimitReader(rc, xlsxPartLimit), b)
	_ = rc.Close()
	if !errors.Is(err, errNotPlain) {
		return b.rows, b.lines, err
	}
	if rc, err = f.Open(); err != nil {
		return nil, nil, err
	}
	defer func() { _ = rc.Close() }()
	b = &sheetBuilder{shared: shared}
	return b.rows, b.lines, decodeSheet(io.LimitReader(rc, xlsxPartLimit), b)
}

// decodeSheet feeds a worksheet's elements and text to b through
// encoding/xml.
func decodeSheet(r io.Reader, b *sheetBuilder) error {
	d := xml.NewDecoder(r)
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			err = b.start(t.Name.Local, func(name string) string { return attr(t, name) })
		case xml.EndElement:
			err = b.end(t.Name.Local)
		case xml.CharData:
			b.text(t)
		}
		if err != nil {
			return err
		}
	}
}

// sheetBuilder makes rows of a worksheet's elements. A cell's text is by
// its type (t): "s" the shared string its <v> numbers, "inlineStr" its
// <is> text, "b" TRUE or FALSE, anything else (numbers, formula results,
// errors) its <v> as written. Cells and rows without an r attribute follow
// the one before. Only the text directly in a <v> or <t> counts.
type sheetBuilder struct {
	shared []string
	rows   [][]string
	lines  []int

	row              []string
	rowNum, col      int
	cellType, value  string
	inlineText       strings.Builder
	inCell, inInline bool

	collecting bool // in a <v> or <t> whose text counts
	inValue    bool // a <v>, not a <t>
	depth      int  // elements open inside it
	collected  strings.Builder
}

func (b *sheetBuilder) start(name string, attr func(string) string) error {
	if b.collecting {
		b.depth++
		return nil
	}
	switch name {
	case "row":
		b.rowNum++
		if r := attr("r"); r != "" {
			n, err := strconv.Atoi(r)
			if err != nil || n < b.rowNum || n > 1<<20 {
				return fmt.Errorf("row %q after row %d", r, b.rowNum-1)
			}
			b.rowNum = n
		}
		b.row, b.col = nil, 0
	case "c":
		b.col++
		if r := attr("r"); r != "" {
			c, err := columnOf(r)
			if err != nil || c < b.col {
				return fmt.Errorf("row %d: cell %q after column %d", b.rowNum, r, b.col-1)
			}
			b.col = c
		}
		b.cellType, b.value, b.inCell = attr("t"), "", true
		b.inlineText.Reset()
	case "v":
		b.collecting, b.inValue = b.inCell, true
	case "is":
		b.inInline = b.inCell
	case "t":
		b.collecting, b.inValue = b.inInline, false
	}
	b.collected.Reset()
	return nil
}

func (b *sheetBuilder) end(name string) error {
	if b.collecting {
		if b.depth > 0 {
			b.depth--
			return nil
		}
		b.collecting = false
		if b.inValue {
			b.value = b.collected.String()
		} else {
			b.inlineText.WriteString(b.collected.String())
		}
		return nil
	}
	switch name {
	case "c":
		text, err := cellText(b.cellType, b.value, b.inlineText.String(), b.shared)
		if err != nil {
			return fmt.Errorf("row %d, column %d: %w", b.rowNum, b.col, err)
		}
		if text != "" {
			for len(b.row) < b.col-1 {
				b.row = append(b.row, "")
			}
			b.row = append(b.row, text)
		}
		b.inCell = false
	case "is":
		b.inInline = false
	case "row":
		if len(b.row) > 0 {
			b.rows, b.lines = append(b.rows, b.row), append(b.lines, b.rowNum)
		}
	}
	return nil
}

func (b *sheetBuilder) text(t []byte) {
	if b.collecting && b.depth == 0 {
		b.collected.Write(t)
	}
}

func cellText(typ, value, inline string, shared []string) (string, error) {
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(value))
		if err != nil || i < 0 || i >= len(shared) {
			return "", fmt.Errorf("shared string %q of %d", value, len(shared))
		}
		return shared[i], nil
	case "inlineStr":
		return inline, nil
	case "b":
		if strings.TrimSpace(value) == "1" {
			return "TRUE", nil
		}
		return "FALSE", nil
	}
	return value, nil
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

// columnOf returns a cell reference's column number: "C7" is 3.
func columnOf(ref string) (int, error) {
	col, i := 0, 0
	for ; i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z'; i++ {
		col = col*26 + int(ref[i]-'A'+1)
		if col > 1<<14 {
			return 0, errors.New("column out of range")
		}
	}
	if i == 0 || i == len(ref) {
		return 0, errors.New("not a cell reference")
	}
	return col, nil
}
