package bulk

import (
	"context"
	"database/sql"
	"iter"
	"os"
	"path/filepath"
	"strings"
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
