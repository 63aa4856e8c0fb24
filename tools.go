// Tools this module's generation needs are pinned in go.mod, not here.
//
// go.mod's tool directive (Go 1.24+) records the code generator:
//
//	tool github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen
//
// so `go tool oapi-codegen` (used by the go:generate lines in gen.go) runs the
// exact version the committed code in api/ was generated with, and
// `go get -tool <module>/cmd/<name>@<version>` adds or upgrades a tool.
//
// This file used to import the generator under a "tools" build tag. That put
// oapi-codegen, golang.org/x/tools and about fifteen more modules into the
// go.mod of every program that imports wrapper/wrappertest (which imports
// this package for the embedded spec): `go mod tidy` follows imports under
// every build tag, but never a dependency's tool directives. Keep it import-free.

package enkash
