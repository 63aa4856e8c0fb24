package wrapper

import (
	"strconv"
	"strings"

	"github.com/enkash-oss/enkash-go/api"
)

// The spec's patterns. Matching is hand-coded below (no regexp: it would
// allocate and take microseconds); TestPatternsMatchSpec checks these strings
// against the embedded openapi.yaml, and the matchers against regexp on a
// table and on random inputs, so neither can drift.
const (
	patternCustomerID      = `^KC[A-Z0-9]{14}$`
	patternParentCompanyID = `^CEK[A-Z0-9]{7}$`
	patternMobile          = `^$|^((\+|00)(\d{1,3})[\s-]?)?(\d{10})$`
	patternReminderTime    = `^([01][0-9]|2[0-3]):[0-5][0-9]$`
	// patternEmail is kin-openapi's "email" format, the one the fake server
	// and openapi3filter apply. matchEmail accepts a stricter subset (see
	// there).
	patternEmail = `^[^@]+@[^@<>",\s]+$`
)

// Rules named in Violation.Rule.
const (
	ruleRequired = "required"
	ruleEmail    = "format email"
	ruleEnum     = "enum ONCE|RECURRING"
)

// Violation is one broken rule of a request.
type Violation struct {
	// Field is the path of the offending value, e.g. "customerId",
	// "parentCompanyId" or "customerKeyContacts[1].mobile".
	Field string
	// Rule is the rule it breaks: "required", "pattern <regexp>",
	// "format email" or "enum ONCE|RECURRING". Never the value itself.
	Rule string
}

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

func (e *ValidationError) add(field, rule string) *ValidationError {
	if e == nil {
		e = &ValidationError{}
	}
	e.Violations = append(e.Violations, Violation{Field: field, Rule: rule})
	return e
}

// ValidateUpdateCustomer checks an updateCustomer request against the spec
// without sending it: customerId and parentCompanyId patterns, and for each
// key contact name and legalName (required: an empty Go string counts as
// missing, since Go cannot tell it from unset), the mobile pattern (empty is
// allowed by the pattern) and the email format; for each reminder the
// reminderType enum and the HH:mm reminderTime. It returns nil or a
// *ValidationError listing every violation. Client.UpdateCustomer calls it
// before any I/O. A valid request costs no allocation.
func ValidateUpdateCustomer(customerID string, body api.UpdateCustomerRequest, opts ...CallOption) error {
	if err := validate(customerID, applyCallOptions(opts), &body); err != nil {
		return err
	}
	return nil
}

// validate returns nil (typed) when the request is valid.
func validate(customerID string, cs *callSettings, body *api.UpdateCustomerRequest) *ValidationError {
	var ve *ValidationError
	if !matchCustomerID(customerID) {
		ve = ve.add("customerId", "pattern "+patternCustomerID)
	}
	if cs.hasParent && !matchParentCompanyID(cs.parentCompanyID) {
		ve = ve.add("parentCompanyId", "pattern "+patternParentCompanyID)
	}
	for i, kc := range body.CustomerKeyContacts[true] {
		if kc.Name == "" {
			ve = ve.add(indexed("customerKeyContacts", i, "name"), ruleRequired)
		}
		if kc.LegalName == "" {
			ve = ve.add(indexed("customerKeyContacts", i, "legalName"), ruleRequired)
		}
		if !matchMobile(kc.Mobile) {
			ve = ve.add(indexed("customerKeyContacts", i, "mobile"), "pattern "+patternMobile)
		}
		if kc.Email != nil && !matchEmail(string(*kc.Email)) {
			ve = ve.add(indexed("customerKeyContacts", i, "email"), ruleEmail)
		}
	}
	for i, r := range body.CustomerReminders[true] {
		if r.ReminderType != nil && !r.ReminderType.Valid() {
			ve = ve.add(indexed("customerReminders", i, "reminderType"), ruleEnum)
		}
		if r.ReminderTime != nil && !matchReminderTime(*r.ReminderTime) {
			ve = ve.add(indexed("customerReminders", i, "reminderTime"), "pattern "+patternReminderTime)
		}
	}
	return ve
}

func indexed(list string, i int, field string) string {
	return list + "[" + strconv.Itoa(i) + "]." + field
}

func isUpperOrDigit(c byte) bool { return isUpper(c) || isDigit(c) }

func allUpperOrDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isUpperOrDigit(s[i]) {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// matchCustomerID matches patternCustomerID.
func matchCustomerID(s string) bool {
	return len(s) == 16 && s[0] == 'K' && s[1] == 'C' && allUpperOrDigit(s[2:])
}

// matchParentCompanyID matches patternParentCompanyID.
func matchParentCompanyID(s string) bool {
	return len(s) == 10 && s[0] == 'C' && s[1] == 'E' && s[2] == 'K' && allUpperOrDigit(s[3:])
}

// matchMobile matches patternMobile: empty, or an optional prefix ("+" or
// "00", 1–3 digits, an optional separator from \s or "-") and then exactly 10
// digits. \d and \s are ASCII classes ([0-9] and [\t\n\f\r ]), as in RE2.
func matchMobile(s string) bool {
	if s == "" {
		return true
	}
	if len(s) < 10 || !allDigits(s[len(s)-10:]) {
		return false
	}
	if len(s) == 10 {
		return true
	}
	var rest string
	switch {
	case s[0] == '+':
		rest = s[1 : len(s)-10]
	case len(s) >= 12 && s[0] == '0' && s[1] == '0':
		rest = s[2 : len(s)-10]
	default:
		return false
	}
	if n := len(rest); n > 0 {
		switch rest[n-1] {
		case ' ', '\t', '\n', '\f', '\r', '-':
			rest = rest[:n-1]
		}
	}
	return len(rest) >= 1 && len(rest) <= 3 && allDigits(rest)
}

// matchReminderTime matches patternReminderTime (HH:mm, 00:00–23:59).
func matchReminderTime(s string) bool {
	if len(s) != 5 || s[2] != ':' {
		return false
	}
	h0, h1, m0, m1 := s[0], s[1], s[3], s[4]
	if !isDigit(h1) || !isDigit(m1) || m0 < '0' || m0 > '5' {
		return false
	}
	return h0 == '0' || h0 == '1' || (h0 == '2' && h1 <= '3')
}

func isAtext(c byte) bool {
	if isAlnum(c) {
		return true
	}
	switch c {
	case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '/', '=', '?', '^', '_', '`', '{', '|', '}', '~':
		return true
	}
	return false
}

// isDotAtom reports whether s is an RFC 5322 dot-atom over ASCII atext.
func isDotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '.' {
			if s[i-1] == '.' {
				return false
			}
			continue
		}
		if !isAtext(c) {
			return false
		}
	}
	return true
}

// matchEmail accepts a bare address local@domain where both parts are ASCII
// dot-atoms (no display name, quoted local part or domain literal). That is
// a subset of both patternEmail and what net/mail.ParseAddress (used by the
// generated Email type when marshalling) accepts unchanged, so a body that
// passes validation always marshals, and marshals as written.
func matchEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || len(s) > 254 {
		return false
	}
	return isDotAtom(s[:at]) && isDotAtom(s[at+1:])
}
