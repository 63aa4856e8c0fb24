//go:build unix

package bulk

import (
	"bytes"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/enkash-oss/enkash-go/internal/cputime"
)

// cpuTime is the process's user and system CPU time so far.
func cpuTime(b *testing.B) time.Duration {
	d, ok := cputime.Process()
	if !ok {
		b.Fatal("the process's CPU time cannot be read")
	}
	return d
}

// benchBlock is 1,024 rows as the sync benchmark writes them
// (cmd/enkash-customer/sync_bench_unix_test.go): one update per customer,
// three fields.
func benchBlock(format Format) []byte {
	var b bytes.Buffer
	if format == FormatCSV {
		b.WriteString("customerId,legalName,address,branchCodes\n")
	}
	for i := range 1024 {
		if format == FormatCSV {
			fmt.Fprintf(&b, `KCB%013d,Row %d,\N,"[""BLR01""]"`+"\n", i, i+1)
			continue
		}
		fmt.Fprintf(&b, `{"customerId":"KCB%013d","update":{"legalName":"Row %d","address":null,"branchCodes":["BLR01"]}}`+"\n", i, i+1)
	}
	return b.Bytes()
}

// repeated returns an input of n rows: block (after its header line, for
// CSV) repeated.
func repeated(format Format, n int) io.Reader {
	block := benchBlock(format)
	var head []byte
	if format == FormatCSV {
		i := bytes.IndexByte(block, '\n') + 1
		head, block = block[:i], block[i:]
	}
	rs := []io.Reader{bytes.NewReader(head)}
	for ; n > 0; n -= 1024 {
		rs = append(rs, bytes.NewReader(block))
	}
	return io.MultiReader(rs...)
}

func benchmarkReader(b *testing.B, format Format) {
	in := repeated(format, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime(b)
	r, err := NewReader(in, ReaderOptions{Format: format})
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for _, err := range r.Rows() {
		if err != nil {
			b.Fatal(err)
		}
		if n++; n == b.N {
			break
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/row")
	// Process CPU time (the reader, and the GC on the other core): wall
	// time on a shared machine varies more.
	b.ReportMetric(float64((cpuTime(b)-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/row")
}

// BenchmarkReader_JSONL reads, decodes and validates JSONL rows; one op is
// one row (about 107 bytes, three body fields). Run with
// go test -run '^$' -bench Reader -benchmem -count 5 ./bulk/
func BenchmarkReader_JSONL(b *testing.B) { benchmarkReader(b, FormatJSONL) }

// BenchmarkReader_CSV reads, decodes and validates the same rows as CSV.
func BenchmarkReader_CSV(b *testing.B) { benchmarkReader(b, FormatCSV) }
