package wrappertest

import "testing"

// NewTestServer starts a Server for the test tb. When the test ends the server
// is closed and every response it sent that violated openapi.yaml (see
// Server.SpecViolations) fails the test.
func NewTestServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := NewServer(opts...)
	tb.Cleanup(func() {
		s.Close()
		for _, v := range s.SpecViolations() {
			tb.Errorf("%v", v)
		}
	})
	return s
}
