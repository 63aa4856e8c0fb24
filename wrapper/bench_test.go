package wrapper

// Benchmarks of one updateCustomer call (run with `make bench`, not part of
// the test run): three clients fed the same canned 200 envelope
// (testdata/customer_full_200.json: a full customer, two key contacts, two
// reminders), each sending the same PATCH (validBody):
//
//   - client=raw: hand-written net/http + encoding/json into plain structs,
//     the floor any SDK pays;
//   - client=generated: the oapi-codegen ClientWithResponses as generated;
//   - client=wrapper: our Client, validation, retry loop and all.
//
// transport=memory is an in-memory http.RoundTripper that drains the request
// body and answers the canned bytes (client CPU alone, stable on a noisy
// machine); transport=loopback is an httptest server (end to end).
// BenchmarkUpdateCustomerParallel64 is the throughput of one shared client
// under 64 goroutines over loopback. Besides ns/op (wall time) each reports
// cpu-ns/op, the process CPU time per call, which is steadier than wall time
// when other processes compete for the CPU.
//
// The tests at the bottom prove the comparison is fair: the fixture conforms
// to the spec, all three clients send the same request and decode the fixture
// to the same values.
//
// Compare with: benchstat -col /client bench.txt

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	enkash "github.com/enkash-oss/enkash-go"
	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/internal/cputime"
)

const (
	benchFixture = "testdata/customer_full_200.json"
	benchToken   = "tok-bench-0123456789abcdef"
	benchUA      = "enkash-raw/0.0 (bench)"
)

func benchFixtureBytes(tb testing.TB) []byte {
	tb.Helper()
	b, err := os.ReadFile(benchFixture)
	require.NoError(tb, err)
	return b
}

// ---------------------------------------------------------------------------
// client=raw: what a careful engineer writes by hand with net/http and
// encoding/json. Plain structs, the same fields, the same headers, the same
// checks (2xx, no errorResponse, a payload, a bounded body) — no pooling or
// other tricks the SDK could not have either.

type rawKeyContactCreate struct {
	Deleted            bool    `json:"deleted"`
	Email              *string `json:"email,omitempty"`
	KeyContactPersonID *string `json:"keyContactPersonId,omitempty"`
	LegalName          string  `json:"legalName"`
	MailEnabled        *bool   `json:"mail_enabled,omitempty"`
	Mobile             string  `json:"mobile"`
	Name               string  `json:"name"`
	SmsEnabled         *bool   `json:"sms_enabled,omitempty"`
	Via                *string `json:"via,omitempty"`
	WhatsappEnabled    *bool   `json:"whatsapp_enabled,omitempty"`
}

type rawReminderCreate struct {
	CustomerReminderID *string `json:"customerReminderId,omitempty"`
	DueDateDifference  *int32  `json:"dueDateDifference,omitempty"`
	ReminderInterval   *int32  `json:"reminderInterval,omitempty"`
	ReminderTime       *string `json:"reminderTime,omitempty"`
	ReminderType       *string `json:"reminderType,omitempty"`
	Stage              *string `json:"stage,omitempty"`
}

// rawUpdateRequest is the PATCH body; nil means absent. (A hand-written
// client typically cannot send null at all; the SDK can.)
type rawUpdateRequest struct {
	AccountNumber       *string               `json:"accountNumber,omitempty"`
	Address             *string               `json:"address,omitempty"`
	AssignedAgent       *string               `json:"assignedAgent,omitempty"`
	BranchCodes         []string              `json:"branchCodes,omitempty"`
	ContactNumber       *string               `json:"contactNumber,omitempty"`
	CustomerID          *string               `json:"customerId,omitempty"`
	CustomerKeyContacts []rawKeyContactCreate `json:"customerKeyContacts,omitempty"`
	CustomerReminders   []rawReminderCreate   `json:"customerReminders,omitempty"`
	Ifsc                *string               `json:"ifsc,omitempty"`
	LegalName           *string               `json:"legalName,omitempty"`
	PanOrGstin          *string               `json:"panOrGstin,omitempty"`
	PinCode             *string               `json:"pinCode,omitempty"`
	State               *string               `json:"state,omitempty"`
	UniqueRefNo         *string               `json:"uniqueRefNo,omitempty"`
}

type rawKeyContact struct {
	CreatedBy          string    `json:"createdBy"`
	CreatedOn          time.Time `json:"createdOn"`
	CustomerID         string    `json:"customerId"`
	CustomerName       string    `json:"customerName"`
	Deleted            string    `json:"deleted"`
	Email              string    `json:"email"`
	KeyContactPersonID string    `json:"keyContactPersonId"`
	MailEnabled        bool      `json:"mail_enabled"`
	Mobile             string    `json:"mobile"`
	ModifiedBy         string    `json:"modifiedBy"`
	ModifiedOn         time.Time `json:"modifiedOn"`
	Name               string    `json:"name"`
	SmsEnabled         bool      `json:"sms_enabled"`
	WhatsappEnabled    bool      `json:"whatsapp_enabled"`
}

type rawReminder struct {
	CustomerID         string `json:"customerId"`
	CustomerReminderID string `json:"customerReminderId"`
	DueDateDifference  int32  `json:"dueDateDifference"`
	ReminderInterval   int32  `json:"reminderInterval"`
	ReminderTime       string `json:"reminderTime"`
	ReminderType       string `json:"reminderType"`
	Stage              string `json:"stage"`
}

type rawCustomer struct {
	AccountNumber       string          `json:"accountNumber"`
	Active              bool            `json:"active"`
	Address             string          `json:"address"`
	AssignedAgent       string          `json:"assignedAgent"`
	BankName            string          `json:"bankName"`
	BranchCodes         []string        `json:"branchCodes"`
	CompanyID           string          `json:"companyId"`
	ContactEmail        string          `json:"contactEmail"`
	ContactNumber       string          `json:"contactNumber"`
	CreatedBy           string          `json:"createdBy"`
	CreatedByName       string          `json:"createdByName"`
	CreatedOn           time.Time       `json:"createdOn"`
	CustomerID          string          `json:"customerId"`
	CustomerKeyContacts []rawKeyContact `json:"customerKeyContacts"`
	CustomerLogo        string          `json:"customerLogo"`
	CustomerReminders   []rawReminder   `json:"customerReminders"`
	DsoMedian           int64           `json:"dsoMedian"`
	ID                  int64           `json:"id"`
	Ifsc                string          `json:"ifsc"`
	LegalName           string          `json:"legalName"`
	ModifiedBy          string          `json:"modifiedBy"`
	ModifiedByName      string          `json:"modifiedByName"`
	ModifiedOn          time.Time       `json:"modifiedOn"`
	NetAmount           json.Number     `json:"netAmount"` // money: no float rounding
	PanOrGstin          string          `json:"panOrGstin"`
	ParentCompanyID     string          `json:"parentCompanyId"`
	ParentLegalName     string          `json:"parentLegalName"`
	PinCode             string          `json:"pinCode"`
	State               string          `json:"state"`
	UniqueRefNo         string          `json:"uniqueRefNo"`
	Warnings            []string        `json:"warnings"`
}

type rawErrorResponse struct {
	ErrorType    string `json:"errorType"`
	ErrorMessage string `json:"errorMessage"`
	RequestID    string `json:"requestId"`
}

type rawEnvelope struct {
	ErrorResponse   *rawErrorResponse `json:"errorResponse"`
	Payload         *rawCustomer      `json:"payload"`
	ResponseCode    int32             `json:"response_code"`
	ResponseMessage string            `json:"response_message"`
}

type rawClient struct {
	hc      *http.Client
	base    string
	authHdr string
}

var errRawFailed = errors.New("raw: updateCustomer failed")

func (c *rawClient) updateCustomer(ctx context.Context, customerID string, body *rawUpdateRequest) (*rawCustomer, error) {
	payload, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPatch, c.base+"/api/v0/customer/"+customerID, bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", benchUA)
	req.Header.Set("Authorization", c.authHdr)
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() {
		_, _ = io.Copy(io.Discard, resp.Body) // let the connection be reused
		_ = resp.Body.Close()
	}()
	var env rawEnvelope
	if err := json.NewDecoder(io.LimitReader(resp.Body, DefaultMaxResponseBytes)).Decode(&env); err != nil {
		return nil, fmt.Errorf("%w: status %d: %w", errRawFailed, resp.StatusCode, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 || env.ErrorResponse != nil || env.Payload == nil {
		return nil, fmt.Errorf("%w: status %d", errRawFailed, resp.StatusCode)
	}
	return env.Payload, nil
}

// rawBody is validBody as the raw client's structs.
func rawBody() *rawUpdateRequest {
	return &rawUpdateRequest{
		AccountNumber: ptr("50100234567890"),
		Address:       ptr("Plot 14, Peenya, Bengaluru"),
		AssignedAgent: ptr("Ravi Kumar"),
		BranchCodes:   []string{"BLR01", "BLR07"},
		ContactNumber: ptr("+91 80 41234567"),
		Ifsc:          ptr("HDFC0000123"),
		LegalName:     ptr("Acme Traders Pvt Ltd"),
		PanOrGstin:    ptr("29ABCDE1234F1Z5"),
		PinCode:       ptr("560058"),
		State:         ptr("Karnataka"),
		UniqueRefNo:   ptr("ACME-42"),
		CustomerKeyContacts: []rawKeyContactCreate{
			{Name: "Asha Rao", LegalName: "Asha Rao", Mobile: "+91 9876543210", Email: ptr("asha.rao@acme.example"), MailEnabled: ptr(true)},
			{Name: "Vikram Iyer", LegalName: "Vikram Iyer", Mobile: "9123456780", Deleted: false},
		},
		CustomerReminders: []rawReminderCreate{
			{ReminderType: ptr("ONCE"), ReminderTime: ptr("09:30"), DueDateDifference: ptr(int32(-3))},
			{ReminderType: ptr("RECURRING"), ReminderTime: ptr("18:00"), ReminderInterval: ptr(int32(7))},
		},
	}
}

// ---------------------------------------------------------------------------
// Transports.

// memTransport answers every request with the canned bytes after draining
// the request body. Its own cost (a Response and a body reader per call) is
// the same for every client.
type memTransport struct {
	body []byte
	hdr  http.Header // read-only, shared
}

type memBody struct{ bytes.Reader }

func (*memBody) Close() error { return nil }

func newMemTransport(body []byte) *memTransport {
	return &memTransport{body: body, hdr: http.Header{"Content-Type": {"application/json"}}}
}

func (m *memTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	b := &memBody{}
	b.Reset(m.body)
	return &http.Response{
		Status: "200 OK", StatusCode: http.StatusOK,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: m.hdr, Body: b, ContentLength: int64(len(m.body)), Request: req,
	}, nil
}

// newLoopbackServer answers every request with the canned bytes.
func newLoopbackServer(tb testing.TB, body []byte) *httptest.Server {
	tb.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header()["Content-Type"] = []string{"application/json"}
		_, _ = w.Write(body)
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// loopbackHTTPClient is configured like the wrapper's default client (30s
// timeout, 100 idle connections per host), so that no client is crippled
// by Go's default of 2 idle connections.
func loopbackHTTPClient(tb testing.TB) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 100
	tr.MaxIdleConnsPerHost = 100
	tb.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: DefaultTimeout}
}

// ---------------------------------------------------------------------------
// The three clients behind one signature.

type benchCall func(ctx context.Context) error

type benchTarget struct {
	name     string // transport=...
	base     string
	hc       func(testing.TB) *http.Client // for raw and generated
	wrapOpts func(testing.TB) []Option     // HTTP client options for the wrapper
}

func benchTargets(tb testing.TB, fixture []byte) []benchTarget {
	mem := newMemTransport(fixture)
	srv := newLoopbackServer(tb, fixture)
	memHC := func(testing.TB) *http.Client { return &http.Client{Transport: mem} }
	return []benchTarget{
		{
			name: "transport=memory", base: "https://enkash.invalid", hc: memHC,
			wrapOpts: func(tb testing.TB) []Option { return []Option{WithHTTPClient(memHC(tb))} },
		},
		{
			name: "transport=loopback", base: srv.URL, hc: loopbackHTTPClient,
			wrapOpts: func(testing.TB) []Option { return nil }, // the wrapper's default client
		},
	}
}

func newRawCall(tb testing.TB, tg benchTarget, out **rawCustomer) benchCall {
	c := &rawClient{hc: tg.hc(tb), base: tg.base, authHdr: "Bearer " + benchToken}
	body := rawBody()
	return func(ctx context.Context) error {
		cust, err := c.updateCustomer(ctx, validCustomerID, body)
		if out != nil {
			*out = cust
		}
		return err
	}
}

func newGeneratedCall(tb testing.TB, tg benchTarget, out **api.CustomerResponse) benchCall {
	authHdr := "Bearer " + benchToken
	c, err := api.NewClientWithResponses(tg.base, api.WithHTTPClient(tg.hc(tb)),
		api.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.Header.Set("Accept", "application/json")
			req.Header.Set("User-Agent", benchUA)
			req.Header.Set("Authorization", authHdr)
			return nil
		}))
	require.NoError(tb, err)
	body := validBody()
	return func(ctx context.Context) error {
		resp, err := c.UpdateCustomerWithResponse(ctx, validCustomerID, nil, body)
		if err != nil {
			return err
		}
		env := resp.JSON200
		if env == nil || env.ErrorResponse != nil || env.Payload == nil {
			return fmt.Errorf("generated: status %d", resp.StatusCode())
		}
		if out != nil {
			*out = env.Payload
		}
		return nil
	}
}

func newWrapperCall(tb testing.TB, tg benchTarget, out **api.CustomerResponse) benchCall {
	c, err := NewClient(tg.base, append([]Option{WithToken(benchToken)}, tg.wrapOpts(tb)...)...)
	require.NoError(tb, err)
	tb.Cleanup(c.CloseIdleConnections)
	body := validBody()
	return func(ctx context.Context) error {
		cust, err := c.UpdateCustomer(ctx, validCustomerID, body)
		if out != nil {
			*out = cust
		}
		return err
	}
}

func benchClients(tb testing.TB, tg benchTarget) []struct {
	name string
	call benchCall
} {
	return []struct {
		name string
		call benchCall
	}{
		{"client=raw", newRawCall(tb, tg, nil)},
		{"client=generated", newGeneratedCall(tb, tg, nil)},
		{"client=wrapper", newWrapperCall(tb, tg, nil)},
	}
}

// ---------------------------------------------------------------------------
// Benchmarks.

// BenchmarkUpdateCustomer: one call at a time, per transport and client.
func BenchmarkUpdateCustomer(b *testing.B) {
	fixture := benchFixtureBytes(b)
	for _, tg := range benchTargets(b, fixture) {
		b.Run(tg.name, func(b *testing.B) {
			for _, cl := range benchClients(b, tg) {
				b.Run(cl.name, func(b *testing.B) {
					ctx := context.Background()
					if err := cl.call(ctx); err != nil { // warm: connection, token
						b.Fatal(err)
					}
					b.SetBytes(int64(len(fixture)))
					b.ReportAllocs()
					cpu := startCPU()
					for b.Loop() {
						if err := cl.call(ctx); err != nil {
							b.Fatal(err)
						}
					}
					cpu.report(b)
				})
			}
		})
	}
}

// cpuMeter measures the process CPU time of a benchmark loop (client and,
// over loopback, the in-process server, plus GC).
type cpuMeter struct {
	start time.Duration
	ok    bool
}

func startCPU() cpuMeter {
	t, ok := cputime.Process()
	return cpuMeter{start: t, ok: ok}
}

// report adds the cpu-ns/op metric: less sensitive than ns/op to other
// processes on a shared machine.
func (m cpuMeter) report(b *testing.B) {
	end, ok := cputime.Process()
	if m.ok && ok && b.N > 0 {
		b.ReportMetric(float64(end-m.start)/float64(b.N), "cpu-ns/op")
	}
}

// benchGoroutines is the number of goroutines sharing one client.
const benchGoroutines = 64

// BenchmarkUpdateCustomerParallel64: throughput of one shared client with 64
// goroutines over loopback (ns/op is wall time per call across all of them).
func BenchmarkUpdateCustomerParallel64(b *testing.B) {
	fixture := benchFixtureBytes(b)
	var tg benchTarget
	for _, t := range benchTargets(b, fixture) {
		if t.name == "transport=loopback" {
			tg = t
		}
	}
	for _, cl := range []struct {
		name string
		mk   func(testing.TB) benchCall
	}{
		{"client=raw", func(tb testing.TB) benchCall { return newRawCall(tb, tg, nil) }},
		{"client=wrapper", func(tb testing.TB) benchCall { return newWrapperCall(tb, tg, nil) }},
	} {
		b.Run(tg.name+"/"+cl.name, func(b *testing.B) {
			call := cl.mk(b)
			ctx := context.Background()
			// Warm: open the connections 64 goroutines need, so that a round
			// with a small b.N does not measure 64 TCP handshakes.
			var wg sync.WaitGroup
			errs := make(chan error, benchGoroutines)
			for range benchGoroutines {
				wg.Go(func() {
					if err := call(ctx); err != nil {
						errs <- err
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				b.Fatal(err)
			}
			procs := runtime.GOMAXPROCS(0)
			b.SetParallelism((benchGoroutines + procs - 1) / procs) // ≥ 64 goroutines
			b.SetBytes(int64(len(fixture)))
			b.ReportAllocs()
			b.ResetTimer()
			cpu := startCPU()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := call(ctx); err != nil {
						b.Error(err)
						return
					}
				}
			})
			cpu.report(b)
		})
	}
}

// ---------------------------------------------------------------------------
// Fairness tests (run with the normal test suite).

// TestBenchFixtureConformsToSpec: the canned envelope is a valid 200 answer of
// updateCustomer per the embedded spec, with no property the spec lacks and
// every CustomerResponse field populated (so every client decodes all of it).
func TestBenchFixtureConformsToSpec(t *testing.T) {
	doc, err := enkash.LoadSpec()
	require.NoError(t, err)
	op := doc.Paths.Value("/api/v0/customer/{customerId}").Patch
	require.NotNil(t, op)
	resp := op.Responses.Status(http.StatusOK)
	require.NotNil(t, resp)
	mt := resp.Value.Content.Get("application/json")
	require.NotNil(t, mt)
	schema := mt.Schema.Value

	var v any
	require.NoError(t, json.Unmarshal(benchFixtureBytes(t), &v))
	require.NoError(t, schema.VisitJSON(v, openapi3.MultiErrors(), openapi3.VisitAsResponse()))

	// Every property is declared (the response schemas allow extras, so
	// VisitJSON alone would not notice a misspelt key).
	var walk func(path string, s *openapi3.Schema, v any)
	walk = func(path string, s *openapi3.Schema, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				p, ok := s.Properties[k]
				if assert.True(t, ok, "%s.%s is not in the spec", path, k) {
					walk(path+"."+k, p.Value, x)
				}
			}
		case []any:
			for i, x := range v {
				walk(fmt.Sprintf("%s[%d]", path, i), s.Items.Value, x)
			}
		}
	}
	walk("$", schema, v)

	var env api.CustomerResponseEnvelope
	require.NoError(t, json.Unmarshal(benchFixtureBytes(t), &env))
	require.NotNil(t, env.Payload)
	assert.Nil(t, env.ErrorResponse)
	assertNoZeroField(t, "payload", reflect.ValueOf(*env.Payload), "warnings", "reminderInterval")
	require.Len(t, env.Payload.CustomerKeyContacts, 2)
	require.Len(t, env.Payload.CustomerReminders, 2)
}

// assertNoZeroField fails for a zero field of struct v (recursing into
// slices of structs), except the named JSON keys.
func assertNoZeroField(t *testing.T, path string, v reflect.Value, except ...string) {
	t.Helper()
	switch v.Kind() {
	case reflect.Struct:
		if _, isTime := v.Interface().(time.Time); isTime {
			assert.False(t, v.Interface().(time.Time).IsZero(), "%s is zero", path)
			return
		}
	fields:
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			for _, e := range except {
				if tag := f.Tag.Get("json"); tag == e || len(tag) > len(e) && tag[:len(e)+1] == e+"," {
					continue fields
				}
			}
			fv := v.Field(i)
			if f.Type.Kind() == reflect.Bool { // false is a real value here
				continue
			}
			if !assert.False(t, fv.IsZero(), "%s.%s is zero", path, f.Name) {
				continue
			}
			assertNoZeroField(t, path+"."+f.Name, fv, except...)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			assertNoZeroField(t, fmt.Sprintf("%s[%d]", path, i), v.Index(i), except...)
		}
	}
}

// recordingTransport captures each request (method, URL, headers, body)
// before answering from mem.
type recordingTransport struct {
	mem  *memTransport
	mu   sync.Mutex
	reqs []recordedRequest
}

type recordedRequest struct {
	method, url string
	header      http.Header
	body        []byte
}

func (r *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, recordedRequest{method: req.Method, url: req.URL.String(), header: req.Header.Clone(), body: body})
	r.mu.Unlock()
	req.Body = io.NopCloser(bytes.NewReader(body))
	return r.mem.RoundTrip(req)
}

// TestBenchClientsDoEqualWork: over the memory transport the three clients
// send the same request (method, URL, headers, body bytes) and decode the
// fixture to the same values.
func TestBenchClientsDoEqualWork(t *testing.T) {
	fixture := benchFixtureBytes(t)
	rec := &recordingTransport{mem: newMemTransport(fixture)}
	tg := benchTarget{
		name: "transport=recording", base: "https://enkash.invalid",
		hc:       func(testing.TB) *http.Client { return &http.Client{Transport: rec} },
		wrapOpts: func(testing.TB) []Option { return []Option{WithHTTPClient(&http.Client{Transport: rec})} },
	}
	var rawOut *rawCustomer
	var genOut, wrapOut *api.CustomerResponse
	ctx := context.Background()
	require.NoError(t, newRawCall(t, tg, &rawOut)(ctx))
	require.NoError(t, newGeneratedCall(t, tg, &genOut)(ctx))
	require.NoError(t, newWrapperCall(t, tg, &wrapOut)(ctx))

	require.Len(t, rec.reqs, 3)
	raw := rec.reqs[0]
	assert.Equal(t, http.MethodPatch, raw.method)
	assert.Equal(t, "https://enkash.invalid/api/v0/customer/"+validCustomerID, raw.url)
	for i, r := range rec.reqs[1:] {
		name := []string{"generated", "wrapper"}[i]
		assert.Equal(t, raw.method, r.method, name)
		assert.Equal(t, raw.url, r.url, name)
		assert.Equal(t, string(raw.body), string(r.body), name+": body bytes")
		for _, h := range []string{"Content-Type", "Accept", "Authorization"} {
			assert.Equal(t, raw.header.Values(h), r.header.Values(h), name+": "+h)
		}
		assert.NotEmpty(t, r.header.Get("User-Agent"), name)
		assert.Len(t, r.header, len(raw.header), name+": header count")
	}

	var fromFixture api.CustomerResponseEnvelope
	require.NoError(t, json.Unmarshal(fixture, &fromFixture))
	assert.Equal(t, fromFixture.Payload, genOut, "generated")
	assert.Equal(t, fromFixture.Payload, wrapOut, "wrapper")
	assert.Equal(t, fromFixture.Payload, rawToAPI(rawOut), "raw")
}

// rawToAPI converts field by field, so a field the raw structs lack or
// misname shows up as a difference.
func rawToAPI(c *rawCustomer) *api.CustomerResponse {
	out := &api.CustomerResponse{
		AccountNumber: c.AccountNumber, Active: c.Active, Address: c.Address,
		AssignedAgent: c.AssignedAgent, BankName: c.BankName, BranchCodes: c.BranchCodes,
		CompanyId: c.CompanyID, ContactEmail: c.ContactEmail, ContactNumber: c.ContactNumber,
		CreatedBy: c.CreatedBy, CreatedByName: c.CreatedByName, CreatedOn: c.CreatedOn,
		CustomerId: c.CustomerID, CustomerLogo: c.CustomerLogo, DsoMedian: c.DsoMedian,
		Id: c.ID, Ifsc: c.Ifsc, LegalName: c.LegalName, ModifiedBy: c.ModifiedBy,
		ModifiedByName: c.ModifiedByName, ModifiedOn: c.ModifiedOn, NetAmount: c.NetAmount,
		PanOrGstin: c.PanOrGstin, ParentCompanyId: c.ParentCompanyID,
		ParentLegalName: c.ParentLegalName, PinCode: c.PinCode, State: c.State,
		UniqueRefNo: c.UniqueRefNo, Warnings: c.Warnings,
	}
	for _, k := range c.CustomerKeyContacts {
		out.CustomerKeyContacts = append(out.CustomerKeyContacts, api.CustomerKeyContactResponse{
			CreatedBy: k.CreatedBy, CreatedOn: k.CreatedOn, CustomerId: k.CustomerID,
			CustomerName: k.CustomerName, Deleted: k.Deleted, Email: k.Email,
			KeyContactPersonId: k.KeyContactPersonID, MailEnabled: k.MailEnabled,
			Mobile: k.Mobile, ModifiedBy: k.ModifiedBy, ModifiedOn: k.ModifiedOn,
			Name: k.Name, SmsEnabled: k.SmsEnabled, WhatsappEnabled: k.WhatsappEnabled,
		})
	}
	for _, r := range c.CustomerReminders {
		out.CustomerReminders = append(out.CustomerReminders, api.CustomerReminderConfigResponse{
			CustomerId: r.CustomerID, CustomerReminderId: r.CustomerReminderID,
			DueDateDifference: r.DueDateDifference, ReminderInterval: r.ReminderInterval,
			ReminderTime: r.ReminderTime, ReminderType: api.ReminderType(r.ReminderType), Stage: r.Stage,
		})
	}
	return out
}
