//go:build tools

// This file pins the code generator in go.mod, so `go generate` runs the
// exact version the committed code was generated with.
package enkash

import (
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
)
