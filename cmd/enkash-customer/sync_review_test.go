// Sync behaviour found missing in review (each test failed before its fix).

package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/bulk"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

// After SIGINT, customers only waiting for a --rate token (not yet on the
// wire) are dropped, not sent; --rate itself holds the second one back.
func TestBinarySyncSIGINTDropsUnsentRows(t *testing.T) {
	srv := wrappertest.NewTestServer(t)
	putCustomers(srv, 50)
	in := writeFile(t, "rows.jsonl", manyRows(50))
	// rate 0.5/s, burst 1: the first request goes at once, the 2nd only 2 s later.
	cmd, stderr := startSync(t, syncEnv(srv), "sync", "--rate", "0.5", "--concurrency", "4", in)
	waitRequests(t, srv, 1)
	atSignal := len(srv.Requests())
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	_ = cmd.Wait()
	after := len(srv.Requests()) - atSignal
	t.Logf("requests at SIGINT: %d, sent after SIGINT: %d; stderr: %s", atSignal, after, stderr.String())
	assert.Equal(t, 1, atSignal, "--rate 0.5/s, burst 1: one request before the signal")
	assert.Zero(t, after, "rows that were not on the wire at SIGINT were sent after it")
}

// Personal data typed where a column name or key belongs is not echoed on
// stderr or into the report.
func TestBinarySyncDoesNotEchoValuesAsNames(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	const email = "asha.rao@acme.example"
	res := runBinary(t, syncEnv(srv), "", "sync", writeFile(t, "h.csv", email+",customerId\nx,"+demo1+"\n"))
	assert.NotContains(t, res.stderr, email, "CSV header cell echoed")

	report := filepath.Join(t.TempDir(), "report.jsonl")
	in := writeFile(t, "r.jsonl", `{"customerId":"`+demo1+`","`+email+`":"9876543210","update":{}}`+"\n"+
		`{"customerId":"`+demo2+`","update":{"customerKeyContacts":[{"`+email+`":1,"name":"N","legalName":"L","mobile":"9876543210"}]}}`+"\n")
	res = runBinary(t, syncEnv(srv), "", "sync", "--skip-invalid", "--report", report, in)
	raw, _ := os.ReadFile(report)
	assert.NotContains(t, res.stderr, email, "JSONL key echoed on stderr")
	assert.NotContains(t, string(raw), email, "JSONL key echoed in the report")
}

// Two rows for one customer merge into one request with the file's last
// values: the first row's value is never sent at all.
func TestBinarySyncSameCustomerInOrder(t *testing.T) {
	var inFlight sync.Map // id -> *int32
	var overlap atomic.Bool
	var mu sync.Mutex
	state := map[string]string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
		v, _ := inFlight.LoadOrStore(id, new(int32))
		n := v.(*int32)
		if atomic.AddInt32(n, 1) > 1 {
			overlap.Store(true)
		}
		body := make([]byte, 512)
		k, _ := r.Body.Read(body)
		if strings.Contains(string(body[:k]), "First") {
			time.Sleep(300 * time.Millisecond) // the first row is slower to apply
		}
		mu.Lock()
		state[id] = string(body[:k])
		mu.Unlock()
		atomic.AddInt32(n, -1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"payload":{"customerId":%q},"response_code":0,"response_message":"SUCCESS"}`, id)
	}))
	defer srv.Close()
	in := writeFile(t, "rows.jsonl",
		`{"customerId":"`+demo2+`","update":{"state":"Goa"}}`+"\n"+
			`{"customerId":"`+demo1+`","update":{"legalName":"First"}}`+"\n"+
			`{"customerId":"`+demo1+`","update":{"legalName":"Second"}}`+"\n")
	res := runBinary(t, []string{"ENKASH_BASE_URL=" + srv.URL, "ENKASH_TOKEN=probe-token-123456"}, "", "sync", in)
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.False(t, overlap.Load(), "two updates of one customer were in flight at once")
	assert.Equal(t, `{"legalName":"Second"}`, state[demo1], "the file's last update must win")
}

// A UTF-8 BOM followed by a quoted header (PowerShell Export-Csv) reads as
// a header.
func TestBinarySyncCSVWithBOMAndQuotedHeader(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	res := runBinary(t, syncEnv(srv), "", "sync", writeFile(t, "ps.csv",
		"\ufeff\"customerId\",\"state\"\r\n\""+demo1+"\",\"Goa\"\r\n"))
	assert.Equal(t, exitOK, res.code, res.stderr)
}

// A non-regular input (bash process substitution, a FIFO, /dev/stdin by
// name) is read once, like stdin: every row is staged, then sent.
func TestBinarySyncNonRegularInput(t *testing.T) {
	srv := wrappertest.NewTestServer(t)
	putCustomers(srv, 3)
	in := writeFile(t, "rows.jsonl", manyRows(3))
	state := filepath.Join(t.TempDir(), "state.db")
	cmd := exec.Command("bash", "-c", binPath+" sync --format jsonl --state "+state+" <(cat "+in+")")
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, syncEnv(srv)...)
	out, err := cmd.CombinedOutput()
	t.Logf("err=%v output=%s", err, out)
	assert.Len(t, srv.Requests(), 3, "three valid rows, all sent")
	assert.NoError(t, err)
}

// An unclosed quote in a CSV file would make the rest of the file one
// record held in memory: it is refused as soon as the record passes the
// row size limit, with nothing sent.
func TestBinarySyncCSVUnclosedQuoteBounded(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	var b strings.Builder
	b.WriteString("customerId,state\n" + demo1 + ",\"Goa\n") // the quote never closes
	for b.Len() < 3*bulk.MaxRowBytes {
		b.WriteString(demo2 + ",Kerala\n")
	}
	res := runBinary(t, syncEnv(srv), "", "sync", writeFile(t, "bad.csv", b.String()))
	assert.Equal(t, exitUsage, res.code, res.stderr)
	assert.Contains(t, res.stderr, "bad.csv: line 2: the quoted cell opened on line 2 is not closed within 1048576 bytes (an unclosed quote?); nothing was sent\n")
	assert.Empty(t, srv.Requests())
}

// On a terminal the progress is one line rewritten in place (carriage
// return, erase line) every liveInterval, cleared when it stops.
func TestSyncProgressLiveOnATerminal(t *testing.T) {
	ticks := make(chan time.Time)
	var asked time.Duration
	orig := newTicker
	newTicker = func(d time.Duration) (<-chan time.Time, func()) { asked = d; return ticks, func() {} }
	t.Cleanup(func() { newTicker = orig })
	var out bytes.Buffer
	p := newProgress(&out, 4, time.Now())
	p.live = true // what isTerminal says for a terminal
	printed := make(chan struct{})
	p.ticked = func() { printed <- struct{}{} }
	stop := p.run()
	p.add(statusOK)
	ticks <- time.Time{}
	<-printed // the tick's line is out before the next customer counts
	p.add(statusOK)
	ticks <- time.Time{}
	<-printed
	stop()
	assert.Equal(t, liveInterval, asked)
	s := out.String()
	assert.Equal(t, 3, strings.Count(s, "\r\x1b[K"), "two rewrites and the final clear: %q", s)
	assert.Zero(t, strings.Count(s, "\n"), "no line is ended: %q", s)
	assert.Contains(t, s, "\r\x1b[Ksync: 2/4 customers (2 ok")
	assert.True(t, strings.HasSuffix(s, "\r\x1b[K"), "the line is cleared at the end")
}
