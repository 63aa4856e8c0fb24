package api_test

import (
	"os"
	"testing"

	"github.com/enkash-oss/enkash-go/api"
)

// BenchmarkDecodeJSON_CustomerEnvelope decodes the 2.8 KB customer envelope
// the client benchmarks answer with (wrapper/testdata/customer_full_200.json)
// with the generated decoder alone, in a test binary that holds nothing else:
// what `make callgrind` counts as the decoder's instructions per call.
func BenchmarkDecodeJSON_CustomerEnvelope(b *testing.B) {
	fixture, err := os.ReadFile("../wrapper/testdata/customer_full_200.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(fixture)))
	b.ReportAllocs()
	for b.Loop() {
		var env api.CustomerResponseEnvelope
		if err := env.DecodeJSON(fixture); err != nil {
			b.Fatal(err)
		}
	}
}
