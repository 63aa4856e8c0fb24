// Package wrappertest runs a fake Enkash Accounts Receivable server for tests,
// in the spirit of net/http/httptest.
//
// NewServer starts an httptest.Server that speaks the contract in openapi.yaml:
// PATCH /api/v0/customer/{customerId} (updateCustomer), PUT
// /api/v0/customer/activate/{customerId} (activateCustomer), DELETE
// /api/v0/customer/{customerId} (deleteCustomer) and POST /oauth/token
// (getAuthToken). Its URL and Token plug straight into the wrapper client:
//
//	srv := wrappertest.NewServer(wrappertest.WithDemoCustomers())
//	defer srv.Close()
//	c, _ := wrapper.NewClient(srv.URL, wrapper.WithToken(srv.Token))
//	cust, err := c.UpdateCustomer(ctx, wrappertest.DemoCustomerID, u)
//
// In tests prefer NewTestServer, which closes the server when the test ends and
// fails the test if any response the fake sent did not conform to the spec.
//
// # What the fake does with a request
//
// Every request is, in order:
//
//  1. read through a size limit (WithMaxBodyBytes, 1 MiB by default) and recorded
//     (see Server.Requests: the most recent WithRequestLogSize requests);
//  2. answered by an injected fault, if one is pending (see Server.Inject); injected
//     answers skip everything below;
//  3. authenticated and validated with kin-openapi's openapi3filter.ValidateRequest
//     against the spec embedded in the module root (enkash.OpenAPISpec). A missing, unknown or
//     expired bearer token gives 401 UNAUTHORIZED; any other violation (a path
//     customerId that does not match ^KC[A-Z0-9]{14}$, a bad mobile number, an
//     unknown body property, an object where a string belongs, …) gives 400
//     VALIDATION_ERROR with one apiSubErrors entry per problem, naming the field
//     (customerKeyContacts[0].mobile) and the rule;
//  4. routed by the std-http handler generated in package api (api.HandlerWithOptions)
//     to this package's api.ServerInterface implementation. A method or path that
//     router has no operation for is answered in the error envelope too, as
//     Spring's exception handler would: an undeclared method on a spec path gets
//     405 CLIENT_REQUEST_ERROR with the router's Allow header, any other path 404
//     RECORD_NOT_FOUND (not a spec operation, so neither is validated or checked
//     against the spec);
//  5. answered, after the response itself has been validated with
//     openapi3filter.ValidateResponse. A response that breaks the spec is still sent,
//     but recorded in Server.SpecViolations (NewTestServer fails the test with it).
//
// The fake itself lives in the module's internal/fake, which links neither
// package testing nor kin-openapi; this package adds steps 3 and 5. The CLI's
// embedded sandbox runs it without them: there the generated validators
// (api.ValidateUpdateCustomer and the others) and a bearer check refuse the
// same requests with the same status, errorType and fields, and responses
// are not validated.
//
// # updateCustomer semantics
//
// Each body field is absent (left unchanged), null (cleared: the zero value, or no
// list) or a value (set). customerKeyContacts and customerReminders replace the
// stored lists wholesale; a contact or reminder without an id gets a generated one
// (KCP…, CR…), and a contact keeps its createdOn when its id was already stored.
// modifiedOn becomes the server clock's now on every successful update, even for
// an empty body.
//
// Decisions the vendor documentation leaves open:
//
//   - customerId in the body: customer ids are immutable. A body customerId equal
//     to the path id is accepted and changes nothing; a different one, or null, is
//     rejected with 422 UNPROCESSABLE_REQUEST and a sub-error for field customerId.
//   - parentCompanyId query parameter: when given, it must equal the stored
//     customer's parentCompanyId, otherwise the answer is 404 RECORD_NOT_FOUND (the
//     customer does not exist under that parent company).
//   - The order of checks is: fault, authentication (401), validation (400),
//     existence and parentCompanyId (404), body customerId (422).
//   - Envelope: a success is 200 {"payload": <customer>, "response_code": 0,
//     "response_message": "SUCCESS"}; a failure is {"errorResponse": {...},
//     "response_code": <HTTP status>, "response_message": "FAILURE"}. Error
//     timestamps are "2006-01-02 15:04:05" in India Standard Time (+05:30); every
//     response carries the requestId also as the X-Request-Id header.
//   - apiSubErrors never echo the rejected value (rejectedValue is omitted), so
//     personal data sent by a client does not travel back into error messages.
//
// # activateCustomer and deleteCustomer
//
// Both find the customer as updateCustomer does (404 RECORD_NOT_FOUND for an
// unknown id, or one under another parentCompanyId). Activation sets the
// stored customer's active flag (when the customer schema has one), moves
// modifiedOn and answers with the customer as the payload, which the spec
// leaves an untyped object. Deletion removes the customer from the store and
// answers with the string payload "Customer <id> deleted".
//
// # Tokens
//
// The server accepts its static Token (WithToken, "test-token" by default) and any
// token issued by POST /oauth/token until it expires by the server clock
// (WithTokenTTL, WithClock). The token endpoint takes the password grant: form
// fields username, password, grant_type=password and optional clientId, and HTTP
// Basic clientId:clientSecret (WithCredentials; DefaultClientID and friends by
// default). Answers are snake_case (access_token, expires_in) unless
// WithCamelCaseTokens is given. Bad client credentials give 401 invalid_client,
// bad user credentials 401 invalid_grant. Server.ExpireTokens revokes every issued
// token so a client's refresh-on-401 path can be exercised.
//
// # Faults
//
// Server.Inject queues a Fault that answers the next Times matching requests with a
// given status, body, Content-Type, Retry-After and delay, or closes (resets) the
// connection, or trickles the body. Delays end early when the client gives up or
// the server is closed, so tests neither hang nor leak goroutines.
//
// ErrorFault builds a Fault carrying Enkash's error envelope (any errorType,
// message and sub-errors, with the request's requestId and an IST timestamp
// filled in like the fake's own errors), so testing how code handles, say, a
// server-side VALIDATION_ERROR needs no hand-written JSON:
//
//	srv.Inject(wrappertest.ErrorFault(400, api.ErrorTypeValidationError, "Request validation failed",
//		wrappertest.SubError{Field: "legalName", Message: "must not be blank", RejectedValue: ""}))
//
// # Request log
//
// Server.Requests returns the requests received (the WithRequestLogSize most recent,
// DefaultRequestLogSize by default), with their headers and body bytes.
// The recorded headers include Authorization unredacted so tests can assert on it;
// RecordedRequest.String and the server's log output redact it.
package wrappertest
