package bulk

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRowError_Error(t *testing.T) {
	e := &RowError{Line: 4, CustomerID: "KCDEMO0000000001", Problems: []Problem{{Field: "legalName", Rule: "invalid UTF-8"}, {Rule: "invalid JSON at column 3: want a value"}}}
	assert.Equal(t, "line 4: legalName: invalid UTF-8; invalid JSON at column 3: want a value", e.Error())
	assert.NotContains(t, e.Error(), e.CustomerID)
}
