package bulk

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
)

// stageBatch is how many rows one staging transaction holds: large, so
// that staging costs one commit per many thousand rows, not one per row.
const stageBatch = 20_000

// stageMulti is how many rows one INSERT statement carries.
const stageMulti = 128

// insertRowsSQL is an INSERT of n staged rows.
func insertRowsSQL(n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO stage.rows(customer_id, line, parent, body) VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?,?,?)")
	}
	return b.String()
}

// stageCounts are what staging read: the rows, valid or not, and the
// invalid ones (a *RowError).
type stageCounts struct {
	Rows, Invalid int
}

// stage reads every row (pass 1) and stores each valid one in the run's
// staging table; an invalid row is counted and handed to onInvalid. Any
// other error ends staging and is returned.
func (s *Store) stage(ctx context.Context, rows iter.Seq2[Row, error], onInvalid func(*RowError)) (stageCounts, error) {
	var c stageCounts
	if _, err := s.conn.ExecContext(ctx, `DELETE FROM stage.rows; DELETE FROM stage.plans`); err != nil {
		return c, err
	}
	if _, err := s.conn.ExecContext(ctx, "BEGIN"); err != nil {
		return c, err
	}
	committed := false
	defer func() {
		if !committed {
			_, _ = s.conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		}
	}()
	ins, err := s.conn.PrepareContext(ctx, insertRowsSQL(stageMulti))
	if err != nil {
		return c, err
	}
	defer ins.Close()
	args := make([]any, 0, 4*stageMulti)
	bodies := make([]byte, 0, 64<<10)
	type pend struct {
		id, parent       string
		line, start, end int
	}
	var queued []pend
	flush := func(final bool) error {
		if len(queued) == 0 {
			return nil
		}
		args = args[:0]
		for _, q := range queued {
			args = append(args, q.id, q.line, q.parent, bodies[q.start:q.end])
		}
		stmt := ins
		if len(queued) < stageMulti {
			var err error
			if stmt, err = s.conn.PrepareContext(ctx, insertRowsSQL(len(queued))); err != nil {
				return err
			}
			defer stmt.Close()
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("staging rows: %w", err)
		}
		queued, bodies = queued[:0], bodies[:0]
		return nil
	}
	inBatch := 0
	for row, err := range rows {
		if cerr := ctx.Err(); cerr != nil {
			return c, cerr
		}
		c.Rows++
		if err != nil {
			var re *RowError
			if !errors.As(err, &re) {
				return c, err
			}
			c.Invalid++
			if onInvalid != nil {
				onInvalid(re)
			}
			continue
		}
		start := len(bodies)
		if bodies, err = row.Update.AppendJSON(bodies); err != nil {
			return c, fmt.Errorf("line %d: encoding the body: %w", row.Line, err)
		}
		queued = append(queued, pend{row.CustomerID, row.ParentCompanyID, row.Line, start, len(bodies)})
		if len(queued) == stageMulti {
			if err := flush(false); err != nil {
				return c, err
			}
		}
		if inBatch++; inBatch == stageBatch {
			inBatch = 0
			if err := flush(false); err != nil {
				return c, err
			}
			if _, err := s.conn.ExecContext(ctx, "COMMIT"); err != nil {
				return c, err
			}
			if _, err := s.conn.ExecContext(ctx, "BEGIN"); err != nil {
				committed = true
				return c, err
			}
		}
	}
	if err := flush(true); err != nil {
		return c, err
	}
	committed = true
	_, err = s.conn.ExecContext(ctx, "COMMIT")
	return c, err
}
