package wrapper_test

// Copied into a temporary copy of the module by .ci/regen-drill, after
// openapi.yaml gained gstState (body and response), a key contact name
// pattern, a wider customerId pattern, an optional query parameter
// branchCode of updateCustomer and the errorType DUPLICATE_REQUEST, and
// `go generate` ran. It names the drill's new field, option and sentinel:
// that is the point of the drill.

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

func TestRegenDrill(t *testing.T) {
	ctx := context.Background()
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	c, err := wrapper.NewClient(srv.URL, wrapper.WithToken(srv.Token))
	require.NoError(t, err)
	id := wrappertest.DemoCustomerID

	t.Run("new property: value reaches the wire, is stored and decodes", func(t *testing.T) {
		srv.ResetRequests()
		var u api.UpdateCustomerRequest
		u.GstState.Set("29")
		cust, err := c.UpdateCustomer(ctx, id, u)
		require.NoError(t, err)
		reqs := srv.Requests()
		require.Len(t, reqs, 1)
		assert.JSONEq(t, `{"gstState":"29"}`, string(reqs[0].Body))
		assert.Equal(t, "29", cust.GstState, "the new response property decodes")
		stored, _ := srv.Customer(id)
		assert.Equal(t, "29", stored.GstState)
	})
	t.Run("new response property decodes through the generated decoder", func(t *testing.T) {
		// The client decodes responses with api's generated DecodeJSON
		// (decode.gen.go): it knows the new property, by its spec name and
		// case-insensitively as encoding/json does, and gives the same value.
		body := []byte(`{"payload":{"customerId":"KCDEMO0000000001","GSTSTATE":"27","gstState":"29"}}`)
		var got, want api.CustomerResponseEnvelope
		require.NoError(t, got.DecodeJSON(body))
		require.NoError(t, json.Unmarshal(body, &want))
		require.NotNil(t, got.Payload)
		assert.Equal(t, "29", got.Payload.GstState)
		assert.Equal(t, want, got)
		err := new(api.CustomerResponseEnvelope).DecodeJSON([]byte(`{"payload":{"gstState":29}}`))
		var de *api.DecodeError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, "payload.gstState", de.Path, "the decoder's error names the new property")
	})
	t.Run("new property: null reaches the wire and clears", func(t *testing.T) {
		srv.ResetRequests()
		var u api.UpdateCustomerRequest
		u.GstState.SetNull()
		cust, err := c.UpdateCustomer(ctx, id, u)
		require.NoError(t, err)
		assert.JSONEq(t, `{"gstState":null}`, string(srv.Requests()[0].Body))
		assert.Empty(t, cust.GstState)
	})
	t.Run("both new patterns are refused before any I/O", func(t *testing.T) {
		srv.ResetRequests()
		var u api.UpdateCustomerRequest
		u.GstState.Set("Goa")
		u.CustomerKeyContacts.Set([]api.CustomerKeyContactCreateDTO{{Name: "N4me", LegalName: "L", Mobile: "9876543210"}})
		_, err := c.UpdateCustomer(ctx, id, u)
		var ve *wrapper.ValidationError
		require.True(t, errors.As(err, &ve), "%v", err)
		assert.ElementsMatch(t, []api.Violation{
			{Field: "customerKeyContacts[0].name", Rule: "pattern ^[A-Za-z .]+$"},
			{Field: "gstState", Rule: "pattern ^[0-9]{2}$"},
		}, ve.Violations)
		assert.Empty(t, srv.Requests())
	})
	t.Run("new query parameter: a call option that reaches the wire", func(t *testing.T) {
		srv.ResetRequests()
		_, err := c.UpdateCustomer(ctx, id, api.UpdateCustomerRequest{}, wrapper.WithBranchCode("BLR"))
		require.NoError(t, err)
		reqs := srv.Requests()
		require.Len(t, reqs, 1)
		assert.Equal(t, "branchCode=BLR", reqs[0].RawQuery)
	})
	t.Run("new query parameter: its pattern, and the operations without it, refuse before any I/O", func(t *testing.T) {
		srv.ResetRequests()
		_, err := c.UpdateCustomer(ctx, id, api.UpdateCustomerRequest{}, wrapper.WithBranchCode("blr1"))
		var ve *wrapper.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, []api.Violation{{Field: "branchCode", Rule: "pattern ^[A-Z]{3}$"}}, ve.Violations)
		_, err = c.DeleteCustomer(ctx, id, wrapper.WithBranchCode("BLR"))
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, []api.Violation{{Field: "branchCode", Rule: "not a parameter of deleteCustomer"}}, ve.Violations)
		assert.Empty(t, srv.Requests())
	})
	t.Run("a newly valid customerId is accepted", func(t *testing.T) {
		const longID = "KCDEMO000000000199"
		require.True(t, srv.PutCustomer(api.CustomerResponse{CustomerId: longID, LegalName: "Long Id Ltd"}))
		var u api.UpdateCustomerRequest
		u.GstState.Set("07")
		cust, err := c.UpdateCustomer(ctx, longID, u)
		require.NoError(t, err)
		assert.Equal(t, longID, cust.CustomerId)
		assert.Equal(t, "07", cust.GstState)
		// activate and delete share the customerId parameter: they follow too.
		_, err = c.ActivateCustomer(ctx, longID)
		require.NoError(t, err)
		_, err = c.DeleteCustomer(ctx, longID)
		require.NoError(t, err)
		_, stored := srv.Customer(longID)
		assert.False(t, stored)
	})
	t.Run("new errorType: its sentinel matches, no other does", func(t *testing.T) {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusConflict)
			_, _ = w.Write([]byte(`{"errorResponse":{"errorType":"DUPLICATE_REQUEST","errorMessage":"sent twice"}}`))
		}))
		defer ts.Close()
		dc, err := wrapper.NewClient(ts.URL, wrapper.WithToken("drill-token-1234"))
		require.NoError(t, err)
		_, err = dc.UpdateCustomer(ctx, id, api.UpdateCustomerRequest{})
		require.ErrorIs(t, err, wrapper.ErrDuplicateRequest)
		assert.NotErrorIs(t, err, wrapper.ErrUnexpectedStatus)
		assert.Equal(t, "enkash: duplicate request", wrapper.ErrDuplicateRequest.Error())
		var ae *wrapper.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, api.ErrorTypeDuplicateRequest, ae.ErrorType)
	})
}
