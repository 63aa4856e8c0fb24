package bulk

import (
	"strconv"
	"strings"
)

// Interim copy of the RowError of the agreed API (/work/coord/API.md), owned
// by branch wt-input: this file is deleted when that branch is merged.

// RowError is an invalid row: a parse error or a spec violation.
type RowError struct {
	Line       int
	CustomerID string    // "" when the id itself breaks the spec (never echo it)
	Problems   []Problem // at least one
}

// Problem is one reason a row is invalid: the field and the rule it breaks.
type Problem struct{ Field, Rule string }

func (e *RowError) Error() string {
	var b strings.Builder
	b.WriteString("line ")
	b.WriteString(strconv.Itoa(e.Line))
	b.WriteString(": ")
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		if p.Field != "" {
			b.WriteString(p.Field)
			b.WriteString(": ")
		}
		b.WriteString(p.Rule)
	}
	return b.String()
}
