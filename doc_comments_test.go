package enkash_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestExportedNamesHaveDocComments enforces the project rule that every
// exported name in hand-written code has a doc comment (generated api/ is
// the generator's business).
func TestExportedNamesHaveDocComments(t *testing.T) {
	var missing []string
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (path == "api" || strings.HasPrefix(d.Name(), ".") && path != ".") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		missing = append(missing, undocumented(fset, f)...)
		return nil
	})
	require.NoError(t, err)
	assert.Empty(t, missing, "exported names without a doc comment")

	// The check itself must be able to fail.
	f, err := parser.ParseFile(fset, "x.go", "package x\nfunc Exported() {}\n// Documented is.\nfunc Documented() {}\n", parser.ParseComments)
	require.NoError(t, err)
	assert.Len(t, undocumented(fset, f), 1)

	// Exported fields of exported struct types need a doc or line comment;
	// unexported fields, embedded fields and unexported types are exempt.
	f, err = parser.ParseFile(fset, "y.go", `package y
// T is documented.
type T struct {
	Bare int
	// Doc is documented.
	Doc int
	Line int // Line is documented.
	hidden int
	Embedded
}
// Embedded is documented.
type Embedded struct{}
type unexported struct{ Bare int }
`, parser.ParseComments)
	require.NoError(t, err)
	got := undocumented(fset, f)
	require.Len(t, got, 1)
	assert.Contains(t, got[0], "T.Bare")
}

func undocumented(fset *token.FileSet, f *ast.File) []string {
	var out []string
	report := func(pos token.Pos, name string) {
		out = append(out, fset.Position(pos).String()+": "+name)
	}
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			if !d.Name.IsExported() || d.Doc != nil {
				continue
			}
			if d.Recv != nil && !receiverExported(d.Recv) {
				continue
			}
			report(d.Pos(), d.Name.Name)
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				switch s := spec.(type) {
				case *ast.TypeSpec:
					if s.Name.IsExported() && s.Doc == nil && d.Doc == nil {
						report(s.Pos(), s.Name.Name)
					}
					if st, ok := s.Type.(*ast.StructType); ok && s.Name.IsExported() {
						for _, field := range st.Fields.List {
							if field.Doc != nil || field.Comment != nil {
								continue
							}
							for _, n := range field.Names {
								if n.IsExported() {
									report(n.Pos(), s.Name.Name+"."+n.Name)
								}
							}
						}
					}
				case *ast.ValueSpec:
					for _, n := range s.Names {
						if n.IsExported() && s.Doc == nil && d.Doc == nil && s.Comment == nil {
							report(n.Pos(), n.Name)
						}
					}
				}
			}
		}
	}
	return out
}

func receiverExported(recv *ast.FieldList) bool {
	if len(recv.List) == 0 {
		return false
	}
	typ := recv.List[0].Type
	if star, ok := typ.(*ast.StarExpr); ok {
		typ = star.X
	}
	if idx, ok := typ.(*ast.IndexExpr); ok {
		typ = idx.X
	}
	id, ok := typ.(*ast.Ident)
	return ok && id.IsExported()
}
