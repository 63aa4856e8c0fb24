package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

// killingProxy stands between the CLI and the fake: it records every body
// in arrival order and, when the request numbered killAt (counted from
// arm) arrives, SIGKILLs the CLI and still hands the request on to the fake
// (the update is applied; the CLI never hears of it).
type killingProxy struct {
	t      *testing.T
	target string
	client *http.Client

	mu      sync.Mutex
	history []sentBody // every request, in arrival order
	count   int        // requests since arm
	killAt  int        // 0: never
	kill    func()
}

type sentBody struct {
	customerID string
	body       map[string]json.RawMessage
}

func (p *killingProxy) arm(killAt int, kill func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.count, p.killAt, p.kill = 0, killAt, kill
}

func (p *killingProxy) requests() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.count
}

func (p *killingProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return // the CLI was killed while sending: nothing reached Enkash
	}
	p.mu.Lock()
	p.count++
	if r.Method == http.MethodPatch {
		var fields map[string]json.RawMessage
		if json.Unmarshal(body, &fields) == nil {
			p.history = append(p.history, sentBody{customerID: r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:], body: fields})
		}
	}
	if p.killAt > 0 && p.count == p.killAt {
		p.kill()
	}
	p.mu.Unlock()
	// Handed on whatever happens to the CLI: what reached the proxy reached
	// "Enkash".
	out, err := http.NewRequestWithContext(context.WithoutCancel(r.Context()), r.Method, p.target+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		p.t.Error(err)
		return
	}
	out.Header = r.Header.Clone()
	resp, err := p.client.Do(out)
	if err != nil {
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

// crashRows writes the crash test's input: customers × versions rows, the
// rows of one customer far apart (row r is customer r mod customers,
// version r div customers + 1). Every version sets legalName; odd versions
// set state; version 2 alone sets branchCodes. It returns, per customer and
// field, the field's desired values in file order (the last one is the
// desired state).
func crashRows(t *testing.T, customers, versions int) (string, map[string]map[string][]string) {
	var b strings.Builder
	order := map[string]map[string][]string{}
	for r := range customers * versions {
		id, v := testID(r%customers), r/customers+1
		u := map[string]any{"legalName": fmt.Sprintf("C%d v%d", r%customers, v)}
		if v%2 == 1 {
			u["state"] = fmt.Sprintf("S%d", v)
		}
		if v == 2 {
			u["branchCodes"] = []string{fmt.Sprintf("B%d", r%customers)}
		}
		line, err := json.Marshal(map[string]any{"customerId": id, "update": u})
		require.NoError(t, err)
		b.Write(line)
		b.WriteByte('\n')
		if order[id] == nil {
			order[id] = map[string][]string{}
		}
		for k, val := range u {
			raw, _ := json.Marshal(val)
			order[id][k] = append(order[id][k], string(raw))
		}
	}
	return b.String(), order
}

// TestBinarySyncConvergesAfterSIGKILL: a 10,000-row sync is SIGKILLed at 20
// seeded points (after a seeded number of requests reached the server, the
// last of them still applied) and rerun each time until it exits 0. Every
// customer ends with exactly its desired state, no field was ever set to a
// value older (earlier in the file) than one set before, and a final rerun
// sends nothing.
func TestBinarySyncConvergesAfterSIGKILL(t *testing.T) {
	// Each run is killed by its 100th request at the latest, so 20 kills
	// record at most 2,000 customers applied: the last run always has work.
	const customers, versions, kills = 2500, 4, 20
	srv := wrappertest.NewTestServer(t)
	putCustomers(srv, customers)
	proxy := &killingProxy{t: t, target: srv.URL, client: &http.Client{}}
	front := httptest.NewServer(proxy)
	t.Cleanup(front.Close)
	env := []string{"ENKASH_BASE_URL=" + front.URL, "ENKASH_TOKEN=" + srv.Token}
	text, order := crashRows(t, customers, versions)
	in := writeFile(t, "rows.jsonl", text)
	state := filepath.Join(t.TempDir(), "state.db")
	args := []string{"sync", "--concurrency", "8", "--state", state, in}

	rng := rand.New(rand.NewPCG(15, 2026))
	killed, runs := 0, 0
	for {
		runs++
		require.Less(t, runs, 200, "never converged")
		cmd := exec.Command(binPath, args...)
		cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		killAt := 0
		if killed < kills {
			killAt = 1 + rng.IntN(100)
		}
		require.NoError(t, cmd.Start())
		proxy.arm(killAt, func() { _ = cmd.Process.Kill() })
		err := cmd.Wait()
		proxy.arm(0, nil)
		var ee *exec.ExitError
		switch {
		case err == nil:
			if killed == kills {
				goto converged
			}
			// Finished before the kill point: nothing was left to send.
			t.Fatalf("run %d finished before request %d with %d kills to go: %s", runs, killAt, kills-killed, stderr.String())
		case errors.As(err, &ee) && ee.ExitCode() == -1:
			killed++
		default:
			t.Fatalf("run %d: %v: %s", runs, err, stderr.String())
		}
	}
converged:
	t.Logf("%d runs, %d kills, %d requests in all", runs, killed, len(proxy.history))
	for id, fields := range order {
		c, ok := srv.Customer(id)
		require.True(t, ok)
		got, err := json.Marshal(c)
		require.NoError(t, err)
		var have map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(got, &have))
		for f, vals := range fields {
			require.JSONEq(t, vals[len(vals)-1], string(have[f]), "%s.%s", id, f)
		}
	}
	last := map[string]map[string]int{} // customer -> field -> index in order of the last value set
	for i, h := range proxy.history {
		for f, raw := range h.body {
			idx := slices.Index(order[h.customerID][f], string(raw))
			require.GreaterOrEqual(t, idx, 0, "request %d set %s.%s to %s, not a desired value", i, h.customerID, f, raw)
			if last[h.customerID] == nil {
				last[h.customerID] = map[string]int{}
			}
			if prev, ok := last[h.customerID][f]; ok {
				require.GreaterOrEqual(t, idx, prev, "request %d set %s.%s back to an older value", i, h.customerID, f)
			}
			last[h.customerID][f] = idx
		}
	}
	before := proxy.requests()
	res := runBinary(t, env, "", args...)
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, before, proxy.requests(), "the final rerun sends nothing")
	assert.Contains(t, res.stderr, fmt.Sprintf("sync: %d rows, 0 invalid; %d customers: 0 changed, %d unchanged\n", customers*versions, customers, customers))
}
