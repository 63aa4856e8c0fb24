package bulk

import (
	"reflect"
	"sync"

	"github.com/enkash-oss/enkash-go/api"
)

// body is the decoder of the PATCH body, built once from the generated type.
var body = sync.OnceValue(func() *bodyDec {
	c := decoders{}
	t := reflect.TypeFor[api.UpdateCustomerRequest]()
	sd, ok := c.structOf(t)
	if !ok {
		panic("bulk: " + t.String() + " cannot be decoded field by field") // a generator change: caught by every test
	}
	return &bodyDec{structDec: sd}
})

// bodyDec decodes api.UpdateCustomerRequest.
type bodyDec struct{ *structDec }

// decode reads a body object at d.pos into u.
func (b *bodyDec) decode(d *decoder, u *api.UpdateCustomerRequest) *decodeErr {
	if d.pos >= len(d.data) || d.data[d.pos] != '{' {
		return d.typeErr("a JSON object")
	}
	d.pos++
	return b.decodeMembers(d, reflect.ValueOf(u).Elem())
}

// field returns the body field named name.
func (b *bodyDec) field(name string) (*structField, bool) {
	i, ok := b.byName[name]
	if !ok {
		return nil, false
	}
	return &b.fields[i], true
}

// DecodeUpdate strictly decodes one PATCH body: the data of update --body,
// or the "update" of a JSONL row. Each field stays exactly as given:
// absent (keep), null (clear) or a value (set). It refuses, naming the line
// of data, the field path and the rule but never the value: invalid UTF-8
// (never replaced by U+FFFD), a key given twice at any level, an unknown
// field at any level (keys match exactly), a value of the wrong JSON type,
// null where the type cannot hold it, and any data after the object. The
// result is the same on both encoding/json engines. The error is a
// *DecodeError.
//
// DecodeUpdate does not check the spec's rules (patterns, required
// properties, …): the generated validator (api.ValidateUpdateCustomer,
// wrapper.ValidateUpdateCustomer) does; Reader.Rows runs both.
func DecodeUpdate(data []byte) (api.UpdateCustomerRequest, error) {
	var u api.UpdateCustomerRequest
	d := decoder{data: data}
	d.ws()
	err := body().decode(&d, &u)
	if err == nil {
		err = d.end("object")
	}
	if err != nil {
		line, lineStart := lineCol(data, err.off)
		return api.UpdateCustomerRequest{}, &DecodeError{Line: line, Problem: err.problem(lineStart)}
	}
	return u, nil
}
