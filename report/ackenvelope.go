package report

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/finding"
)

// AckOptions control the envelopes of the acknowledgments scrub837 writes
// back (TA1, 999, 277CA). By default an acknowledgment goes from the 837's
// receiver to its sender.
type AckOptions struct {
	Now          time.Time // the processing date and time (fixed in golden tests)
	SenderQual   string    // ISA05; default: the 837's ISA07
	SenderID     string    // ISA06 and GS02; default: the 837's ISA08 (GS03)
	ReceiverQual string    // ISA07; default: the 837's ISA05
	ReceiverID   string    // ISA08 and GS03; default: the 837's ISA06 (GS02)
	// Control is the first control number (ISA13, GS06) the
	// acknowledgments use, 1 to 999999999; 0: one derived from Now, so
	// that two runs do not reuse one.
	Control int
}

// The acknowledgments of one run take their control numbers from one
// sequence, each kind every third number: the TA1, 999 and 277CA of one
// input never share an ISA13 or a GS06.
const (
	streamTA1 = iota
	stream999
	stream277CA
	streams
)

// ackEnvelope writes ISA/GS/GE/IEA around acknowledgment transactions, one
// output interchange per input interchange and one group per input group,
// each opened only when something is written into it.
type ackEnvelope struct {
	w       io.Writer
	opt     AckOptions
	funcID  string // GS01
	version string // GS08
	stream  int
	next    int // the next control number to issue, 0 before the first
	// hold keeps an interchange's acknowledgment until the interchange
	// ends, to be dropped when its TA1 rejects it (the 999).
	hold             bool
	held             bytes.Buffer
	icOpen, grpOpen  bool
	groups, txs      int
	ctl              string
	d                edi.Delimiters
	nl               string
	lastGroupControl string
}

func ackDelims(d edi.Delimiters) edi.Delimiters {
	if d.Repetition == 0 {
		for _, c := range []byte("^|{}!") {
			if c != d.Element && c != d.Component && c != d.Segment {
				d.Repetition = c
				break
			}
		}
	}
	return d
}

func padRight(s string, n int) string {
	if len(s) >= n {
		return s[:n]
	}
	return s + strings.Repeat(" ", n-len(s))
}

// control issues the next control number of the envelope's stream.
func (e *ackEnvelope) control() int {
	if e.next == 0 {
		base := e.opt.Control
		if base <= 0 {
			// Microseconds: two runs a second apart, or less, differ.
			base = 1 + int(e.opt.Now.UnixMicro()%999_000_000)
		}
		e.next = base + e.stream
	}
	n := 1 + (e.next-1)%999_999_999
	e.next += streams
	return n
}

// out is where the envelope writes: the held buffer or the output.
func (e *ackEnvelope) out() io.Writer {
	if e.hold {
		return &e.held
	}
	return e.w
}

// openInterchange writes the ISA if it is not written yet.
func (e *ackEnvelope) openInterchange(ic *edi.Interchange, nl string) error {
	if e.icOpen {
		return nil
	}
	e.d = ackDelims(ic.Delims)
	e.nl = nl
	e.ctl = fmt.Sprintf("%09d", e.control())
	sq, sid := or(e.opt.SenderQual, or(ic.ReceiverQual, "ZZ")), or(e.opt.SenderID, or(ic.ReceiverID, "UNKNOWN"))
	rq, rid := or(e.opt.ReceiverQual, or(ic.SenderQual, "ZZ")), or(e.opt.ReceiverID, or(ic.SenderID, "UNKNOWN"))
	now := e.opt.Now
	w := e.sw()
	w.isa("ISA", "00", padRight("", 10), "00", padRight("", 10), padRight(sq, 2), padRight(sid, 15), padRight(rq, 2), padRight(rid, 15),
		now.Format("060102"), now.Format("1504"), char(e.d.Repetition), "00501", e.ctl, "0", or(ic.Usage, "P"), char(e.d.Component))
	e.icOpen, e.groups = true, 0
	return writeAll(e.out(), w.Bytes())
}

// open writes the ISA and GS if they are not written yet.
func (e *ackEnvelope) open(tx *edi.Transaction) error {
	if err := e.openInterchange(tx.Interchange, tx.LineEnding()); err != nil {
		return err
	}
	if e.grpOpen {
		return nil
	}
	g, ic := tx.Group, tx.Interchange
	w := e.sw()
	now := e.opt.Now
	e.lastGroupControl = strconv.Itoa(e.control())
	// GS02/GS03 are the ack's sender and receiver: the flags, else the
	// 837's GS03/GS02 (its ISA ids when those are longer than a GS id may be).
	sender := or(e.opt.SenderID, groupID(g.Receiver, ic.ReceiverID))
	receiver := or(e.opt.ReceiverID, groupID(g.Sender, ic.SenderID))
	w.seg("GS", e.funcID, w.clean(sender), w.clean(receiver), now.Format("20060102"), now.Format("1504"), e.lastGroupControl, "X", e.version)
	e.grpOpen, e.txs = true, 0
	e.groups++
	return writeAll(e.out(), w.Bytes())
}

// groupID is a GS02/GS03 value: id when it is one (2 to 15 characters),
// else the interchange's id.
func groupID(id, isaID string) string {
	if id = strings.TrimSpace(id); len(id) >= 2 && len(id) <= 15 {
		return id
	}
	return or(isaID, "UNKNOWN")
}

func (e *ackEnvelope) sw() *segWriter { return newSegWriter(nil, e.d, e.nl) }

// trailer writes GE or IEA: the count of what it closes and the control number.
func (e *ackEnvelope) trailer(id string, count int, control string) error {
	w := e.sw()
	w.seg(id, strconv.Itoa(count), control)
	return writeAll(e.out(), w.Bytes())
}

func (e *ackEnvelope) closeGroup() error {
	if !e.grpOpen {
		return nil
	}
	e.grpOpen = false
	return e.trailer("GE", e.txs, e.lastGroupControl)
}

// closeInterchange writes the GE and IEA still open. A held interchange
// goes to the output then, unless its TA1 rejects the interchange it
// answers (ic; nil at the end of the run).
func (e *ackEnvelope) closeInterchange(ic *edi.Interchange) error {
	if err := e.closeGroup(); err != nil {
		return err
	}
	if e.icOpen {
		e.icOpen = false
		if err := e.trailer("IEA", e.groups, e.ctl); err != nil {
			return err
		}
	}
	if !e.hold || e.held.Len() == 0 {
		return nil
	}
	defer e.held.Reset()
	if ic != nil {
		if status, _ := ic.TA1(); status == "R" {
			return nil // the TA1 rejects it: nothing inside it is acknowledged
		}
	}
	return writeAll(e.w, e.held.Bytes())
}

func or(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

// stControl is the ack's ST02 for an input transaction: unique in its group.
func stControl(tx *edi.Transaction) string { return fmt.Sprintf("%04d", tx.Index+1) }

// PrinterTA1 writes an interchange acknowledgment (ISA, TA1, IEA) for
// every interchange that asks for one (ISA14 1) or has a fault of its own:
// TA104 A, E (accepted with errors) or R (rejected: nothing inside it is
// processed), and the TA105 code of its first fault.
type PrinterTA1 struct {
	env ackEnvelope
	nl  string
}

// NewTA1 returns a TA1 printer writing to w.
func NewTA1(w io.Writer, opt AckOptions) *PrinterTA1 {
	return &PrinterTA1{env: ackEnvelope{w: w, opt: opt, stream: streamTA1}}
}

// Render writes nothing: an interchange is answered once it has ended.
func (p *PrinterTA1) Render(buf []byte, _ *finding.Result) []byte { return nil }

// Write answers each interchange as it ends.
func (p *PrinterTA1) Write(it *edi.Item, _ *finding.Result, _ []byte) error {
	if it.Tx != nil {
		p.nl = it.Tx.LineEnding()
	}
	if it.Kind != edi.ItemInterchangeEnd || it.Interchange == nil {
		return nil
	}
	ic := it.Interchange
	status, code := ic.TA1()
	if !ic.AckRequested && status == "A" {
		return nil
	}
	if err := p.env.openInterchange(ic, p.nl); err != nil {
		return err
	}
	w := p.env.sw()
	w.seg("TA1", w.clean(padRight(ic.Control, 9)), w.clean(padRight(ic.Date, 6)), w.clean(padRight(ic.Time, 4)), status, code)
	if err := writeAll(p.env.out(), w.Bytes()); err != nil {
		return err
	}
	return p.env.closeInterchange(ic)
}

// Close writes nothing more.
func (p *PrinterTA1) Close(*finding.Summary) error { return nil }
