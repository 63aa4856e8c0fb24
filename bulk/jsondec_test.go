package bulk

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPlural(t *testing.T) {
	assert.Equal(t, "strings", plural("a string"))
	assert.Equal(t, "integers", plural("an integer"))
	assert.Equal(t, "arrays of strings", plural("an array of strings"))
	assert.Equal(t, "strings or nulls", plural("a string or null"))
}
