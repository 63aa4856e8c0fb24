package wrapper

import (
	"encoding/json"
	"testing"

	"github.com/enkash-oss/enkash-go/api"
)

// BenchmarkDecodeEnvelope compares decoding the 2.8 KB customer envelope
// (testdata/customer_full_200.json) with json.Unmarshal into the generated
// type and with the generated DecodeJSON that UpdateCustomer uses (the
// contract tests check both give the same value).
func BenchmarkDecodeEnvelope(b *testing.B) {
	fixture := benchFixtureBytes(b)
	b.Run("decoder=json.Unmarshal", func(b *testing.B) {
		b.SetBytes(int64(len(fixture)))
		b.ReportAllocs()
		for b.Loop() {
			var env api.CustomerResponseEnvelope
			if err := json.Unmarshal(fixture, &env); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decoder=DecodeJSON", func(b *testing.B) {
		b.SetBytes(int64(len(fixture)))
		b.ReportAllocs()
		for b.Loop() {
			var env api.CustomerResponseEnvelope
			if err := env.DecodeJSON(fixture); err != nil {
				b.Fatal(err)
			}
		}
	})
}
