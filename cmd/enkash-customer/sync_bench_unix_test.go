//go:build unix

package main

import (
	"bufio"
	"bytes"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/enkash-oss/enkash-go/internal/cputime"
	"github.com/enkash-oss/enkash-go/internal/fake"
)

// The sync benchmark (`make bench-sync`, not part of `make test`): the
// current CLI against a baseline CLI built from $SYNC_BENCH_BASELINE
// (default 49493b4, main before the bulk package), in the same run:
//
//   - live sync of $SYNC_BENCH_ROWS rows (default 10,000, one per customer)
//     against internal/fake (the sandbox's server: the generated
//     validators, not wrappertest's kin-openapi checks, which cost more
//     CPU than the client measured) over TLS with a 20 ms response delay,
//     at concurrency 8, 64 and 256, over HTTP/1.1 and HTTP/2: calls/s
//     against the ideal N / 20 ms (target >= 0.9), the TLS connections the
//     fake accepted (target <= N on HTTP/1.1, <= 2 on HTTP/2), and the CPU
//     time per call of the CLI (user+sys, its whole run) and of the fake
//     (this process's CPU time over the run). The CLI trusts the fake's
//     test certificate through $SSL_CERT_FILE (Go reads it on Linux and
//     the BSDs).
//
// BenchmarkSyncState (sync_state_bench_unix_test.go) measures the dry run
// against the same baseline and the rerun of an unchanged file.

const benchRTT = 20 * time.Millisecond

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

// measured is one run of a CLI: wall time and peak RSS (MiB).
type measured struct {
	wall, cpu time.Duration // cpu: user+sys of the CLI (and of time(1), negligible)
	rss       float64       // MiB
}

// runMeasured runs bin with a clean environment plus env, stdout to
// /dev/null, and returns its wall time and peak RSS.
//
// The peak RSS is GNU time's (%M) when /usr/bin/time exists: the rusage of
// a child this process starts itself also counts this process's own peak
// (Go starts children with vfork, and the kernel keeps the old memory's
// high-water mark across exec), so it reports the benchmark's memory, not
// the CLI's, whenever that is larger. time forks the CLI from a small
// process. Without it the rusage is reported, said in the log.
func runMeasured(b *testing.B, bin string, env []string, args ...string) measured {
	name, argv := bin, args
	rssFile := ""
	if _, err := os.Stat("/usr/bin/time"); err == nil {
		rssFile = filepath.Join(b.TempDir(), "maxrss")
		name, argv = "/usr/bin/time", append([]string{"-f", "%M", "-o", rssFile, bin}, args...)
	}
	cmd := exec.Command(name, argv...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + b.TempDir()}, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run() // stdout: /dev/null
	elapsed := time.Since(start)
	if err != nil {
		b.Fatalf("%s %v: %v: %s", bin, args, err, tail(stderr.Bytes()))
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	if rssFile == "" {
		b.Log("no /usr/bin/time: peak RSS from rusage, which includes the benchmark process's own peak")
		return measured{wall: elapsed, cpu: cpu, rss: float64(ru.Maxrss) / 1024} // KiB on Linux
	}
	data, err := os.ReadFile(rssFile)
	if err != nil {
		b.Fatal(err)
	}
	kib, err := strconv.ParseFloat(strings.TrimSpace(string(data)), 64)
	if err != nil {
		b.Fatalf("GNU time's %%M: %q", data)
	}
	return measured{wall: elapsed, cpu: cpu, rss: kib / 1024}
}

func tail(out []byte) []byte {
	if len(out) > 2000 {
		return out[len(out)-2000:]
	}
	return out
}

// baselineBin builds the CLI of commit $SYNC_BENCH_BASELINE (default
// 49493b4) once, cached in the temp directory, with `git archive` of this
// repository, or takes $SYNC_BENCH_BASELINE_BIN.
func baselineBin(b *testing.B) string {
	if p := os.Getenv("SYNC_BENCH_BASELINE_BIN"); p != "" {
		return p
	}
	commit := os.Getenv("SYNC_BENCH_BASELINE")
	if commit == "" {
		commit = "49493b4"
	}
	dir := filepath.Join(os.TempDir(), "enkash-bench-baseline-"+commit)
	bin := filepath.Join(dir, "bin", "enkash-customer")
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	src := filepath.Join(dir, "src")
	if err := os.RemoveAll(dir); err != nil {
		b.Fatal(err)
	}
	if err := os.MkdirAll(src, 0o755); err != nil {
		b.Fatal(err)
	}
	sh := fmt.Sprintf(`git -C "$(git rev-parse --show-toplevel)" archive %s | tar -x -C %q`, commit, src)
	if out, err := exec.Command("sh", "-c", sh).CombinedOutput(); err != nil {
		b.Fatalf("baseline %s: %v: %s", commit, err, out)
	}
	build := exec.Command("go", "build", "-o", bin+".tmp", "./cmd/enkash-customer")
	build.Dir = src
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("building the baseline %s: %v: %s", commit, err, out)
	}
	if err := os.Rename(bin+".tmp", bin); err != nil {
		b.Fatal(err)
	}
	return bin
}

// hasStateFlag reports whether the CLI's sync help mentions --state.
func hasStateFlag(bin string) bool {
	out, _ := exec.Command(bin, "sync", "--help").CombinedOutput()
	return strings.Contains(string(out), "--state")
}

// BenchmarkSyncBinary: see the top of this file. Use -benchtime 1x.
func BenchmarkSyncBinary(b *testing.B) {
	dir := b.TempDir()
	bins := []struct{ name, path string }{{"baseline", baselineBin(b)}, {"current", binPath}}
	fmt.Printf("baseline: %s\n", bins[0].path)

	// Live, over TLS, with a 20 ms delay per request.
	rows := benchRows(b, "SYNC_BENCH_ROWS", 10_000)
	in := writeRows(b, dir, rows)
	for _, proto := range []string{"http1", "http2"} {
		for _, conc := range []int{8, 64, 256} {
			for _, bin := range bins {
				b.Run(fmt.Sprintf("live/%s/concurrency=%d/rows=%d/bin=%s", proto, conc, rows, bin.name), func(b *testing.B) {
					for range b.N {
						benchLive(b, bin.path, proto, conc, rows, in)
					}
				})
			}
		}
	}
}

// benchLive runs one live sync of rows rows through bin against a fake
// served over TLS (proto http1 or http2) with a 20 ms delay.
func benchLive(b *testing.B, bin, proto string, conc, rows int, in string) {
	opt := fake.WithTLS()
	if proto == "http2" {
		opt = fake.WithHTTP2()
	}
	srv := fake.NewServer(opt, fake.WithResponseDelay(benchRTT), fake.WithAutoCreate(),
		fake.WithRequestLogSize(rows))
	defer srv.Close()
	ca := filepath.Join(b.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		b.Fatal(err)
	}
	args := []string{"sync", "--concurrency", strconv.Itoa(conc), in}
	if hasStateFlag(bin) { // a fresh state per run: every row is sent
		args = append(args[:3], "--state", filepath.Join(b.TempDir(), "state.db"), in)
	}
	self0 := selfCPU()
	r := runMeasured(b, bin, []string{"ENKASH_BASE_URL=" + srv.URL, "ENKASH_TOKEN=" + srv.Token, "SSL_CERT_FILE=" + ca}, args...)
	server := selfCPU() - self0
	reqs := srv.Requests()
	if len(reqs) != rows {
		b.Fatalf("the fake received %d requests, want %d", len(reqs), rows)
	}
	for _, q := range reqs {
		if q.Header.Get("Authorization") == "" {
			b.Fatal("a request without a token")
		}
	}
	// Sending phase, by the fake's clock: first request received to the
	// last one answered (received + the delay).
	send := reqs[len(reqs)-1].Time.Sub(reqs[0].Time) + benchRTT
	ideal := float64(conc) / benchRTT.Seconds()
	sendRate := float64(rows) / send.Seconds()
	b.ReportMetric(float64(rows)/r.wall.Seconds(), "calls/s-wall")
	b.ReportMetric(sendRate, "calls/s-sending")
	b.ReportMetric(sendRate/ideal, "x-N/RTT")
	b.ReportMetric(float64(srv.Connections()), "TLS-conns")
	b.ReportMetric(r.rss, "peak-RSS-MiB")
	b.ReportMetric(float64(r.cpu.Microseconds())/float64(rows), "cli-cpu-us/call")
	b.ReportMetric(float64(server.Microseconds())/float64(rows), "server-cpu-us/call")
}

// selfCPU is this process's user+sys CPU time so far: the fake runs in it,
// so its growth over a run is the server's cost (plus the benchmark's own
// bookkeeping, small next to TLS and JSON).
func selfCPU() time.Duration {
	d, _ := cputime.Process()
	return d
}
