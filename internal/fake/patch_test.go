package fake

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/enkash-oss/enkash-go/api"
)

// TestPatchFieldsFollowGeneratedTypes pins, for the vendor's documented
// fields, which body properties the fake copies generically (same JSON name
// and type in the body and the customer): the ten strings, branchCodes and
// customerId. The two DTO lists have response types of their own.
func TestPatchFieldsFollowGeneratedTypes(t *testing.T) {
	bt := reflect.TypeFor[api.UpdateCustomerRequest]()
	var names []string
	for _, p := range patchFields() {
		names = append(names, jsonName(bt.Field(p[0])))
	}
	assert.Equal(t, []string{"accountNumber", "address", "assignedAgent", "branchCodes", "contactNumber", "customerId",
		"ifsc", "legalName", "panOrGstin", "pinCode", "state", "uniqueRefNo"}, names)
}
