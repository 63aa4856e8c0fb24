package bulk

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

// readmeQueries returns the ```sql blocks of the README, in order.
func readmeQueries(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	var out []string
	for _, part := range strings.Split(string(data), "```sql\n")[1:] {
		out = append(out, part[:strings.Index(part, "```")])
	}
	return out
}

// TestStore_READMEQueries: the README's two queries, exactly as printed
// ("what failed last night", "what did we last send for KC…"), run on a
// state and answer them.
func TestStore_READMEQueries(t *testing.T) {
	queries := readmeQueries(t)
	require.Len(t, queries, 2)
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	path := filepath.Join(t.TempDir(), "s.db")
	f := wrappertest.ErrorFault(404, api.ErrorTypeRecordNotFound, "gone")
	f.Path = "/api/v0/customer/" + demo2
	srv.Inject(f)
	_, err := runOnce(t, srv, path, nil, `{"customerId":"`+demo1+`","update":{"state":"Goa","address":null}}`+"\n"+
		`{"customerId":"`+demo2+`","update":{"state":"Kerala"}}`)
	require.NoError(t, err)
	reqID := srv.Requests()[0].RequestID

	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	rows, err := db.Query(queries[0])
	require.NoError(t, err)
	var failed []string
	for rows.Next() {
		var line, status int
		var id, st, et, msg string
		require.NoError(t, rows.Scan(&line, &id, &st, &status, &et, &msg))
		failed = append(failed, strings.Join([]string{id, st, et}, " "))
		assert.Equal(t, 2, line)
		assert.Equal(t, 404, status)
		assert.Contains(t, msg, "gone")
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, []string{demo2 + " failed RECORD_NOT_FOUND"}, failed)

	rows, err = db.Query(strings.ReplaceAll(queries[1], "KCABCDEFGH123456", demo1))
	require.NoError(t, err)
	var sent []string
	for rows.Next() {
		var field, value, applied, sentAt, appliedAt, req string
		var line, pending int
		require.NoError(t, rows.Scan(&field, &value, &sentAt, &applied, &appliedAt, &req, &line, &pending))
		sent = append(sent, field+"="+value+" applied "+applied)
		assert.Equal(t, reqID, req)
		assert.Equal(t, 1, line)
		assert.Zero(t, pending)
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, []string{`address=null applied null`, `state="Goa" applied "Goa"`}, sent)
}

// TestStore_OneRunAtATime: while one sync holds a state, another open of
// it is refused at once, naming why; after Close it opens.
func TestStore_OneRunAtATime(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	first, err := OpenStore(t.Context(), path)
	require.NoError(t, err)
	_, err = OpenStore(t.Context(), path)
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "state "+path+" is in use by another sync ("), err.Error())
	assert.True(t, strings.HasSuffix(err.Error(), "): wait for it to end"), err.Error())
	require.NoError(t, first.Close())
	second, err := OpenStore(t.Context(), path)
	require.NoError(t, err)
	require.NoError(t, second.Close())
}

// TestOpenStore_OtherErrorsAreNotCalledBusy: a state that cannot be opened
// for another reason than a sync holding it (here a file that is not an
// SQLite database) is refused naming the state, not as "in use".
func TestOpenStore_OtherErrorsAreNotCalledBusy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	require.NoError(t, os.WriteFile(path, []byte(strings.Repeat("not a database\n", 100)), 0o600))
	_, err := OpenStore(t.Context(), path)
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "state "+path+": "), err.Error())
	assert.NotContains(t, err.Error(), "in use")
}

// TestOpenStoreReadOnly_DryRunsShareTheState: dry runs only read the state:
// two can have it open at once (a sync's store takes the state for itself).
func TestOpenStoreReadOnly_DryRunsShareTheState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	st, err := OpenStore(t.Context(), path)
	require.NoError(t, err)
	require.NoError(t, st.Close())
	first, err := OpenStoreReadOnly(t.Context(), path)
	require.NoError(t, err)
	defer first.Close()
	second, err := OpenStoreReadOnly(t.Context(), path)
	require.NoError(t, err, "a second dry run opens the state a first one has open")
	require.NoError(t, second.Close())
}

// TestStore_CloseReportsTheFirstError: Close reports an error closing the
// state's connection rather than dropping it (here a second Close, whose
// connection is already closed); the first Close reports none.
func TestStore_CloseReportsTheFirstError(t *testing.T) {
	st, err := OpenStore(t.Context(), filepath.Join(t.TempDir(), "s.db"))
	require.NoError(t, err)
	require.NoError(t, st.Close())
	assert.ErrorIs(t, st.Close(), sql.ErrConnDone)
}
