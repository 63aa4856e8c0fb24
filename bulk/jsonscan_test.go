package bulk

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecoder_SkipBoundsDepth(t *testing.T) {
	d := decoder{data: []byte(strings.Repeat("[", maxDepth+2))}
	err := d.skip(0)
	require.NotNil(t, err)
	msg := err.problem(0).String()
	assert.True(t, strings.HasPrefix(msg, "[0][0][0]"), msg)
	assert.True(t, strings.HasSuffix(msg, "]: invalid JSON at column 1002: nested too deeply"), msg)
	assert.Less(t, len(msg), maxPath+100)
}

func TestDecoder_SkipRefusesDuplicatesAndInvalidUTF8(t *testing.T) {
	for in, want := range map[string]string{
		`{"a":1,"a":2}`:           `"a": duplicate key`,
		`[{"b":[{"a":1,"a":2}]}]`: `[0]."b"[0]."a": duplicate key`,
		"[\"\xff\"]":              "[0]: invalid UTF-8",
		`[1,true,null,"x",{}]`:    "",
	} {
		d := decoder{data: []byte(in)}
		err := d.skip(0)
		if want == "" {
			assert.Nil(t, err, in)
			continue
		}
		require.NotNil(t, err, in)
		assert.Equal(t, want, err.problem(0).String(), in)
	}
}
