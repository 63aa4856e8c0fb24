package wrapper

// CallOption configures one UpdateCustomer call.
type CallOption func(*callSettings)

type callSettings struct {
	parentCompanyID string
	hasParent       bool
}

// WithParentCompanyID sends the parentCompanyId query parameter, which must
// match ^CEK[A-Z0-9]{7}$ (checked locally before sending).
func WithParentCompanyID(id string) CallOption {
	return func(cs *callSettings) {
		cs.parentCompanyID = id
		cs.hasParent = true
	}
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
