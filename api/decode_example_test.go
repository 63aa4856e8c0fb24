package api_test

import (
	"errors"
	"fmt"

	"github.com/enkash-oss/enkash-go/api"
)

// DecodeJSON decodes a response body as json.Unmarshal would (a duplicate
// key's last value wins, keys match case-insensitively, money stays exact),
// and its errors name the property, never the value.
func ExampleCustomerResponseEnvelope_DecodeJSON() {
	body := []byte(`{"payload":{"customerId":"KCABCDEFGH123456","LegalName":"Acme","netAmount":12345678.91,"unknown":[1]}}`)
	var env api.CustomerResponseEnvelope
	if err := env.DecodeJSON(body); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(env.Payload.CustomerId, env.Payload.LegalName, env.Payload.NetAmount)

	err := env.DecodeJSON([]byte(`{"payload":{"customerReminders":[{"dueDateDifference":"7"}]}}`))
	var de *api.DecodeError
	fmt.Println(errors.As(err, &de), de.Path)
	fmt.Println(err)
	// Output:
	// KCABCDEFGH123456 Acme 12345678.91
	// true payload.customerReminders[0].dueDateDifference
	// invalid JSON at payload.customerReminders[0].dueDateDifference: JSON string where integer belongs
}

// DecodeJSONString decodes a body already held in a string without copying
// it: the decoded strings are substrings of body.
func ExampleCustomerResponseEnvelope_DecodeJSONString() {
	body := `{"payload":{"customerId":"KCABCDEFGH123456","legalName":"Acme"},"response_code":0}`
	var env api.CustomerResponseEnvelope
	if err := env.DecodeJSONString(body); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(env.Payload.CustomerId, env.Payload.LegalName, *env.ResponseCode)
	// Output:
	// KCABCDEFGH123456 Acme 0
}
