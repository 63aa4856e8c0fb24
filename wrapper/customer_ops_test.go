package wrapper

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// customerOp is one of the body-less operations, called through the Client,
// its payload rendered for comparison.
type customerOp struct {
	name, method, path string // path under prefix
	okBody             string // a success envelope
	wantPayload        any
	call               func(c *Client, ctx context.Context, id string, opts ...CallOption) (any, error)
}

var customerOps = []customerOp{
	{
		name: "activate", method: http.MethodPut, path: "/api/v0/customer/activate/" + validCustomerID,
		okBody:      `{"payload":{"customerId":"` + validCustomerID + `","active":true},"response_code":0,"response_message":"SUCCESS"}`,
		wantPayload: map[string]any{"customerId": validCustomerID, "active": true},
		call: func(c *Client, ctx context.Context, id string, opts ...CallOption) (any, error) {
			return c.ActivateCustomer(ctx, id, opts...)
		},
	},
	{
		name: "delete", method: http.MethodDelete, path: "/api/v0/customer/" + validCustomerID,
		okBody:      `{"payload":"Customer deleted","response_code":0,"response_message":"SUCCESS"}`,
		wantPayload: "Customer deleted",
		call: func(c *Client, ctx context.Context, id string, opts ...CallOption) (any, error) {
			return c.DeleteCustomer(ctx, id, opts...)
		},
	},
}

func TestCustomerOps_SendsTheSpecRequestAndReturnsThePayload(t *testing.T) {
	for _, op := range customerOps {
		t.Run(op.name, func(t *testing.T) {
			ts := newTestServer(t)
			var got *http.Request
			var body []byte
			ts.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				got = r
				body, _ = io.ReadAll(r.Body)
				reply(w, http.StatusOK, "application/json", op.okBody)
			})
			c, _ := newClient(t, ts)
			var meta ResponseMetadata
			payload, err := op.call(c, context.Background(), validCustomerID, WithParentCompanyID("CEKACME001"), WithResponseMetadata(&meta))
			require.NoError(t, err)
			assert.Equal(t, op.wantPayload, payload)
			require.NotNil(t, got)
			assert.Equal(t, op.method, got.Method)
			assert.Equal(t, op.path, got.URL.Path)
			assert.Equal(t, "parentCompanyId=CEKACME001", got.URL.RawQuery)
			assert.Equal(t, "Bearer "+fxToken, got.Header.Get("Authorization"))
			assert.Empty(t, body, "no request body")
			assert.Equal(t, ResponseMetadata{StatusCode: 200, Attempts: 1}, meta)
		})
	}
}

func TestCustomerOps_ValidateBeforeAnyIO(t *testing.T) {
	cases := []struct {
		name, id, field string
		opts            []CallOption
	}{
		{name: "customerId off the pattern", id: "KC123", field: "customerId"},
		{name: "customerId empty", id: "", field: "customerId"},
		{name: "parentCompanyId off the pattern", id: validCustomerID, field: "parentCompanyId", opts: []CallOption{WithParentCompanyID("CEK1")}},
	}
	for _, op := range customerOps {
		for _, tc := range cases {
			t.Run(op.name+"/"+tc.name, func(t *testing.T) {
				ts := newTestServer(t)
				requests := 0
				ts.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { requests++ })
				c, _ := newClient(t, ts)
				_, err := op.call(c, context.Background(), tc.id, tc.opts...)
				var ve *ValidationError
				require.ErrorAs(t, err, &ve)
				assert.ErrorIs(t, err, ErrValidation)
				require.Len(t, ve.Violations, 1)
				assert.Equal(t, tc.field, ve.Violations[0].Field)
				assert.Zero(t, requests, "nothing sent")
			})
		}
	}
}

// The operations share UpdateCustomer's envelope rules, error mapping and
// retries: nothing of that is written per operation.
func TestCustomerOps_ErrorsAndRetriesLikeUpdate(t *testing.T) {
	cases := []struct {
		name     string
		steps    func(op customerOp) []func(http.ResponseWriter, *http.Request)
		wantErr  error // nil: success
		attempts int
	}{
		{name: "404 RECORD_NOT_FOUND envelope", wantErr: ErrNotFound, attempts: 1,
			steps: func(customerOp) []func(http.ResponseWriter, *http.Request) {
				return steps(status(404, "application/json", errEnvelope("RECORD_NOT_FOUND", "Customer not found")))
			}},
		{name: "200 carrying errorResponse", wantErr: ErrValidation, attempts: 1,
			steps: func(customerOp) []func(http.ResponseWriter, *http.Request) {
				return steps(status(200, "application/json", errEnvelope("VALIDATION_ERROR", "bad")))
			}},
		{name: "200 without payload", wantErr: ErrInvalidResponse, attempts: 1,
			steps: func(customerOp) []func(http.ResponseWriter, *http.Request) {
				return steps(status(200, "application/json", `{"response_code":0,"response_message":"SUCCESS"}`))
			}},
		{name: "200 with a payload of the wrong type", wantErr: ErrInvalidResponse, attempts: 1,
			steps: func(customerOp) []func(http.ResponseWriter, *http.Request) {
				return steps(status(200, "application/json", `{"payload":[1,2],"response_code":0}`))
			}},
		{name: "503 then 200: retried", attempts: 2,
			steps: func(op customerOp) []func(http.ResponseWriter, *http.Request) {
				return steps(status(503, "text/plain", "busy"), status(200, "application/json", op.okBody))
			}},
		{name: "502: outcome unknown, not retried", wantErr: ErrOutcomeUnknown, attempts: 1,
			steps: func(customerOp) []func(http.ResponseWriter, *http.Request) {
				return steps(status(502, "text/html", "<html>bad gateway</html>"))
			}},
	}
	for _, op := range customerOps {
		for _, tc := range cases {
			t.Run(op.name+"/"+tc.name, func(t *testing.T) {
				ts := newTestServer(t)
				seq := &sequence{steps: tc.steps(op)}
				ts.mux.Handle("/", seq)
				c, _ := newClient(t, ts)
				var meta ResponseMetadata
				payload, err := op.call(c, context.Background(), validCustomerID, WithResponseMetadata(&meta))
				if tc.wantErr == nil {
					require.NoError(t, err)
					assert.Equal(t, op.wantPayload, payload)
				} else {
					require.ErrorIs(t, err, tc.wantErr)
					var ae *APIError
					assert.True(t, errors.As(err, &ae), "an *APIError: %v", err)
				}
				assert.Equal(t, tc.attempts, int(seq.n.Load()), "requests sent")
				assert.Equal(t, tc.attempts, meta.Attempts)
			})
		}
	}
}
