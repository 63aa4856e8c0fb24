package retry

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"slices"
)

// NotSent reports whether a transport error proves that no byte of the
// request reached the server: a failed DNS look-up, dial or proxy CONNECT,
// a server that answered the TLS handshake with plain text, a TLS handshake
// that timed out, or a certificate the client refused before sending
// anything. Other TLS errors cannot be told from ones after the request went
// out (an alert may come at any time): they count as sent.
func NotSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && (op.Op == "dial" || op.Op == "proxyconnect") {
		return true
	}
	var dns *net.DNSError
	var rh tls.RecordHeaderError
	switch {
	case errors.As(err, &dns), Final(err):
		return true
	case errors.As(err, &rh) && rh.Conn != nil:
		// Set only when the first record was not a TLS handshake: the
		// server speaks plain text, nothing was sent. (Later bad records
		// carry no Conn: the request may have gone out.)
		return true
	}
	// net/http's handshake timeout has no exported type; its text is fixed.
	// It must be the whole text of an error of the tree: a server can put
	// the same words into the text of a malformed header net/http quotes.
	return handshakeTimeout(err)
}

// handshakeTimeout reports whether an error of err's tree (Unwrap, both
// forms) is net/http's TLS handshake timeout, by its whole text.
func handshakeTimeout(err error) bool {
	if err == nil {
		return false
	}
	if err.Error() == "net/http: TLS handshake timeout" {
		return true
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return handshakeTimeout(u.Unwrap())
	case interface{ Unwrap() []error }:
		return slices.ContainsFunc(u.Unwrap(), handshakeTimeout)
	}
	return false
}

// Final reports whether a transport error will not heal on another attempt:
// a certificate the client refuses.
func Final(err error) bool {
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	return errors.As(err, &cv) || errors.As(err, &ua) || errors.As(err, &hn) || errors.As(err, &ci)
}
