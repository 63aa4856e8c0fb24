package wrapper

import (
	"strings"

	"github.com/enkash-oss/enkash-go/api"
)

// Violation is one broken rule of a request: the path of the offending value
// (e.g. "customerId", "parentCompanyId" or "customerKeyContacts[1].mobile")
// and the rule, as openapi.yaml states it ("required", "pattern <regexp>",
// "format email", "enum ONCE|RECURRING", "utf-8", …). Never the value
// itself. The checks are generated from the spec (api/validate.gen.go).
type Violation = api.Violation

// ValidationError lists every rule a request breaks. It is returned before
// any I/O and matches ErrValidation with errors.Is. Its text names fields and
// rules only, never values (they may be personal data).
type ValidationError struct {
	// Violations are the broken rules, in the order they were found; a
	// returned ValidationError has at least one.
	Violations []Violation
}

// Error lists the violations.
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("enkash: invalid request: ")
	for i, v := range e.Violations {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(v.Field)
		b.WriteString(": ")
		b.WriteString(v.Rule)
	}
	return b.String()
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
	params, vs := applyCallOptions(opts).query.updateCustomerParams()
	if vs = append(vs, api.ValidateUpdateCustomer(customerID, params, &body)...); vs != nil {
		return &ValidationError{Violations: vs}
	}
	return nil
}
