package wrapper

import (
	"strings"

	"github.com/enkash-oss/enkash-go/api"
)

// ValidationError lists every rule a request breaks. It is returned before
// any I/O and matches ErrValidation with errors.Is. Its text names fields and
// rules only, never values (they may be personal data).
type ValidationError struct {
	// Violations are the broken rules, in the order they were found; a
	// returned ValidationError has at least one. Each names the path of the
	// offending value (e.g. "customerKeyContacts[1].mobile") and the rule as
	// openapi.yaml states it, never the value.
	Violations []api.Violation
}

// Error lists the violations.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		parts[i] = v.Field + ": " + v.Rule
	}
	return "enkash: invalid request: " + strings.Join(parts, "; ")
}

// Is makes errors.Is(err, ErrValidation) hold.
func (e *ValidationError) Is(target error) bool { return target == ErrValidation }

// ValidateUpdateCustomer checks an updateCustomer request against
// openapi.yaml without sending it, with the validator generated from the
// spec (api.ValidateUpdateCustomer): the customerId and parentCompanyId
// patterns and, in the body, every pattern, required property, enum, format
// and length the spec declares, nested key contacts and reminders included,
// and that every string is valid UTF-8. A required Go string that is empty
// counts as missing, unless the spec's pattern accepts the empty string. It
// returns nil or a *ValidationError listing every violation.
// Client.UpdateCustomer calls it before any I/O. A valid request costs no
// allocation.
func ValidateUpdateCustomer(customerID string, body api.UpdateCustomerRequest, opts ...CallOption) error {
	if vs := api.ValidateUpdateCustomer(customerID, applyCallOptions(opts).updateCustomerParams(), &body); vs != nil {
		return &ValidationError{Violations: vs}
	}
	return nil
}
