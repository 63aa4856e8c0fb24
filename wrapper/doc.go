// Package wrapper is the Go client for Enkash's customer API: UpdateCustomer,
// ActivateCustomer and DeleteCustomer. Every request goes through the client
// generated in package api; wrapper adds local validation, typed errors,
// authentication, retries and safe logging, and knows no field by name.
//
//	c, err := wrapper.NewClient("https://api.example", wrapper.WithToken(tok))
//	var u api.UpdateCustomerRequest
//	u.LegalName.Set("Acme Traders Pvt Ltd") // value  -> set
//	u.Address.SetNull()                     // null   -> clear
//	                                        // absent -> unchanged
//	cust, err := c.UpdateCustomer(ctx, "KCABCDEFGH123456", u,
//		wrapper.WithParentCompanyID("CEKACME001"))
//
// Every field of api.UpdateCustomerRequest is a nullable.Nullable[T]: left
// alone it is absent from the JSON and Enkash keeps the stored value; SetNull
// clears it; Set replaces it. customerKeyContacts and customerReminders
// replace the whole list.
//
// A call is retried only when the request provably was not processed (see
// RetryPolicy): an update whose outcome is unknown is returned as an error
// matching ErrOutcomeUnknown, never sent again behind the caller's back. A
// request that breaks the spec returns a *ValidationError before any I/O;
// every unsuccessful response is an *APIError, matched with errors.Is against
// one sentinel per Enkash errorType or, without an envelope, per HTTP status.
// A 2xx whose envelope carries errorResponse or no payload is an error too;
// response_code alone never decides (Enkash does not document its values).
//
// Tokens, credentials and bodies are never logged or put in errors; every
// error text and log attribute passes one redaction pass (the client's own
// secrets in every encoding it sent them, the properties openapi.yaml marks
// x-pii or x-secret, then heuristics). The ErrorMessage and ResponseMessage
// fields of an APIError keep the server's words (with the client's secrets
// masked), so log the error, not those fields.
package wrapper
