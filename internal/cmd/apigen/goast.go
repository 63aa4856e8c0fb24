package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strconv"
	"strings"
)

// goField is one field of a generated struct.
type goField struct {
	Name      string   // Go name
	Type      ast.Expr // Go type
	JSON      string   // JSON name ("" for json:"-")
	OmitEmpty bool
}

// goStruct is a generated struct type.
type goStruct struct {
	Name   string
	Fields []goField
}

// goPkg is what apigen needs from oapi-codegen's output.
type goPkg struct {
	Name    string
	Structs map[string]*goStruct
	Named   map[string]ast.Expr // every named type: its underlying expression
	Funcs   map[string]*ast.FuncDecl
	Methods map[string]bool // "Recv.Method"
}

func parseGoTypes(path string) (*goPkg, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		return nil, fmt.Errorf("parsing %s: %w", path, err)
	}
	p := &goPkg{Name: f.Name.Name, Structs: map[string]*goStruct{}, Named: map[string]ast.Expr{},
		Funcs: map[string]*ast.FuncDecl{}, Methods: map[string]bool{}}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			for _, s := range d.Specs {
				ts, ok := s.(*ast.TypeSpec)
				if !ok {
					continue
				}
				p.Named[ts.Name.Name] = ts.Type
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					continue
				}
				gs := &goStruct{Name: ts.Name.Name}
				for _, fl := range st.Fields.List {
					var tag reflect.StructTag
					if fl.Tag != nil {
						v, _ := strconv.Unquote(fl.Tag.Value)
						tag = reflect.StructTag(v)
					}
					name, opts, _ := strings.Cut(tag.Get("json"), ",")
					if name == "-" {
						name = ""
					}
					for _, n := range fl.Names {
						gs.Fields = append(gs.Fields, goField{Name: n.Name, Type: fl.Type, JSON: name,
							OmitEmpty: strings.Contains(","+opts+",", ",omitempty,")})
					}
				}
				p.Structs[gs.Name] = gs
			}
		case *ast.FuncDecl:
			if d.Recv == nil {
				p.Funcs[d.Name.Name] = d
				continue
			}
			if len(d.Recv.List) == 1 {
				t := d.Recv.List[0].Type
				if st, ok := t.(*ast.StarExpr); ok {
					t = st.X
				}
				if id, ok := t.(*ast.Ident); ok {
					p.Methods[id.Name+"."+d.Name.Name] = true
				}
			}
		}
	}
	return p, nil
}

// field returns the field of struct typ with JSON name json.
func (p *goPkg) field(typ, json string) (goField, error) {
	st, ok := p.Structs[typ]
	if !ok {
		return goField{}, fmt.Errorf("no struct type %s in the generated code", typ)
	}
	for _, f := range st.Fields {
		if f.JSON == json {
			return f, nil
		}
	}
	return goField{}, fmt.Errorf("struct %s has no field for JSON property %q", typ, json)
}

// exprString renders a type expression as Go source.
func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.StarExpr:
		return "*" + exprString(e.X)
	case *ast.ArrayType:
		return "[]" + exprString(e.Elt)
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	case *ast.IndexExpr:
		return exprString(e.X) + "[" + exprString(e.Index) + "]"
	case *ast.MapType:
		return "map[" + exprString(e.Key) + "]" + exprString(e.Value)
	case *ast.InterfaceType:
		return "interface{}"
	}
	return fmt.Sprintf("%T", e)
}
