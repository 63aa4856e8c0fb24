package wrapper_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper"
)

// fakeEnkash answers every PATCH with handler and /oauth/token with a token.
func fakeEnkash(handler http.HandlerFunc) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"accessToken":"t-123-demo","tokenType":"bearer","expiresIn":3600}`)
	})
	mux.HandleFunc("PATCH /api/v0/customer/{id}", handler)
	return httptest.NewServer(mux)
}

// Set a field, clear another, leave the rest unchanged.
func ExampleClient_UpdateCustomer() {
	srv := fakeEnkash(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fmt.Println("sent:", string(body))
		_, _ = io.WriteString(w, `{"payload":{"customerId":"KCABCDEFGH123456","legalName":"Acme Traders Pvt Ltd"},"response_code":0}`)
	})
	defer srv.Close()

	c, err := wrapper.NewClient(srv.URL, wrapper.WithToken("my-token"))
	if err != nil {
		panic(err)
	}
	defer c.CloseIdleConnections()

	var u api.UpdateCustomerRequest
	u.LegalName.Set("Acme Traders Pvt Ltd") // value  -> set
	u.Address.SetNull()                     // null   -> clear
	// every other field: absent -> unchanged
	cust, err := c.UpdateCustomer(context.Background(), "KCABCDEFGH123456", u,
		wrapper.WithParentCompanyID("CEKACME001"))
	if err != nil {
		panic(err)
	}
	fmt.Println("legal name:", cust.LegalName)
	// Output:
	// sent: {"address":null,"legalName":"Acme Traders Pvt Ltd"}
	// legal name: Acme Traders Pvt Ltd
}

// Branch on sentinels with errors.Is, read details with errors.As.
func ExampleAPIError() {
	srv := fakeEnkash(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"errorResponse":{"errorType":"RECORD_NOT_FOUND","errorMessage":"customer not found",`+
			`"requestId":"req-1","timestamp":"2025-11-20 16:15:30"},"response_code":404}`)
	})
	defer srv.Close()
	c, _ := wrapper.NewClient(srv.URL, wrapper.WithToken("my-token"))
	defer c.CloseIdleConnections()

	_, err := c.UpdateCustomer(context.Background(), "KCABCDEFGH123456", api.UpdateCustomerRequest{})
	if errors.Is(err, wrapper.ErrNotFound) {
		fmt.Println("no such customer")
	}
	var apiErr *wrapper.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.ErrorType, apiErr.RequestID, apiErr.Timestamp.UTC())
	}
	fmt.Println(err)
	// Output:
	// no such customer
	// 404 RECORD_NOT_FOUND req-1 2025-11-20 10:45:30 +0000 UTC
	// enkash: HTTP 404 RECORD_NOT_FOUND: customer not found (requestId req-1)
}

// Invalid requests fail before any I/O, naming every broken field.
func ExampleValidationError() {
	var u api.UpdateCustomerRequest
	u.CustomerKeyContacts.Set([]api.CustomerKeyContactCreateDTO{{Name: "Asha", LegalName: "Asha", Mobile: "12345"}})
	err := wrapper.ValidateUpdateCustomer("KC-too-short", u)

	var ve *wrapper.ValidationError
	if errors.As(err, &ve) {
		for _, v := range ve.Violations {
			fmt.Println(v.Field)
		}
	}
	fmt.Println(errors.Is(err, wrapper.ErrValidation))
	// Output:
	// customerId
	// customerKeyContacts[0].mobile
	// true
}

// Password credentials: the token is fetched, cached and refreshed for you.
func ExampleWithPasswordCredentials() {
	srv := fakeEnkash(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("authorization:", r.Header.Get("Authorization"))
		_, _ = io.WriteString(w, `{"payload":{"customerId":"KCABCDEFGH123456"}}`)
	})
	defer srv.Close()

	c, err := wrapper.NewClient(srv.URL,
		wrapper.WithPasswordCredentials("client-id", "client-secret", "user@example.com", "password"))
	if err != nil {
		panic(err)
	}
	defer c.CloseIdleConnections()
	for range 2 {
		if _, err := c.UpdateCustomer(context.Background(), "KCABCDEFGH123456", api.UpdateCustomerRequest{}); err != nil {
			panic(err)
		}
	}
	// Output:
	// authorization: Bearer t-123-demo
	// authorization: Bearer t-123-demo
}

// slotGate is a SendGate letting one call send at a time (a toy: package
// bulk's gate is a rate limiter and a shared Retry-After hold).
type slotGate struct {
	waits int
	held  []string
}

func (g *slotGate) Wait(context.Context) error { g.waits++; return nil }
func (g *slotGate) HoldFor(d time.Duration)    { g.held = append(g.held, d.String()) }

// Pace calls together: the gate is passed before every attempt, and told of
// every Retry-After, so that calls sharing it all hold back.
func ExampleWithSendGate() {
	n := 0
	srv := fakeEnkash(func(w http.ResponseWriter, r *http.Request) {
		if n++; n == 1 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		_, _ = io.WriteString(w, `{"payload":{"customerId":"KCABCDEFGH123456"},"response_code":0}`)
	})
	defer srv.Close()
	c, err := wrapper.NewClient(srv.URL, wrapper.WithToken("my-token"))
	if err != nil {
		panic(err)
	}
	defer c.CloseIdleConnections()
	g := &slotGate{}
	_, err = c.UpdateCustomer(context.Background(), "KCABCDEFGH123456", api.UpdateCustomerRequest{}, wrapper.WithSendGate(g))
	fmt.Println("error:", err)
	fmt.Println("waits at the gate:", g.waits, "holds:", g.held)
	// Output:
	// error: <nil>
	// waits at the gate: 2 holds: [0s]
}

// A Client for a burst of concurrent calls: the same credentials and token,
// a connection pool of its own sized for them; close it when done.
func ExampleClient_ForConcurrency() {
	srv := fakeEnkash(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"payload":{"customerId":"KCABCDEFGH123456"},"response_code":0}`)
	})
	defer srv.Close()
	c, err := wrapper.NewClient(srv.URL, wrapper.WithToken("my-token"))
	if err != nil {
		panic(err)
	}
	defer c.CloseIdleConnections()
	burst := c.ForConcurrency(32)
	defer burst.CloseIdleConnections()
	_, err = burst.UpdateCustomer(context.Background(), "KCABCDEFGH123456", api.UpdateCustomerRequest{})
	fmt.Println("error:", err)
	// Output:
	// error: <nil>
}

// A Client prints its server and kind of auth, never its credentials,
// whatever the verb (and so in slog records).
func ExampleClient_Format() {
	c, err := wrapper.NewClient("https://api.enkash.example", wrapper.WithToken("eyJhbGciOi.secret-token"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%v\n%#v\n", c, c)
	// Output:
	// &wrapper.Client{https://api.enkash.example/ auth:token credentials:[REDACTED]}
	// &wrapper.Client{https://api.enkash.example/ auth:token credentials:[REDACTED]}
}
