package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

// stateRows is a file of three customers, demo3's rows apart.
const stateRows = `{"customerId":"` + demo1 + `","update":{"legalName":"Acme Traders","address":null}}
{"customerId":"` + demo3 + `","update":{"state":"Goa"}}
{"customerId":"` + demo2 + `","update":{"state":"Goa","pinCode":"403001","branchCodes":["PNJ01"]}}
{"customerId":"` + demo3 + `","update":{"state":"Kerala","pinCode":"682001"}}
`

// TestBinarySyncRerun_UnchangedSendsNothing: a rerun of the same file
// sends no request and says every customer is unchanged.
func TestBinarySyncRerun_UnchangedSendsNothing(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	in := writeFile(t, "rows.jsonl", stateRows)
	first := runBinary(t, syncEnv(srv), "", "sync", in)
	require.Equal(t, exitOK, first.code, first.stderr)
	require.Len(t, srv.Requests(), 3, "one request per customer")
	assert.Equal(t, []string{`{"pinCode":"682001","state":"Kerala"}`}, bodiesByPath(srv)[demo3], "demo3's rows merged, the last value wins")
	srv.ResetRequests()
	again := runBinary(t, syncEnv(srv), "", "sync", in)
	require.Equal(t, exitOK, again.code, again.stderr)
	assert.Empty(t, srv.Requests())
	assert.Contains(t, again.stderr, "sync: 4 rows, 0 invalid; 3 customers: 0 changed, 3 unchanged\n")
	assert.Contains(t, again.stderr, "sync: 0 sent: 0 ok, 0 failed; 0 not sent; ")
}

// TestBinarySyncRerun_EditedFileSendsOnlyTheChange: the same file with a
// row inserted at the top (its value overridden further down) and one value
// changed sends exactly one PATCH with exactly that field: no line numbers
// are involved.
func TestBinarySyncRerun_EditedFileSendsOnlyTheChange(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	dir := t.TempDir()
	in := filepath.Join(dir, "rows.jsonl")
	require.NoError(t, os.WriteFile(in, []byte(stateRows), 0o600))
	first := runBinary(t, syncEnv(srv), "", "sync", in)
	require.Equal(t, exitOK, first.code, first.stderr)
	srv.ResetRequests()

	edited := `{"customerId":"` + demo3 + `","update":{"state":"Old"}}` + "\n" +
		strings.Replace(stateRows, `"pinCode":"403001"`, `"pinCode":"403002"`, 1)
	require.NoError(t, os.WriteFile(in, []byte(edited), 0o600))
	again := runBinary(t, syncEnv(srv), "", "sync", in)
	require.Equal(t, exitOK, again.code, again.stderr)
	reqs := srv.Requests()
	require.Len(t, reqs, 1, again.stderr)
	assert.Equal(t, "/api/v0/customer/"+demo2, reqs[0].Path)
	assert.Equal(t, `{"pinCode":"403002"}`, string(reqs[0].Body))
	assert.Contains(t, again.stderr, "sync: 5 rows, 0 invalid; 3 customers: 1 changed, 2 unchanged\n")
}

// TestBinarySyncSummary_Failures: without a report the summary gives the
// counts, the first 10 failures (line, customer, errorType, message), the
// failures by errorType, and says which may have been applied.
func TestBinarySyncSummary_Failures(t *testing.T) {
	srv := wrappertest.NewTestServer(t)
	const n = 14
	putCustomers(srv, n)
	// Customers 0-10 are refused (404), 11 and 12 fail with a 500 (may
	// have been applied), 13 succeeds.
	for i := range 11 {
		f := wrappertest.ErrorFault(404, api.ErrorTypeRecordNotFound, "no such customer")
		f.Path, f.Times = "/api/v0/customer/"+testID(i), -1
		srv.Inject(f)
	}
	for i := 11; i < 13; i++ {
		f := wrappertest.ErrorFault(500, api.ErrorTypeSystemError, "database down")
		f.Path, f.Times = "/api/v0/customer/"+testID(i), -1
		srv.Inject(f)
	}
	in := writeFile(t, "rows.jsonl", manyRows(n))
	res := runBinary(t, syncEnv(srv), "", "sync", "--concurrency", "1", in)
	require.Equal(t, exitAPI, res.code, res.stderr)
	reqID := map[string]string{} // customer -> requestId of its last request
	for _, r := range srv.Requests() {
		reqID[r.Path[strings.LastIndexByte(r.Path, '/')+1:]] = r.RequestID
	}
	var want strings.Builder
	fmt.Fprintf(&want, "sync: state %s (run 1)\n", filepath.Join(filepath.Dir(in), defaultStateName))
	fmt.Fprintf(&want, "sync: 14 rows, 0 invalid; 14 customers: 14 changed, 0 unchanged\n")
	got := res.stderr[strings.Index(res.stderr, "sync: state "):]
	timing := got[strings.Index(got, "sync: 14 sent"):]
	timing = timing[:strings.IndexByte(timing, '\n')+1]
	assert.Regexp(t, `^sync: 14 sent: 1 ok, 13 failed; 0 not sent; [0-9.]+m?s \([0-9.]+ calls/s\)\n$`, timing)
	want.WriteString(timing)
	want.WriteString("sync: 2 of the failed updates may have been applied (a 5xx or an unknown outcome): the next run sends them again\n")
	want.WriteString("sync: first 10 failures:\n")
	for i := range 10 {
		fmt.Fprintf(&want, "sync:   line %d, %s, RECORD_NOT_FOUND: enkash: HTTP 404 RECORD_NOT_FOUND: no such customer (requestId %s)\n",
			i+1, testID(i), reqID[testID(i)])
	}
	want.WriteString("sync: failures by errorType: RECORD_NOT_FOUND 11, SYSTEM_ERROR 2\n")
	assert.Equal(t, want.String(), got)

	t.Run("rerun", func(t *testing.T) {
		srv.ResetRequests()
		res := runBinary(t, syncEnv(srv), "", "sync", "--concurrency", "1", in)
		require.Equal(t, exitAPI, res.code, res.stderr)
		assert.Contains(t, res.stderr, "sync: 14 rows, 0 invalid; 14 customers: 13 changed, 1 unchanged\n",
			"the applied customer is unchanged; the refused and the maybe-applied ones are sent again")
	})
	t.Run("a 5xx", func(t *testing.T) {
		srv := wrappertest.NewTestServer(t)
		putCustomers(srv, 1)
		f := wrappertest.ErrorFault(500, api.ErrorTypeSystemError, "database down")
		f.Times = -1
		srv.Inject(f)
		res := runBinary(t, syncEnv(srv), "", "sync", writeFile(t, "rows.jsonl", manyRows(1)))
		require.Equal(t, exitAPI, res.code, res.stderr)
		reqs := srv.Requests()
		require.NotEmpty(t, reqs)
		assert.Contains(t, res.stderr, fmt.Sprintf("sync:   line 1, %s, SYSTEM_ERROR: enkash: HTTP 500 SYSTEM_ERROR: database down (requestId %s) (the update may have been applied; the next run sends it again)\n",
			testID(0), reqs[len(reqs)-1].RequestID))
		assert.Contains(t, res.stderr, "sync: failures by errorType: SYSTEM_ERROR 1\n")
	})
}

// TestBinarySyncSummary_Timeout: --timeout bounds each attempt; a request
// that timed out after it was sent may have been applied, and says so.
func TestBinarySyncSummary_Timeout(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers(), wrappertest.WithResponseDelay(5*time.Second))
	in := writeFile(t, "rows.jsonl", `{"customerId":"`+demo1+`","update":{"state":"Goa"}}`+"\n")
	res := runBinary(t, syncEnv(srv), "", "sync", "--timeout", "100ms", in)
	require.Equal(t, exitAPI, res.code, res.stderr)
	assert.Contains(t, res.stderr, "sync: 1 sent: 0 ok, 1 failed; 0 not sent; ")
	assert.Contains(t, res.stderr, "sync: 1 of the failed updates may have been applied (a 5xx or an unknown outcome): the next run sends them again\n")
	assert.Contains(t, res.stderr, "sync:   line 1, "+demo1+", -: ")
	assert.Contains(t, res.stderr, " (the update may have been applied; the next run sends it again)\n")
	assert.Contains(t, res.stderr, "sync: failures by errorType: - 1\n")
}

// TestBinarySyncSIGINTWhileStdinOpen: SIGINT ends a sync still reading an
// open stdin: nothing was sent, exit 130, and nothing is left in TMPDIR.
func TestBinarySyncSIGINTWhileStdinOpen(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	tmp := t.TempDir()
	cmd := exec.Command(binPath, "sync", "--format", "jsonl", "--state", filepath.Join(t.TempDir(), "s.db"), "-")
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "TMPDIR=" + tmp}, syncEnv(srv)...)
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); stdin.Close() })
	// 256 KiB of rows: the writes return only once the CLI has read most
	// of them (a pipe holds 64 KiB), so its signal handler is installed.
	row := fmt.Sprintf(`{"customerId":"%s","update":{"state":"Goa"}}`+"\n", demo1)
	for range (256 << 10) / len(row) {
		_, err = io.WriteString(stdin, row)
		require.NoError(t, err)
	}
	require.NoError(t, cmd.Process.Signal(os.Interrupt)) // stdin stays open
	err = cmd.Wait()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, exitInterrupted, ee.ExitCode())
	assert.Contains(t, stderr.String(), "enkash-customer: sync: interrupted while reading the input; nothing was sent\n")
	assert.Empty(t, srv.Requests())
	left, _ := os.ReadDir(tmp)
	assert.Empty(t, left, "nothing spooled is left in TMPDIR")
}

// TestBinarySyncSIGKILLLeavesNoSpool: a sync killed while reading stdin,
// with more rows staged than SQLite keeps in memory, leaves nothing in
// TMPDIR: the staging database there is unlinked as soon as SQLite creates
// it (seen, on Linux, as a deleted file the process still has open).
func TestBinarySyncSIGKILLLeavesNoSpool(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	tmp := t.TempDir()
	cmd := exec.Command(binPath, "sync", "--format", "jsonl", "--state", filepath.Join(t.TempDir(), "s.db"), "-")
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "TMPDIR=" + tmp}, syncEnv(srv)...)
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	// 24 MiB of rows, more than the stage's 8 MiB page cache: they spill to
	// the stage's file. The write returns once the CLI has read them.
	row := `{"customerId":"` + demo1 + `","update":{"legalName":"A long enough legal name to fill the pages up"}}` + "\n"
	_, err = io.WriteString(stdin, strings.Repeat(row, (24<<20)/len(row)))
	require.NoError(t, err)
	if runtime.GOOS == "linux" {
		fds := fmt.Sprintf("/proc/%d/fd", cmd.Process.Pid)
		deleted := func() bool {
			entries, _ := os.ReadDir(fds)
			for _, e := range entries {
				if target, err := os.Readlink(filepath.Join(fds, e.Name())); err == nil &&
					strings.HasPrefix(target, tmp) && strings.HasSuffix(target, " (deleted)") {
					return true
				}
			}
			return false
		}
		assert.Eventually(t, deleted, 30*time.Second, 10*time.Millisecond, "the stage is an unlinked file in TMPDIR")
	}
	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()
	stdin.Close()
	left, _ := os.ReadDir(tmp)
	assert.Empty(t, left, "nothing spooled is left in TMPDIR")
	assert.Empty(t, srv.Requests())
}

// TestParseSyncArgs_Refusals: flags and paths refused before anything is
// read or sent, each with its message.
func TestParseSyncArgs_Refusals(t *testing.T) {
	in := writeFile(t, "rows.jsonl", "")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--rate", "NaN", in}, "--rate must be a finite number, 0 (unlimited) or more"},
		{[]string{"--rate", "+Inf", in}, "--rate must be a finite number, 0 (unlimited) or more"},
		{[]string{"--rate", "-1", in}, "--rate must be a finite number, 0 (unlimited) or more"},
		{[]string{"--timeout", "0s", in}, "--timeout must be positive"},
		{[]string{"--state", in, in}, "--state " + in + " is the input file"},
		{[]string{"--report", in, in}, "--report " + in + " is the input file"},
		{[]string{"--report", "s.db", "--state", "s.db", in}, "--report s.db is the state file"},
	} {
		t.Run(strings.Join(tc.args[:2], " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := runSync(t.Context(), tc.args, strings.NewReader(""), &stdout, &stderr, func(string) string { return "" })
			assert.Equal(t, exitUsage, code)
			assert.True(t, strings.HasPrefix(stderr.String(), "enkash-customer: sync: "+tc.want+"\n"), stderr.String())
		})
	}
}

// TestBinarySyncRefusedTargetCreatesNoState: a token without a base URL is
// refused (exit 2) before the state file is created.
func TestBinarySyncRefusedTargetCreatesNoState(t *testing.T) {
	in := writeFile(t, "rows.jsonl", `{"customerId":"`+demo1+`","update":{"state":"Goa"}}`+"\n")
	res := runBinary(t, []string{"ENKASH_TOKEN=some-token-123456"}, "", "sync", in)
	assert.Equal(t, exitUsage, res.code)
	assert.Contains(t, res.stderr, "$ENKASH_TOKEN set but no base URL")
	assert.NoFileExists(t, filepath.Join(filepath.Dir(in), defaultStateName))
}

// TestBinarySyncSummary_DryRun: a dry run's summary says whether a state
// was read and how many requests would have been sent, exactly.
func TestBinarySyncSummary_DryRun(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	in := writeFile(t, "rows.jsonl", stateRows)
	state := filepath.Join(filepath.Dir(in), defaultStateName)
	dry := runBinary(t, nil, "", "sync", "--dry-run", in)
	require.Equal(t, exitOK, dry.code, dry.stderr)
	assert.Equal(t, "sync: state "+state+": none yet (the first run creates it)\n"+
		"sync: 4 rows, 0 invalid; 3 customers: 3 changed, 0 unchanged\n"+
		"sync: dry run: 3 requests would be sent, none was\n", dry.stderr)
	assert.NoFileExists(t, state)

	res := runBinary(t, syncEnv(srv), "", "sync", in)
	require.Equal(t, exitOK, res.code, res.stderr)
	dry = runBinary(t, nil, "", "sync", "--dry-run", in)
	require.Equal(t, exitOK, dry.code, dry.stderr)
	assert.Empty(t, dry.stdout, "nothing to send")
	assert.Equal(t, "sync: state "+state+" (dry run: read, not written)\n"+
		"sync: 4 rows, 0 invalid; 3 customers: 0 changed, 3 unchanged\n"+
		"sync: dry run: 0 requests would be sent, none was\n", dry.stderr)
}

// TestSyncUsage_NamesTheSpecsKeys: the help text's row keys are the spec's
// parameter names and every placeholder of the template is filled.
func TestSyncUsage_NamesTheSpecsKeys(t *testing.T) {
	assert.NotContains(t, syncUsageText(), "{{")
	assert.Contains(t, syncUsageText(), `{"`+api.ParamUpdateCustomerCustomerId+`": `)
	assert.Contains(t, syncUsageText(), "naming "+api.ParamUpdateCustomerCustomerId+", optionally "+api.ParamUpdateCustomerParentCompanyId+",")
}
