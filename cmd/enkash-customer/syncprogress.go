package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// Progress intervals: a live line on a terminal, else a summary line.
const (
	liveInterval = 250 * time.Millisecond
	logInterval  = 10 * time.Second
)

// newTicker is the progress clock; tests replace it to tick at will.
var newTicker = func(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// progress counts the customers a sync sent and reports on stderr while
// it runs.
type progress struct {
	w     io.Writer
	live  bool // stderr is a terminal: one line rewritten in place
	total int  // customers to send
	start time.Time
	now   func() time.Time

	mu     sync.Mutex
	counts map[string]int
	calls  int

	ticked func() // tests: called after each tick has been printed
	stop   func() // set by the caller to what run returned
}

func newProgress(w io.Writer, total int, start time.Time) *progress {
	return &progress{w: w, live: isTerminal(w), total: total, start: start, now: time.Now, counts: map[string]int{}}
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// add counts a customer's outcome; every one but not-sent made a call.
func (p *progress) add(status string) {
	p.mu.Lock()
	p.counts[status]++
	if status != statusNotSent {
		p.calls++
	}
	p.mu.Unlock()
}

// run reports on every tick until the returned stop is called.
func (p *progress) run() (stop func()) {
	interval := logInterval
	if p.live {
		interval = liveInterval
	}
	ticks, stopTicker := newTicker(interval)
	quit, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		for {
			select {
			case <-ticks:
				p.tick()
				if p.ticked != nil {
					p.ticked()
				}
			case <-quit:
				return
			}
		}
	}()
	return func() {
		stopTicker()
		close(quit)
		<-exited
		if p.live {
			fmt.Fprint(p.w, "\r\x1b[K")
		}
	}
}

// tick prints the progress: done/total, outcomes, rate and ETA.
func (p *progress) tick() {
	p.mu.Lock()
	failed := p.counts[statusFailed] + p.counts[statusUnknown]
	done := p.counts[statusOK] + failed + p.counts[statusNotSent]
	line := fmt.Sprintf("sync: %d/%d customers (%d ok, %d failed)", done, p.total, p.counts[statusOK], failed)
	elapsed := p.now().Sub(p.start)
	if p.calls > 0 && elapsed > 0 {
		perSec := float64(p.calls) / elapsed.Seconds()
		line += fmt.Sprintf(", %.1f calls/s", perSec)
		if left := p.total - done; left > 0 {
			line += ", ETA " + time.Duration(float64(left)/perSec*float64(time.Second)).Round(time.Second).String()
		}
	}
	p.mu.Unlock()
	if p.live {
		fmt.Fprint(p.w, "\r\x1b[K"+line)
	} else {
		fmt.Fprintln(p.w, line)
	}
}
