package wrapper

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The suite-wide sink of texts a user could see: every log record written by
// a client built with sinkLogger and every error passed to recordErr. TestMain
// scans it after the tests (see scanSink), so any test that routes its
// clients' logs and errors here is covered by the secret/PII scan.

// textSink is a goroutine-safe, append-only text buffer.
type textSink struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *textSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *textSink) add(texts ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range texts {
		s.b.WriteString(t)
		s.b.WriteByte('\n')
	}
}

func (s *textSink) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// recordErr adds every rendering of err a caller might print: every error
// of its tree with every verb and as a slog attribute, and for an *APIError in the chain its GoString (%#v), Snippet and
// sub-errors (with their redacted RejectedValue). nil is ignored.
func (s *textSink) recordErr(err error) {
	if err == nil {
		return
	}
	s.add(err.Error(), printedTree(err)) // every error of the tree, every verb, slog
	var ae *APIError
	if errors.As(err, &ae) {
		s.add(ae.GoString(), fmt.Sprintf("%#v", ae), ae.Snippet, fmt.Sprintf("%+v", ae.SubErrors))
	}
	var ve *ValidationError
	if errors.As(err, &ve) {
		s.add(fmt.Sprintf("%+v", ve.Violations))
	}
}

// leaks returns the secrets found in the sink.
func (s *textSink) leaks(secrets []string) []string {
	all := s.String()
	var found []string
	for _, sec := range secrets {
		if strings.Contains(all, sec) {
			found = append(found, sec)
		}
	}
	return found
}

// suiteSink is the package-wide sink scanned by TestMain.
var suiteSink = &textSink{}

// sinkLogger logs at Debug level (the most verbose the Client has) as JSON
// into s.
func sinkLogger(s *textSink) *slog.Logger {
	return slog.New(slog.NewJSONHandler(s, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// fixtureSecrets are the bearer tokens, credentials and personal data used in
// this package's fixtures (see helpers_test.go and validBody): none may ever
// show up in a log line or an error text.
var fixtureSecrets = []string{
	fxToken, fxClientSecret, fxPassword, // credentials
	fxMobile, "9123456780", fxEmail, // key-contact mobile and e-mail
	fxAccount, fxPAN, "29" + fxPAN + "1Z5", fxIFSC, // account number, PAN, GSTIN, IFSC
	fxContact, "41234567", // contact number, and its digits alone
	fuzzPlantedToken,
}

// scanSink reports the fixture secrets found in the suite's sink.
func scanSink() []string { return suiteSink.leaks(fixtureSecrets) }

// countingHandler counts records (one per attempt for a Client's logger)
// and passes them on.
type countingHandler struct {
	slog.Handler
	n *atomic.Int32
}

func (h countingHandler) Handle(ctx context.Context, r slog.Record) error {
	h.n.Add(1)
	return h.Handler.Handle(ctx, r)
}

func (h countingHandler) WithAttrs(a []slog.Attr) slog.Handler {
	return countingHandler{h.Handler.WithAttrs(a), h.n}
}

func (h countingHandler) WithGroup(g string) slog.Handler {
	return countingHandler{h.Handler.WithGroup(g), h.n}
}

// fuzzPlantedToken is the bearer token of FuzzResponseDecoding's client; its
// bodies may echo it, its errors must not.
const fuzzPlantedToken = "tok-FUZZ-PLANTED-8b3e"

// TestSuiteSink_ScanCanFail: the scan is not vacuous. Each secret planted in a
// fresh sink, through a log record or an error, is found by the same check
// TestMain runs.
func TestSuiteSink_ScanCanFail(t *testing.T) {
	for _, sec := range fixtureSecrets {
		s := &textSink{}
		require.Empty(t, s.leaks(fixtureSecrets))
		sinkLogger(s).Debug("attempt", "error", "x"+sec+"y")
		assert.Equal(t, []string{sec}, s.leaks([]string{sec}), "planted in a log record")

		s = &textSink{}
		s.recordErr(&APIError{StatusCode: 400, Err: errors.New("echo " + sec)})
		assert.Contains(t, s.leaks(fixtureSecrets), sec, "planted in an error")
	}
	// and the suite sink is the one TestMain scans
	assert.Empty(t, scanSink(), "the suite sink is clean so far")
}
