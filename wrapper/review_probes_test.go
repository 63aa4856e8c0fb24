// Probes from the review of the spec-driven wrapper: each failed before its
// fix (leaks, a lost update, a wedged client, ctx timeouts after sending).

package wrapper

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// P3: PII in X-Request-Id reaches ResponseMetadata.RequestID (success path).
func TestReviewMetaRequestIDPII(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("X-Request-Id", "rid "+fxMobile+" "+fxEmail)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"payload":{"customerId":%q}}`, validCustomerID)
	}))
	defer srv.Close()
	c, _ := NewClient(srv.URL, WithToken(hostileToken))
	var m ResponseMetadata
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, piiBody(), WithResponseMetadata(&m))
	t.Logf("err=%v meta=%+v", err, m)
	if l := leaks(m.RequestID); len(l) > 0 {
		t.Errorf("LEAK in ResponseMetadata.RequestID: %v", l)
	}
}
