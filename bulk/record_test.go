package bulk

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
