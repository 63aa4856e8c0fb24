// Package wrapper is the Go client for Enkash's updateCustomer API
// (PATCH /api/v0/customer/{customerId}). It wraps the types generated in
// package api with local validation, typed errors, authentication, retries
// and safe logging.
//
//	c, err := wrapper.NewClient("https://api.example", wrapper.WithToken(tok))
//	var u api.UpdateCustomerRequest
//	u.LegalName.Set("Acme Traders Pvt Ltd") // value  -> set
//	u.Address.SetNull()                     // null   -> clear
//	                                        // absent -> unchanged
//	cust, err := c.UpdateCustomer(ctx, "KCABCDEFGH123456", u,
//		wrapper.WithParentCompanyID("CEKACME001"))
//
// # Absent, null and value
//
// Every field of api.UpdateCustomerRequest is a nullable.Nullable[T]
// (github.com/oapi-codegen/nullable): left alone it is absent from the JSON
// and Enkash keeps the stored value; SetNull sends null and clears it; Set
// sends the value and replaces it. customerKeyContacts and customerReminders
// replace the whole list.
//
// # Retries never lose an update
//
// A call is retried automatically only when the request provably was not
// processed: the connection failed before any byte was sent (DNS, dial,
// proxy), or Enkash answered 429 or 503 (Retry-After honoured), with capped
// exponential backoff and full jitter; see RetryPolicy. Anything else — a
// reset or timeout after the request was sent, 502 or 504 from a gateway, a
// 2xx whose body broke off — may have been applied: it is returned at once as
// an error matching ErrOutcomeUnknown. The body's absolute values make a
// PATCH repeatable, but not safe to repeat blindly: with another writer in
// between, a retry would overwrite the newer value. Callers who accept that
// the last writer wins set RetryPolicy.RetryUnknownOutcome. A done context
// stops a call at once.
//
// # Errors
//
// A request that breaks the spec returns a *ValidationError before any I/O.
// Every unsuccessful response is an *APIError; errors.Is matches it against
// one sentinel per Enkash errorType (ErrNotFound for RECORD_NOT_FOUND,
// ErrUnauthorized, ErrValidation, …) or, without an envelope, by HTTP status;
// ErrServer matches any 5xx. A 200 whose envelope carries errorResponse, or
// has no payload, is an error too. A non-zero response_code alone is not:
// Enkash does not document its values.
//
// Enkash error timestamps ("yyyy-MM-dd HH:mm:ss") carry no zone; they are
// read as India Standard Time (UTC+05:30, a fixed zone, so no tzdata is
// needed) into APIError.Timestamp, and kept verbatim in RawTimestamp.
//
// # Privacy
//
// Tokens, credentials and request bodies are never logged or put in errors;
// of a response body, an APIError keeps at most a short, masked Snippet.
// Every error text and log attribute passes one redaction pass: the exact
// secrets the client sent, in every encoding it sent them; then the values of
// the properties openapi.yaml marks x-pii or x-secret; then heuristics for
// e-mail addresses, long digit runs and PAN/GSTIN/IFSC shapes. Personal data
// never appears in a ValidationError. The ErrorMessage and ResponseMessage
// fields of an APIError keep the server's words (with the client's secrets
// masked), so log the error, not those fields.
package wrapper
