package bulk

import (
	"fmt"
	"iter"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStore_StageKeepsEveryRowPastATransaction: staging commits every
// stageBatch rows and goes on in a new transaction: every row of an input
// longer than that is staged and counted, the invalid ones counted apart.
func TestStore_StageKeepsEveryRowPastATransaction(t *testing.T) {
	st, err := OpenStore(t.Context(), filepath.Join(t.TempDir(), "s.db"))
	require.NoError(t, err)
	defer st.Close()
	const n = stageBatch + stageMulti + 3 // past one transaction, and a statement short of stageMulti
	rows := func(yield func(Row, error) bool) {
		for i := range n {
			if i == 7 {
				if !yield(Row{Line: i + 1}, &RowError{Line: i + 1}) {
					return
				}
				continue
			}
			r := Row{Line: i + 1, CustomerID: fmt.Sprintf("KCS%013d", i)}
			r.Update.State.Set("Goa")
			if !yield(r, nil) {
				return
			}
		}
	}
	var invalid []int
	c, err := st.stage(t.Context(), iter.Seq2[Row, error](rows), func(e *RowError) { invalid = append(invalid, e.Line) })
	require.NoError(t, err)
	assert.Equal(t, stageCounts{Rows: n, Invalid: 1}, c)
	assert.Equal(t, []int{8}, invalid)
	var staged, last int
	require.NoError(t, st.conn.QueryRowContext(t.Context(), `SELECT count(*), max(line) FROM stage.rows`).Scan(&staged, &last))
	assert.Equal(t, n-1, staged, "every valid row is staged")
	assert.Equal(t, n, last)
}

// TestStore_StageWriteErrorIsReturned: when the staging table refuses a
// row (here a trigger), stage returns that error, whether it comes from a
// full statement of stageMulti rows or from the last, shorter one, with
// what it read until then: rows go to the table stageMulti at a time, so
// an invalid row read before that statement is counted and reported.
func TestStore_StageWriteErrorIsReturned(t *testing.T) {
	tests := []struct {
		name     string
		rows     int
		wantRead stageCounts
	}{
		{"a full statement", stageMulti + 3, stageCounts{Rows: stageMulti + 1, Invalid: 1}},
		{"the last statement", 3, stageCounts{Rows: 4, Invalid: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := OpenStore(t.Context(), filepath.Join(t.TempDir(), "s.db"))
			require.NoError(t, err)
			defer st.Close()
			_, err = st.conn.ExecContext(t.Context(), `CREATE TEMP TRIGGER refuse BEFORE INSERT ON stage.rows BEGIN SELECT RAISE(ABORT, 'disk says no'); END`)
			require.NoError(t, err)
			rows := func(yield func(Row, error) bool) {
				if !yield(Row{Line: 1}, &RowError{Line: 1}) {
					return
				}
				for i := range tt.rows {
					r := Row{Line: i + 2, CustomerID: fmt.Sprintf("KCS%013d", i)}
					r.Update.State.Set("Goa")
					if !yield(r, nil) {
						return
					}
				}
			}
			var invalid []int
			c, err := st.stage(t.Context(), iter.Seq2[Row, error](rows), func(e *RowError) { invalid = append(invalid, e.Line) })
			require.Error(t, err)
			assert.Equal(t, tt.wantRead, c)
			assert.Equal(t, []int{1}, invalid)
			assert.Contains(t, err.Error(), "staging rows: ")
			assert.Contains(t, err.Error(), "disk says no")
		})
	}
}
