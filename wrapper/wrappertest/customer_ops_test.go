package wrappertest_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

// inactiveDemo is the first demo customer, inactive.
func inactiveDemo() api.CustomerResponse {
	c := wrappertest.DemoCustomers()[0]
	c.Active = false
	return c
}

func TestActivateCustomer_SetsActiveAndAnswersTheCustomer(t *testing.T) {
	clock := newFakeClock()
	srv, c := newServer(t, wrappertest.WithCustomers(inactiveDemo()), wrappertest.WithClock(clock.Now))
	before, _ := srv.Customer(wrappertest.DemoCustomerID)
	clock.Advance(time.Minute)

	resp, err := c.ActivateCustomerWithResponse(context.Background(), wrappertest.DemoCustomerID, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), "%s", resp.Body)
	require.NotNil(t, resp.JSON200)
	require.NotNil(t, resp.JSON200.Payload, "the untyped payload is the customer")
	assert.Equal(t, wrappertest.DemoCustomerID, (*resp.JSON200.Payload)["customerId"])
	assert.Equal(t, true, (*resp.JSON200.Payload)["active"])
	assert.Nil(t, resp.JSON200.ErrorResponse)

	after, ok := srv.Customer(wrappertest.DemoCustomerID)
	require.True(t, ok)
	assert.False(t, before.Active)
	assert.True(t, after.Active, "activation sets the stored active flag")
	assert.Equal(t, clock.Now(), after.ModifiedOn.UTC(), "modifiedOn moves")
	after.Active, after.ModifiedOn, after.ModifiedBy, after.ModifiedByName = before.Active, before.ModifiedOn, before.ModifiedBy, before.ModifiedByName
	assert.Equal(t, before, after, "nothing else changes")
}

func TestDeleteCustomer_RemovesTheCustomer(t *testing.T) {
	srv, c := newServer(t, wrappertest.WithDemoCustomers())
	ctx := context.Background()

	resp, err := c.DeleteCustomerWithResponse(ctx, wrappertest.DemoCustomerID, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), "%s", resp.Body)
	require.NotNil(t, resp.JSON200)
	require.NotNil(t, resp.JSON200.Payload, "the payload is a string")
	assert.Contains(t, *resp.JSON200.Payload, wrappertest.DemoCustomerID)

	_, ok := srv.Customer(wrappertest.DemoCustomerID)
	assert.False(t, ok, "deleted from the store")
	_, ok = srv.Customer(wrappertest.DemoCustomerID2)
	assert.True(t, ok, "the other customers stay")

	again, err := c.DeleteCustomerWithResponse(ctx, wrappertest.DemoCustomerID, nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNotFound, again.StatusCode(), "a second delete finds nothing")
	upd, err := c.UpdateCustomerWithResponse(ctx, wrappertest.DemoCustomerID, nil, api.UpdateCustomerRequest{})
	require.NoError(t, err)
	assert.Equal(t, http.StatusNotFound, upd.StatusCode(), "nor does an update")
}

// Both operations answer like updateCustomer: 404 for an unknown customer or
// one under another parent company, 400 for an id off the pattern, 401
// without a token; a known one under its own parent succeeds.
func TestCustomerOps_StatusesLikeUpdate(t *testing.T) {
	ops := map[string]func(c *api.ClientWithResponses, id string, parent *string) (int, *api.ErrorResponse, error){
		"activate": func(c *api.ClientWithResponses, id string, parent *string) (int, *api.ErrorResponse, error) {
			r, err := c.ActivateCustomerWithResponse(context.Background(), id, &api.ActivateCustomerParams{ParentCompanyId: parent})
			if err != nil {
				return 0, nil, err
			}
			return r.StatusCode(), envelopeError(r.JSON400, r.JSON401, r.JSON404), nil
		},
		"delete": func(c *api.ClientWithResponses, id string, parent *string) (int, *api.ErrorResponse, error) {
			r, err := c.DeleteCustomerWithResponse(context.Background(), id, &api.DeleteCustomerParams{ParentCompanyId: parent})
			if err != nil {
				return 0, nil, err
			}
			var er *api.ErrorResponse
			for _, e := range []*api.DeleteCustomerResponseEnvelope{r.JSON400, r.JSON401, r.JSON404} {
				if e != nil {
					er = e.ErrorResponse
				}
			}
			return r.StatusCode(), er, nil
		},
	}
	cases := []struct {
		name     string
		id       string
		parent   *string
		noToken  bool
		status   int
		errType  api.ErrorType
		errField string
	}{
		{name: "known, own parent company", id: wrappertest.DemoCustomerID, parent: ptr(wrappertest.DemoParentCompanyID), status: 200},
		{name: "unknown customer", id: "KCNOSUCHCUSTOMER", status: 404, errType: api.ErrorTypeRecordNotFound, errField: "customerId"},
		{name: "another parent company", id: wrappertest.DemoCustomerID, parent: ptr("CEKOTHER01"), status: 404, errType: api.ErrorTypeRecordNotFound, errField: "customerId"},
		{name: "customerId off the pattern", id: "kc-lowercase", status: 400, errType: api.ErrorTypeValidationError, errField: "customerId"},
		{name: "parentCompanyId off the pattern", id: wrappertest.DemoCustomerID, parent: ptr("CEK1"), status: 400, errType: api.ErrorTypeValidationError, errField: "parentCompanyId"},
		{name: "no token", id: wrappertest.DemoCustomerID, noToken: true, status: 401, errType: api.ErrorTypeUnauthorized},
	}
	for opName, op := range ops {
		for _, tc := range cases {
			t.Run(opName+"/"+tc.name, func(t *testing.T) {
				srv, c := newServer(t, wrappertest.WithDemoCustomers())
				if tc.noToken {
					var err error
					c, err = api.NewClientWithResponses(srv.URL, api.WithHTTPClient(srv.Client()))
					require.NoError(t, err)
				}
				status, er, err := op(c, tc.id, tc.parent)
				require.NoError(t, err)
				assert.Equal(t, tc.status, status)
				_, stored := srv.Customer(wrappertest.DemoCustomerID)
				if tc.status != 200 {
					require.NotNil(t, er, "an error envelope")
					assert.Equal(t, tc.errType, *er.ErrorType)
					if tc.errField != "" {
						require.NotNil(t, er.ApiSubErrors)
						require.NotEmpty(t, *er.ApiSubErrors)
						assert.Equal(t, tc.errField, *(*er.ApiSubErrors)[0].Field)
					}
					assert.True(t, stored, "a refused call changes nothing")
				} else {
					assert.Equal(t, opName == "activate", stored, "delete removes, activate keeps")
				}
			})
		}
	}
}

func envelopeError(es ...*api.ActivateCustomerResponseEnvelope) *api.ErrorResponse {
	for _, e := range es {
		if e != nil {
			return e.ErrorResponse
		}
	}
	return nil
}
