// Package api is the Enkash updateCustomer API (PATCH
// /api/v0/customer/{customerId}) and its token endpoint (POST /oauth/token) as
// Go types, an HTTP client and a server interface, generated from the
// module's openapi.yaml by oapi-codegen (the version pinned in go.mod, the
// options in api/oapi-codegen.yaml).
//
// The generated file api.gen.go is never edited by hand: change openapi.yaml
// and run `go generate ./...` (make generate); `make check-generated` fails
// when the committed code differs from what the spec generates. This file,
// doc.go, is the only hand-written file in the package.
//
// Body fields of UpdateCustomerRequest are nullable.Nullable values: unset is
// absent on the wire (leave unchanged), SetNull sends null (clear), Set sends
// a value. Most applications use package wrapper, which adds validation,
// typed errors, auth and retries on top of these types.
package api
