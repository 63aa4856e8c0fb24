package bulk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver ("sqlite")
)

// schema is the state's layout. Values are JSON text exactly as sent on the
// wire; field names are the body's JSON names, never known to this code.
//
//   - customers: one row per customer ever sent: the outcome of its last
//     request (status ok, failed, unknown or not-sent), and synced, a hash
//     of the desired fields that were all confirmed applied (NULL while any
//     of the customer's fields is pending), so an unchanged customer is
//     recognised without reading its fields.
//   - fields: per customer and field, the value last confirmed applied
//     (after a 2xx) with when, the request id and the source line; pending
//     is 1 while a request carrying the field has an unknown outcome (it is
//     set before the request is sent), and sent is the value last sent.
//   - runs: one row per run, with its counts.
const schema = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS runs (
  run_id        INTEGER PRIMARY KEY,
  started_at    TEXT NOT NULL,
  finished_at   TEXT,
  input         TEXT NOT NULL,
  full          INTEGER NOT NULL,
  rows_read     INTEGER NOT NULL DEFAULT 0,
  invalid_rows  INTEGER NOT NULL DEFAULT 0,
  customers     INTEGER NOT NULL DEFAULT 0,
  changed       INTEGER NOT NULL DEFAULT 0,
  unchanged     INTEGER NOT NULL DEFAULT 0,
  sent          INTEGER NOT NULL DEFAULT 0,
  ok            INTEGER NOT NULL DEFAULT 0,
  failed        INTEGER NOT NULL DEFAULT 0,
  maybe_applied INTEGER NOT NULL DEFAULT 0,
  not_sent      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS customers (
  customer_id TEXT PRIMARY KEY,
  synced      BLOB,
  run_id      INTEGER NOT NULL,
  line        INTEGER NOT NULL,
  status      TEXT NOT NULL,
  http_status INTEGER NOT NULL DEFAULT 0,
  error_type  TEXT NOT NULL DEFAULT '',
  error       TEXT NOT NULL DEFAULT '',
  request_id  TEXT NOT NULL DEFAULT '',
  updated_at  TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS fields (
  customer_id TEXT NOT NULL,
  field       TEXT NOT NULL,
  value       TEXT,
  applied_at  TEXT,
  request_id  TEXT,
  line        INTEGER,
  run_id      INTEGER,
  pending     INTEGER NOT NULL DEFAULT 0,
  sent        TEXT,
  sent_at     TEXT,
  PRIMARY KEY (customer_id, field)
) WITHOUT ROWID;
`

// stageSchema is the scratch space of one run, in a temporary database
// attached to the state's connection (SQLite unlinks its file at once, so
// nothing of it is left on disk after any exit): every valid row, in input
// order per customer, and the plan made from them.
const stageSchema = `
CREATE TABLE stage.rows (
  customer_id TEXT NOT NULL,
  line        INTEGER NOT NULL,
  parent      TEXT NOT NULL,
  body        BLOB NOT NULL,
  PRIMARY KEY (customer_id, line)
) WITHOUT ROWID;
CREATE TABLE stage.plans (
  customer_id TEXT NOT NULL,
  line        INTEGER NOT NULL,
  parent      TEXT NOT NULL,
  patch       BLOB NOT NULL,
  lines       BLOB NOT NULL,
  was_pending BLOB NOT NULL,
  synced      BLOB NOT NULL
);
`

// Customer statuses recorded in the customers table.
const (
	statusOK      = "ok"       // 2xx: every field sent is recorded applied
	statusFailed  = "failed"   // Enkash refused it: nothing applied
	statusUnknown = "unknown"  // 5xx, timeout, cut connection: may have been applied
	statusNotSent = "not-sent" // stopped before the request went out
)

// Store is the sync state: an SQLite database file recording, per customer
// and field, the value Enkash last confirmed applied. It holds personal data
// (the values sent): it is created with mode 0600. A Store is not safe for
// concurrent use by several processes running syncs at once.
type Store struct {
	path string
	db   *sql.DB
	conn *sql.Conn
	temp bool // an empty throw-away state (a dry run without a state file)
}

// OpenStore opens the state file at path, creating it (mode 0600) with its
// schema when it does not exist.
func OpenStore(ctx context.Context, path string) (*Store, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	f.Close()
	return openStore(ctx, path, false, false)
}

// OpenStoreReadOnly opens the state at path for a dry run: an existing file
// is read and never written; a missing one is not created (the run then
// compares with an empty state).
func OpenStoreReadOnly(ctx context.Context, path string) (*Store, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return openStore(ctx, "", true, true)
	}
	return openStore(ctx, path, false, true)
}

func openStore(ctx context.Context, path string, temp, readOnly bool) (*Store, error) {
	dsn := "file:" + url.PathEscape(path)
	if temp {
		dsn = ""
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("state %s: %w", path, err)
	}
	s := &Store{path: path, db: db, temp: temp}
	if s.conn, err = db.Conn(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("state %s: %w", path, err)
	}
	fail := func(err error) (*Store, error) {
		s.Close()
		if isBusy(err) {
			return nil, fmt.Errorf("state %s is in use by another sync (%w): wait for it to end", path, err)
		}
		return nil, fmt.Errorf("state %s: %w", path, err)
	}
	var setup []string
	if !temp && !readOnly {
		// One run at a time: the lock is taken at once (or refused at once)
		// and held until Close, so two syncs overlapping on one state (a
		// slow night and the next cron job) cannot interleave their
		// requests.
		setup = append(setup, "PRAGMA locking_mode=EXCLUSIVE", "BEGIN IMMEDIATE", "COMMIT",
			"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL")
	}
	setup = append(setup, schema, "PRAGMA busy_timeout=10000",
		`ATTACH DATABASE '' AS stage`,
		`PRAGMA stage.journal_mode=OFF`,
		`PRAGMA stage.synchronous=OFF`,
		`PRAGMA stage.cache_size=-8192`,
		stageSchema)
	if readOnly && !temp {
		// A dry run reads the state as it is: no schema is created.
		setup = slices.DeleteFunc(setup, func(q string) bool { return q == schema })
	}
	for _, q := range setup {
		if _, err := s.conn.ExecContext(ctx, q); err != nil {
			return fail(err)
		}
	}
	return s, nil
}

// isBusy reports whether err is SQLite's "database is locked".
func isBusy(err error) bool {
	return err != nil && strings.Contains(err.Error(), "SQLITE_BUSY")
}

// Path is the state file's path ("" for the empty state of a dry run
// without one).
func (s *Store) Path() string { return s.path }

// Close closes the state; the run's staged rows go with it.
func (s *Store) Close() error {
	var err error
	if s.conn != nil {
		err = s.conn.Close()
	}
	if cerr := s.db.Close(); err == nil {
		err = cerr
	}
	return err
}

// CheckTarget records target (where updates go: "sandbox" or a base URL)
// on the first run and refuses another one later: the state records what
// one Enkash holds, and would be wrong about any other.
func (s *Store) CheckTarget(ctx context.Context, target string) error {
	var got string
	err := s.conn.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'target'`).Scan(&got)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = s.conn.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES('target', ?)`, target)
		return err
	case err != nil:
		return err
	case got != target:
		return fmt.Errorf("state %s records what %s holds, not %s: pass another --state for this target", s.path, got, target)
	}
	return nil
}

// exec runs fn in one transaction on the store's connection.
func (s *Store) exec(ctx context.Context, fn func() error) error {
	if _, err := s.conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	if err := fn(); err != nil {
		_, _ = s.conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		return err
	}
	_, err := s.conn.ExecContext(ctx, "COMMIT")
	return err
}

// now is the time recorded in the state, UTC, to the millisecond.
func now() string { return time.Now().UTC().Format("2006-01-02T15:04:05.000Z") }
