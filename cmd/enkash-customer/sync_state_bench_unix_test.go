//go:build unix

package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// BenchmarkSyncState measures the state design over $SYNC_BENCH_STATE_ROWS
// rows (default 1,000,000, one customer each; use -benchtime 1x):
//
//   - dry-run: the plan against a missing state (every customer changed),
//     rows/s, CPU time and peak RSS (target <= 64 MiB); the baseline CLI's
//     --dry-run too (built from $SYNC_BENCH_BASELINE, default 49493b4, by
//     baselineBin) and the ratio of rows/s, ours / baseline (target >= 3),
//     both measured in the same run;
//   - rerun-unchanged: a real run against a state in which every customer
//     is applied (filled first by a run against a minimal in-process server
//     answering every PATCH with 200 at concurrency 64; not measured): it
//     sends nothing, and its time is reported as a ratio to the dry run's.
//
// `make bench-sync` runs it after BenchmarkSyncBinary.
func BenchmarkSyncState(b *testing.B) {
	n := benchRows(b, "SYNC_BENCH_STATE_ROWS", 1_000_000)
	dir := b.TempDir()
	in := writeRows(b, dir, n)
	for range b.N {
		missing := filepath.Join(dir, "missing.db")
		dry := runMeasured(b, binPath, nil, "sync", "--dry-run", "--state", missing, in)
		b.ReportMetric(float64(n)/dry.wall.Seconds(), "dry-rows/s")
		b.ReportMetric(dry.cpu.Seconds(), "dry-cpu-s")
		b.ReportMetric(dry.rss, "dry-peak-RSS-MiB")
		bm := runMeasured(b, baselineBin(b), nil, "sync", "--dry-run", in)
		b.ReportMetric(float64(n)/bm.wall.Seconds(), "baseline-dry-rows/s")
		b.ReportMetric(bm.rss, "baseline-dry-peak-RSS-MiB")
		b.ReportMetric(bm.wall.Seconds()/dry.wall.Seconds(), "dry-speedup-x")
		b.ReportMetric(bm.cpu.Seconds()/dry.cpu.Seconds(), "dry-cpu-speedup-x")

		var patches atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			patches.Add(1)
			id := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"payload":{"customerId":%q},"response_code":0,"response_message":"SUCCESS"}`, id)
		}))
		env := []string{"ENKASH_BASE_URL=" + srv.URL, "ENKASH_TOKEN=bench-token-123456"}
		state := filepath.Join(dir, fmt.Sprintf("state-%d.db", n))
		os.Remove(state)
		runMeasured(b, binPath, env, "sync", "--concurrency", "64", "--state", state, in)
		if got := patches.Swap(0); got != int64(n) {
			b.Fatalf("the first run sent %d requests, want %d", got, n)
		}
		rerun := runMeasured(b, binPath, env, "sync", "--state", state, in)
		srv.Close()
		if got := patches.Load(); got != 0 {
			b.Fatalf("the rerun of an unchanged file sent %d requests", got)
		}
		b.ReportMetric(rerun.wall.Seconds(), "rerun-s")
		b.ReportMetric(rerun.cpu.Seconds(), "rerun-cpu-s")
		b.ReportMetric(rerun.rss, "rerun-peak-RSS-MiB")
		b.ReportMetric(rerun.wall.Seconds()/dry.wall.Seconds(), "rerun/dry-x")
		b.ReportMetric(rerun.cpu.Seconds()/dry.cpu.Seconds(), "rerun/dry-cpu-x")
	}
}
