// Package enkash is the root of the Enkash Accounts Receivable SDK for Go.
//
// The contract lives in openapi.yaml. Package api is generated from it:
// oapi-codegen writes the types and the client (api.gen.go), and
// internal/cmd/apigen the request validators, body encoders, the lists of
// personal-data and secret properties and the error facts: the request-id
// header, the errorType of each bare status, the timestamp layout
// (validate.gen.go, encode.gen.go, sensitive.gen.go, errors.gen.go). Never edit them by hand; package wrapper is the small,
// hand-written client that applications import.
//
// Regenerate after changing openapi.yaml:
//
//	go generate ./...
//
// This package also embeds openapi.yaml (OpenAPISpec) for the fake server
// and the contract tests, so that programs importing api or wrapper do not
// carry the spec or a spec parser.
package enkash

import (
	"context"
	_ "embed"

	"github.com/getkin/kin-openapi/openapi3"
)

//go:generate go tool oapi-codegen -config api/oapi-codegen.yaml openapi.yaml
//go:generate go run ./internal/cmd/apigen -spec openapi.yaml -src api/api.gen.go -out api -sentinels wrapper/sentinels.gen.go

// OpenAPISpec is openapi.yaml, the contract everything in this module is
// generated from.
//
//go:embed openapi.yaml
var OpenAPISpec []byte

// LoadSpec parses and validates OpenAPISpec with kin-openapi. Each call
// returns a new document, which the caller may modify.
func LoadSpec() (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(OpenAPISpec)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, err
	}
	return doc, nil
}
