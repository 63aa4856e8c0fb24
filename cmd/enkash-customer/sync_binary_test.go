package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/bulk"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

const (
	demo1 = wrappertest.DemoCustomerID
	demo2 = wrappertest.DemoCustomerID2
	demo3 = wrappertest.DemoCustomerID3
)

// writeFile writes content to name in a fresh temporary directory.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

// syncEnv points the CLI at srv with its token.
func syncEnv(srv *wrappertest.Server) []string {
	return []string{"ENKASH_BASE_URL=" + srv.URL, "ENKASH_TOKEN=" + srv.Token}
}

// readReport parses a --report file.
func readReport(t *testing.T, path string) []reportLine {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var out []reportLine
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var rl reportLine
		require.NoError(t, json.Unmarshal(sc.Bytes(), &rl), "report line %q", sc.Text())
		out = append(out, rl)
	}
	return out
}

// bodiesByPath are the bodies the fake received, by customer id, in order.
func bodiesByPath(srv *wrappertest.Server) map[string][]string {
	out := map[string][]string{}
	for _, r := range srv.Requests() {
		id := r.Path[strings.LastIndexByte(r.Path, '/')+1:]
		out[id] = append(out[id], string(r.Body))
	}
	return out
}

// TestBinarySyncJSONL: each JSONL row's update reaches the wire exactly:
// absent fields absent, null as null, values as values; the query
// parameter when given; exit 0 when every row is ok.
func TestBinarySyncJSONL(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	in := writeFile(t, "rows.jsonl", strings.Join([]string{
		`{"customerId":"` + demo1 + `","parentCompanyId":"CEKDEMO001","update":{"legalName":"Acme Traders","address":null}}`,
		``, // blank lines are skipped
		`{"customerId":"` + demo2 + `","update":{"state":"Goa","branchCodes":["PNJ01"],"customerReminders":null}}`,
		`{"customerId":"` + demo3 + `","update":{}}`,
	}, "\n")) // no final newline
	res := runBinary(t, syncEnv(srv), "", "sync", in)
	require.Equal(t, exitOK, res.code, res.stderr)
	got := bodiesByPath(srv)
	assert.Equal(t, []string{`{"address":null,"legalName":"Acme Traders"}`}, got[demo1])
	assert.Equal(t, []string{`{"branchCodes":["PNJ01"],"customerReminders":null,"state":"Goa"}`}, got[demo2])
	assert.Empty(t, got[demo3], "an empty update differs from nothing: no request")
	for _, r := range srv.Requests() {
		if strings.HasSuffix(r.Path, demo1) {
			assert.Equal(t, "parentCompanyId=CEKDEMO001", r.RawQuery)
		} else {
			assert.Empty(t, r.RawQuery)
		}
	}
	c, _ := srv.Customer(demo1)
	assert.Equal(t, "Acme Traders", c.LegalName)
	assert.Empty(t, c.Address)
	assert.Contains(t, res.stderr, "sync: 3 rows, 0 invalid; 3 customers: 2 changed, 1 unchanged\n")
	assert.Contains(t, res.stderr, "sync: 2 sent: 2 ok, 0 failed; 0 not sent; ")
}

// TestBinarySyncCSV: per cell, empty = absent, the null marker = null, text =
// the string, list columns = their JSON; from stdin too; an unknown column
// is a usage error and nothing is sent.
func TestBinarySyncCSV(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	csvText := "customerId,parentCompanyId,legalName,address,state,branchCodes\n" +
		demo1 + ",CEKDEMO001,\"Acme, Traders\",\\N,,\n" +
		demo2 + ",,,,Goa,\"[\"\"PNJ01\"\",\"\"MRG02\"\"]\"\n" +
		demo3 + ",,,,,\\N\n"
	in := writeFile(t, "rows.csv", csvText)
	res := runBinary(t, syncEnv(srv), "", "sync", "--concurrency", "1", in)
	require.Equal(t, exitOK, res.code, res.stderr)
	got := bodiesByPath(srv)
	assert.Equal(t, []string{`{"address":null,"legalName":"Acme, Traders"}`}, got[demo1])
	assert.Equal(t, []string{`{"branchCodes":["PNJ01","MRG02"],"state":"Goa"}`}, got[demo2])
	assert.Equal(t, []string{`{"branchCodes":null}`}, got[demo3])

	t.Run("stdin and another null marker", func(t *testing.T) {
		srv.ResetRequests()
		res := runBinary(t, syncEnv(srv), "customerId,address,state\n"+demo1+",NULL,\\N\n",
			"sync", "--format", "csv", "--null-marker", "NULL", "--state", filepath.Join(t.TempDir(), "s.db"), "-")
		require.Equal(t, exitOK, res.code, res.stderr)
		assert.Equal(t, []string{`{"address":null,"state":"\\N"}`}, bodiesByPath(srv)[demo1])
	})
	t.Run("unknown column", func(t *testing.T) {
		srv.ResetRequests()
		res := runBinary(t, syncEnv(srv), "", "sync", writeFile(t, "bad.csv", "customerId,nickname\n"+demo1+",x\n"))
		assert.Equal(t, exitUsage, res.code)
		assert.Contains(t, res.stderr, `unknown column "nickname"`)
		assert.Empty(t, srv.Requests())
	})
	t.Run("list cell that is not JSON", func(t *testing.T) {
		srv.ResetRequests()
		res := runBinary(t, syncEnv(srv), "", "sync", writeFile(t, "bad.csv", "customerId,branchCodes\n"+demo1+",PNJ01\n"))
		assert.Equal(t, exitUsage, res.code)
		assert.Contains(t, res.stderr, "line 2: branchCodes: must be JSON")
		assert.Empty(t, srv.Requests())
	})
}

// invalidRows: rows 2 and 5 break the spec (a bad mobile, a bad id), row 4
// has an unknown field.
func invalidRows() string {
	return strings.Join([]string{
		`{"customerId":"` + demo1 + `","update":{"state":"Goa"}}`,
		`{"customerId":"` + demo2 + `","update":{"customerKeyContacts":[{"deleted":false,"legalName":"L","name":"N","mobile":"12345"}]}}`,
		`{"customerId":"` + demo3 + `","update":{"state":"Kerala"}}`,
		`{"customerId":"` + demo3 + `","update":{"nickname":"x"}}`,
		`{"customerId":"kc-lower","update":{"state":"Goa"}}`,
	}, "\n") + "\n"
}

// TestBinarySyncValidationFirst: with invalid rows anywhere in the file,
// every one is listed (line, field, rule), nothing at all is sent, exit 2.
func TestBinarySyncValidationFirst(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	report := filepath.Join(t.TempDir(), "report.jsonl")
	res := runBinary(t, syncEnv(srv), "", "sync", "--report", report, writeFile(t, "rows.jsonl", invalidRows()))
	assert.Equal(t, exitUsage, res.code)
	assert.Contains(t, res.stderr, "line 2: customerKeyContacts[0].mobile: pattern")
	assert.Contains(t, res.stderr, `line 4: unknown field "nickname": want one of `)
	assert.Contains(t, res.stderr, "line 5: customerId: pattern")
	assert.Contains(t, res.stderr, "3 of 5 rows invalid; nothing was sent")
	assert.NotContains(t, res.stderr, "line 1:")
	assert.NotContains(t, res.stderr, "line 3:")
	assert.Empty(t, srv.Requests(), "nothing is sent")
	lines := readReport(t, report)
	require.Len(t, lines, 3, "the report lists the invalid rows")
	for _, rl := range lines {
		assert.Equal(t, statusInvalid, rl.Status)
	}
}

// TestBinarySyncSkipInvalid: --skip-invalid sends the valid rows, reports
// the others as invalid (id blanked when the id itself is bad), exit 1.
func TestBinarySyncSkipInvalid(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	report := filepath.Join(t.TempDir(), "report.jsonl")
	res := runBinary(t, syncEnv(srv), "", "sync", "--skip-invalid", "--report", report, writeFile(t, "rows.jsonl", invalidRows()))
	assert.Equal(t, exitAPI, res.code, res.stderr)
	assert.Len(t, srv.Requests(), 2, "rows 1 and 3")
	byLine := map[int]reportLine{}
	for _, rl := range readReport(t, report) {
		_, dup := byLine[rl.Line]
		require.False(t, dup, "line %d reported twice", rl.Line)
		byLine[rl.Line] = rl
	}
	require.Len(t, byLine, 5)
	for _, l := range []int{1, 3} {
		assert.Equal(t, statusOK, byLine[l].Status)
	}
	for _, l := range []int{2, 4, 5} {
		assert.Equal(t, statusInvalid, byLine[l].Status)
		assert.Zero(t, byLine[l].HTTPStatus)
	}
	assert.Contains(t, byLine[2].Error, "customerKeyContacts[0].mobile: pattern")
	assert.NotContains(t, byLine[2].Error, "12345", "never the value")
	assert.Equal(t, demo2, byLine[2].CustomerID)
	assert.Empty(t, byLine[5].CustomerID, "an id that breaks the spec is not echoed")
	assert.Contains(t, res.stderr, "sync: 5 rows, 3 invalid; 2 customers: 2 changed, 0 unchanged\n")
}

// TestBinarySyncDryRun: --dry-run sends nothing and prints each row with its
// body exactly as a real run puts it on the wire.
func TestBinarySyncDryRun(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	in := writeFile(t, "rows.csv", "customerId,legalName,address,customerReminders\n"+
		demo1+",Acme <Traders> & Co \u00e9,\\N,\"[{\"\"reminderType\"\":\"\"ONCE\"\",\"\"reminderTime\"\":\"\"09:30\"\",\"\"dueDateDifference\"\":3}]\"\n"+
		demo2+",,\\N,\n")
	dry := runBinary(t, syncEnv(srv), "", "sync", "--dry-run", in)
	require.Equal(t, exitOK, dry.code, dry.stderr)
	require.Empty(t, srv.Requests(), "--dry-run sends nothing")
	real := runBinary(t, syncEnv(srv), "", "sync", "--concurrency", "1", in)
	require.Equal(t, exitOK, real.code, real.stderr)
	reqs := srv.Requests()
	require.Len(t, reqs, 2)
	lines := strings.Split(strings.TrimSuffix(dry.stdout, "\n"), "\n")
	require.Len(t, lines, 2)
	for i, l := range lines {
		var row struct {
			Line       int             `json:"line"`
			CustomerID string          `json:"customerId"`
			Update     json.RawMessage `json:"update"`
		}
		require.NoError(t, json.Unmarshal([]byte(l), &row))
		assert.Equal(t, i+2, row.Line)
		assert.Equal(t, string(reqs[i].Body), string(row.Update), "the dry run shows the wire bytes")
		assert.True(t, strings.HasSuffix(reqs[i].Path, row.CustomerID))
	}
}

// TestBinarySyncReport: the report holds one line per row with its outcome,
// HTTP status, errorType and the server's requestId; a failed row makes the
// exit status 1; an existing report is not overwritten without --resume.
func TestBinarySyncReport(t *testing.T) {
	const token = "report-secret-token-9a"
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers(), wrappertest.WithToken(token))
	env := []string{"ENKASH_BASE_URL=" + srv.URL, "ENKASH_TOKEN=" + token}
	report := filepath.Join(t.TempDir(), "report.jsonl")
	in := writeFile(t, "rows.jsonl",
		`{"customerId":"`+demo1+`","update":{"state":"Goa"}}`+"\n"+
			`{"customerId":"KCNOSUCHCUSTOMER","update":{"state":"Goa"}}`+"\n")
	res := runBinary(t, env, "", "sync", "--report", report, in)
	assert.Equal(t, exitAPI, res.code, res.stderr)
	lines := readReport(t, report)
	require.Len(t, lines, 2)
	slices.SortFunc(lines, func(a, b reportLine) int { return a.Line - b.Line })
	ids := map[string]string{} // requestId -> path
	for _, r := range srv.Requests() {
		ids[r.RequestID] = r.Path
	}
	assert.Equal(t, statusOK, lines[0].Status)
	assert.Equal(t, 200, lines[0].HTTPStatus)
	assert.Equal(t, "/api/v0/customer/"+demo1, ids[lines[0].RequestID])
	assert.Empty(t, lines[0].Error)
	assert.Equal(t, reportLine{Line: 2, CustomerID: "KCNOSUCHCUSTOMER", Status: statusFailed, HTTPStatus: 404,
		ErrorType: "RECORD_NOT_FOUND", RequestID: lines[1].RequestID, Error: lines[1].Error}, lines[1])
	assert.Equal(t, "/api/v0/customer/KCNOSUCHCUSTOMER", ids[lines[1].RequestID])
	assert.Contains(t, lines[1].Error, "404")
	raw, _ := os.ReadFile(report)
	assert.NotContains(t, string(raw)+res.stderr+res.stdout, token)

	again := runBinary(t, env, "", "sync", "--report", report, in)
	assert.Equal(t, exitAPI, again.code)
	lines = readReport(t, report)
	require.Len(t, lines, 2, "the report is rewritten for each run")
	slices.SortFunc(lines, func(a, b reportLine) int { return a.Line - b.Line })
	assert.Equal(t, statusUnchanged, lines[0].Status, "applied last run: no request")
	assert.Equal(t, statusFailed, lines[1].Status, "refused last run: sent again")
}

// testID is the i-th customer of the tests' files.
func testID(i int) string { return fmt.Sprintf("KCT%013d", i) }

// putCustomers stores customers testID(0) … testID(n-1) in the fake.
func putCustomers(srv *wrappertest.Server, n int) {
	for i := range n {
		srv.PutCustomer(api.CustomerResponse{CustomerId: testID(i), LegalName: "Before"})
	}
}

// manyRows is n JSONL rows, one per customer (see putCustomers), each
// setting legalName.
func manyRows(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"customerId":%q,"update":{"legalName":"Row %d"}}`+"\n", testID(i), i+1)
	}
	return b.String()
}

// startSync starts the CLI in the background.
func startSync(t *testing.T, env []string, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd, &stderr
}

// waitRequests waits until the fake has received at least n requests.
func waitRequests(t *testing.T, srv *wrappertest.Server, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if len(srv.Requests()) >= n {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("the fake never received %d requests", n)
}

// answered are the request ids the server answered with 200 (every request
// it recorded got the real answer unless the client went away first; a
// request id in the report proves the client read that answer).
func requestIDs(srv *wrappertest.Server) map[string]bool {
	out := map[string]bool{}
	for _, r := range srv.Requests() {
		out[r.RequestID] = true
	}
	return out
}

// TestBinarySyncSIGINT: SIGINT stops starting customers, lets the calls in
// flight finish and record, and exits 130: every request the server
// received has its ok line in the report, and a rerun sends exactly the
// customers the first run did not.
func TestBinarySyncSIGINT(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithResponseDelay(300*time.Millisecond))
	// 2,000 customers at 300 ms, two at a time, take 5 minutes: the signal,
	// sent once the first request arrived, always comes long before the end.
	const n = 2000
	putCustomers(srv, n)
	in := writeFile(t, "rows.jsonl", manyRows(n))
	report := filepath.Join(t.TempDir(), "report.jsonl")
	cmd, stderr := startSync(t, syncEnv(srv), "sync", "--concurrency", "2", "--report", report, in)
	waitRequests(t, srv, 1)
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	err := cmd.Wait()
	var exitErr *exec.ExitError
	require.ErrorAs(t, err, &exitErr, stderr.String())
	assert.Equal(t, exitInterrupted, exitErr.ExitCode(), stderr.String())
	reqs := srv.Requests()
	assert.Less(t, len(reqs), n, "customers after the signal were not started")
	sent := requestIDs(srv)
	ok := 0
	for _, rl := range readReport(t, report) {
		if rl.Status == statusOK {
			ok++
			assert.True(t, sent[rl.RequestID])
		}
	}
	assert.Equal(t, len(reqs), ok, "every call in flight finished and was reported")
	assert.Contains(t, stderr.String(), "interrupted: the calls in flight finished; customers not sent are sent by the next run")
	assert.Contains(t, stderr.String(), fmt.Sprintf("sync: %d sent: %d ok, 0 failed; %d not sent; ", ok, ok, n-ok))
}

// TestBinarySync429HoldsTheBatch: a 429 with Retry-After: 1 to one call of
// the batch holds every call, counted from the server's request log (see
// below); without the shared gate the other workers would send most of the
// remaining customers during that second (90 / 4 workers × 20 ms < 1 s).
func TestBinarySync429HoldsTheBatch(t *testing.T) {
	const delay = 20 * time.Millisecond
	srv := wrappertest.NewTestServer(t, wrappertest.WithResponseDelay(delay))
	const n, conc = 100, 4
	putCustomers(srv, n)
	// Only the 10th customer's first update is refused: the batch (in
	// customer id order) has fanned out by then.
	srv.Inject(wrappertest.Fault{Status: 429, RetryAfter: "1", Times: 1, Path: "/api/v0/customer/" + testID(9)})
	res := runBinary(t, syncEnv(srv), "", "sync", "--concurrency", fmt.Sprint(conc), writeFile(t, "rows.jsonl", manyRows(n)))
	require.Equal(t, exitOK, res.code, res.stderr)
	reqs := srv.Requests()
	require.Len(t, reqs, n+1, "one 429, then every customer once")
	// Counted in events, not time: between the 429 and its retry the fake
	// may only receive the calls already in flight when the 429 came back,
	// and those released with the retry. Without the shared hold the other
	// workers go on sending for the whole Retry-After second.
	var heldAt []int
	for i, r := range reqs {
		if strings.HasSuffix(r.Path, testID(9)) {
			heldAt = append(heldAt, i)
		}
	}
	require.Len(t, heldAt, 2, "the 429 and its retry")
	between := heldAt[1] - heldAt[0] - 1
	// ≤ 3·(conc−1): a call already on its way, one sent before the client read
	// the 429, and one released with the retry, per other worker (without
	// the gate: ~90).
	assert.LessOrEqual(t, between, 3*(conc-1), "requests between the 429 and its retry")
	assert.Greater(t, len(reqs)-heldAt[1]-1, 50, "most customers came after the hold")
}

// TestSyncProgressTicks: without a terminal, one progress line per tick of
// the (injected) ticker.
func TestSyncProgressTicks(t *testing.T) {
	ticks := make(chan time.Time)
	orig := newTicker
	newTicker = func(time.Duration) (<-chan time.Time, func()) { return ticks, func() {} }
	t.Cleanup(func() { newTicker = orig })
	var out bytes.Buffer
	p := newProgress(&out, 10, time.Now())
	printed := make(chan struct{})
	p.ticked = func() { printed <- struct{}{} }
	stop := p.run()
	p.add(statusOK)
	ticks <- time.Time{}
	<-printed // the tick's line is out before the next customer counts
	p.add(statusUnknown)
	ticks <- time.Time{}
	<-printed
	stop()
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	require.Len(t, lines, 2, out.String())
	assert.True(t, strings.HasPrefix(lines[0], "sync: 1/10 customers (1 ok, 0 failed)"), lines[0])
	assert.True(t, strings.HasPrefix(lines[1], "sync: 2/10 customers (1 ok, 1 failed)"), lines[1])
	assert.Contains(t, lines[1], "ETA")
}

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
