package wrappertest

import (
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/internal/fake"
)

// The fake itself (store, handlers, envelopes, token endpoint, faults)
// lives in internal/fake, which links neither testing nor kin-openapi, so
// that the CLI's embedded sandbox can run it; this package adds the
// kin-openapi validation of every request and response (specvalidator.go)
// and NewTestServer. The names below are that package's, under the names
// this package has always exported.

// Server is a fake Enkash API server listening on a loopback address. Create
// it with NewServer or NewTestServer. All its methods are safe for
// concurrent use. See the package documentation for what it does with a
// request.
type Server = fake.Server

// Option configures a Server.
type Option = fake.Option

// Credentials are what the token endpoint accepts: HTTP Basic
// ClientID:ClientSecret and the form fields username and password.
type Credentials = fake.Credentials

// Fault describes an answer the server gives instead of the real one, for
// testing how a client copes with failures. Inject it with Server.Inject.
type Fault = fake.Fault

// SubError is one apiSubErrors entry of an error envelope built by
// ErrorFault, in the usual Spring validation shape.
type SubError = fake.SubError

// RecordedRequest is a request as the server received it (see
// Server.Requests).
type RecordedRequest = fake.RecordedRequest

// Defaults used when the corresponding option is not given.
const (
	// DefaultToken is the static bearer token the server accepts unless
	// WithToken replaces it.
	DefaultToken = fake.DefaultToken
	// DefaultClientID is the OAuth client id the token endpoint accepts by default.
	DefaultClientID = fake.DefaultClientID
	// DefaultClientSecret is the OAuth client secret the token endpoint accepts by default.
	DefaultClientSecret = fake.DefaultClientSecret
	// DefaultUsername is the user name the token endpoint accepts by default.
	DefaultUsername = fake.DefaultUsername
	// DefaultPassword is the password the token endpoint accepts by default.
	DefaultPassword = fake.DefaultPassword
	// DefaultTokenTTL is the lifetime of tokens issued by the token endpoint by default.
	DefaultTokenTTL = fake.DefaultTokenTTL
	// DefaultMaxBodyBytes is the largest request body the server reads by default.
	DefaultMaxBodyBytes = fake.DefaultMaxBodyBytes
	// DefaultRequestLogSize is how many requests Server.Requests keeps by
	// default (the most recent): about 12 MB of full update requests.
	DefaultRequestLogSize = fake.DefaultRequestLogSize
)

// Ids of the demo customers seeded by WithDemoCustomers. All three belong to
// DemoParentCompanyID. The data is fictitious.
const (
	// DemoCustomerID is the demo customer used by examples and the CLI's sandbox.
	DemoCustomerID = fake.DemoCustomerID
	// DemoCustomerID2 is a second demo customer.
	DemoCustomerID2 = fake.DemoCustomerID2
	// DemoCustomerID3 is a third demo customer, with no key contacts or reminders.
	DemoCustomerID3 = fake.DemoCustomerID3
	// DemoParentCompanyID is the parentCompanyId of every demo customer.
	DemoParentCompanyID = fake.DemoParentCompanyID
)

// TimestampLayout is the layout of errorResponse.timestamp ("yyyy-MM-dd
// HH:mm:ss" in Java terms), always in IST.
const TimestampLayout = fake.TimestampLayout

// IST is India Standard Time (UTC+05:30), the zone of error timestamps.
var IST = fake.IST

// NewServer starts and returns a new fake server that validates every
// request and response against openapi.yaml with kin-openapi. The caller
// should call Close when finished, to shut it down.
func NewServer(opts ...Option) *Server {
	return fake.NewServer(append([]Option{fake.WithSpecValidator(newSpecValidator)}, opts...)...)
}

// DemoCustomers returns fresh copies of the demo customers: fictitious Indian
// businesses with key contacts and payment reminders.
func DemoCustomers() []api.CustomerResponse { return fake.DemoCustomers() }

// ErrorFault returns a Fault that answers the next updateCustomer request
// with Enkash's error envelope, the same one the fake sends for its own
// errors:
//
//	{"errorResponse": {"apiSubErrors": [...], "errorMessage": message,
//	  "errorType": errorType, "requestId": "…", "timestamp": "yyyy-MM-dd HH:mm:ss"},
//	 "response_code": status, "response_message": "FAILURE"}
//
// with Content-Type application/json. The requestId is the request's (as in
// the X-Request-Id header and RecordedRequest.RequestID) and the timestamp is
// the server clock (WithClock) in IST, both filled in when the fault is
// served. A 401 also carries the server's WWW-Authenticate challenge.
// apiSubErrors is omitted when there are no sub-errors.
//
// The envelope conforms to openapi.yaml when status is one the operation
// lists (200, 400, 401, 403, 404, 422, 500) and errorType is one of the
// api.ErrorType constants; anything else is sent as given, like any fault
// (faults are not validated). Status 0 means 500.
//
// The Fault's Path is "/api/v0/customer/", so a token request (the password
// grant) is served normally; the other fields are the Fault defaults (once,
// no delay) and may be changed before Inject, e.g. Times or RetryAfter. Its
// Body is empty: the envelope is written when the fault is served, and a Body
// set by the caller is sent instead.
func ErrorFault(status int, errorType api.ErrorType, message string, subErrors ...SubError) Fault {
	return fake.ErrorFault(status, errorType, message, subErrors...)
}

// WithCustomers seeds the store with the given customers (deep copies are
// stored). A customer with an empty CustomerId makes NewServer panic: it could
// never be addressed.
func WithCustomers(customers ...api.CustomerResponse) Option { return fake.WithCustomers(customers...) }

// WithDemoCustomers seeds the store with DemoCustomers (KCDEMO0000000001 and
// friends).
func WithDemoCustomers() Option { return fake.WithDemoCustomers() }

// WithToken replaces the static bearer token DefaultToken. An empty token
// disables static tokens: only tokens issued by the token endpoint are accepted.
func WithToken(token string) Option { return fake.WithToken(token) }

// WithCredentials sets the credentials the token endpoint accepts.
func WithCredentials(clientID, clientSecret, username, password string) Option {
	return fake.WithCredentials(clientID, clientSecret, username, password)
}

// WithTokenTTL sets the lifetime of issued tokens (expires_in). Values below one
// second are raised to one second.
func WithTokenTTL(d time.Duration) Option { return fake.WithTokenTTL(d) }

// WithClock sets the server's clock, used for modifiedOn, token expiry and error
// timestamps. The function must be safe for concurrent use.
func WithClock(now func() time.Time) Option { return fake.WithClock(now) }

// WithLogger makes the server log one line per request (method, path, status,
// duration) and each spec violation. Authorization headers and bodies are never
// logged. The default is no logging.
func WithLogger(l *slog.Logger) Option { return fake.WithLogger(l) }

// WithCamelCaseTokens makes the token endpoint answer in camelCase (accessToken,
// tokenType, expiresIn), as some Enkash products do, instead of snake_case.
func WithCamelCaseTokens() Option { return fake.WithCamelCaseTokens() }

// WithMaxBodyBytes sets the largest request body the server reads
// (DefaultMaxBodyBytes by default). A larger body is answered with 400
// VALIDATION_ERROR and the connection is closed.
func WithMaxBodyBytes(n int64) Option { return fake.WithMaxBodyBytes(n) }

// WithConnState installs a hook called on every client connection state change,
// as http.Server.ConnState. Server.Connections counts new connections without it.
func WithConnState(f func(net.Conn, http.ConnState)) Option { return fake.WithConnState(f) }

// WithResponseDelay holds every request d before serving it as usual (the
// real answer, unlike a Fault with Delay), as a server far away would: for
// load tests and for catching a client in the middle of a run. The wait ends
// early, with no answer, when the client gives up or the server is closed.
func WithResponseDelay(d time.Duration) Option { return fake.WithResponseDelay(d) }

// WithRequestLogSize makes Server.Requests keep the n most recent requests
// (DefaultRequestLogSize by default), so that the fake's memory stays
// bounded however many requests it serves; n <= 0 keeps none.
func WithRequestLogSize(n int) Option { return fake.WithRequestLogSize(n) }

// WithAutoCreate makes the first update of a customer the store does not
// hold create it, blank but for its customerId (and the parentCompanyId
// query parameter, when given), before the update is applied: any
// customerId that passes the spec's validation can be updated, as in a
// sandbox for a user's own data. Without it such an update gets 404
// RECORD_NOT_FOUND.
func WithAutoCreate() Option { return fake.WithAutoCreate() }

// WithTLS serves HTTPS (HTTP/1.1) with httptest's self-signed certificate
// instead of plain HTTP: trust it through Server.Client or
// Server.Certificate.
func WithTLS() Option { return fake.WithTLS() }

// WithHTTP2 serves HTTPS with HTTP/2 offered (and HTTP/1.1 for clients
// that do not ask for it), as httptest.Server.EnableHTTP2 does.
func WithHTTP2() Option { return fake.WithHTTP2() }
