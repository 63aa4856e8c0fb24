package wrappertest_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

// hangGuard bounds how long a test waits for something that must happen
// promptly. It only keeps a broken build from hanging the whole suite; no
// test asserts on how long anything took.
const hangGuard = time.Minute

// TestCloseWithClientStalledMidBody: a client sends its headers promising a
// 1000-byte body, sends 10 bytes and then waits. Close must still return
// (the handler blocked reading the body included), and leave no goroutine
// behind.
func TestCloseWithClientStalledMidBody(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())

	active := make(chan struct{}, 1)
	srv := wrappertest.NewServer(wrappertest.WithDemoCustomers(),
		wrappertest.WithConnState(func(_ net.Conn, st http.ConnState) {
			if st == http.StateActive {
				select {
				case active <- struct{}{}:
				default:
				}
			}
		}))
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	conn, err := net.Dial("tcp", u.Host)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() }) // lets a hung Close finish after a failure
	_, err = fmt.Fprintf(conn, "PATCH /api/v0/customer/%s HTTP/1.1\r\nHost: %s\r\n"+
		"Authorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"+
		`{"state":"`, wrappertest.DemoCustomerID, u.Host, srv.Token)
	require.NoError(t, err)

	select {
	case <-active: // the server has started reading the request
	case <-time.After(hangGuard):
		t.Fatal("the server never read the request")
	}
	closed := make(chan struct{})
	go func() { srv.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(hangGuard):
		t.Fatal("Close hung on a client stalled mid-body")
	}
	// The stalled client sees its connection end.
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(hangGuard)))
	_, err = io.ReadAll(conn)
	require.NoError(t, err, "the server closed the connection (EOF), the guard did not expire")
	require.NoError(t, conn.Close())
}
