package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"
)

// progressMin is the input size from which a progress bar is worth showing.
const progressMin = 16 << 20

// progress draws a one-line bar on standard error, redrawn in place: bytes
// done, claims/s and the time left, from the bytes whose claims are
// written (not merely read).
type progress struct {
	w     io.Writer
	name  string
	size  int64
	width int // the terminal's columns
	start time.Time
	last  time.Time
	drawn bool
}

// newProgress returns a bar for an input of size bytes (-1: unknown, as
// standard input), or nil when the input is too small to be worth one.
func newProgress(stderr io.Writer, name string, size int64) *progress {
	if size >= 0 && size < progressMin {
		return nil
	}
	width := 80
	if f, ok := stderr.(*os.File); ok {
		if w := termWidth(f.Fd()); w > 0 {
			width = w
		}
	}
	now := time.Now()
	return &progress{w: stderr, name: name, size: size, width: width, start: now}
}

func (p *progress) update(done int64, claims int) {
	now := time.Now()
	if p.drawn && now.Sub(p.last) < 200*time.Millisecond {
		return
	}
	p.last = now
	// \r and "erase to the end of the line": the bar replaces itself, and
	// it is never as wide as the terminal, so it never wraps.
	_, _ = io.WriteString(p.w, "\r"+p.line(done, claims, now)+"\x1b[K") // a bar that cannot be drawn is not worth failing for
	p.drawn = true
}

// line is the bar's text, at most width-1 columns.
func (p *progress) line(done int64, claims int, now time.Time) string {
	el := max(now.Sub(p.start).Seconds(), 1e-6)
	cps := float64(claims) / el
	var tail string
	if p.size > 0 {
		frac := min(float64(done)/float64(p.size), 1)
		eta := "?"
		if frac > 0 {
			eta = (time.Duration(el*(1-frac)/frac) * time.Second).Round(time.Second).String()
		}
		tail = fmt.Sprintf(" %3.0f%% %.0f/%.0f MB %.0f claims/s ETA %s", frac*100, float64(done)/1e6, float64(p.size)/1e6, cps, eta)
		// The bar takes what the terminal has left, 10 to 30 columns.
		if n := min(p.width-1-len(tail)-utf8.RuneCountInString(p.name)-3, 30); n >= 10 {
			k := int(frac * float64(n))
			tail = " [" + strings.Repeat("=", k) + strings.Repeat(" ", n-k) + "]" + tail
		}
	} else {
		tail = fmt.Sprintf(" %.1f MB %.1f MB/s %.0f claims/s", float64(done)/1e6, float64(done)/el/1e6, cps)
	}
	return fit(fit(p.name, p.width-1-len(tail))+tail, p.width-1)
}

// fit cuts s to n columns, with an ellipsis where it cuts.
func fit(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 1 {
		return ""
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func (p *progress) finish() {
	if p.drawn {
		_, _ = io.WriteString(p.w, "\r\x1b[K")
	}
}

// isTerminal reports whether w is a terminal (not a pipe, file or /dev/null).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isatty(f.Fd())
}
