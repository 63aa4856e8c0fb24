package main

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// genSensitive writes sensitive.gen.go: the JSON property names that the
// spec marks as personal data (x-pii: true) or as secrets (x-secret: true,
// or format: password), found in every schema of the document.
func (g *generator) genSensitive() ([]byte, error) {
	pii, secret := map[string]bool{}, map[string]bool{}
	seen := map[*openapi3.Schema]bool{}
	var walk func(r *openapi3.SchemaRef)
	walk = func(r *openapi3.SchemaRef) {
		if r == nil || r.Value == nil || seen[r.Value] {
			return
		}
		s := r.Value
		seen[s] = true
		for name, p := range s.Properties {
			if p.Value == nil {
				continue
			}
			if isTrue(p.Value.Extensions["x-pii"]) {
				pii[name] = true
			}
			if isTrue(p.Value.Extensions["x-secret"]) || p.Value.Format == "password" {
				secret[name] = true
			}
			walk(p)
		}
		walk(s.Items)
		walk(s.Not)
		if s.AdditionalProperties.Schema != nil {
			walk(s.AdditionalProperties.Schema)
		}
		for _, l := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf, s.AllOf} {
			for _, x := range l {
				walk(x)
			}
		}
	}
	for _, name := range sortedKeys(g.doc.Components.Schemas) {
		walk(g.doc.Components.Schemas[name])
	}
	for _, path := range g.doc.Paths.InMatchingOrder() {
		for _, op := range g.doc.Paths.Value(path).Operations() {
			for _, p := range op.Parameters {
				if p.Value != nil {
					if isTrue(p.Value.Extensions["x-pii"]) {
						pii[p.Value.Name] = true
					}
					walk(p.Value.Schema)
				}
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, c := range op.RequestBody.Value.Content {
					walk(c.Schema)
				}
			}
			for _, r := range op.Responses.Map() {
				if r.Value != nil {
					for _, c := range r.Value.Content {
						walk(c.Schema)
					}
				}
			}
		}
	}
	var b bytes.Buffer
	header(&b, g.pkg.Name, `"strings"`)
	list := func(doc, name string, m map[string]bool) {
		keys := sortedKeys(m)
		b.WriteString(doc)
		fmt.Fprintf(&b, "var %s = [...]string{", name)
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Quote(k))
		}
		b.WriteString("}\n\n")
	}
	list("// personalData are the properties openapi.yaml marks `x-pii: true`.\n", "personalData", pii)
	list("// secrets are the properties openapi.yaml marks `x-secret: true` or\n// `format: password`.\n", "secrets", secret)
	b.WriteString(sensitiveRuntime)
	return b.Bytes(), nil
}

func isTrue(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case string:
		return strings.EqualFold(v, "true")
	}
	return false
}

const sensitiveRuntime = `// PersonalDataProperties returns the JSON property names that openapi.yaml
// marks as personal data (x-pii: true), sorted. Their values are never
// printed by this SDK.
func PersonalDataProperties() []string { return append([]string(nil), personalData[:]...) }

// SecretProperties returns the JSON property names that openapi.yaml marks
// as secrets (x-secret: true, or format: password), sorted.
func SecretProperties() []string { return append([]string(nil), secrets[:]...) }

// IsPersonalDataProperty reports whether name, compared without regard to
// case, is a property that openapi.yaml marks as personal data.
func IsPersonalDataProperty(name string) bool { return inFold(personalData[:], name) }

// IsSecretProperty reports whether name, compared without regard to case,
// is a property that openapi.yaml marks as a secret.
func IsSecretProperty(name string) bool { return inFold(secrets[:], name) }

func inFold(list []string, name string) bool {
	for _, s := range list {
		if strings.EqualFold(s, name) {
			return true
		}
	}
	return false
}
`
