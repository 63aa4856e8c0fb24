package wrapper

import (
	"context"
	"net/http"

	"github.com/enkash-oss/enkash-go/api"
)

// ActivateCustomer sends PUT /api/v0/customer/activate/{customerID}; it returns the payload, an
// object Enkash does not document. Validation, errors, retries and call options are UpdateCustomer's.
func (c *Client) ActivateCustomer(ctx context.Context, customerID string, opts ...CallOption) (map[string]any, error) {
	cs := applyCallOptions(opts)
	params, vs := cs.query.activateCustomerParams()
	if vs = append(vs, api.ValidateActivateCustomer(customerID, params)...); vs != nil {
		return nil, &ValidationError{Violations: vs}
	}
	p, err := invoke(ctx, c, "activateCustomer", noBody, func(ctx context.Context, _ *bodyReader) (*http.Response, error) {
		return c.gen.ActivateCustomer(ctx, customerID, params)
	}, func(e *api.ActivateCustomerResponseEnvelope) envelope[map[string]any] {
		return envelope[map[string]any]{e.Payload, e.ErrorResponse, e.ResponseCode, e.ResponseMessage}
	}, anyPayload, cs)
	return payloadValue(p), err
}

// DeleteCustomer sends DELETE /api/v0/customer/{customerID}; it returns the payload, Enkash's
// message. Validation, errors, retries and call options are UpdateCustomer's.
func (c *Client) DeleteCustomer(ctx context.Context, customerID string, opts ...CallOption) (string, error) {
	cs := applyCallOptions(opts)
	params, vs := cs.query.deleteCustomerParams()
	if vs = append(vs, api.ValidateDeleteCustomer(customerID, params)...); vs != nil {
		return "", &ValidationError{Violations: vs}
	}
	p, err := invoke(ctx, c, "deleteCustomer", noBody, func(ctx context.Context, _ *bodyReader) (*http.Response, error) {
		return c.gen.DeleteCustomer(ctx, customerID, params)
	}, func(e *api.DeleteCustomerResponseEnvelope) envelope[string] {
		return envelope[string]{e.Payload, e.ErrorResponse, e.ResponseCode, e.ResponseMessage}
	}, anyPayload, cs)
	return payloadValue(p), err
}

// Shared by every operation without a request body or a payload to check.

func noBody(b []byte) ([]byte, error) { return b, nil }

func anyPayload[P any](*P) error { return nil }

func payloadValue[P any](p *P) (v P) {
	if p != nil {
		v = *p
	}
	return v
}
