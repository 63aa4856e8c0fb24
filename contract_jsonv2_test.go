//go:build goexperiment.jsonv2

package enkash_test

import (
	jsonv1 "encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
)

// Under the encoding/json v2 engine (GOEXPERIMENT=jsonv2 on Go 1.26, the
// default from Go 1.27) the v1 API (encoding/json) must keep an unset Nullable
// absent and a null one null. The tri-state table runs under this engine too
// (make test-jsonv2, make test-go127); this file only compiles there.
//
// It also pins why the SDK never calls encoding/json/v2 directly on request
// bodies: v2's omitempty drops any field that encodes as null, so a "clear
// this field" PATCH would silently become "leave it unchanged". The direct
// call goes through jsonv2Marshal (contract_jsonv2_go126_test.go,
// contract_jsonv2_go127_test.go): go.mod says go 1.26, and Go 1.27 allows
// encoding/json/v2 only in files whose language version is 1.27.
func TestWireJSONv2EngineKeepsAbsentFieldsAbsent(t *testing.T) {
	var req api.UpdateCustomerRequest
	req.LegalName.Set("Acme Traders Pvt Ltd")
	req.Address.SetNull()

	got, err := jsonv1.Marshal(req)
	require.NoError(t, err)
	assert.Equal(t, `{"address":null,"legalName":"Acme Traders Pvt Ltd"}`, string(got), "encoding/json on the v2 engine")

	direct, err := jsonv2Marshal(req)
	require.NoError(t, err)
	assert.Equal(t, `{"legalName":"Acme Traders Pvt Ltd"}`, string(direct), "json/v2 called directly loses the null")
}
