package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/enkash-oss/enkash-go/bulk"
)

// exitInterrupted is the exit status after SIGINT (128 + 2, as shells do).
const exitInterrupted = 130

// syncUsageText is the sync help text; which fields take JSON comes from the
// generated body type (jsonFieldList).
var syncUsageText = strings.Replace(syncUsageTemplate, "{{JSON_FIELDS}}", jsonFieldList(), 1)

const syncUsageTemplate = `usage: enkash-customer sync [flags] FILE|-

Updates every customer listed in FILE (- for stdin), one PATCH per row, through one client.

JSONL (.jsonl or --format jsonl): one object per line,
  {"customerId": "KC…", "parentCompanyId": "CEK…" (optional), "update": { the PATCH body }}
  with each body field absent (unchanged), null (cleared) or a value (set), as on the wire.
CSV (.csv or --format csv): a header row naming customerId, optionally parentCompanyId, and body
  fields; an empty cell leaves the field unchanged, the null marker clears it, and
  {{JSON_FIELDS}} cells hold JSON. An unknown column is a usage error.

Every row is parsed and validated before anything is sent: if any row is invalid, each is listed
(line, field, rule), nothing is sent and the exit status is 2, unless --skip-invalid.

  --format jsonl|csv       default from the file name's extension; required for stdin
  --null-marker TEXT       the CSV cell that sends null (default \N)
  --skip-invalid           report invalid rows as invalid and send the rest
  --concurrency N          calls in flight at most (default 8)
  --rate R                 requests per second at most (default unlimited)
  --dry-run                validate and print each row as it would be sent (JSONL); send nothing
  --report FILE            write one JSON line per row as it completes: line, customerId, status
                           (ok, failed, invalid, skipped), httpStatus, errorType, requestId, error,
                           and outcomeUnknown: true when Enkash may have applied a failed row
  --resume                 with --report: skip the rows the report holds as ok; append to it
  --base-url, --sandbox, --token, --verbose   as for update
  -h, --help               print this text on stdout

A row's report line is written only after Enkash answered it; the last line of a row wins. After a
kill, --resume sends the rows not yet ok (matched by line and customerId): a row that was in flight
at the kill, or failed with outcomeUnknown, may be sent twice. Rows of one customer are sent one
after the other, in file order. SIGINT or SIGTERM: rows not yet sent are dropped (a later --resume
sends them), the calls in flight finish and are reported; a second signal kills.

Progress goes to stderr (a live line on a terminal, else a line every 10s), then a summary.
Exit status: 0 every row ok; 1 some row failed or was skipped as invalid; 2 usage or validation
error, nothing sent; 130 interrupted (the calls in flight finished, the report is complete).
`

// syncOptions are the parsed sync command line.
type syncOptions struct {
	format      string
	nullMarker  string
	skipInvalid bool
	concurrency int
	rate        float64
	dryRun      bool
	report      string
	resume      bool
	target      target
	path        string
}

func parseSyncArgs(args []string) (syncOptions, error) {
	o := syncOptions{}
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&o.format, "format", "", "jsonl or csv")
	fs.StringVar(&o.nullMarker, "null-marker", `\N`, "CSV cell meaning null")
	fs.BoolVar(&o.skipInvalid, "skip-invalid", false, "send the valid rows")
	fs.IntVar(&o.concurrency, "concurrency", bulk.DefaultConcurrency, "calls in flight")
	fs.Float64Var(&o.rate, "rate", 0, "requests per second")
	fs.BoolVar(&o.dryRun, "dry-run", false, "print, send nothing")
	fs.StringVar(&o.report, "report", "", "report file")
	fs.BoolVar(&o.resume, "resume", false, "skip rows the report holds as ok")
	fs.StringVar(&o.target.baseURL, "base-url", "", "API base URL")
	fs.BoolVar(&o.target.sandbox, "sandbox", false, "use the embedded sandbox")
	fs.StringVar(&o.target.token, "token", "", "bearer token")
	fs.BoolVar(&o.target.verbose, "verbose", false, "debug log on stderr")
	positional, err := parseInterleaved(fs, args)
	if err != nil {
		return o, err
	}
	switch {
	case len(positional) != 1:
		return o, fmt.Errorf("want exactly one FILE (- for stdin), got %d arguments", len(positional))
	case o.concurrency < 1:
		return o, errors.New("--concurrency must be at least 1")
	case o.rate < 0:
		return o, errors.New("--rate must not be negative")
	case o.resume && o.report == "":
		return o, errors.New("--resume needs --report FILE")
	case o.target.sandbox && o.target.baseURL != "":
		return o, errors.New("--sandbox and --base-url cannot be combined: choose one")
	case o.nullMarker == "":
		return o, errors.New("--null-marker must not be empty (an empty cell means absent)")
	}
	o.path = positional[0]
	if o.format == "" {
		switch strings.ToLower(filepath.Ext(o.path)) {
		case ".jsonl", ".ndjson":
			o.format = "jsonl"
		case ".csv":
			o.format = "csv"
		default:
			return o, errors.New("cannot tell the format from the file name: pass --format jsonl or --format csv")
		}
	}
	if o.format != "jsonl" && o.format != "csv" {
		return o, fmt.Errorf("--format %q: want jsonl or csv", o.format)
	}
	return o, nil
}

// syncInput opens the input for each pass: the file itself, or stdin spooled
// to a temporary file (validation first needs two passes; neither holds the
// rows in memory).
type syncInput struct {
	path  string
	spool string // temporary copy of stdin, removed by close
}

func openSyncInput(path string, stdin io.Reader) (*syncInput, error) {
	if path != "-" {
		st, err := os.Stat(path)
		if err != nil {
			return nil, usagef("%v", err)
		}
		if st.Mode().IsRegular() {
			return &syncInput{path: path}, nil
		}
		// A pipe, FIFO or /dev/stdin by name can be read only once: spool it
		// like stdin, for the two passes.
		src, err := os.Open(path)
		if err != nil {
			return nil, usagef("%v", err)
		}
		defer src.Close()
		stdin = src
	}
	f, err := os.CreateTemp("", "enkash-sync-input-*")
	if err != nil {
		return nil, fmt.Errorf("spooling stdin: %w", err)
	}
	_, err = io.Copy(f, stdin)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return nil, fmt.Errorf("spooling stdin: %w", err)
	}
	return &syncInput{path: f.Name(), spool: f.Name()}, nil
}

func (in *syncInput) close() {
	if in.spool != "" {
		os.Remove(in.spool)
	}
}

// rows iterates over the input's rows; *errp is set to a usage or I/O error
// that ended the iteration early.
func (in *syncInput) rows(o syncOptions, errp *error) iter.Seq[syncRow] {
	return func(yield func(syncRow) bool) {
		f, err := os.Open(in.path)
		if err != nil {
			*errp = usagef("%v", err)
			return
		}
		defer f.Close()
		rr, err := newRowReader(o.format, f, o.nullMarker)
		if err != nil {
			*errp = err
			return
		}
		for {
			row, ok, err := rr.next()
			if err != nil {
				*errp = fmt.Errorf("reading %s: %w", o.path, err)
				return
			}
			if !ok || !yield(row) {
				return
			}
		}
	}
}

// runSync is the sync command.
func runSync(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	o, err := parseSyncArgs(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, syncUsageText)
		return exitOK
	case err != nil:
		fmt.Fprintf(stderr, "enkash-customer: sync: %v\n\n%s", err, syncUsageText)
		return exitUsage
	}
	start := time.Now()
	in, err := openSyncInput(o.path, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "enkash-customer: sync: %v\n", err)
		return exitUsage
	}
	defer in.close()

	// Pass 1: parse and validate every row; nothing is sent yet.
	var readErr error
	total, invalid, lastLine := 0, 0, 0
	for row := range in.rows(o, &readErr) {
		lastLine = max(lastLine, row.line)
		if ctx.Err() != nil {
			fmt.Fprintf(stderr, "enkash-customer: sync: interrupted while validating; nothing was sent\n")
			return exitInterrupted
		}
		total++
		if row.problems != nil {
			invalid++
			for _, p := range row.problems {
				fmt.Fprintf(stderr, "enkash-customer: sync: line %d: %s\n", row.line, p)
			}
		}
	}
	if readErr != nil {
		fmt.Fprintf(stderr, "enkash-customer: sync: %v\n", readErr)
		return exitUsage
	}
	if invalid > 0 && !o.skipInvalid {
		fmt.Fprintf(stderr, "enkash-customer: sync: %d of %d rows invalid; nothing was sent (--skip-invalid sends the others)\n", invalid, total)
		return exitUsage
	}
	if o.dryRun {
		return syncDryRun(in, o, stdout, stderr, invalid)
	}

	var done doneRows
	if o.resume {
		if done, err = readDoneLines(o.report, lastLine); err != nil {
			fmt.Fprintf(stderr, "enkash-customer: sync: %v\n", err)
			return exitUsage
		}
	}
	var rep *reportWriter
	if o.report != "" {
		if rep, err = openReport(o.report, o.resume); err != nil {
			fmt.Fprintf(stderr, "enkash-customer: sync: %v\n", err)
			return exitUsage
		}
	}
	client, cleanup, code := newTargetClient(o.target, getenv, stderr)
	if client == nil {
		rep.close()
		return code
	}
	defer cleanup()

	// Pass 2: send. The rows are read again as call slots free up.
	prog := newProgress(stderr, total, start)
	stopProgress := prog.run()
	var (
		mu      sync.Mutex
		pending = map[int]syncRow{} // the rows in flight, by batch index
		stopErr error               // a report write failed: stop sending
	)
	stopping := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return stopErr != nil || ctx.Err() != nil
	}
	note := func(err error) {
		if err != nil {
			mu.Lock()
			if stopErr == nil {
				stopErr = err
			}
			mu.Unlock()
		}
	}
	seen := 0 // rows read again in pass 2: must equal pass 1's total
	updates := func(yield func(bulk.Update) bool) {
		idx := 0
		for row := range in.rows(o, &readErr) {
			seen++
			if stopping() {
				return
			}
			switch {
			case row.problems != nil:
				prog.add(statusInvalid)
				note(rep.write(reportLine{Line: row.line, CustomerID: row.displayID(), Status: statusInvalid, Error: strings.Join(row.problems, "; ")}))
				continue
			case done.has(row.line, row.customerID):
				prog.add(statusSkipped)
				note(rep.write(reportLine{Line: row.line, CustomerID: row.customerID, Status: statusSkipped}))
				continue
			}
			mu.Lock()
			pending[idx] = syncRow{line: row.line, customerID: row.customerID}
			mu.Unlock()
			idx++
			if !yield(bulk.Update{CustomerID: row.customerID, ParentCompanyID: row.parentID, Body: row.body}) {
				return
			}
		}
	}
	var batchOpts []bulk.Option
	batchOpts = append(batchOpts, bulk.WithConcurrency(o.concurrency))
	if o.rate > 0 {
		batchOpts = append(batchOpts, bulk.WithRateLimit(rate.Limit(o.rate), 1))
	}
	// The calls run on a context SIGINT does not cancel; SIGINT stops the
	// batch gracefully instead: no new row starts, rows still waiting to
	// send (for --rate or a Retry-After hold) are dropped unsent, and the
	// calls in flight finish and are reported.
	batchOpts = append(batchOpts, bulk.WithGracefulStop(ctx.Done()))
	for r := range bulk.UpdateCustomers(context.WithoutCancel(ctx), client, updates, batchOpts...) {
		mu.Lock()
		row := pending[r.Index]
		delete(pending, r.Index)
		mu.Unlock()
		if errors.Is(r.Err, bulk.ErrStopped) {
			continue // never sent: not reported, so --resume sends it
		}
		rl := resultLine(row.line, r, row.customerID)
		prog.add(rl.Status)
		prog.call()
		note(rep.write(rl))
	}
	stopProgress()
	if err := rep.close(); err != nil {
		note(err)
	}
	prog.summary()
	switch {
	case readErr != nil:
		fmt.Fprintf(stderr, "enkash-customer: sync: %v\n", readErr)
		return exitAPI
	case ctx.Err() == nil && stopErr == nil && seen != total:
		fmt.Fprintf(stderr, "enkash-customer: sync: the input changed between validation (%d rows) and sending (%d rows); rows not sent are not in the report\n", total, seen)
		return exitAPI
	case stopErr != nil:
		fmt.Fprintf(stderr, "enkash-customer: sync: %v; stopped\n", stopErr)
		return exitAPI
	case ctx.Err() != nil:
		fmt.Fprintf(stderr, "enkash-customer: sync: interrupted: the calls in flight finished; rows not started were not sent\n")
		return exitInterrupted
	case prog.notOK() > 0:
		return exitAPI
	}
	return exitOK
}

// syncDryRun prints every valid row as JSONL, with its body exactly as it
// would be sent (the generated encoder the client uses).
func syncDryRun(in *syncInput, o syncOptions, stdout, stderr io.Writer, invalid int) int {
	var readErr error
	var buf []byte
	for row := range in.rows(o, &readErr) {
		if row.problems != nil {
			continue
		}
		buf = append(buf[:0], `{"line":`...)
		buf = fmt.Appendf(buf, "%d", row.line)
		buf = append(buf, ',')
		buf = appendJSONString(buf, colCustomerID)
		buf = append(buf, ':')
		buf = appendJSONString(buf, row.customerID)
		if row.parentID != "" {
			buf = append(buf, ',')
			buf = appendJSONString(buf, colParentCompanyID)
			buf = append(buf, ':')
			buf = appendJSONString(buf, row.parentID)
		}
		buf = append(buf, `,"update":`...)
		var err error
		if buf, err = row.body.AppendJSON(buf); err != nil {
			fmt.Fprintf(stderr, "enkash-customer: sync: line %d: encoding body: %v\n", row.line, err)
			return exitUsage
		}
		buf = append(buf, "}\n"...)
		if _, err := stdout.Write(buf); err != nil {
			fmt.Fprintf(stderr, "enkash-customer: sync: %v\n", err)
			return exitUsage
		}
	}
	if readErr != nil {
		fmt.Fprintf(stderr, "enkash-customer: sync: %v\n", readErr)
		return exitUsage
	}
	if invalid > 0 {
		return exitAPI
	}
	return exitOK
}
