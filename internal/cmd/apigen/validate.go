package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"regexp"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// loc says where a value sits, as Go expressions for the runtime path.
type loc struct {
	parent string // *vpath expression ("nil" at the top)
	name   string // JSON name
	index  string // Go int expression, "-1" when not a list element
}

func (l loc) report(rule string) string {
	return fmt.Sprintf("vs.add(%s, %q, %s, %s)", l.parent, l.name, l.index, goString(rule))
}

// genValidate writes validate.gen.go.
func (g *generator) genValidate() ([]byte, error) {
	var body bytes.Buffer
	for _, o := range g.ops {
		if err := g.opValidator(&body, o); err != nil {
			return nil, fmt.Errorf("operation %s: %w", o.ID, err)
		}
	}
	// Struct validators, including those discovered while writing others.
	for i := 0; i < len(g.valOrder); i++ {
		typ := g.valOrder[i]
		if err := g.structValidator(&body, typ, g.validated[typ]); err != nil {
			return nil, err
		}
	}
	var b bytes.Buffer
	header(&b, g.pkg.Name, `"regexp"`, `"strconv"`, `"strings"`, `"unicode/utf8"`)
	b.WriteString(validateRuntime)
	usesRegexp := false
	for i, p := range g.patterns {
		fmt.Fprintf(&b, "// matchPattern%d reports whether s matches %s.\n", i, goString(p))
		if body, ok := fixedMatcher(p); ok {
			fmt.Fprintf(&b, "func matchPattern%d(s string) bool {\n%s\n}\n\n", i, body)
			continue
		}
		usesRegexp = true
		fmt.Fprintf(&b, "func matchPattern%d(s string) bool { return pattern%d.MatchString(s) }\n\n", i, i)
		fmt.Fprintf(&b, "var pattern%d = regexp.MustCompile(%s)\n\n", i, goString(p))
	}
	if !usesRegexp {
		b.WriteString("var _ = regexp.Compile\n\n")
	}
	b.Write(body.Bytes())
	return b.Bytes(), nil
}

func (g *generator) opValidator(b *bytes.Buffer, o operation) error {
	if params := append(append([]param{}, o.PathParams...), o.Query...); len(params) > 0 {
		fmt.Fprintf(b, "// Spec names of the parameters of %s, for code that must name them (a\n// CLI's input columns, say) without restating the spec.\nconst (\n", o.GoName)
		for _, p := range params {
			fmt.Fprintf(b, "\tParam%s%s = %q\n", o.GoName, strings.ToUpper(p.GoName[:1])+p.GoName[1:], p.Name)
		}
		b.WriteString(")\n\n")
	}
	var args, docs []string
	for _, p := range o.PathParams {
		args = append(args, p.GoName+" "+exprString(p.GoType))
	}
	if o.ParamsType != "" {
		args = append(args, "params *"+o.ParamsType)
	}
	if o.BodyType != "" {
		args = append(args, "body *"+o.BodyType)
	}
	what := "// before anything is sent: path and query parameters and the request body,"
	if o.BodyType == "" {
		what = "// before anything is sent: path and query parameters (it has no request body),"
	}
	docs = append(docs, fmt.Sprintf("// Validate%s checks the arguments of %s (%s %s) against openapi.yaml", o.GoName, o.GoName, strings.ToUpper(o.Method), o.Path),
		what,
		"// nested objects included (patterns, required properties, enums, formats,",
		"// lengths, bounds, valid UTF-8). It returns nil when they are valid, else",
		"// every violation in the order found. A valid request allocates nothing.")
	writeLines(b, docs...)
	fmt.Fprintf(b, "func Validate%s(%s) []Violation {\n", o.GoName, strings.Join(args, ", "))
	b.WriteString("\tvar vs violations\n")
	for _, p := range o.PathParams {
		if err := g.checkValue(b, p.GoName, p.GoType, p.Schema, loc{"nil", p.Name, "-1"}, true, "path parameter "+p.Name); err != nil {
			return err
		}
	}
	if o.ParamsType != "" {
		b.WriteString("\tif params != nil {\n")
		for _, p := range o.Query {
			if err := g.checkValue(b, "params."+p.GoName, p.GoType, p.Schema, loc{"nil", p.Name, "-1"}, p.Required, "query parameter "+p.Name); err != nil {
				return err
			}
		}
		b.WriteString("\t}")
		var req []string
		for _, p := range o.Query {
			if p.Required {
				req = append(req, loc{"nil", p.Name, "-1"}.report("required"))
			}
		}
		if len(req) > 0 {
			b.WriteString(" else {\n" + strings.Join(req, "\n") + "\n}")
		}
		b.WriteString("\n")
	}
	if o.BodyType != "" {
		g.needValidator(o.BodyType, o.Body)
		b.WriteString("\tif body != nil {\n\t\tbody.validate(nil, &vs)\n\t}")
		if o.BodyReq {
			b.WriteString(" else {\n" + loc{"nil", "body", "-1"}.report("required") + "\n}")
		}
		b.WriteString("\n")
	}
	b.WriteString("\treturn []Violation(vs)\n}\n\n")
	return nil
}

func (g *generator) needValidator(typ string, s *openapi3.Schema) {
	if _, ok := g.validated[typ]; !ok {
		g.validated[typ] = s
		g.valOrder = append(g.valOrder, typ)
	}
}

func (g *generator) structValidator(b *bytes.Buffer, typ string, s *openapi3.Schema) error {
	where := "schema " + typ
	if err := checkKeywords(where, s); err != nil {
		return err
	}
	fields, err := g.structProps(where, typ, s)
	if err != nil {
		return err
	}
	fmt.Fprintf(b, "// validate appends the rules x breaks to vs; p is where x sits (nil at the top).\n")
	fmt.Fprintf(b, "func (x *%s) validate(p *vpath, vs *violations) {\n", typ)
	if len(fields) == 0 {
		b.WriteString("\t_, _ = p, vs\n")
	}
	for _, f := range fields {
		ps := s.Properties[f.JSON]
		required := false
		for _, r := range s.Required {
			if r == f.JSON {
				required = true
			}
		}
		if err := g.checkValue(b, "x."+f.Name, f.Type, g.resolve(ps, where+"."+f.JSON), loc{"p", f.JSON, "-1"}, required, where+"."+f.JSON); err != nil {
			return err
		}
		if ps.Ref != "" {
			if k, _ := g.kind(f.Type); k == kStruct {
				g.needValidator(refName(ps.Ref), ps.Value)
			}
		}
	}
	b.WriteString("}\n\n")
	return nil
}

// resolve returns the schema behind r.
func (g *generator) resolve(r *openapi3.SchemaRef, where string) *openapi3.Schema {
	if r == nil {
		return nil
	}
	return r.Value
}

// checkValue writes the checks of the Go value v (type t) against schema s.
func (g *generator) checkValue(b *bytes.Buffer, v string, t ast.Expr, s *openapi3.Schema, l loc, required bool, where string) error {
	if s == nil {
		return fmt.Errorf("%s: no schema", where)
	}
	if err := checkKeywords(where, s); err != nil {
		return err
	}
	k, elem := g.kind(t)
	switch k {
	case kNullable:
		if required {
			fmt.Fprintf(b, "if !%s.IsSpecified() {\n%s\n}\n", v, l.report("required"))
		}
		if !s.Nullable {
			fmt.Fprintf(b, "if %s.IsNull() {\n%s\n}\n", v, l.report("not null"))
		}
		x := g.tmpName("v")
		var inner bytes.Buffer
		if err := g.checkValue(&inner, x, elem, s, l, false, where); err != nil {
			return err
		}
		if inner.Len() > 0 {
			fmt.Fprintf(b, "if %s, ok := %s[true]; ok && !%s.IsNull() {\n%s}\n", x, v, v, inner.String())
		}
	case kPtr:
		if required {
			fmt.Fprintf(b, "if %s == nil {\n%s\n}\n", v, l.report("required"))
		}
		var inner bytes.Buffer
		if err := g.checkValue(&inner, "(*"+v+")", elem, s, l, false, where); err != nil {
			return err
		}
		if inner.Len() > 0 {
			fmt.Fprintf(b, "if %s != nil {\n%s}\n", v, inner.String())
		}
	case kSlice:
		if s.Type != nil && !s.Type.Is("array") {
			return fmt.Errorf("%s: Go slice for a schema of type %v", where, s.Type.Slice())
		}
		if required {
			fmt.Fprintf(b, "if %s == nil {\n%s\n}\n", v, l.report("required"))
		}
		if s.MinItems > 0 {
			fmt.Fprintf(b, "if len(%s) < %d {\n%s\n}\n", v, s.MinItems, l.report("minItems "+strconv.FormatUint(s.MinItems, 10)))
		}
		if s.MaxItems != nil {
			fmt.Fprintf(b, "if len(%s) > %d {\n%s\n}\n", v, *s.MaxItems, l.report("maxItems "+strconv.FormatUint(*s.MaxItems, 10)))
		}
		if s.Items == nil {
			return fmt.Errorf("%s: array without items", where)
		}
		is := s.Items.Value
		i := g.tmpName("i")
		il := loc{l.parent, l.name, i}
		var inner bytes.Buffer
		if err := g.checkValue(&inner, v+"["+i+"]", elem, is, il, false, where+"[]"); err != nil {
			return err
		}
		if ek, _ := g.kind(elem); ek == kStruct && s.Items.Ref != "" {
			g.needValidator(refName(s.Items.Ref), is)
		}
		if inner.Len() > 0 {
			fmt.Fprintf(b, "for %s := range %s {\n%s}\n", i, v, inner.String())
		}
	case kStruct:
		typ := exprString(t)
		if s.Type != nil && !s.Type.Is("object") {
			return fmt.Errorf("%s: Go struct %s for a schema of type %v", where, typ, s.Type.Slice())
		}
		g.needValidator(typ, s)
		pv := g.tmpName("p")
		fmt.Fprintf(b, "%s := vpath{parent: %s, name: %q, index: %s}\n", pv, l.parent, l.name, l.index)
		recv := v
		if !strings.HasPrefix(v, "(*") {
			recv = "(&" + v + ")"
		} else {
			recv = strings.TrimSuffix(strings.TrimPrefix(v, "(*"), ")")
		}
		fmt.Fprintf(b, "%s.validate(&%s, vs)\n", recv, pv)
	case kString:
		return g.checkString(b, v, t, s, l, required, where)
	case kInt, kFloat:
		if s.Min != nil {
			fmt.Fprintf(b, "if float64(%s) < %v {\n%s\n}\n", v, *s.Min, l.report("minimum "+strconv.FormatFloat(*s.Min, 'g', -1, 64)))
		}
		if s.Max != nil {
			fmt.Fprintf(b, "if float64(%s) > %v {\n%s\n}\n", v, *s.Max, l.report("maximum "+strconv.FormatFloat(*s.Max, 'g', -1, 64)))
		}
		if len(s.Enum) > 0 {
			return fmt.Errorf("%s: enum on a number is not handled by apigen", where)
		}
	case kBool:
		if len(s.Enum) > 0 {
			return fmt.Errorf("%s: enum on a boolean is not handled by apigen", where)
		}
	default:
		return fmt.Errorf("%s: Go type %s is not handled by apigen", where, exprString(t))
	}
	return nil
}

func (g *generator) checkString(b *bytes.Buffer, v string, t ast.Expr, s *openapi3.Schema, l loc, required bool, where string) error {
	if s.Type != nil && !s.Type.Is("string") {
		return fmt.Errorf("%s: Go string for a schema of type %v", where, s.Type.Slice())
	}
	sv := v
	if exprString(t) != "string" {
		sv = "string(" + v + ")"
	}
	var checks bytes.Buffer
	fmt.Fprintf(&checks, "if !utf8.ValidString(%s) {\n%s\n}", sv, l.report("utf-8"))
	if s.MinLength > 0 {
		fmt.Fprintf(&checks, " else if utf8.RuneCountInString(%s) < %d {\n%s\n}", sv, s.MinLength, l.report("minLength "+strconv.FormatUint(s.MinLength, 10)))
	}
	if s.MaxLength != nil {
		fmt.Fprintf(&checks, " else if utf8.RuneCountInString(%s) > %d {\n%s\n}", sv, *s.MaxLength, l.report("maxLength "+strconv.FormatUint(*s.MaxLength, 10)))
	}
	if s.Pattern != "" {
		name, err := g.pattern(where, s.Pattern)
		if err != nil {
			return err
		}
		fmt.Fprintf(&checks, " else if !match%s(%s) {\n%s\n}", strings.ToUpper(name[:1])+name[1:], sv, l.report("pattern "+s.Pattern))
	}
	switch s.Format {
	case "email":
		fmt.Fprintf(&checks, " else if !IsEmailAddress(%s) {\n%s\n}", sv, l.report("format email"))
	}
	if len(s.Enum) > 0 {
		var vals []string
		var names []string
		for _, e := range s.Enum {
			str, ok := e.(string)
			if !ok {
				return fmt.Errorf("%s: enum value %v is not a string", where, e)
			}
			vals = append(vals, strconv.Quote(str))
			names = append(names, str)
		}
		fmt.Fprintf(&checks, " else {\nswitch %s {\ncase %s:\ndefault:\n%s\n}\n}", sv, strings.Join(vals, ", "), l.report("enum "+strings.Join(names, "|")))
	}
	checks.WriteString("\n")
	// A required Go string cannot be told from an unset one: empty counts
	// as missing, unless the spec's pattern accepts the empty string.
	emptyIsMissing := required
	if s.Pattern != "" && regexp.MustCompile(s.Pattern).MatchString("") {
		emptyIsMissing = false
	}
	if emptyIsMissing {
		fmt.Fprintf(b, "if %s == \"\" {\n%s\n} else {\n%s}\n", sv, l.report("required"), checks.String())
		return nil
	}
	b.Write(checks.Bytes())
	return nil
}

// validateRuntime is the generic part of validate.gen.go.
const validateRuntime = `// Violation is one rule a request breaks.
type Violation struct {
	// Field is the path of the offending value, e.g. "customerId" or
	// "customerKeyContacts[1].mobile".
	Field string
	// Rule is the rule it breaks, as the spec states it: "required",
	// "pattern <regexp>", "format email", "enum A|B", "minLength n",
	// "maxLength n", "minimum n", "maximum n", "minItems n", "maxItems n",
	// "not null", "utf-8" (a string that is not valid UTF-8) or, from
	// wrapper's call options, "not a parameter of <operationId>". Never the
	// value itself.
	Rule string
}

// violations collects Violations; it stays nil (no allocation) while a
// request is valid.
type violations []Violation

// vpath is where a value sits: built on the stack, turned into a string
// only for a violation.
type vpath struct {
	parent *vpath
	name   string
	index  int // -1 when the value is not a list element
}

func (p *vpath) appendTo(b []byte) []byte {
	if p == nil {
		return b
	}
	b = p.parent.appendTo(b)
	if p.parent != nil {
		b = append(b, '.')
	}
	b = append(b, p.name...)
	if p.index >= 0 {
		b = append(b, '[')
		b = strconv.AppendInt(b, int64(p.index), 10)
		b = append(b, ']')
	}
	return b
}

func (vs *violations) add(parent *vpath, name string, index int, rule string) {
	p := vpath{parent: parent, name: name, index: index}
	*vs = append(*vs, Violation{Field: string(p.appendTo(nil)), Rule: rule})
}

// IsEmailAddress reports whether s is a bare e-mail address local@domain
// whose parts are ASCII dot-atoms (RFC 5322, no display name, quoted local
// part or domain literal), at most 254 bytes: what format "email" accepts
// here. Such an address is also one that net/mail parses back unchanged, so
// it is sent exactly as written.
func IsEmailAddress(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || len(s) > 254 {
		return false
	}
	return isDotAtom(s[:at]) && isDotAtom(s[at+1:])
}

func isDotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.':
			if s[i-1] == '.' {
				return false
			}
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-/=?^_` + "`" + `{|}~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

`
