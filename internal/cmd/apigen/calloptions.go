package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"slices"
	"strings"
)

// queryOption is one optional query parameter, shared by the operations
// that declare it under the same name: one call option sets it for all.
type queryOption struct {
	Name    string   // spec name
	Field   string   // Go field name in the operations' Params structs
	Elem    string   // the field's Go type without its pointer, e.g. api.ParentCompanyId
	Base    string   // the option's argument type, e.g. string
	Desc    string   // the spec's description
	OpIDs   []string // the operations that take it
	OptName string   // e.g. WithParentCompanyID
}

// genCallOptions writes package wrapper's calloptions.gen.go: a With…
// call option per optional query parameter, the queryParams struct the
// options fill (embedded in wrapper's callSettings) and, per operation with
// query parameters, the method that builds its generated Params struct and
// refuses an option the operation does not take.
func (g *generator) genCallOptions() ([]byte, error) {
	byName := map[string]*queryOption{}
	var opts []*queryOption
	for _, o := range g.ops {
		for _, p := range o.Query {
			if p.Required {
				return nil, fmt.Errorf("%s: query parameter %q is required: wrapper passes query parameters as call options, which are optional; add it to internal/cmd/apigen", o.ID, p.Name)
			}
			star, ok := p.GoType.(*ast.StarExpr)
			if !ok {
				return nil, fmt.Errorf("%s: optional query parameter %q has Go type %s, want a pointer", o.ID, p.Name, exprString(p.GoType))
			}
			elem := exprString(star.X)
			base, err := g.basicType(star.X)
			if err != nil {
				return nil, fmt.Errorf("%s: query parameter %q: %w", o.ID, p.Name, err)
			}
			if elem != base { // a type of package api
				elem = "api." + elem
			}
			q := byName[p.Name]
			if q == nil {
				q = &queryOption{Name: p.Name, Field: p.GoName, Elem: elem, Base: base, Desc: p.Schema.Description,
					OptName: "With" + goInitialisms(p.GoName)}
				byName[p.Name] = q
				opts = append(opts, q)
			}
			if q.Field != p.GoName || q.Elem != elem {
				return nil, fmt.Errorf("query parameter %q is %s %s in one operation and %s %s in %s: a call option needs one Go type", p.Name, q.Field, q.Elem, p.GoName, elem, o.ID)
			}
			q.OpIDs = append(q.OpIDs, o.ID)
		}
	}
	slices.SortFunc(opts, func(a, b *queryOption) int { return strings.Compare(a.Name, b.Name) })
	for i := 1; i < len(opts); i++ {
		if opts[i].OptName == opts[i-1].OptName {
			return nil, fmt.Errorf("query parameters %q and %q both make the call option %s", opts[i-1].Name, opts[i].Name, opts[i].OptName)
		}
	}

	var b bytes.Buffer
	header(&b, "wrapper", `"github.com/enkash-oss/enkash-go/api"`)
	writeLines(&b, "// queryParams holds the optional query parameters the call options set.", "type queryParams struct {")
	for _, q := range opts {
		fmt.Fprintf(&b, "\t%s *%s\n", q.Field, q.Elem)
	}
	writeLines(&b, "}", "")
	for _, q := range opts {
		fmt.Fprintf(&b, "// %s sends the query parameter %s", q.OptName, q.Name)
		if q.Desc != "" && q.Desc != q.Name {
			fmt.Fprintf(&b, " (%s)", strings.TrimSuffix(q.Desc, "."))
		}
		fmt.Fprintf(&b, ",\n// checked against openapi.yaml before sending. Operations that take it:\n// %s.\n// Any other operation refuses it (a *ValidationError).\n", strings.Join(q.OpIDs, ", "))
		fmt.Fprintf(&b, "func %s(v %s) CallOption {\n\tp := %s(v)\n\treturn func(cs *callSettings) { cs.query.%s = &p }\n}\n\n", q.OptName, q.Base, q.Elem, q.Field)
	}
	for _, o := range g.ops {
		if o.ParamsType == "" {
			continue
		}
		fmt.Fprintf(&b, "// %sParams builds the query parameters of %s, and a\n// violation per option set that it does not take.\n", o.ID, o.ID)
		fmt.Fprintf(&b, "func (q *queryParams) %sParams() (*api.%s, []api.Violation) {\n\tvar vs []api.Violation\n", o.ID, o.ParamsType)
		for _, q := range opts {
			if slices.Contains(q.OpIDs, o.ID) {
				continue
			}
			fmt.Fprintf(&b, "\tif q.%s != nil {\n\t\tvs = append(vs, api.Violation{Field: %s, Rule: %s})\n\t}\n", q.Field, goString(q.Name), goString("not a parameter of "+o.ID))
		}
		fmt.Fprintf(&b, "\treturn &api.%s{", o.ParamsType)
		for i, p := range o.Query {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s: q.%s", p.GoName, p.GoName)
		}
		writeLines(&b, "}, vs", "}", "")
	}
	return b.Bytes(), nil
}

// basicType returns the predeclared type under a generated type (string for
// ParentCompanyId), or an error for anything else.
func (g *generator) basicType(t ast.Expr) (string, error) {
	for range 8 {
		id, ok := t.(*ast.Ident)
		if !ok {
			break
		}
		switch id.Name {
		case "string", "bool", "int", "int32", "int64", "float32", "float64":
			return id.Name, nil
		}
		u, ok := g.pkg.Named[id.Name]
		if !ok {
			break
		}
		t = u
	}
	return "", fmt.Errorf("type %s is not a string, bool or number: add it to internal/cmd/apigen", exprString(t))
}

// goInitialisms spells a trailing Id or Url the Go way (ParentCompanyId ->
// ParentCompanyID), so that the call option reads like the rest of the API.
func goInitialisms(s string) string {
	for _, w := range []string{"Id", "Url", "Uri", "Http", "Json"} {
		if strings.HasSuffix(s, w) {
			return strings.TrimSuffix(s, w) + strings.ToUpper(w)
		}
	}
	return s
}
