package rules

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A worksheet of a million PTP rows is some 400 MB of XML. Through
// encoding/xml's tokens (a string per name, a slice per element's
// attributes, namespace lookups) 200,000 rows took 2.48 s. scanSheet reads
// the XML that spreadsheet writers emit with a scanner of its own: tags
// with plain or prefixed names, quoted attributes, text with the five
// named entities and character references, an XML declaration. At
// anything else (a comment, CDATA, a DOCTYPE, another processing
// instruction, an unknown entity, a carriage return or a control
// character in text, malformed markup) it stops with errNotPlain, and
// sheetRows reads the part again from its start, with encoding/xml and a
// new builder; encoding/xml also says what is wrong. Where scanSheet
// finishes, or stops at an error of the builder's, the two agree
// (FuzzScanSheet).

// errNotPlain: the worksheet holds something scanSheet leaves to
// encoding/xml.
var errNotPlain = errors.New("not plain")

// scanSheet feeds a worksheet's elements and text to b, reading r a chunk
// at a time: every chunk is cut after its last '>', the rest carried over.
// An error b returns (a row out of order) comes at the token where
// encoding/xml would give it b too: every token before it was plain.
func scanSheet(r io.Reader, b *sheetBuilder) error {
	s := sheetScanner{b: b}
	buf := make([]byte, 0, 1<<20)
	for eof := false; !eof; {
		if len(buf) == cap(buf) { // one token larger than the buffer
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		switch {
		case errors.Is(err, io.EOF):
			eof = true
		case err != nil:
			return err
		}
		cut := bytes.LastIndexByte(buf, '>') + 1
		if eof {
			cut = len(buf)
		}
		if err := s.scan(buf[:cut]); err != nil {
			return err
		}
		buf = append(buf[:0], buf[cut:]...)
	}
	if len(s.open) > 0 || !s.started {
		return errNotPlain // unclosed elements, or no element at all
	}
	return nil
}

// sheetScanner is scanSheet's state between chunks: the names of the
// elements open, and whether the XML declaration may still come.
type sheetScanner struct {
	b       *sheetBuilder
	open    []string
	started bool     // past the start of the document
	attrs   [][]byte // the tag's attributes, name and value in turn: views of the chunk
	text    []byte
}

// scan reads whole tokens: text runs to the next '<', a tag to its '>'.
func (s *sheetScanner) scan(p []byte) error {
	for len(p) > 0 {
		lt := bytes.IndexByte(p, '<')
		if lt < 0 {
			lt = len(p)
		}
		if lt > 0 {
			t, err := s.unescape(p[:lt])
			if err != nil {
				return err
			}
			s.b.text(t)
			s.started = true
			p = p[lt:]
			continue
		}
		gt := bytes.IndexByte(p, '>')
		if gt < 0 {
			return errNotPlain
		}
		if err := s.tag(p[1:gt]); err != nil {
			return err
		}
		s.started = true
		p = p[gt+1:]
	}
	return nil
}

// tag reads what lies between '<' and '>'.
func (s *sheetScanner) tag(t []byte) error {
	switch {
	case len(t) == 0:
		return errNotPlain
	case t[0] == '?':
		return s.declaration(t)
	case t[0] == '!':
		return errNotPlain
	case t[0] == '/':
		name, rest := cutNameBytes(t[1:])
		if len(name) == 0 || len(trimSpace(rest)) > 0 || len(s.open) == 0 || s.open[len(s.open)-1] != string(name) {
			return errNotPlain
		}
		s.open = s.open[:len(s.open)-1]
		return s.end(known(name))
	}
	nb, rest := cutNameBytes(t)
	if len(nb) == 0 {
		return errNotPlain
	}
	name := known(nb)
	closed := false
	s.attrs = s.attrs[:0]
	for {
		trimmed := trimSpace(rest)
		if len(trimmed) == 0 {
			break
		}
		if trimmed[0] == '/' && len(trimmed) == 1 {
			closed = true
			break
		}
		if len(trimmed) == len(rest) { // attributes are separated by space
			return errNotPlain
		}
		an, after := cutNameBytes(trimmed)
		after = trimSpace(after)
		if len(an) == 0 || len(after) < 2 || after[0] != '=' {
			return errNotPlain
		}
		after = trimSpace(after[1:])
		if len(after) < 2 || (after[0] != '"' && after[0] != '\'') {
			return errNotPlain
		}
		end := bytes.IndexByte(after[1:], after[0])
		if end < 0 {
			return errNotPlain
		}
		v := after[1 : 1+end]
		if bytes.IndexByte(v, '<') >= 0 || bytes.IndexByte(v, '&') >= 0 || !plainText(v) {
			return errNotPlain // entities in attributes are left to encoding/xml
		}
		for i := 0; i < len(s.attrs); i += 2 {
			if bytes.Equal(s.attrs[i], an) {
				return errNotPlain // a repeated attribute
			}
		}
		s.attrs = append(s.attrs, an, v)
		rest = after[2+end:]
	}
	if err := s.b.start(localName(name), s.attr); err != nil {
		return err
	}
	if closed {
		return s.end(name)
	}
	s.open = append(s.open, name)
	return nil
}

func (s *sheetScanner) end(name string) error { return s.b.end(localName(name)) }

// attr is an unprefixed attribute's value, as encoding/xml's attr gives it.
func (s *sheetScanner) attr(name string) string {
	for i := 0; i < len(s.attrs); i += 2 {
		if string(s.attrs[i]) == name {
			return known(s.attrs[i+1])
		}
	}
	return ""
}

// declaration accepts the XML declaration of a UTF-8 document at its
// very start, its pseudo-attributes in their plain form, nothing else.
func (s *sheetScanner) declaration(t []byte) error {
	if s.started || !bytes.HasPrefix(t, []byte("?xml ")) || !bytes.HasSuffix(t, []byte("?")) {
		return errNotPlain
	}
	for _, f := range strings.Fields(string(t[5 : len(t)-1])) {
		k, v, ok := strings.Cut(f, "=")
		if !ok || len(v) < 2 || v[0] != v[len(v)-1] || v[0] != '"' && v[0] != '\'' {
			return errNotPlain
		}
		switch v = v[1 : len(v)-1]; k {
		case "version":
			ok = v == "1.0"
		case "encoding":
			ok = strings.EqualFold(v, "utf-8")
		case "standalone":
			ok = v == "yes" || v == "no"
		default:
			ok = false
		}
		if !ok {
			return errNotPlain
		}
	}
	return nil
}

// cutNameBytes cuts an XML name off the front of t: ASCII letters,
// digits, '_', '-', '.', and at most one ':' inside it.
func cutNameBytes(t []byte) ([]byte, []byte) {
	i := 0
	for i < len(t) {
		c := t[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || i > 0 && (c >= '0' && c <= '9' || c == '-' || c == '.') {
			i++
			continue
		}
		break
	}
	name := t[:i]
	if c := bytes.Count(name, []byte(":")); c > 1 || c == 1 && (name[0] == ':' || name[len(name)-1] == ':') {
		return nil, t
	}
	return name, t[i:]
}

// known returns the worksheet's common names and values without making a
// string of them.
func known(b []byte) string {
	switch string(b) {
	case "row":
		return "row"
	case "c":
		return "c"
	case "v":
		return "v"
	case "is":
		return "is"
	case "t":
		return "t"
	case "s":
		return "s"
	case "inlineStr":
		return "inlineStr"
	case "str":
		return "str"
	case "n":
		return "n"
	}
	return string(b)
}

// trimSpace drops the white space XML allows between a tag's parts.
func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\n') {
		b = b[1:]
	}
	return b
}

// localName is a name without its prefix, as encoding/xml's Name.Local.
func localName(name string) string {
	if _, local, ok := strings.Cut(name, ":"); ok {
		return local
	}
	return name
}

// unescape returns text with its entities replaced, in s.text's room, or
// errNotPlain for text that encoding/xml would read differently or refuse.
func (s *sheetScanner) unescape(t []byte) ([]byte, error) {
	if !plainText(t) || bytes.Contains(t, []byte("]]>")) {
		return nil, errNotPlain
	}
	amp := bytes.IndexByte(t, '&')
	if amp < 0 {
		return t, nil
	}
	out := append(s.text[:0], t[:amp]...)
	for t = t[amp:]; len(t) > 0; {
		if t[0] != '&' {
			next := bytes.IndexByte(t, '&')
			if next < 0 {
				next = len(t)
			}
			out, t = append(out, t[:next]...), t[next:]
			continue
		}
		semi := bytes.IndexByte(t, ';')
		if semi < 2 {
			return nil, errNotPlain
		}
		name := string(t[1:semi])
		switch name {
		case "lt":
			out = append(out, '<')
		case "gt":
			out = append(out, '>')
		case "amp":
			out = append(out, '&')
		case "apos":
			out = append(out, '\'')
		case "quot":
			out = append(out, '"')
		default:
			r, ok := charRef(name)
			if !ok {
				return nil, errNotPlain
			}
			out = utf8.AppendRune(out, r)
		}
		t = t[semi+1:]
	}
	s.text = out
	return out, nil
}

// charRef reads "#65" or "#x41" as a character XML allows in text, other
// than a carriage return.
func charRef(name string) (rune, bool) {
	var n uint64
	var err error
	switch {
	case strings.HasPrefix(name, "#x"):
		n, err = strconv.ParseUint(name[2:], 16, 32)
	case strings.HasPrefix(name, "#"):
		n, err = strconv.ParseUint(name[1:], 10, 32)
	default:
		return 0, false
	}
	r := rune(n)
	return r, err == nil && xmlChar(r)
}

// xmlChar: a character XML allows in text, other than a carriage return.
func xmlChar(r rune) bool {
	return r == '\t' || r == '\n' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// plainText: valid UTF-8, no carriage return (XML reads "\r\n" as "\n"),
// no control character but tab and line feed, no character XML forbids.
func plainText(t []byte) bool {
	for i := 0; i < len(t); {
		c := t[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(t[i:])
		if r == utf8.RuneError || r >= 0xD800 && r <= 0xDFFF || r == 0xFFFE || r == 0xFFFF {
			return false
		}
		i += size
	}
	return true
}
