package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/bulk"
	"github.com/enkash-oss/enkash-go/wrapper"
)

// exitInterrupted is the exit status after SIGINT (128 + 2, as shells do).
const exitInterrupted = 130

// defaultStateName is the state file's name beside the input (in the
// current directory for stdin): one state per directory of exports, so a
// dated file name each night still finds last night's state.
const defaultStateName = "enkash-sync-state.db"

// syncUsageText is the sync help text; which fields take JSON comes from the
// generated body type (jsonFieldList), the row keys naming the customer from
// the spec's parameters (as bulk reads them); made on first use.
var syncUsageText = sync.OnceValue(func() string {
	return strings.NewReplacer("{{JSON_FIELDS}}", jsonFieldList(),
		"{{CUSTOMER_ID}}", api.ParamUpdateCustomerCustomerId,
		"{{PARENT_ID}}", api.ParamUpdateCustomerParentCompanyId).Replace(syncUsageTemplate)
})

const syncUsageTemplate = `usage: enkash-customer sync [flags] FILE|-

Makes Enkash hold the customers FILE (- for stdin) describes. The file is the desired state: rows
of one customer merge in file order (the last value of a field wins; a list replaces the whole
list). Each customer gets one PATCH with only the fields whose desired value differs from the
value last confirmed applied, as recorded in the state file; a customer with nothing to send gets
no request. Rerunning the same command is the recovery after a failure, SIGINT or a kill.

JSONL (.jsonl or --format jsonl): one object per line,
  {"{{CUSTOMER_ID}}": "KC…", "{{PARENT_ID}}": "CEK…" (optional), "update": { the PATCH body }}
  with each body field absent (unchanged), null (cleared) or a value (set), as on the wire.
CSV (.csv or --format csv): a header row naming {{CUSTOMER_ID}}, optionally {{PARENT_ID}}, and body
  fields; an empty cell leaves the field unchanged, the null marker clears it, and
  {{JSON_FIELDS}} cells hold JSON. An unknown column is a usage error.

Every row is parsed and validated before anything is sent: if any row is invalid, each is listed
(line, field, rule), nothing is sent and the exit status is 2, unless --skip-invalid.

  --format jsonl|csv       default from the file name's extension; required for stdin
  --null-marker TEXT       the CSV cell that sends null (default \N)
  --delimiter C            the CSV cell separator (default ,; e.g. ';' or a tab)
  --state FILE             the state (SQLite; holds personal data, mode 0600); default
                           ` + defaultStateName + ` beside FILE (in the current directory for stdin)
  --full                   send every desired field whatever the state says
  --skip-invalid           skip invalid rows and send the rest
  --concurrency N          calls in flight at most (default 8)
  --rate R                 requests per second at most (default unlimited)
  --timeout DURATION       each request attempt (default 30s)
  --dry-run                print what would be sent (JSONL, one line per customer); send nothing,
                           write no state
  --report FILE            one JSON line per customer: line, customerId, status (ok, failed,
                           unknown, not-sent, unchanged) or an invalid row, httpStatus,
                           errorType, requestId, error
  --base-url, --sandbox, --token, --verbose   as for update
  -h, --help               print this text on stdout

A field is recorded applied only after a 2xx. A request whose outcome is unknown (a 5xx, a
timeout, a kill) leaves its fields pending: the next run sends them again. SIGINT or SIGTERM:
customers not yet sent are not sent, the calls in flight finish and are recorded; a second
signal kills. A summary goes to stderr.
Exit status: 0 every customer ok or unchanged; 1 some customer failed or a row was skipped as
invalid; 2 usage or validation error, nothing sent; 130 interrupted.
`

// syncOptions are the parsed sync command line.
type syncOptions struct {
	format, nullMarker, state, report, path string
	delimiter                               rune
	skipInvalid, full, dryRun               bool
	concurrency                             int
	rate                                    float64
	timeout                                 time.Duration
	target                                  target
}

func parseSyncArgs(args []string) (syncOptions, error) {
	o := syncOptions{}
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&o.format, "format", "", "jsonl or csv")
	fs.StringVar(&o.nullMarker, "null-marker", `\N`, "CSV cell meaning null")
	delim := fs.String("delimiter", ",", "CSV cell separator")
	fs.StringVar(&o.state, "state", "", "state file")
	fs.BoolVar(&o.full, "full", false, "send every desired field")
	fs.BoolVar(&o.skipInvalid, "skip-invalid", false, "send the valid rows")
	fs.IntVar(&o.concurrency, "concurrency", bulk.DefaultConcurrency, "calls in flight")
	fs.Float64Var(&o.rate, "rate", 0, "requests per second")
	fs.DurationVar(&o.timeout, "timeout", wrapper.DefaultTimeout, "each attempt")
	fs.BoolVar(&o.dryRun, "dry-run", false, "print, send nothing")
	fs.StringVar(&o.report, "report", "", "report file")
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
	case math.IsNaN(o.rate) || math.IsInf(o.rate, 0) || o.rate < 0:
		return o, errors.New("--rate must be a finite number, 0 (unlimited) or more")
	case o.timeout <= 0:
		return o, errors.New("--timeout must be positive")
	case o.target.sandbox && o.target.baseURL != "":
		return o, errors.New("--sandbox and --base-url cannot be combined: choose one")
	case o.nullMarker == "":
		return o, errors.New("--null-marker must not be empty (an empty cell means absent)")
	}
	if d := []rune(*delim); len(d) != 1 || d[0] > 0x7f || d[0] == '"' || d[0] == '\r' || d[0] == '\n' {
		return o, fmt.Errorf("--delimiter %q: want one ASCII character, not a quote or a line break", *delim)
	} else {
		o.delimiter = d[0]
	}
	o.path = positional[0]
	if o.format == "" {
		f, ok := bulk.FormatOf(o.path)
		if !ok {
			return o, errors.New("cannot tell the format from the file name: pass --format jsonl or --format csv")
		}
		o.format = string(f)
	}
	if o.format != "jsonl" && o.format != "csv" {
		return o, fmt.Errorf("--format %q: want jsonl or csv", o.format)
	}
	if o.state == "" {
		o.state = defaultStateName
		if o.path != "-" {
			o.state = filepath.Join(filepath.Dir(o.path), defaultStateName)
		}
	}
	return o, nil
}

// checkPaths refuses a state or report that is the input, or each other.
func checkPaths(o syncOptions) error {
	same := func(a, b string) bool {
		if a == "" || b == "" || a == "-" || b == "-" {
			return false
		}
		sa, errA := os.Stat(a)
		sb, errB := os.Stat(b)
		if errA == nil && errB == nil {
			return os.SameFile(sa, sb)
		}
		pa, _ := filepath.Abs(a)
		pb, _ := filepath.Abs(b)
		return pa == pb
	}
	switch {
	case same(o.state, o.path):
		return fmt.Errorf("--state %s is the input file", o.state)
	case same(o.report, o.path):
		return fmt.Errorf("--report %s is the input file", o.report)
	case same(o.report, o.state):
		return fmt.Errorf("--report %s is the state file", o.report)
	}
	return nil
}

// runSync is the sync command.
func runSync(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	o, err := parseSyncArgs(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, syncUsageText())
		return exitOK
	case err != nil:
		fmt.Fprintf(stderr, "enkash-customer: sync: %v\n\n%s", err, syncUsageText())
		return exitUsage
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "enkash-customer: sync: "+format+"\n", a...)
		return code
	}
	if err := checkPaths(o); err != nil {
		return fail(exitUsage, "%v", err)
	}
	start := time.Now()
	in := stdin
	if o.path != "-" {
		f, err := os.Open(o.path)
		if err != nil {
			return fail(exitUsage, "%v", err)
		}
		defer f.Close()
		in = f
	}
	// Reading stops at SIGINT even while stdin is still open.
	in = newCtxReader(ctx, in)
	reader, rows, err := readRows(o, in)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}

	var client *wrapper.Client
	open := bulk.OpenStoreReadOnly
	if !o.dryRun {
		c, cleanup, code := newTargetClient(o.target, getenv, stderr, wrapper.WithTimeout(o.timeout))
		if c == nil {
			return code
		}
		defer cleanup()
		client, open = c, bulk.OpenStore
	}
	store, err := open(ctx, o.state)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	defer store.Close()

	var rep *reportWriter
	if o.report != "" {
		if rep, err = openReport(o.report); err != nil {
			return fail(exitUsage, "%v", err)
		}
		defer rep.close()
	}
	s := &bulk.Sync{Store: store, Input: o.path, Full: o.full, SkipInvalid: o.skipInvalid, DryRun: o.dryRun,
		Concurrency: o.concurrency, RateLimit: rate.Limit(o.rate), Stop: ctx.Done()}
	s.OnInvalid = func(e *bulk.RowError) {
		fmt.Fprintf(stderr, "enkash-customer: sync: %v\n", e)
		rep.write(invalidLine(e))
	}
	var prog *progress
	if o.dryRun {
		out := bufio.NewWriterSize(stdout, 64<<10)
		defer out.Flush()
		var buf []byte
		s.OnPlan = func(p *bulk.Plan) error {
			buf = bulk.AppendPlanLine(buf[:0], p)
			_, err := out.Write(buf)
			return err
		}
		s.OnPlanned = func(bulk.Summary) { _ = out.Flush() }
	} else {
		if err := store.CheckTarget(ctx, targetName(o.target, getenv)); err != nil {
			return fail(exitUsage, "%v", err)
		}
		s.Client = client
		s.OnPlanned = func(sum bulk.Summary) {
			prog = newProgress(stderr, sum.Changed, time.Now())
			prog.stop = prog.run()
		}
		s.OnResult = func(r bulk.CustomerResult) {
			prog.add(r.Status)
			rep.write(resultLine(r))
		}
	}
	s.OnUnchanged = func(customerID string, line int) {
		rep.write(reportLine{Line: line, CustomerID: customerID, Status: statusUnchanged})
	}
	sum, err := s.Run(ctx, rows)
	if prog != nil {
		prog.stop()
	}
	for _, w := range reader.Warnings() {
		fmt.Fprintf(stderr, "enkash-customer: sync: warning: %s\n", w)
	}
	switch {
	case errors.Is(err, bulk.ErrInvalidRows):
		return fail(exitUsage, "%d of %d rows invalid; nothing was sent (--skip-invalid sends the others)", sum.Invalid, sum.Rows)
	case err != nil && sum.RunID == 0 && ctx.Err() != nil:
		return fail(exitInterrupted, "interrupted while reading the input; nothing was sent")
	case err != nil && sum.RunID == 0:
		return fail(exitUsage, "%v; nothing was sent", err)
	}
	rep.close()
	printSummary(stderr, o, store.Path(), sum, time.Since(start))
	switch {
	case err != nil:
		return fail(exitAPI, "%v", err)
	case rep.failed() != nil:
		return fail(exitAPI, "%v", rep.failed())
	case ctx.Err() != nil:
		return fail(exitInterrupted, "interrupted: the calls in flight finished; customers not sent are sent by the next run")
	case sum.Failed > 0 || sum.Invalid > 0:
		return exitAPI
	}
	return exitOK
}

// targetName is what the state records as where updates go: the sandbox,
// or the base URL (never a credential).
func targetName(t target, getenv func(string) string) string {
	baseURL := firstNonEmpty(t.baseURL, getenv("ENKASH_BASE_URL"))
	if t.sandbox || (baseURL == "" && len(credentialSources(t.token, getenv)) == 0) {
		return "the embedded sandbox"
	}
	return baseURL
}

// printSummary prints what the run did on stderr: the state, the counts,
// the first failures and the failures by errorType.
func printSummary(w io.Writer, o syncOptions, statePath string, sum bulk.Summary, elapsed time.Duration) {
	switch {
	case o.dryRun && statePath == "":
		fmt.Fprintf(w, "sync: state %s: none yet (the first run creates it)\n", o.state)
	case o.dryRun:
		fmt.Fprintf(w, "sync: state %s (dry run: read, not written)\n", statePath)
	default:
		fmt.Fprintf(w, "sync: state %s (run %d)\n", statePath, sum.RunID)
	}
	fmt.Fprintf(w, "sync: %d rows, %d invalid; %d customers: %d changed, %d unchanged\n",
		sum.Rows, sum.Invalid, sum.Customers, sum.Changed, sum.Unchanged)
	if o.dryRun {
		fmt.Fprintf(w, "sync: dry run: %d requests would be sent, none was\n", sum.Changed)
		return
	}
	perSec := 0.0
	if elapsed > 0 {
		perSec = float64(sum.Sent) / elapsed.Seconds()
	}
	fmt.Fprintf(w, "sync: %d sent: %d ok, %d failed; %d not sent; %s (%.1f calls/s)\n",
		sum.Sent, sum.OK, sum.Failed, sum.NotSent, elapsed.Round(time.Millisecond), perSec)
	if sum.MaybeApplied > 0 {
		fmt.Fprintf(w, "sync: %d of the failed updates may have been applied (a 5xx or an unknown outcome): the next run sends them again\n", sum.MaybeApplied)
	}
	if len(sum.Failures) > 0 {
		fmt.Fprintf(w, "sync: first %d failures:\n", len(sum.Failures))
		for _, f := range sum.Failures {
			fmt.Fprintf(w, "sync:   %s\n", bulk.FailureText(f))
		}
		types := make([]string, 0, len(sum.ByErrorType))
		for t := range sum.ByErrorType {
			types = append(types, t)
		}
		sort.Strings(types)
		parts := make([]string, len(types))
		for i, t := range types {
			name := t
			if name == "" {
				name = "-"
			}
			parts[i] = fmt.Sprintf("%s %d", name, sum.ByErrorType[t])
		}
		fmt.Fprintf(w, "sync: failures by errorType: %s\n", strings.Join(parts, ", "))
	}
}
