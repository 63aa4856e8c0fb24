package bulk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

const (
	demo1 = wrappertest.DemoCustomerID
	demo2 = wrappertest.DemoCustomerID2
)

// jsonlRows reads JSONL text with the Reader.
func jsonlRows(t *testing.T, text string) iter.Seq2[Row, error] {
	t.Helper()
	r, err := NewReader(strings.NewReader(text), ReaderOptions{Format: FormatJSONL})
	require.NoError(t, err)
	return r.Rows()
}

// syncer is a Sync against srv with the state at path.
func syncer(t *testing.T, srv *wrappertest.Server, path string) *Sync {
	t.Helper()
	st, err := OpenStore(t.Context(), path)
	require.NoError(t, err)
	c, err := wrapper.NewClient(srv.URL, wrapper.WithToken(srv.Token), wrapper.WithRetry(wrapper.RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	return &Sync{Store: st, Client: c, Input: "test", Concurrency: 2}
}

// runOnce runs a Sync of the JSONL text against srv with the state at
// path, after setup (if any) has adjusted it, and closes the state.
func runOnce(t *testing.T, srv *wrappertest.Server, path string, setup func(*Sync), text string) (Summary, error) {
	t.Helper()
	s := syncer(t, srv, path)
	defer s.Store.Close()
	if setup != nil {
		setup(s)
	}
	return s.Run(t.Context(), jsonlRows(t, text))
}

// bodies are the PATCH bodies srv received, in order.
func bodies(srv *wrappertest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		out = append(out, r.Path[strings.LastIndexByte(r.Path, '/')+1:]+" "+string(r.Body))
	}
	return out
}

// fieldRow is one row of the fields table.
type fieldRow struct {
	value   sql.NullString
	pending int
}

func readField(t *testing.T, path, customer, field string) fieldRow {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	var f fieldRow
	require.NoError(t, db.QueryRow(`SELECT value, pending FROM fields WHERE customer_id = ? AND field = ?`, customer, field).Scan(&f.value, &f.pending))
	return f
}

// TestSync_MergesRowsPerCustomer: rows of one customer merge in input
// order (last value wins, a list replaces the whole list) into one PATCH.
func TestSync_MergesRowsPerCustomer(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	path := filepath.Join(t.TempDir(), "s.db")
	sum, err := runOnce(t, srv, path, nil, (strings.Join([]string{
		`{"customerId":"` + demo1 + `","update":{"legalName":"A","branchCodes":["X","Y"]}}`,
		`{"customerId":"` + demo2 + `","parentCompanyId":"CEKDEMO001","update":{"state":"Goa"}}`,
		`{"customerId":"` + demo1 + `","update":{"legalName":"B","address":null}}`,
		`{"customerId":"` + demo1 + `","update":{"branchCodes":["Z"]}}`,
		`{"customerId":"` + demo2 + `","update":{}}`,
	}, "\n")))
	require.NoError(t, err)
	assert.Equal(t, []string{
		demo1 + ` {"address":null,"branchCodes":["Z"],"legalName":"B"}`,
		demo2 + ` {"state":"Goa"}`,
	}, bodies(srv))
	assert.Equal(t, "parentCompanyId=CEKDEMO001", srv.Requests()[1].RawQuery, "the last non-empty parentCompanyId of the customer")
	assert.Equal(t, Summary{RunID: 1, Rows: 5, Customers: 2, Changed: 2, Sent: 2, OK: 2}, sum)

	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	var counts [7]int
	var finished sql.NullString
	require.NoError(t, db.QueryRow(`SELECT rows_read, invalid_rows, customers, changed, unchanged, sent, ok, finished_at FROM runs WHERE run_id = 1`).
		Scan(&counts[0], &counts[1], &counts[2], &counts[3], &counts[4], &counts[5], &counts[6], &finished))
	assert.Equal(t, [7]int{5, 0, 2, 2, 0, 2, 2}, counts, "the run's counts")
	assert.True(t, finished.Valid)
}

// TestSync_PendingFieldIsSentAgain: a field whose request had an unknown
// outcome (a 502) is sent again by the next run even when the file now
// wants the value last confirmed applied: Enkash may hold the other one.
func TestSync_PendingFieldIsSentAgain(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	path := filepath.Join(t.TempDir(), "s.db")
	v1 := `{"customerId":"` + demo1 + `","update":{"state":"Goa","pinCode":"403001"}}`
	v2 := `{"customerId":"` + demo1 + `","update":{"state":"Kerala","pinCode":"403001"}}`
	_, err := runOnce(t, srv, path, nil, (v1))
	require.NoError(t, err)

	srv.Inject(wrappertest.Fault{Status: 502, Times: 1})
	sum, err := runOnce(t, srv, path, nil, (v2))
	require.NoError(t, err)
	assert.Equal(t, 1, sum.MaybeApplied)
	assert.Equal(t, "unknown", sum.Failures[0].Status)
	assert.Equal(t, 1, readField(t, path, demo1, "state").pending, "outcome unknown: pending")
	assert.Equal(t, `"Goa"`, readField(t, path, demo1, "state").value.String, "the applied value is still the confirmed one")

	srv.ResetRequests()
	sum, err = runOnce(t, srv, path, nil, (v1))
	require.NoError(t, err)
	assert.Equal(t, []string{demo1 + ` {"state":"Goa"}`}, bodies(srv), "Goa is sent again: the 502 may have applied Kerala")
	assert.Equal(t, 1, sum.OK)
	assert.Equal(t, fieldRow{value: sql.NullString{String: `"Goa"`, Valid: true}}, readField(t, path, demo1, "state"))

	srv.ResetRequests()
	sum, err = runOnce(t, srv, path, nil, (v1))
	require.NoError(t, err)
	assert.Empty(t, srv.Requests())
	assert.Equal(t, 1, sum.Unchanged)
}

// TestSync_RefusedLeavesNothingApplied: a refused request (404) records
// nothing applied and no pending flag: the next run sends it again because
// it still differs.
func TestSync_RefusedLeavesNothingApplied(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	path := filepath.Join(t.TempDir(), "s.db")
	in := `{"customerId":"` + demo1 + `","update":{"state":"Goa"}}`
	srv.Inject(wrappertest.ErrorFault(404, api.ErrorTypeRecordNotFound, "gone"))
	sum, err := runOnce(t, srv, path, nil, (in))
	require.NoError(t, err)
	assert.Equal(t, 1, sum.Failed)
	assert.Zero(t, sum.MaybeApplied)
	assert.Equal(t, map[string]int{"RECORD_NOT_FOUND": 1}, sum.ByErrorType)
	assert.Equal(t, fieldRow{}, readField(t, path, demo1, "state"))
	srv.ResetRequests()
	_, err = runOnce(t, srv, path, nil, (in))
	require.NoError(t, err)
	assert.Equal(t, []string{demo1 + ` {"state":"Goa"}`}, bodies(srv))
}

// TestSync_Full sends every desired field whatever the state says.
func TestSync_Full(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	path := filepath.Join(t.TempDir(), "s.db")
	in := `{"customerId":"` + demo1 + `","update":{"state":"Goa","pinCode":"403001"}}`
	_, err := runOnce(t, srv, path, nil, (in))
	require.NoError(t, err)
	srv.ResetRequests()
	sum, err := runOnce(t, srv, path, func(s *Sync) { s.Full = true }, in)
	require.NoError(t, err)
	assert.Equal(t, []string{demo1 + ` {"pinCode":"403001","state":"Goa"}`}, bodies(srv))
	assert.Equal(t, 1, sum.Changed)
}

// TestSync_DryRunWritesNothing: a dry run plans against the state, hands
// each plan to OnPlan, sends nothing and leaves the state file as it was; a
// missing state file is not created.
func TestSync_DryRunWritesNothing(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	dir := t.TempDir()
	path := filepath.Join(dir, "s.db")
	st, err := OpenStoreReadOnly(t.Context(), path)
	require.NoError(t, err)
	var plans []string
	sum, err := (&Sync{Store: st, DryRun: true, OnPlan: func(p *Plan) error {
		plans = append(plans, string(AppendPlanLine(nil, p)))
		return nil
	}}).Run(t.Context(), jsonlRows(t, `{"customerId":"`+demo1+`","update":{"state":"Goa"}}`))
	require.NoError(t, err)
	require.NoError(t, st.Close())
	assert.Equal(t, []string{`{"line":1,"customerId":"` + demo1 + `","update":{"state":"Goa"}}` + "\n"}, plans)
	assert.Equal(t, 1, sum.Changed)
	assert.NoFileExists(t, path)

	_, err = runOnce(t, srv, path, nil, (`{"customerId":"` + demo1 + `","update":{"state":"Goa"}}`))
	require.NoError(t, err)
	before, err := os.ReadFile(path)
	require.NoError(t, err)
	st, err = OpenStoreReadOnly(t.Context(), path)
	require.NoError(t, err)
	plans = nil
	sum, err = (&Sync{Store: st, DryRun: true, OnPlan: func(p *Plan) error {
		plans = append(plans, string(p.Patch))
		return nil
	}}).Run(t.Context(), jsonlRows(t, `{"customerId":"`+demo1+`","update":{"state":"Kerala","pinCode":"682001"}}`))
	require.NoError(t, err)
	require.NoError(t, st.Close())
	assert.Equal(t, []string{`{"pinCode":"682001","state":"Kerala"}`}, plans)
	after, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, before, after, "the dry run wrote nothing")
	assert.Len(t, srv.Requests(), 1, "only the real run sent")
}

// TestSync_InvalidRowsStopEverything: an invalid row and no SkipInvalid:
// ErrInvalidRows, every invalid row handed to OnInvalid, nothing sent.
func TestSync_InvalidRowsStopEverything(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	var invalid []string
	sum, err := runOnce(t, srv, filepath.Join(t.TempDir(), "s.db"), func(s *Sync) {
		s.OnInvalid = func(e *RowError) { invalid = append(invalid, e.Error()) }
	}, (`{"customerId":"` + demo1 + `","update":{"state":"Goa"}}` + "\n" +
		`{"customerId":"` + demo2 + `","update":{"customerKeyContacts":[{"deleted":false,"legalName":"L","name":"N","mobile":"12345"}]}}`))
	require.ErrorIs(t, err, ErrInvalidRows)
	assert.Equal(t, []string{`line 2: customerKeyContacts[0].mobile: pattern ^$|^((\+|00)(\d{1,3})[\s-]?)?(\d{10})$`}, invalid)
	assert.Equal(t, Summary{Rows: 2, Invalid: 1}, sum)
	assert.Empty(t, srv.Requests())
}

// TestStore_Mode0600: the state holds personal data: created 0600.
func TestStore_Mode0600(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	st, err := OpenStore(context.Background(), path)
	require.NoError(t, err)
	require.NoError(t, st.Close())
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
}

// TestStore_CheckTarget: a state records one target and refuses another.
func TestStore_CheckTarget(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	st, err := OpenStore(t.Context(), path)
	require.NoError(t, err)
	defer st.Close()
	require.NoError(t, st.CheckTarget(t.Context(), "https://a.example"))
	require.NoError(t, st.CheckTarget(t.Context(), "https://a.example"))
	err = st.CheckTarget(t.Context(), "https://b.example")
	require.EqualError(t, err, "state "+path+" records what https://a.example holds, not https://b.example: pass another --state for this target")
}

// manyRows is JSONL of n customers (KCG…), one row each, two fields.
func manyRows(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"customerId":"KCG%013d","update":{"legalName":"G %d","state":"Goa"}}`+"\n", i, i)
	}
	return b.String()
}

// TestSync_GroupsStateWrites: while sending, the state commits once per
// chunk of plans (their pending marks with the outcomes queued since the
// last commit), plus the final outcomes: not once per customer, nor a
// separate commit for the outcomes of each chunk.
func TestSync_GroupsStateWrites(t *testing.T) {
	for _, conc := range []int{1, 2, 8} {
		t.Run(fmt.Sprint(conc), func(t *testing.T) {
			srv := wrappertest.NewTestServer(t, wrappertest.WithAutoCreate())
			path := filepath.Join(t.TempDir(), "s.db")
			const n = 300
			s := syncer(t, srv, path)
			s.Concurrency = conc
			sum, err := s.Run(t.Context(), jsonlRows(t, manyRows(n)))
			require.NoError(t, s.Store.Close())
			require.NoError(t, err)
			require.Equal(t, n, sum.OK)
			chunk := s.chunkSize()
			chunks := (n + chunk - 1) / chunk
			assert.LessOrEqual(t, s.commits, int64(chunks+2), "%d customers in chunks of %d", n, chunk)
			assert.GreaterOrEqual(t, s.commits, int64(chunks), "each chunk is marked pending in a commit of its own")
			assert.Equal(t, fieldRow{value: sql.NullString{String: `"Goa"`, Valid: true}}, readField(t, path, "KCG0000000000299", "state"))
		})
	}
}

// TestSync_StopLeavesUnsentAsBefore: a run stopped after its first result
// records the customers it never sent as not-sent, with no field pending
// (also those of the chunk already marked ahead of the batch), and counts
// them; the next run sends exactly those.
func TestSync_StopLeavesUnsentAsBefore(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithAutoCreate())
	path := filepath.Join(t.TempDir(), "s.db")
	const n = 100
	stop := make(chan struct{})
	var once sync.Once
	sum, err := runOnce(t, srv, path, func(s *Sync) {
		s.Concurrency = 1 // chunks of 16: most plans are never taken
		s.Stop = stop
		s.OnResult = func(CustomerResult) { once.Do(func() { close(stop) }) }
	}, manyRows(n))
	require.NoError(t, err)
	sent := len(srv.Requests())
	require.Less(t, sent, 16, "stopped within the first chunk")
	assert.Equal(t, sent, sum.Sent)
	assert.Equal(t, n, sum.Sent+sum.NotSent, "every changed customer is sent or counted not sent")

	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	var pending, okCustomers int
	require.NoError(t, db.QueryRow(`SELECT count(*) FROM fields WHERE pending = 1`).Scan(&pending))
	require.NoError(t, db.QueryRow(`SELECT count(*) FROM customers WHERE status = 'ok'`).Scan(&okCustomers))
	require.NoError(t, db.Close())
	assert.Zero(t, pending, "no field pending: nothing was left with an unknown outcome")
	assert.Equal(t, sent, okCustomers)

	srv.ResetRequests()
	sum, err = runOnce(t, srv, path, nil, manyRows(n))
	require.NoError(t, err)
	assert.Equal(t, n-sent, len(srv.Requests()), "the rerun sends the customers not sent")
	assert.Equal(t, sent, sum.Unchanged)
}

// TestSummary_AddCountsEachOutcome: each outcome lands in its counts: ok
// and unknown were sent, not-sent was not, failed was sent only when it has
// an HTTP status (else the local validator refused it); every failure is
// counted by errorType and listed, up to MaxFailures.
func TestSummary_AddCountsEachOutcome(t *testing.T) {
	tests := []struct {
		name string
		in   []CustomerResult
		want Summary
	}{
		{"ok", []CustomerResult{{Status: statusOK}}, Summary{Sent: 1, OK: 1}},
		{"not sent", []CustomerResult{{Status: statusNotSent}}, Summary{NotSent: 1}},
		{"unknown", []CustomerResult{{Status: statusUnknown, HTTPStatus: 502}},
			Summary{Sent: 1, MaybeApplied: 1, Failed: 1, Failures: []CustomerResult{{Status: statusUnknown, HTTPStatus: 502}}, ByErrorType: map[string]int{"": 1}}},
		{"refused by Enkash", []CustomerResult{{Status: statusFailed, HTTPStatus: 404, ErrorType: "RECORD_NOT_FOUND"}},
			Summary{Sent: 1, Failed: 1, Failures: []CustomerResult{{Status: statusFailed, HTTPStatus: 404, ErrorType: "RECORD_NOT_FOUND"}}, ByErrorType: map[string]int{"RECORD_NOT_FOUND": 1}}},
		{"refused before sending", []CustomerResult{{Status: statusFailed}},
			Summary{NotSent: 1, Failed: 1, Failures: []CustomerResult{{Status: statusFailed}}, ByErrorType: map[string]int{"": 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Summary
			for _, r := range tt.in {
				s.add(r)
			}
			assert.Equal(t, tt.want, s)
		})
	}
	t.Run("failures listed up to MaxFailures", func(t *testing.T) {
		var s Summary
		for i := range MaxFailures + 2 {
			s.add(CustomerResult{Line: i, Status: statusFailed, HTTPStatus: 400, ErrorType: "BAD_REQUEST"})
		}
		assert.Equal(t, MaxFailures+2, s.Failed)
		require.Len(t, s.Failures, MaxFailures)
		assert.Equal(t, MaxFailures-1, s.Failures[MaxFailures-1].Line, "the first ones, in order")
		assert.Equal(t, map[string]int{"BAD_REQUEST": MaxFailures + 2}, s.ByErrorType)
	})
}

// TestFailureText_OneLinePerFailure: line, customer, errorType ("-"
// without one) and the message ("failed" without an error) on one line,
// with a note when the update may have been applied.
func TestFailureText_OneLinePerFailure(t *testing.T) {
	tests := []struct {
		name string
		in   CustomerResult
		want string
	}{
		{"refused", CustomerResult{Line: 3, CustomerID: "KC1", Status: statusFailed, ErrorType: "RECORD_NOT_FOUND", Err: errors.New("gone")},
			"line 3, KC1, RECORD_NOT_FOUND: gone"},
		{"no errorType", CustomerResult{Line: 4, CustomerID: "KC2", Status: statusFailed, Err: errors.New("refused")},
			"line 4, KC2, -: refused"},
		{"no error", CustomerResult{Line: 5, CustomerID: "KC3", Status: statusFailed},
			"line 5, KC3, -: failed"},
		{"maybe applied", CustomerResult{Line: 6, CustomerID: "KC4", Status: statusUnknown, Err: errors.New("502")},
			"line 6, KC4, -: 502 (the update may have been applied; the next run sends it again)"},
		{"on one line", CustomerResult{Line: 7, CustomerID: "KC5", Status: statusFailed, Err: errors.New("a\nb")},
			"line 7, KC5, -: a b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, FailureText(tt.in))
			assert.Equal(t, tt.in.Status == statusUnknown, tt.in.MaybeApplied())
		})
	}
}

// TestSync_OnPlannedGetsThePlanBeforeSending: OnPlanned is called once,
// after planning and before anything is sent, with the counts so far; a
// real run has then already recorded them in its runs row (so that a run
// killed while sending still shows what it meant to do).
func TestSync_OnPlannedGetsThePlanBeforeSending(t *testing.T) {
	in := `{"customerId":"` + demo1 + `","update":{"state":"Goa"}}` + "\n" + `{"customerId":"` + demo2 + `","update":{"state":"Goa"}}`
	for _, dry := range []bool{true, false} {
		t.Run(fmt.Sprintf("dry run %v", dry), func(t *testing.T) {
			srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
			s := syncer(t, srv, filepath.Join(t.TempDir(), "s.db"))
			defer s.Store.Close()
			s.DryRun = dry
			var planned []Summary
			var recorded [4]int
			s.OnPlanned = func(sum Summary) {
				planned = append(planned, sum)
				assert.Empty(t, srv.Requests(), "nothing sent yet")
				if !dry {
					require.NoError(t, s.Store.conn.QueryRowContext(t.Context(), `SELECT rows_read, customers, changed, unchanged FROM runs WHERE run_id = ?`, sum.RunID).
						Scan(&recorded[0], &recorded[1], &recorded[2], &recorded[3]))
				}
			}
			_, err := s.Run(t.Context(), jsonlRows(t, in))
			require.NoError(t, err)
			want := Summary{Rows: 2, Customers: 2, Changed: 2}
			if !dry {
				want.RunID = 1
				assert.Equal(t, [4]int{2, 2, 2, 0}, recorded, "the runs row before sending")
			}
			assert.Equal(t, []Summary{want}, planned)
		})
	}
}

// TestSync_NotSentCountsRefusedBeforeSending: a request that never left
// (here the connection is refused) is a failure with no HTTP status, and the
// run counts it not sent, next to the plans it never took (none here).
func TestSync_NotSentCountsRefusedBeforeSending(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close() // its address now refuses connections
	s := syncer(t, srv, filepath.Join(t.TempDir(), "s.db"))
	defer s.Store.Close()
	c, err := wrapper.NewClient(dead.URL, wrapper.WithToken(srv.Token), wrapper.WithRetry(wrapper.RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	s.Client = c
	sum, err := s.Run(t.Context(), jsonlRows(t, `{"customerId":"`+demo1+`","update":{"state":"Goa"}}`))
	require.NoError(t, err)
	require.Len(t, sum.Failures, 1)
	assert.Zero(t, sum.Failures[0].HTTPStatus)
	assert.Equal(t, statusFailed, sum.Failures[0].Status)
	assert.Equal(t, 1, sum.NotSent)
	assert.Zero(t, sum.Sent)
}
