package bulk

import (
	"database/sql"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
