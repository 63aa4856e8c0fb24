package fake

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/enkash-oss/enkash-go/api"
)

// Defaults used when the corresponding option is not given.
const (
	// DefaultToken is the static bearer token the server accepts unless WithToken
	// replaces it.
	DefaultToken = "test-token"
	// DefaultClientID is the OAuth client id the token endpoint accepts by default.
	DefaultClientID = "test-client"
	// DefaultClientSecret is the OAuth client secret the token endpoint accepts by default.
	DefaultClientSecret = "test-client-secret"
	// DefaultUsername is the user name the token endpoint accepts by default.
	DefaultUsername = "test-user"
	// DefaultPassword is the password the token endpoint accepts by default.
	DefaultPassword = "test-password"
	// DefaultTokenTTL is the lifetime of tokens issued by the token endpoint by default.
	DefaultTokenTTL = time.Hour
	// DefaultMaxBodyBytes is the largest request body the server reads by default.
	DefaultMaxBodyBytes = 1 << 20
	// DefaultRequestLogSize is how many requests Server.Requests keeps by
	// default (the most recent): about 12 MB of full update requests.
	DefaultRequestLogSize = 10_000
)

// Server is a fake Enkash API server listening on a loopback address. Create it
// with NewServer or NewTestServer. All its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL of the server, of the form http://127.0.0.1:port (https:// with WithTLS or WithHTTP2), with
	// no trailing slash, as in httptest.Server.
	URL string
	// Token is the static bearer token the server accepts (DefaultToken unless
	// WithToken changed it; empty when static tokens are disabled).
	Token string

	srv       *http.Server
	served    sync.WaitGroup    // the Serve goroutine
	cert      *x509.Certificate // with WithTLS or WithHTTP2
	cfg       config
	handler   http.Handler   // the generated router (api.HandlerWithOptions)
	mux       *http.ServeMux // its base router: which methods and paths exist
	validator SpecValidator  // nil: the generated validators check requests
	done      chan struct{}
	closeOnce sync.Once
	newConns  atomic.Int64
	seq       atomic.Int64

	connMu  sync.Mutex
	conns   map[net.Conn]struct{} // client connections not yet closed
	closing bool                  // Close has begun: every connection is closed on sight

	mu         sync.Mutex
	customers  map[string]api.CustomerResponse
	tokens     map[string]issuedToken
	faults     []*Fault
	requests   requestLog
	violations []error
}

// issuedToken is a token handed out by the token endpoint.
type issuedToken struct {
	expires  time.Time
	username string
}

// config collects the options.
type config struct {
	customers []api.CustomerResponse
	token     string
	creds     Credentials
	ttl       time.Duration
	clock     func() time.Time
	logger    *slog.Logger
	camel     bool
	maxBody   int64
	connState func(net.Conn, http.ConnState)
	delay     time.Duration
	logSize   int
	create    bool
	tls, h2   bool
	validator func(*Server) SpecValidator
}

// Credentials are what the token endpoint accepts: HTTP Basic
// ClientID:ClientSecret and the form fields username and password.
type Credentials struct {
	// ClientID is the HTTP Basic user (and the optional clientId form field).
	ClientID string
	// ClientSecret is the HTTP Basic password.
	ClientSecret string
	// Username is the username form field.
	Username string
	// Password is the password form field.
	Password string
}

// Option configures a Server.
type Option func(*config)

// WithCustomers seeds the store with the given customers (deep copies are
// stored). A customer with an empty CustomerId makes NewServer panic: it could
// never be addressed.
func WithCustomers(customers ...api.CustomerResponse) Option {
	return func(c *config) { c.customers = append(c.customers, customers...) }
}

// WithDemoCustomers seeds the store with DemoCustomers (KCDEMO0000000001 and
// friends).
func WithDemoCustomers() Option {
	return func(c *config) { c.customers = append(c.customers, DemoCustomers()...) }
}

// WithToken replaces the static bearer token DefaultToken. An empty token
// disables static tokens: only tokens issued by the token endpoint are accepted.
func WithToken(token string) Option {
	return func(c *config) { c.token = token }
}

// WithCredentials sets the credentials the token endpoint accepts.
func WithCredentials(clientID, clientSecret, username, password string) Option {
	return func(c *config) {
		c.creds = Credentials{ClientID: clientID, ClientSecret: clientSecret, Username: username, Password: password}
	}
}

// WithTokenTTL sets the lifetime of issued tokens (expires_in). Values below one
// second are raised to one second.
func WithTokenTTL(d time.Duration) Option {
	return func(c *config) { c.ttl = d }
}

// WithClock sets the server's clock, used for modifiedOn, token expiry and error
// timestamps. The function must be safe for concurrent use.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.clock = now
		}
	}
}

// WithLogger makes the server log one line per request (method, path, status,
// duration) and each spec violation. Authorization headers and bodies are never
// logged. The default is no logging.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.logger = l }
}

// WithCamelCaseTokens makes the token endpoint answer in camelCase (accessToken,
// tokenType, expiresIn), as some Enkash products do, instead of snake_case.
func WithCamelCaseTokens() Option {
	return func(c *config) { c.camel = true }
}

// WithMaxBodyBytes sets the largest request body the server reads
// (DefaultMaxBodyBytes by default). A larger body is answered with 400
// VALIDATION_ERROR and the connection is closed.
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) {
		if n > 0 {
			c.maxBody = n
		}
	}
}

// WithConnState installs a hook called on every client connection state change,
// as http.Server.ConnState. Server.Connections counts new connections without it.
func WithConnState(f func(net.Conn, http.ConnState)) Option {
	return func(c *config) { c.connState = f }
}

// WithResponseDelay holds every request d before serving it as usual (the
// real answer, unlike a Fault with Delay), as a server far away would: for
// load tests and for catching a client in the middle of a run. The wait ends
// early, with no answer, when the client gives up or the server is closed.
func WithResponseDelay(d time.Duration) Option {
	return func(c *config) { c.delay = d }
}

// WithRequestLogSize makes Server.Requests keep the n most recent requests
// (DefaultRequestLogSize by default), so that the fake's memory stays
// bounded however many requests it serves; n <= 0 keeps none.
func WithRequestLogSize(n int) Option {
	return func(c *config) { c.logSize = max(n, 0) }
}

// WithAutoCreate makes the first update of a customer the store does not
// hold create it, blank but for its customerId (and the parentCompanyId
// query parameter, when given), before the update is applied: any
// customerId that passes the spec's validation can be updated, as in a
// sandbox for a user's own data. Without it such an update gets 404
// RECORD_NOT_FOUND.
func WithAutoCreate() Option {
	return func(c *config) { c.create = true }
}

// WithTLS serves HTTPS (HTTP/1.1) with httptest's self-signed certificate
// instead of plain HTTP: trust it through Server.Client or
// Server.Certificate.
func WithTLS() Option {
	return func(c *config) { c.tls = true }
}

// WithHTTP2 serves HTTPS with HTTP/2 offered (and HTTP/1.1 for clients
// that do not ask for it), as httptest.Server.EnableHTTP2 does.
func WithHTTP2() Option {
	return func(c *config) { c.tls, c.h2 = true, true }
}

// NewServer starts and returns a new fake server. The caller should call Close
// when finished, to shut it down.
func NewServer(opts ...Option) *Server {
	cfg := config{
		token: DefaultToken,
		creds: Credentials{
			ClientID: DefaultClientID, ClientSecret: DefaultClientSecret,
			Username: DefaultUsername, Password: DefaultPassword,
		},
		ttl:     DefaultTokenTTL,
		clock:   time.Now,
		maxBody: DefaultMaxBodyBytes,
		logSize: DefaultRequestLogSize,
	}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.ttl < time.Second {
		cfg.ttl = time.Second
	}
	if cfg.logger == nil {
		cfg.logger = slog.New(slog.DiscardHandler)
	}

	s := &Server{
		Token:     cfg.token,
		cfg:       cfg,
		done:      make(chan struct{}),
		conns:     make(map[net.Conn]struct{}),
		customers: make(map[string]api.CustomerResponse, len(cfg.customers)),
		tokens:    make(map[string]issuedToken),
		requests:  requestLog{size: cfg.logSize},
	}
	s.seq.Store(1_000_000) // generated ids never collide with the demo data's
	for _, c := range cfg.customers {
		if c.CustomerId == "" {
			panic("wrappertest: WithCustomers: a customer has no CustomerId")
		}
		s.customers[c.CustomerId] = copyCustomer(c)
	}

	if cfg.validator != nil {
		s.validator = cfg.validator(s)
	}
	s.mux = http.NewServeMux()
	s.handler = api.HandlerWithOptions(handlers{s}, api.StdHTTPServerOptions{
		BaseRouter:       s.mux,
		ErrorHandlerFunc: s.paramError,
	})

	s.srv = &http.Server{
		Handler:  http.HandlerFunc(s.serveHTTP),
		ErrorLog: slog.NewLogLogger(cfg.logger.Handler(), slog.LevelDebug),
		ConnState: func(c net.Conn, st http.ConnState) {
			if st == http.StateNew {
				s.newConns.Add(1)
			}
			s.trackConn(c, st)
			if cfg.connState != nil {
				cfg.connState(c, st)
			}
		},
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic("wrappertest: listen on a loopback port: " + err.Error())
	}
	scheme := "http"
	if cfg.tls {
		scheme = "https"
		s.cert, s.srv.TLSConfig = selfSigned()
		if !cfg.h2 {
			s.srv.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){} // HTTP/1.1 only
		}
	}
	s.URL = scheme + "://" + ln.Addr().String()
	s.served.Add(1)
	go func() {
		defer s.served.Done()
		if cfg.tls {
			_ = s.srv.ServeTLS(ln, "", "")
		} else {
			_ = s.srv.Serve(ln)
		}
	}()
	return s
}

// Close shuts down the server and returns once every handler has returned.
// Unlike httptest.Server.Close it does not wait for clients: pending injected
// delays and trickles end at once, and every client connection is closed,
// including one whose client stalls in the middle of sending a request body
// (the handler reading it then gets an error and returns). A request in
// flight when Close is called may therefore get no answer.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.connMu.Lock()
		s.closing = true
		for c := range s.conns {
			_ = c.Close()
		}
		s.connMu.Unlock()
	})
	_ = s.srv.Shutdown(context.Background()) // every connection is closed: waits for the handlers
	s.served.Wait()
}

// trackConn keeps the set of open client connections for Close, and closes a
// connection that changes state after Close has begun (one accepted just as
// the listener closed).
func (s *Server) trackConn(c net.Conn, st http.ConnState) {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	switch st {
	case http.StateClosed, http.StateHijacked:
		delete(s.conns, c)
		return
	case http.StateNew:
		s.conns[c] = struct{}{}
	}
	if s.closing {
		_ = c.Close()
	}
}

// Certificate returns the certificate the server presents with WithTLS or
// WithHTTP2 (self-signed: trust it as a root), nil over plain HTTP.
func (s *Server) Certificate() *x509.Certificate { return s.cert }

// Client returns an HTTP client configured for making requests to the server,
// as httptest.Server.Client. It sends no token by itself.
func (s *Server) Client() *http.Client {
	tr := &http.Transport{}
	if s.cert != nil {
		pool := x509.NewCertPool()
		pool.AddCert(s.cert)
		tr.TLSClientConfig = &tls.Config{RootCAs: pool}
		tr.ForceAttemptHTTP2 = s.cfg.h2
	}
	return &http.Client{Transport: tr}
}

// Connections returns how many client connections the server has accepted so far.
func (s *Server) Connections() int { return int(s.newConns.Load()) }

// SpecViolations returns the responses the server sent that did not conform to
// the spec, one error each, oldest first, any panic the fake recovered from
// (answered with 500 SYSTEM_ERROR), and any ErrorFault whose rejected value
// could not be encoded. Injected faults are not validated.
func (s *Server) SpecViolations() []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]error(nil), s.violations...)
}

func (s *Server) now() time.Time { return s.cfg.clock() }

// serveHTTP is the whole pipeline: record, fault, validate, route, validate the
// response, send.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	defer func() {
		// A bug in the fake must not look like a network error to the client.
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			v := fmt.Errorf("wrappertest: panic serving %s %s: %v", r.Method, r.URL.Path, p)
			s.mu.Lock()
			s.violations = append(s.violations, v)
			s.mu.Unlock()
			s.writeError(w, r, http.StatusInternalServerError, api.ErrorTypeSystemError, "internal error in the fake server", nil)
		}
	}()
	reqID := s.newRequestID()
	w.Header().Set(api.HeaderRequestId, reqID)
	r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, reqID))

	body, readErr := readBody(w, r, s.cfg.maxBody)
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	s.record(r, body)
	if !s.wait(r, s.cfg.delay) {
		return
	}

	if f := s.takeFault(r); f != nil {
		s.serveFault(w, r, f)
		s.logRequest(r, -1, start)
		return
	}

	rec := newRecorder()
	if _, pattern := s.mux.Handler(r); pattern == "" {
		// Not an operation of the spec: the generated router answers (404/405),
		// in Enkash's envelope rather than its plain text.
		s.handler.ServeHTTP(rec, r)
		rec = s.noRoute(r, rec)
		rec.sendTo(w)
		s.logRequest(r, rec.status, start)
		return
	}
	switch {
	case s.validator == nil:
		// The handlers authenticate and run the generated validators.
		r = r.WithContext(context.WithValue(r.Context(), bodyErrKey{}, readErr))
		s.handler.ServeHTTP(rec, r)
	case s.validator.Request(rec, r, readErr):
		r.Body = io.NopCloser(bytes.NewReader(body))
		s.handler.ServeHTTP(rec, r)
	}
	if s.validator != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
		if err := s.validator.Response(r, rec.status, rec.header, rec.body.Bytes()); err != nil {
			s.addViolation(fmt.Errorf("wrappertest: response %d to %s %s violates openapi.yaml: %w", rec.status, r.Method, r.URL.Path, err))
		}
	}
	rec.sendTo(w)
	s.logRequest(r, rec.status, start)
}

// noRoute rewrites the generated router's answer to a method or path it has
// no handler for (so neither has the spec) in Enkash's error envelope, as
// Spring's exception handler would send it, keeping the router's status and
// Allow header: 405 CLIENT_REQUEST_ERROR ("Request method 'GET' is not
// supported", Spring's HttpRequestMethodNotSupportedException) for an
// undeclared method on a known path, and 404 RECORD_NOT_FOUND ("No endpoint
// GET /x.", Spring's NoHandlerFoundException) for an unknown path. Any other
// answer is returned unchanged.
func (s *Server) noRoute(r *http.Request, routed *recorder) *recorder {
	out := newRecorder()
	switch routed.status {
	case http.StatusMethodNotAllowed:
		if allow := routed.header.Get("Allow"); allow != "" {
			out.header.Set("Allow", allow)
		}
		s.writeError(out, r, http.StatusMethodNotAllowed, api.ErrorTypeClientRequestError,
			fmt.Sprintf("Request method '%s' is not supported", r.Method), nil)
	case http.StatusNotFound:
		s.writeError(out, r, http.StatusNotFound, api.ErrorTypeRecordNotFound,
			fmt.Sprintf("No endpoint %s %s.", r.Method, r.URL.Path), nil)
	default:
		return routed
	}
	return out
}

// readBody reads the whole request body through the size limit, so that the
// connection can be reused.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, fmt.Errorf("request body is larger than %d bytes", limit)
		}
		return nil, errors.New("request body could not be read")
	}
	return body, nil
}

// addViolation records a spec violation and logs it.
func (s *Server) addViolation(v error) {
	s.mu.Lock()
	s.violations = append(s.violations, v)
	s.mu.Unlock()
	s.cfg.logger.Error("spec violation", "error", v.Error())
}

func (s *Server) logRequest(r *http.Request, status int, start time.Time) {
	s.cfg.logger.Debug("request", "method", r.Method, "path", r.URL.Path, "status", status,
		"duration", time.Since(start), "request_id", requestID(r))
}

// recorder captures a response so that it can be validated before it is sent.
type recorder struct {
	header      http.Header
	status      int
	wroteHeader bool
	body        bytes.Buffer
}

func newRecorder() *recorder { return &recorder{header: make(http.Header), status: http.StatusOK} }

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if r.wroteHeader {
		return
	}
	r.wroteHeader = true
	r.status = status
}

func (r *recorder) Write(p []byte) (int, error) {
	r.wroteHeader = true
	return r.body.Write(p)
}

func (r *recorder) sendTo(w http.ResponseWriter) {
	h := w.Header()
	for k, v := range r.header {
		h[k] = v
	}
	h.Set("Content-Length", fmt.Sprint(r.body.Len()))
	w.WriteHeader(r.status)
	_, _ = w.Write(r.body.Bytes())
}

type requestIDKey struct{}

// bodyErrKey carries why the request body could not be read (nil when it
// could) to the handlers, when they validate requests themselves.
type bodyErrKey struct{}

// bodyError returns why r's body could not be read, nil if it was.
func bodyError(r *http.Request) error {
	err, _ := r.Context().Value(bodyErrKey{}).(error)
	return err
}

func requestID(r *http.Request) string {
	id, _ := r.Context().Value(requestIDKey{}).(string)
	return id
}
