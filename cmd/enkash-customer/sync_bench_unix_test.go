//go:build unix

package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

// benchRows is $name as a row count, else def.
func benchRows(b *testing.B, name string, def int) int {
	if v := os.Getenv(name); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("$%s: want a positive row count", name)
		}
		return n
	}
	return def
}

// benchID is the customer of row i: one update per customer, as an ERP
// export has (updates of one customer are sent one after the other, so rows
// cycling over a few customers would measure that, not the concurrency).
func benchID(i int) string { return fmt.Sprintf("KCB%013d", i) }

// writeRows writes n JSONL rows, one per customer, to a file in dir.
func writeRows(b *testing.B, dir string, n int) string {
	p := filepath.Join(dir, fmt.Sprintf("rows-%d.jsonl", n))
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for i := range n {
		fmt.Fprintf(w, `{"customerId":%q,"update":{"legalName":"Row %d","address":null,"branchCodes":["BLR01"]}}`+"\n", benchID(i), i+1)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	return p
}

// runMeasured runs the built CLI and returns its wall time and peak RSS.
func runMeasured(b *testing.B, env []string, args ...string) (time.Duration, int64) {
	cmd := exec.Command(binPath, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + b.TempDir()}, env...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	elapsed := time.Since(start)
	if err != nil {
		b.Fatalf("%v: %s", err, tail(out))
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return elapsed, int64(ru.Maxrss) // KiB on Linux
}

func tail(out []byte) []byte {
	if len(out) > 2000 {
		return out[len(out)-2000:]
	}
	return out
}

// BenchmarkSyncBinary runs the built CLI once per configuration (use
// -benchtime 1x): $SYNC_BENCH_ROWS rows (default 10,000) against wrappertest
// over loopback with a 20 ms server delay at concurrency 1, 8 and 64
// (concurrency 1 over $SYNC_BENCH_ROWS_C1 rows, default the same), reporting
// calls/s, connections the server accepted and the CLI's peak RSS; then
// --dry-run over $SYNC_BENCH_DRYRUN_ROWS rows (default 1,000,000), reporting
// its peak RSS. `make bench-sync` runs it.
func BenchmarkSyncBinary(b *testing.B) {
	dir := b.TempDir()
	rows := benchRows(b, "SYNC_BENCH_ROWS", 10_000)
	for _, conc := range []int{1, 8, 64} {
		n := rows
		if conc == 1 {
			n = benchRows(b, "SYNC_BENCH_ROWS_C1", rows)
		}
		in := writeRows(b, dir, n)
		b.Run(fmt.Sprintf("rows=%d/concurrency=%d", n, conc), func(b *testing.B) {
			for range b.N {
				srv := wrappertest.NewServer(wrappertest.WithResponseDelay(20 * time.Millisecond))
				for i := range n {
					srv.PutCustomer(api.CustomerResponse{CustomerId: benchID(i), LegalName: "Bench"})
				}
				elapsed, rss := runMeasured(b, []string{"ENKASH_BASE_URL=" + srv.URL, "ENKASH_TOKEN=" + srv.Token},
					"sync", "--concurrency", strconv.Itoa(conc), "--state", filepath.Join(b.TempDir(), "state.db"), in)
				if got := len(srv.Requests()); got != n {
					b.Fatalf("server received %d requests, want %d", got, n)
				}
				b.ReportMetric(float64(n)/elapsed.Seconds(), "calls/s")
				b.ReportMetric(float64(srv.Connections()), "conns")
				b.ReportMetric(float64(rss)/1024, "peak-RSS-MiB")
				srv.Close()
			}
		})
	}
	dry := benchRows(b, "SYNC_BENCH_DRYRUN_ROWS", 1_000_000)
	in := writeRows(b, dir, dry)
	b.Run(fmt.Sprintf("rows=%d/dry-run", dry), func(b *testing.B) {
		for range b.N {
			cmd := exec.Command(binPath, "sync", "--dry-run", "--state", filepath.Join(b.TempDir(), "none.db"), in)
			cmd.Stdout = nil // discarded
			start := time.Now()
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
			elapsed := time.Since(start)
			ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
			b.ReportMetric(float64(dry)/elapsed.Seconds(), "rows/s")
			b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MiB")
		}
	})
}
