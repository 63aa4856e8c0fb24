package wrapper

import "github.com/enkash-oss/enkash-go/api"

// CallOption configures one call.
type CallOption func(*callSettings)

type callSettings struct {
	parentCompanyID *string
}

// WithParentCompanyID sends the parentCompanyId query parameter (checked
// against the spec's pattern before sending).
func WithParentCompanyID(id string) CallOption {
	return func(cs *callSettings) { cs.parentCompanyID = &id }
}

// noCallOptions is shared, read-only, by calls without options: passing a
// local to the option funcs would make it escape (one allocation per call).
var noCallOptions callSettings

func applyCallOptions(opts []CallOption) *callSettings {
	if len(opts) == 0 {
		return &noCallOptions
	}
	cs := new(callSettings)
	for _, o := range opts {
		if o != nil {
			o(cs)
		}
	}
	return cs
}

// updateCustomerParams returns the generated query parameters, nil when
// there are none.
func (cs *callSettings) updateCustomerParams() *api.UpdateCustomerParams {
	if cs.parentCompanyID == nil {
		return nil
	}
	return &api.UpdateCustomerParams{ParentCompanyId: cs.parentCompanyID}
}
