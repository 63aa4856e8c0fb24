package retry

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestNotSent_OnlyFailuresBeforeTheRequest: a failed DNS look-up, dial or
// proxy CONNECT, a server that answered the TLS handshake with plain text,
// a TLS handshake that timed out, or a refused certificate prove nothing
// was sent; a read error or a bad TLS record later on do not.
func TestNotSent_OnlyFailuresBeforeTheRequest(t *testing.T) {
	conn, peer := net.Pipe()
	t.Cleanup(func() { conn.Close(); peer.Close() })
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"dns", fmt.Errorf("Patch: %w", &net.DNSError{Err: "no such host", Name: "api.example"}), true},
		{"dial", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, true},
		{"proxyconnect", &net.OpError{Op: "proxyconnect", Net: "tcp", Err: errors.New("refused")}, true},
		{"handshake timeout", errors.New("net/http: TLS handshake timeout"), true},
		{"handshake timeout, wrapped", fmt.Errorf("Patch %q: %w", "u", errors.New("net/http: TLS handshake timeout")), true},
		{"a server's header quoting the words", errors.New(`net/http: HTTP/1.x transport connection broken: malformed MIME header line: "net/http: TLS handshake timeout"`), false},
		{"plain-text server", tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake", Conn: conn}, true},
		{"refused certificate", x509.UnknownAuthorityError{}, true},
		{"bad record later", tls.RecordHeaderError{Msg: "unknown record type"}, false},
		{"read reset", &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}, false},
		{"eof", errors.New("EOF"), false},
	} {
		assert.Equal(t, tc.want, NotSent(tc.err), tc.name)
	}
}

// TestFinal_CertificateErrors: a certificate the client refuses, however
// wrapped, does not heal; a reset or a cut-off answer may.
func TestFinal_CertificateErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"unknown authority", x509.UnknownAuthorityError{}, true},
		{"hostname mismatch", x509.HostnameError{Certificate: &x509.Certificate{}, Host: "h"}, true},
		{"expired", x509.CertificateInvalidError{Reason: x509.Expired}, true},
		{"verification error of another kind", &tls.CertificateVerificationError{Err: x509.UnhandledCriticalExtension{}}, true},
		{"unknown authority inside a verification error", &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}, true},
		{"wrapped in a url.Error", &url.Error{Op: "Patch", URL: "u", Err: x509.HostnameError{Certificate: &x509.Certificate{}, Host: "h"}}, true},
		{"connection reset", syscall.ECONNRESET, false},
		{"unexpected EOF", io.ErrUnexpectedEOF, false},
	} {
		assert.Equal(t, tc.want, Final(tc.err), tc.name)
	}
}
