package wrapper

import (
	"encoding/json"
	"testing"
)

// BenchmarkEncodeBody compares encoding the full valid body with
// json.Marshal of the generated type and with the generated AppendJSON that
// UpdateCustomer uses (the contract tests check both give the same bytes).
func BenchmarkEncodeBody(b *testing.B) {
	body := validBody()
	b.Run("encoder=json.Marshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(&body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoder=AppendJSON", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := body.AppendJSON(make([]byte, 0, 1024)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
