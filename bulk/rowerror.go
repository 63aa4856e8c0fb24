package bulk

import "strconv"

// Problem is one reason a row or a body is invalid: where and which rule,
// never the value (values may be personal data).
type Problem struct {
	// Field is the path of the offending value, as the generated validator
	// names it ("legalName", "customerKeyContacts[0].mobile", "customerId"),
	// or "" when the problem is the row or body as a whole (a JSON syntax
	// error, trailing data, an unknown field).
	Field string
	// Rule is the rule it breaks: a spec rule from the generated validator
	// ("pattern ^KC[A-Z0-9]{14}$", "required", …) or a rule of the input
	// format ("invalid UTF-8", "duplicate key", "must be a string", …).
	Rule string
}

// String returns "field: rule", or the rule alone when Field is empty.
func (p Problem) String() string {
	if p.Field == "" {
		return p.Rule
	}
	return p.Field + ": " + p.Rule
}

// RowError is an invalid row: it does not parse, or it breaks the spec. The
// reader goes on with the next row after it.
type RowError struct {
	// Line is the 1-based line of the input where the row starts.
	Line int
	// CustomerID is the row's customer, or "" when the id itself breaks the
	// spec (it might then be anything, personal data included: never echo
	// it) or was not read.
	CustomerID string
	// Problems lists why the row is invalid; it has at least one element.
	Problems []Problem
}

// Error returns "line N: field: rule; field: rule".
func (e *RowError) Error() string {
	b := make([]byte, 0, 64)
	b = append(b, "line "...)
	b = strconv.AppendInt(b, int64(e.Line), 10)
	b = append(b, ": "...)
	for i, p := range e.Problems {
		if i > 0 {
			b = append(b, "; "...)
		}
		b = append(b, p.String()...)
	}
	return string(b)
}

// DecodeError is why DecodeUpdate refused a body.
type DecodeError struct {
	// Line is the 1-based line of the body where the problem was found.
	Line int
	Problem
}

// Error returns "line N: field: rule".
func (e *DecodeError) Error() string {
	return "line " + strconv.Itoa(e.Line) + ": " + e.Problem.String()
}
