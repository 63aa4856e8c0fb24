// Package enkash is the root of the Enkash Accounts Receivable SDK for Go.
//
// The contract lives in openapi.yaml. Package api is generated from it with
// oapi-codegen (never edit it by hand); package wrapper is the small,
// hand-written client that applications import.
//
// Regenerate after changing openapi.yaml:
//
//	go generate ./...
package enkash

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config api/oapi-codegen.yaml openapi.yaml
