package bulk

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"modernc.org/sqlite"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

// TestRecorder_StateWriteErrorEndsTheRun: when the state cannot be written
// while sending (here a trigger refuses it), the run ends with that error,
// naming the state, and sends nothing more: marking a chunk pending fails
// before any of it is sent; recording an outcome fails after its request,
// whose fields then stay pending for the next run.
func TestRecorder_StateWriteErrorEndsTheRun(t *testing.T) {
	tests := []struct {
		name     string
		trigger  string
		wantSent int
	}{
		{"marking pending", `CREATE TRIGGER refuse BEFORE INSERT ON customers BEGIN SELECT RAISE(ABORT, 'disk says no'); END`, 0},
		{"recording an outcome", `CREATE TRIGGER refuse BEFORE UPDATE OF status ON customers WHEN NEW.status = 'ok' BEGIN SELECT RAISE(ABORT, 'disk says no'); END`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
			path := filepath.Join(t.TempDir(), "s.db")
			s := syncer(t, srv, path)
			s.Concurrency = 1
			_, err := s.Store.conn.ExecContext(t.Context(), tt.trigger)
			require.NoError(t, err)
			_, err = s.Run(t.Context(), jsonlRows(t, `{"customerId":"`+demo1+`","update":{"state":"Goa"}}`))
			require.NoError(t, s.Store.Close())
			require.Error(t, err)
			assert.Contains(t, err.Error(), "state "+path+": ")
			assert.Contains(t, err.Error(), "disk says no")
			assert.Len(t, srv.Requests(), tt.wantSent)
			if tt.wantSent > 0 {
				assert.Equal(t, 1, readField(t, path, demo1, "state").pending, "sent, outcome not recorded: pending")
			}
		})
	}
}

// TestRecorder_SentHoldsOnlyValuesSent: the state's sent column (what we
// last sent for a field, the README's second query) is set when a request
// carried the field, also when Enkash refused it, and never for a customer
// the run did not send (stopped first).
func TestRecorder_SentHoldsOnlyValuesSent(t *testing.T) {
	sentFields := func(t *testing.T, path string) int {
		t.Helper()
		db, err := sql.Open("sqlite", path)
		require.NoError(t, err)
		defer db.Close()
		var n int
		require.NoError(t, db.QueryRow(`SELECT count(*) FROM fields WHERE sent IS NOT NULL`).Scan(&n))
		return n
	}
	t.Run("refused", func(t *testing.T) {
		srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
		path := filepath.Join(t.TempDir(), "s.db")
		srv.Inject(wrappertest.ErrorFault(404, api.ErrorTypeRecordNotFound, "gone"))
		sum, err := runOnce(t, srv, path, nil, `{"customerId":"`+demo1+`","update":{"state":"Goa","pinCode":"403001"}}`)
		require.NoError(t, err)
		require.Equal(t, 1, sum.Failed)
		assert.Equal(t, 2, sentFields(t, path), "both fields were sent")
	})
	t.Run("stopped", func(t *testing.T) {
		srv := wrappertest.NewTestServer(t, wrappertest.WithAutoCreate())
		path := filepath.Join(t.TempDir(), "s.db")
		stop := make(chan struct{})
		var once sync.Once
		sum, err := runOnce(t, srv, path, func(s *Sync) {
			s.Concurrency = 1
			s.Stop = stop
			s.OnResult = func(CustomerResult) { once.Do(func() { close(stop) }) }
		}, manyRows(40))
		require.NoError(t, err)
		require.Positive(t, sum.NotSent)
		assert.Equal(t, 2*len(srv.Requests()), sentFields(t, path), "two fields per customer sent, none for those not sent")
	})
}

// whileWriting is what the SQL function bulk_test_hook() runs: a trigger
// calls it from inside a statement, while a recorder writes the state.
var whileWriting atomic.Pointer[func()]

func init() {
	if err := sqlite.RegisterScalarFunction("bulk_test_hook", 0, func(*sqlite.FunctionContext, []driver.Value) (driver.Value, error) {
		if f := whileWriting.Load(); f != nil {
			(*f)()
		}
		return nil, nil
	}); err != nil {
		panic(err)
	}
}

// TestRecorder_ChunkMarkedWhileStoppingIsNotSent: when the run stops while
// the recorder is marking the next chunk pending, and the marking commits
// before the run closes the recorder, that chunk is never handed to the
// batch: close records its customers not sent and gives their fields back
// the pending flag they had (none here), instead of leaving them pending
// and "unknown" as if they might have been sent.
func TestRecorder_ChunkMarkedWhileStoppingIsNotSent(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithAutoCreate())
	s := syncer(t, srv, filepath.Join(t.TempDir(), "s.db"))
	defer s.Store.Close()
	stopped := make(chan struct{})
	close(stopped)
	s.Stop = stopped // the run itself sends nothing
	ran := false
	s.OnPlanned = func(sum Summary) {
		ctx := context.WithoutCancel(t.Context())
		conn := s.Store.conn
		_, err := conn.ExecContext(ctx, `CREATE TEMP TRIGGER stop_while_marking BEFORE INSERT ON main.customers BEGIN SELECT bulk_test_hook(); END`)
		require.NoError(t, err)
		recs := make(chan *recorder, 1)
		var once sync.Once
		hook := func() { once.Do(func() { (<-recs).stop(nil) }) } // the feed stops mid-marking
		whileWriting.Store(&hook)
		defer whileWriting.Store(nil)

		rec, err := newRecorder(ctx, s.Store, sum.RunID, 16)
		require.NoError(t, err)
		recs <- rec
		rec.mu.Lock()
		for rec.after == 0 && rec.err == nil { // the marking committed, the recorder saw the stop
			rec.cond.Wait()
		}
		rec.mu.Unlock()
		require.NoError(t, rec.close())
		_, err = conn.ExecContext(ctx, `DROP TRIGGER stop_while_marking`)
		require.NoError(t, err)

		count := func(q string) (n int) {
			require.NoError(t, conn.QueryRowContext(ctx, q).Scan(&n))
			return n
		}
		assert.Equal(t, 16, count(`SELECT count(*) FROM customers WHERE status = '`+statusNotSent+`'`), "the chunk marked")
		assert.Zero(t, count(`SELECT count(*) FROM customers WHERE status <> '`+statusNotSent+`'`))
		assert.Zero(t, count(`SELECT count(*) FROM fields WHERE pending = 1`), "pending restored")
		ran = true
	}
	_, err := s.Run(t.Context(), jsonlRows(t, manyRows(40)))
	require.NoError(t, err)
	require.True(t, ran)
	assert.Empty(t, srv.Requests())
}
