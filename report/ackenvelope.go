package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/scrub837/scrub837/edi"
)

// AckOptions control the envelopes of the acknowledgments scrub837 writes
// back (277CA, 999). By default the ack goes from the 837's receiver to its
// sender with the 837's own control numbers.
type AckOptions struct {
	Now          time.Time // the processing date and time (fixed in golden tests)
	SenderQual   string    // ISA05; default: the 837's ISA07
	SenderID     string    // ISA06; default: the 837's ISA08
	ReceiverQual string    // ISA07; default: the 837's ISA05
	ReceiverID   string    // ISA08; default: the 837's ISA06
	Control      int       // ISA13/GS06 of the first ack interchange; 0: the 837's own
}

// ackEnvelope writes ISA/GS/GE/IEA around acknowledgment transactions, one
// output interchange per input interchange and one group per input group,
// each opened only when something is written into it.
type ackEnvelope struct {
	w                io.Writer
	opt              AckOptions
	funcID           string // GS01
	version          string // GS08
	icOpen           bool
	grpOpen          bool
	groups           int
	txs              int
	ctl              string
	seq              int
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

func (e *ackEnvelope) controlNumber(ic *edi.Interchange) int {
	if e.opt.Control > 0 {
		return e.opt.Control + e.seq
	}
	if n, err := strconv.Atoi(strings.TrimSpace(ic.Control)); err == nil && n > 0 && n < 1e9 {
		return n
	}
	return 1 + e.seq
}

// open writes the ISA and GS if they are not written yet.
func (e *ackEnvelope) open(tx *edi.Transaction) error {
	if !e.icOpen {
		ic := tx.Interchange
		e.d = ackDelims(ic.Delims)
		e.nl = tx.LineEnding()
		n := e.controlNumber(ic)
		e.seq++
		e.ctl = fmt.Sprintf("%09d", n)
		sq, sid := or(e.opt.SenderQual, or(ic.ReceiverQual, "ZZ")), or(e.opt.SenderID, or(ic.ReceiverID, "UNKNOWN"))
		rq, rid := or(e.opt.ReceiverQual, or(ic.SenderQual, "ZZ")), or(e.opt.ReceiverID, or(ic.SenderID, "UNKNOWN"))
		now := e.opt.Now
		w := e.sw()
		w.isa("ISA", "00", padRight("", 10), "00", padRight("", 10), padRight(sq, 2), padRight(sid, 15), padRight(rq, 2), padRight(rid, 15),
			now.Format("060102"), now.Format("1504"), char(e.d.Repetition), "00501", e.ctl, "0", or(ic.Usage, "P"), char(e.d.Component))
		if err := writeAll(e.w, w.Bytes()); err != nil {
			return err
		}
		e.icOpen, e.groups = true, 0
	}
	if !e.grpOpen {
		g := tx.Group
		w := e.sw()
		now := e.opt.Now
		e.lastGroupControl = e.groupControl(g)
		w.seg("GS", e.funcID, or(g.Receiver, or(tx.Interchange.ReceiverID, "UNKNOWN")), or(g.Sender, or(tx.Interchange.SenderID, "UNKNOWN")), now.Format("20060102"), now.Format("1504"),
			e.lastGroupControl, "X", e.version)
		if err := writeAll(e.w, w.Bytes()); err != nil {
			return err
		}
		e.grpOpen, e.txs = true, 0
		e.groups++
	}
	return nil
}

func (e *ackEnvelope) groupControl(g *edi.Group) string {
	if e.opt.Control > 0 {
		return strconv.Itoa(e.opt.Control + e.seq - 1 + g.Seq)
	}
	if n, err := strconv.Atoi(g.Control); err == nil && n > 0 {
		return strconv.Itoa(n)
	}
	return strconv.Itoa(1 + g.Seq)
}

func (e *ackEnvelope) sw() *segWriter { return newSegWriter(nil, e.d, e.nl) }

// trailer writes GE or IEA: the count of what it closes and the control number.
func (e *ackEnvelope) trailer(id string, count int, control string) error {
	w := e.sw()
	w.seg(id, strconv.Itoa(count), control)
	return writeAll(e.w, w.Bytes())
}

func (e *ackEnvelope) closeGroup() error {
	if !e.grpOpen {
		return nil
	}
	e.grpOpen = false
	return e.trailer("GE", e.txs, e.lastGroupControl)
}

func (e *ackEnvelope) closeInterchange() error {
	if err := e.closeGroup(); err != nil {
		return err
	}
	if !e.icOpen {
		return nil
	}
	e.icOpen = false
	return e.trailer("IEA", e.groups, e.ctl)
}

func or(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

// stControl is the ack's ST02 for an input transaction: unique in its group.
func stControl(tx *edi.Transaction) string { return fmt.Sprintf("%04d", tx.Index+1) }
