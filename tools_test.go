package enkash_test

import (
	"encoding/json"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func goOutput(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("go", args...).Output()
	require.NoError(t, err, "go %s", strings.Join(args, " "))
	return string(out)
}

func lines(s string) []string {
	return slices.DeleteFunc(strings.Split(s, "\n"), func(l string) bool { return l == "" })
}

// A program that imports wrapper or wrapper/wrappertest must not get the code
// generator's modules in its go.mod. `go mod tidy` in the user's module follows
// every import of our packages under every build tag (a tools.go behind
// `//go:build tools` included), but never our go.mod's tool directives: so no
// non-test file of a package those two depend on may import a package of a
// module that only the tools need.
func TestImportersGetNoGeneratorModule(t *testing.T) {
	var mod struct{ Tool []struct{ Path string } }
	require.NoError(t, json.Unmarshal([]byte(goOutput(t, "mod", "edit", "-json")), &mod))
	require.NotEmpty(t, mod.Tool, "go.mod pins the generator with a tool directive")
	var tools []string
	for _, tl := range mod.Tool {
		tools = append(tools, tl.Path)
	}
	moduleOf := "{{with .Module}}{{.Path}}{{end}}"
	toolModules := lines(goOutput(t, append([]string{"list", "-deps", "-f", moduleOf}, tools...)...))
	userModules := lines(goOutput(t, "list", "-deps", "-f", moduleOf, "./wrapper", "./wrapper/wrappertest"))
	var generatorOnly []string
	for _, m := range toolModules {
		if !slices.Contains(userModules, m) && !slices.Contains(generatorOnly, m) {
			generatorOnly = append(generatorOnly, m)
		}
	}
	require.Contains(t, generatorOnly, "github.com/oapi-codegen/oapi-codegen/v2")
	require.Contains(t, generatorOnly, "golang.org/x/tools")

	dirs := lines(goOutput(t, "list", "-deps", "-f", "{{with .Module}}{{if .Main}}{{$.Dir}}{{end}}{{end}}", "./wrapper", "./wrapper/wrappertest"))
	require.Contains(t, dirs, strings.TrimSpace(goOutput(t, "list", "-f", "{{.Dir}}", ".")),
		"wrappertest depends on the root package (the embedded spec), where tools.go lives")
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		require.NoError(t, err)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			require.NoError(t, err)
			for _, imp := range parsed.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				for _, m := range generatorOnly {
					assert.False(t, path == m || strings.HasPrefix(path, m+"/"),
						"%s imports %s (module %s, needed only by the tools): every importer of wrapper/wrappertest would get it in go.mod", f, path, m)
				}
			}
		}
	}
}
