package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progressMin is the input size from which a progress bar is worth showing.
const progressMin = 16 << 20

// progress draws a one-line bar on standard error: bytes read, claims/s, ETA.
type progress struct {
	w     io.Writer
	name  string
	size  int64
	start time.Time
	last  time.Time
	drawn bool
}

// newProgress returns a bar when stderr is a terminal and the input is large
// (or of unknown size, from standard input); nil otherwise.
func newProgress(stderr io.Writer, name string, size int64) *progress {
	if !isTerminal(stderr) || (size >= 0 && size < progressMin) {
		return nil
	}
	now := time.Now()
	return &progress{w: stderr, name: name, size: size, start: now}
}

func (p *progress) update(done int64, claims int) {
	now := time.Now()
	if p.drawn && now.Sub(p.last) < 200*time.Millisecond {
		return
	}
	p.last = now
	el := max(now.Sub(p.start).Seconds(), 1e-6)
	rate := float64(done) / el / 1e6
	cps := float64(claims) / el
	line := ""
	if p.size > 0 {
		frac := float64(done) / float64(p.size)
		if frac > 1 {
			frac = 1
		}
		n := int(frac * 30)
		eta := time.Duration(0)
		if frac > 0 {
			eta = time.Duration(el*(1-frac)/frac) * time.Second
		}
		line = fmt.Sprintf("\r%s [%s%s] %3.0f%%  %.1f/%.1f MB  %.0f claims/s  ETA %s ", p.name, strings.Repeat("=", n), strings.Repeat(" ", 30-n),
			frac*100, float64(done)/1e6, float64(p.size)/1e6, cps, eta.Round(time.Second))
	} else {
		line = fmt.Sprintf("\r%s  %.1f MB  %.1f MB/s  %.0f claims/s ", p.name, float64(done)/1e6, rate, cps)
	}
	_, _ = fmt.Fprint(p.w, line) // a bar that cannot be drawn is not worth failing for
	p.drawn = true
}

func (p *progress) finish() {
	if p.drawn {
		_, _ = fmt.Fprint(p.w, "\r\x1b[K")
	}
}

// isTerminal reports whether w is a terminal (not a pipe, file or /dev/null).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isatty(f.Fd())
}
