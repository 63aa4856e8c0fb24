package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/internal/fake"
	"github.com/enkash-oss/enkash-go/wrapper"
)

// Exit statuses.
const (
	exitOK    = 0
	exitAPI   = 1 // the API or the network failed
	exitUsage = 2 // bad flags, bad input or local validation: nothing was sent
)

const maxBodyFileBytes = 1 << 20

// usageText is the help text; which fields take JSON comes from the
// generated body type (jsonFieldList); made on first use.
var usageText = sync.OnceValue(func() string {
	return strings.Replace(usageTemplate, "{{JSON_FIELDS}}", jsonFieldList(), 1)
})

const usageTemplate = `usage: enkash-customer update [flags] CUSTOMER_ID
       enkash-customer sync [flags] FILE|-     (many customers: see enkash-customer sync --help)
       enkash-customer activate [flags] CUSTOMER_ID     (see enkash-customer activate --help)
       enkash-customer delete --yes [flags] CUSTOMER_ID (see enkash-customer delete --help)
       enkash-customer --help | --version

Updates one Enkash customer. Fields not named are left unchanged.

  --set FIELD=VALUE        repeatable; sets a body field. VALUE is JSON for {{JSON_FIELDS}};
                           for every other field the literal string
  --clear FIELD            repeatable; sends FIELD as null (clears it)
  --body FILE|-            a whole JSON body instead of --set/--clear (validated the same way)
  --parent-company-id ID   the parentCompanyId query parameter
  --base-url URL           the Enkash API to call; default $ENKASH_BASE_URL
  --sandbox                use the embedded sandbox (a local fake with demo customers) even when
                           credentials or $ENKASH_BASE_URL are set; cannot be combined with --base-url
  --token TOKEN            default $ENKASH_TOKEN; or set $ENKASH_CLIENT_ID, $ENKASH_CLIENT_SECRET,
                           $ENKASH_USERNAME and $ENKASH_PASSWORD to use the token endpoint
  --dry-run                print the JSON body that would be sent; send nothing
  --timeout DURATION       for the whole call, retries included (default 30s)
  --verbose                debug log on stderr (tokens and personal data redacted)
  -h, --help               print this text on stdout
  --version                print the version on stdout

Where the update goes:
  --base-url or $ENKASH_BASE_URL set   that server, with the credentials given
  --sandbox                            the embedded sandbox; credentials are ignored
  neither, and no credentials at all   the embedded sandbox (said on stderr)
  neither, but a credential is set     refused (exit 2, nothing sent): set $ENKASH_BASE_URL or
                                       --base-url to reach Enkash, or pass --sandbox

Exit status: 0 success, 1 API or transport error, 2 usage or validation error (nothing sent).
`

// options are the parsed command line.
type options struct {
	sets, clears multiFlag
	bodyPath     string
	parentID     string
	baseURL      string
	token        string
	sandbox      bool
	dryRun       bool
	verbose      bool
	timeout      time.Duration
	customerID   string
}

// errVersion is parseArgs' answer to --version.
var errVersion = errors.New("version requested")

// run is the whole command, with its environment passed in so tests can
// drive it in-process as well as through the built binary.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) > 0 && args[0] == "sync" {
		return runSync(ctx, args[1:], stdin, stdout, stderr, getenv)
	}
	if len(args) > 0 && args[0] == "activate" {
		return runActivate(ctx, args[1:], stdout, stderr, getenv)
	}
	if len(args) > 0 && args[0] == "delete" {
		return runDelete(ctx, args[1:], stdout, stderr, getenv)
	}
	opts, err := parseArgs(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, usageText())
		return exitOK
	case errors.Is(err, errVersion):
		fmt.Fprintf(stdout, "enkash-customer %s\n", version())
		return exitOK
	case err != nil:
		fmt.Fprintf(stderr, "enkash-customer: %v\n\n%s", err, usageText())
		return exitUsage
	}

	body, err := readBody(opts, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "enkash-customer: %v\n", err)
		return exitUsage
	}
	var callOpts []wrapper.CallOption
	if opts.parentID != "" {
		callOpts = append(callOpts, wrapper.WithParentCompanyID(opts.parentID))
	}
	if err := wrapper.ValidateUpdateCustomer(opts.customerID, body, callOpts...); err != nil {
		fmt.Fprintf(stderr, "enkash-customer: %v\n", err)
		return exitUsage
	}
	if opts.dryRun {
		return printWire(stdout, stderr, &body)
	}

	ctx, cancel := context.WithTimeout(ctx, opts.timeout)
	defer cancel()

	client, cleanup, code := newTargetClient(target{baseURL: opts.baseURL, token: opts.token, sandbox: opts.sandbox, verbose: opts.verbose}, getenv, stderr)
	if client == nil {
		return code
	}
	defer cleanup()
	customer, err := client.UpdateCustomer(ctx, opts.customerID, body, callOpts...)
	if err != nil {
		return reportError(stderr, opts.customerID, err)
	}
	return printJSON(stdout, stderr, customer, exitAPI) // sent: never "nothing was sent"
}

// target is where a command sends its requests: the flags of the base URL,
// credential and sandbox rules shared by update and sync.
type target struct {
	baseURL, token   string
	sandbox, verbose bool
}

// newTargetClient applies the rules of where requests go (see usageText):
// the given base URL with the credentials, else the embedded sandbox when no
// credential is set at all (said on stderr), else a refusal. On refusal it
// returns a nil client and the exit status; cleanup closes the sandbox.
func newTargetClient(t target, getenv func(string) string, stderr io.Writer, extra ...wrapper.Option) (client *wrapper.Client, cleanup func(), code int) {
	cleanup = func() {}
	baseURL := firstNonEmpty(t.baseURL, getenv("ENKASH_BASE_URL"))
	given := credentialSources(t.token, getenv)
	clientOpts := extra
	if t.verbose {
		clientOpts = append(clientOpts, wrapper.WithLogger(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	switch {
	case t.sandbox || (baseURL == "" && len(given) == 0):
		// Any customerId the spec accepts works (created blank on its first
		// update), so a user's own file runs end to end; no request log.
		srv := fake.NewServer(fake.WithDemoCustomers(), fake.WithAutoCreate(), fake.WithRequestLogSize(0))
		cleanup = srv.Close
		why := "no --base-url, $ENKASH_BASE_URL or credentials"
		if t.sandbox {
			why = "--sandbox"
			ignored := given
			if baseURL != "" {
				ignored = append([]string{"$ENKASH_BASE_URL"}, given...)
			}
			if len(ignored) > 0 {
				why += " (ignoring " + strings.Join(ignored, ", ") + ")"
			}
		}
		fmt.Fprintf(stderr, "enkash-customer: %s: using the embedded sandbox at %s, not Enkash (demo customers %s, %s, %s; any other valid customerId starts blank)\n",
			why, srv.URL, fake.DemoCustomerID, fake.DemoCustomerID2, fake.DemoCustomerID3)
		baseURL = srv.URL
		clientOpts = append(clientOpts, wrapper.WithToken(srv.Token))
	case baseURL == "":
		// Credentials mean the user wants Enkash; never answer for it from the
		// sandbox. Only the names of what is set are printed, never a value.
		fmt.Fprintf(stderr, "enkash-customer: %s set but no base URL: set $ENKASH_BASE_URL or --base-url to reach Enkash, or pass --sandbox to use the embedded sandbox; nothing was sent\n",
			strings.Join(given, ", "))
		return nil, cleanup, exitUsage
	default:
		authOpt, err := credentials(firstNonEmpty(t.token, getenv("ENKASH_TOKEN")), getenv)
		if err != nil {
			fmt.Fprintf(stderr, "enkash-customer: %v\n", err)
			return nil, cleanup, exitUsage
		}
		clientOpts = append(clientOpts, authOpt)
	}
	client, err := wrapper.NewClient(baseURL, clientOpts...)
	if err != nil {
		cleanup()
		fmt.Fprintf(stderr, "enkash-customer: %v\n", err)
		return nil, func() {}, exitUsage
	}
	return client, cleanup, exitOK
}

// parseArgs parses the command line. It returns flag.ErrHelp for -h/--help
// and errVersion for --version; any other error is a usage error.
func parseArgs(args []string) (options, error) {
	var o options
	if len(args) == 0 {
		return o, errors.New("missing command: want update, sync, activate or delete")
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		return o, flag.ErrHelp
	case "-version", "--version", "version":
		return o, errVersion
	case "update":
	default:
		return o, fmt.Errorf("unknown command %q: want update, sync, activate or delete", args[0])
	}
	var showVersion bool
	fs := flag.NewFlagSet("update", flag.ContinueOnError)
	// The caller prints the error and the usage (to stdout for --help).
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.Var(&o.sets, "set", "FIELD=VALUE (repeatable)")
	fs.Var(&o.clears, "clear", "FIELD (repeatable)")
	fs.StringVar(&o.bodyPath, "body", "", "FILE or - for stdin")
	fs.StringVar(&o.parentID, "parent-company-id", "", api.ParamUpdateCustomerParentCompanyId)
	fs.StringVar(&o.baseURL, "base-url", "", "API base URL")
	fs.BoolVar(&o.sandbox, "sandbox", false, "use the embedded sandbox")
	fs.StringVar(&o.token, "token", "", "bearer token")
	fs.BoolVar(&o.dryRun, "dry-run", false, "print the body, send nothing")
	fs.BoolVar(&o.verbose, "verbose", false, "debug log on stderr")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "timeout for the whole call")
	fs.BoolVar(&showVersion, "version", false, "print the version")

	positional, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return o, err
	}
	if showVersion {
		return o, errVersion
	}
	if o.sandbox && o.baseURL != "" {
		return o, errors.New("--sandbox and --base-url cannot be combined: choose one")
	}
	if len(positional) != 1 {
		return o, fmt.Errorf("want exactly one CUSTOMER_ID, got %d arguments", len(positional))
	}
	if o.timeout <= 0 {
		return o, errors.New("--timeout must be positive")
	}
	o.customerID = positional[0]
	return o, nil
}

func readBody(o options, stdin io.Reader) (api.UpdateCustomerRequest, error) {
	if o.bodyPath == "" {
		return buildBody(o.sets, o.clears)
	}
	if len(o.sets) > 0 || len(o.clears) > 0 {
		return api.UpdateCustomerRequest{}, usagef("--body cannot be combined with --set or --clear")
	}
	var r io.Reader = stdin
	if o.bodyPath != "-" {
		f, err := os.Open(o.bodyPath)
		if err != nil {
			return api.UpdateCustomerRequest{}, usagef("--body: %v", err)
		}
		defer f.Close()
		r = f
	}
	raw, err := io.ReadAll(io.LimitReader(r, maxBodyFileBytes+1))
	if err != nil {
		return api.UpdateCustomerRequest{}, usagef("--body: %v", err)
	}
	if len(raw) > maxBodyFileBytes {
		return api.UpdateCustomerRequest{}, usagef("--body: larger than %d bytes", maxBodyFileBytes)
	}
	return decodeUpdate(raw)
}

// printJSON prints v; if it cannot be encoded it returns failCode: exitUsage
// on the dry-run path (nothing was sent), exitAPI after a send.
func printJSON(stdout, stderr io.Writer, v any, failCode int) int {
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		fmt.Fprintf(stderr, "enkash-customer: encoding output: %v\n", err)
		return failCode
	}
	fmt.Fprintf(stdout, "%s\n", out)
	return exitOK
}

// reportError prints an API or transport error: the customer, then status,
// errorType, message, requestId and each sub-error (the wrapper's Error text
// carries them all, with personal data masked).
func reportError(stderr io.Writer, customerID string, err error) int {
	fmt.Fprintf(stderr, "enkash-customer: update %s: %v\n", customerID, err)
	var ve *wrapper.ValidationError
	if errors.As(err, &ve) {
		return exitUsage
	}
	return exitAPI
}

// credentialSources names every credential given, by flag or variable name
// (never its value): --token, $ENKASH_TOKEN and the password-grant variables.
func credentialSources(token string, getenv func(string) string) []string {
	var given []string
	if token != "" {
		given = append(given, "--token")
	}
	for _, name := range append([]string{"ENKASH_TOKEN"}, credentialVars...) {
		if getenv(name) != "" {
			given = append(given, "$"+name)
		}
	}
	return given
}

// version is the module version the binary was built from (Main.Version of
// its build info), "(devel)" when there is none.
func version() string {
	info, ok := debug.ReadBuildInfo()
	return versionOf(info, ok)
}

func versionOf(info *debug.BuildInfo, ok bool) string {
	if !ok || info == nil || info.Main.Version == "" {
		return "(devel)"
	}
	return info.Main.Version
}

// credentialVars are the environment variables of the password grant.
var credentialVars = []string{"ENKASH_CLIENT_ID", "ENKASH_CLIENT_SECRET", "ENKASH_USERNAME", "ENKASH_PASSWORD"}

// credentials picks the auth option: a bearer token if there is one, else the
// password grant when all four of its variables are set.
func credentials(token string, getenv func(string) string) (wrapper.Option, error) {
	if token != "" {
		return wrapper.WithToken(token), nil
	}
	var vals, missing []string
	for _, name := range credentialVars {
		v := getenv(name)
		vals = append(vals, v)
		if v == "" {
			missing = append(missing, "$"+name)
		}
	}
	switch len(missing) {
	case 0:
		return wrapper.WithPasswordCredentials(vals[0], vals[1], vals[2], vals[3]), nil
	case len(credentialVars):
		return nil, errors.New("no credentials: give --token or $ENKASH_TOKEN, or set $ENKASH_CLIENT_ID, $ENKASH_CLIENT_SECRET, $ENKASH_USERNAME and $ENKASH_PASSWORD")
	default:
		return nil, fmt.Errorf("incomplete credentials: also set %s", strings.Join(missing, ", "))
	}
}

// parseInterleaved parses args with fs, accepting flags before and after
// the positional arguments, which it returns.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
