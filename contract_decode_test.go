package enkash_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
)

// Equivalence of the generated response decoders (api/decode.gen.go) with
// json.Unmarshal into the same generated types, on the JSON engine the test
// runs with (make ci runs the suite on encoding/json v1, on the v2 engine
// with GOEXPERIMENT=jsonv2, and on Go 1.27): the same value, or both fail.

// decoderCase is one generated decoder and how to compare it with
// json.Unmarshal on the same input.
type decoderCase struct {
	name  string
	typ   reflect.Type
	check func(data []byte) decodeResult
}

// decodeResult is what the generated decoder and json.Unmarshal gave.
type decodeResult struct {
	got, want       any
	gotErr, wantErr error
}

// same decodes data into a fresh T both ways (and checks that
// DecodeJSONString gives what DecodeJSON gives).
func same[T any, PT interface {
	*T
	DecodeJSON([]byte) error
	DecodeJSONString(string) error
}](data []byte) decodeResult {
	var got, want, viaString T
	gerr := PT(&got).DecodeJSON(data)
	werr := json.Unmarshal(data, &want)
	if serr := PT(&viaString).DecodeJSONString(string(data)); (serr == nil) != (gerr == nil) || gerr == nil && !reflect.DeepEqual(got, viaString) {
		return decodeResult{got, want, fmt.Errorf("DecodeJSONString (%v) differs from DecodeJSON (%v)", serr, gerr), werr}
	}
	return decodeResult{got, want, gerr, werr}
}

// decoderCases lists every generated decoder: the response schemas of the
// operations and what they reach.
var decoderCases = []decoderCase{
	{"CustomerResponseEnvelope", reflect.TypeFor[api.CustomerResponseEnvelope](), same[api.CustomerResponseEnvelope]},
	{"ActivateCustomerResponseEnvelope", reflect.TypeFor[api.ActivateCustomerResponseEnvelope](), same[api.ActivateCustomerResponseEnvelope]},
	{"DeleteCustomerResponseEnvelope", reflect.TypeFor[api.DeleteCustomerResponseEnvelope](), same[api.DeleteCustomerResponseEnvelope]},
	{"CustomerResponse", reflect.TypeFor[api.CustomerResponse](), same[api.CustomerResponse]},
	{"CustomerKeyContactResponse", reflect.TypeFor[api.CustomerKeyContactResponse](), same[api.CustomerKeyContactResponse]},
	{"CustomerReminderConfigResponse", reflect.TypeFor[api.CustomerReminderConfigResponse](), same[api.CustomerReminderConfigResponse]},
	{"ErrorResponse", reflect.TypeFor[api.ErrorResponse](), same[api.ErrorResponse]},
	{"ApiSubError", reflect.TypeFor[api.ApiSubError](), same[api.ApiSubError]},
	{"OAuthError", reflect.TypeFor[api.OAuthError](), same[api.OAuthError]},
	{"TokenResponseSnake", reflect.TypeFor[api.TokenResponseSnake](), same[api.TokenResponseSnake]},
	{"TokenResponseCamel", reflect.TypeFor[api.TokenResponseCamel](), same[api.TokenResponseCamel]},
	{"TokenResponse", reflect.TypeFor[api.TokenResponseSnake](), func(data []byte) decodeResult {
		// The union keeps the raw value; compare it and both views.
		var got, want api.TokenResponse
		gerr := got.DecodeJSON(data)
		werr := json.Unmarshal(data, &want)
		if gerr != nil || werr != nil {
			return decodeResult{nil, nil, gerr, werr}
		}
		// A view that fails is compared as failing only: json.Unmarshal
		// leaves a partly decoded value behind, the decoder stops early.
		view := func(t api.TokenResponse, snake bool) []any {
			raw, _ := t.MarshalJSON()
			if snake {
				v, err := t.AsTokenResponseSnake()
				g, gerr := t.DecodeTokenResponseSnake()
				if err != nil {
					v = api.TokenResponseSnake{}
				}
				if gerr != nil {
					g = api.TokenResponseSnake{}
				}
				return []any{string(raw), v, err != nil, g, gerr != nil}
			}
			v, err := t.AsTokenResponseCamel()
			g, gerr := t.DecodeTokenResponseCamel()
			if err != nil {
				v = api.TokenResponseCamel{}
			}
			if gerr != nil {
				g = api.TokenResponseCamel{}
			}
			return []any{string(raw), v, err != nil, g, gerr != nil}
		}
		g := append(view(got, true), view(got, false)...)
		w := append(view(want, true), view(want, false)...)
		// Decode… agrees with As… on the same union.
		if !reflect.DeepEqual(g[1], g[3]) || g[2] != g[4] || !reflect.DeepEqual(g[6], g[8]) || g[7] != g[9] {
			return decodeResult{g, w, fmt.Errorf("Decode… differs from As…: %v", g), nil}
		}
		return decodeResult{g, w, nil, nil}
	}},
}

// checkDecoders fails t unless every decoder agrees with json.Unmarshal on
// data. It returns how many decoders succeeded.
func checkDecoders(t testing.TB, data []byte) int {
	t.Helper()
	ok := 0
	for _, dc := range decoderCases {
		res := dc.check(data)
		gerr, werr, got, want := res.gotErr, res.wantErr, res.got, res.want
		switch {
		case gerr != nil && werr != nil:
			var de *api.DecodeError
			if dc.name != "TokenResponse" || !strings.HasPrefix(gerr.Error(), "Decode") {
				if !assertDecodeError(gerr, &de) {
					t.Fatalf("%s: error is %T, not *api.DecodeError: %v", dc.name, gerr, gerr)
				}
			}
		case gerr != nil:
			t.Fatalf("%s: generated decoder fails (%v), json.Unmarshal does not on %q", dc.name, gerr, data)
		case werr != nil:
			t.Fatalf("%s: json.Unmarshal fails (%v), generated decoder does not on %q", dc.name, werr, data)
		default:
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: values differ on %q\ngenerated:      %#v\njson.Unmarshal: %#v", dc.name, data, got, want)
			}
			ok++
		}
	}
	return ok
}

func assertDecodeError(err error, de **api.DecodeError) bool {
	e, ok := err.(*api.DecodeError)
	*de = e
	return ok
}

// TestGeneratedDecoders_MatchUnmarshalOnRandomBodies: 12,000 bodies built by
// reflection from the generated response types (so a property added to the
// spec is covered after go generate), marshalled, then rewritten the ways a
// server may differ from encoding/json's output: keys in another case,
// duplicate keys, unknown keys, nulls, values of the wrong kind, escapes and
// raw invalid UTF-8, white space, and a corrupted byte.
func TestGeneratedDecoders_MatchUnmarshalOnRandomBodies(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 4))
	succeeded := map[string]int{}
	const n = 12000
	for i := range n {
		dc := decoderCases[i%len(decoderCases)]
		v := reflect.New(dc.typ)
		fillResponse(r, v.Elem(), 0)
		body, err := json.Marshal(v.Interface())
		require.NoError(t, err)
		if i%5 != 0 {
			body = rewriteJSON(r, body)
		}
		if i%17 == 0 && len(body) > 0 {
			body = corrupt(r, body)
		}
		res := dc.check(body)
		gerr, werr, got, want := res.gotErr, res.wantErr, res.got, res.want
		if (gerr == nil) != (werr == nil) || gerr == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("body %d (%s) %q:\ngenerated      %v %#v\njson.Unmarshal %v %#v", i, dc.name, body, gerr, got, werr, want)
		}
		if gerr == nil {
			succeeded[dc.name]++
		}
	}
	// Most bodies decode (the comparison is of values, not only of errors).
	for _, dc := range decoderCases {
		assert.Greater(t, succeeded[dc.name], n/len(decoderCases)/4, dc.name)
	}
}

var (
	timeType   = reflect.TypeFor[time.Time]()
	numberType = reflect.TypeFor[json.Number]()
)

// fillResponse sets v to a random value of a generated response type.
func fillResponse(r *rand.Rand, v reflect.Value, depth int) {
	switch {
	case v.Type() == timeType:
		zones := []*time.Location{time.UTC, time.FixedZone("", 5*3600+1800), time.FixedZone("", -3600)}
		v.Set(reflect.ValueOf(time.Unix(r.Int64N(4e9), r.Int64N(1e9)*int64(r.IntN(2))).In(zones[r.IntN(len(zones))])))
		return
	case v.Type() == numberType:
		v.SetString([]string{"0", "12345678.91", "-1.5e3", "1e400", "7", "0.10"}[r.IntN(6)])
		return
	}
	switch v.Kind() {
	case reflect.Interface:
		if a := randomAny(r, depth); a != nil {
			v.Set(reflect.ValueOf(a))
		}
	case reflect.Map:
		if v.Type().Key().Kind() == reflect.Bool { // nullable.Nullable
			switch r.IntN(3) {
			case 0:
			case 1:
				m := reflect.MakeMap(v.Type())
				m.SetMapIndex(reflect.ValueOf(false), reflect.Zero(v.Type().Elem()))
				v.Set(m)
			default:
				m := reflect.MakeMap(v.Type())
				e := reflect.New(v.Type().Elem()).Elem()
				fillResponse(r, e, depth+1)
				m.SetMapIndex(reflect.ValueOf(true), e)
				v.Set(m)
			}
			return
		}
		if r.IntN(3) > 0 { // additional properties
			return
		}
		m := reflect.MakeMap(v.Type())
		for range 1 + r.IntN(3) {
			e := reflect.New(v.Type().Elem()).Elem()
			fillResponse(r, e, depth+1)
			m.SetMapIndex(reflect.ValueOf("x"+randomString(r)), e)
		}
		v.Set(m)
	case reflect.Pointer:
		if r.IntN(4) == 0 {
			return
		}
		p := reflect.New(v.Type().Elem())
		fillResponse(r, p.Elem(), depth+1)
		v.Set(p)
	case reflect.Slice:
		if r.IntN(4) == 0 || depth > 4 {
			return
		}
		k := r.IntN(4)
		s := reflect.MakeSlice(v.Type(), k, k)
		for i := range k {
			fillResponse(r, s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() && r.IntN(5) > 0 {
				fillResponse(r, v.Field(i), depth+1)
			}
		}
	case reflect.String:
		v.SetString(randomString(r))
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	case reflect.Int32, reflect.Int64, reflect.Int:
		v.SetInt(r.Int64N(1<<31) - 1<<30)
	}
}

func randomAny(r *rand.Rand, depth int) any {
	switch r.IntN(7) {
	case 0:
		return nil
	case 1:
		return r.IntN(2) == 0
	case 2:
		return float64(r.IntN(1000)) / 8
	case 3:
		if depth < 4 {
			return []any{randomAny(r, depth+1), randomAny(r, depth+1)}
		}
	case 4:
		if depth < 4 {
			return map[string]any{randomString(r): randomAny(r, depth+1)}
		}
	}
	return randomString(r)
}

// rewriteJSON re-emits body token by token with random changes that keep
// it JSON (or nearly: a value of another kind).
func rewriteJSON(r *rand.Rand, body []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var out bytes.Buffer
	type frame struct {
		obj   bool
		n     int
		isKey bool
	}
	var stack []frame
	sep := func() {
		if len(stack) == 0 {
			return
		}
		f := &stack[len(stack)-1]
		if f.obj {
			if f.isKey {
				if f.n > 0 {
					out.WriteByte(',')
				}
			} else {
				out.WriteByte(':')
			}
		} else if f.n > 0 {
			out.WriteByte(',')
		}
	}
	ws := func() {
		if r.IntN(20) == 0 {
			out.WriteString([]string{" ", "\n\t", "\r\n  "}[r.IntN(3)])
		}
	}
	after := func() {
		if len(stack) == 0 {
			return
		}
		f := &stack[len(stack)-1]
		if f.obj {
			if !f.isKey {
				f.n++
			}
			f.isKey = !f.isKey
		} else {
			f.n++
		}
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return body
		}
		switch tok := tok.(type) {
		case json.Delim:
			switch tok {
			case '{', '[':
				sep()
				ws()
				out.WriteByte(byte(tok))
				stack = append(stack, frame{obj: tok == '{', isKey: true})
				continue
			default:
				f := stack[len(stack)-1]
				if f.obj && r.IntN(6) == 0 { // an unknown member at the end
					if f.n > 0 {
						out.WriteByte(',')
					}
					fmt.Fprintf(&out, `"unknown%d":%s`, r.IntN(9), []string{`null`, `{"a":[1,{"b":"c"}]}`, `"x"`, `[]`, `-0.5e-3`, `true`}[r.IntN(6)])
				}
				ws()
				out.WriteByte(byte(tok))
				stack = stack[:len(stack)-1]
				after()
				continue
			}
		}
		sep()
		ws()
		f := frame{}
		if len(stack) > 0 {
			f = stack[len(stack)-1]
		}
		if f.obj && f.isKey {
			key := tok.(string)
			switch r.IntN(8) {
			case 0:
				key = strings.ToUpper(key)
			case 1:
				key = strings.ToLower(key)
			case 2:
				key = strings.NewReplacer("k", "\u212a", "s", "\u017f", "i", "\u0131").Replace(key)
			}
			kb, _ := json.Marshal(key)
			if r.IntN(10) == 0 && len(key) > 0 { // escape the first character
				kb = []byte(fmt.Sprintf(`"\u%04x%s`, key[0], kb[2:]))
			}
			out.Write(kb)
			after()
			continue
		}
		// A value; sometimes another one first, under the same key (the
		// last wins), or a value of another kind instead.
		if f.obj && r.IntN(30) == 0 {
			out.WriteString([]string{`null`, `"dup"`, `7`, `[]`, `{}`}[r.IntN(5)])
			out.WriteByte(',')
			// repeat the key: find it in what was written.
			b := out.Bytes()
			end := bytes.LastIndexByte(b[:len(b)-1], ':')
			start := bytes.LastIndexAny(b[:end], ",{")
			out.Write(b[start+1 : end+1])
		}
		switch r.IntN(120) {
		case 0:
			out.WriteString("null")
		case 1:
			out.WriteString([]string{`"12.5"`, `1.0`, `1e2`, `true`, `"x"`, `3000000000`, `-0`, `{}`, `[null]`, `"\ud800\ud800\udc00"`, "\"a\xffb\"", `"2024-01-02T03:04:05\u005a"`}[r.IntN(12)])
		default:
			b, _ := json.Marshal(tok)
			if s, ok := tok.(string); ok && r.IntN(40) == 0 {
				b = []byte(strconv.QuoteToASCII(s)) // \u escapes (and Go's \x: invalid JSON)
			}
			out.Write(b)
		}
		after()
	}
	return out.Bytes()
}

func corrupt(r *rand.Rand, b []byte) []byte {
	b = bytes.Clone(b)
	i := r.IntN(len(b))
	switch r.IntN(3) {
	case 0:
		b[i] = "\x00\xff\"\\{}[],:0-.eE tfn"[r.IntN(19)]
	case 1:
		b = append(b[:i], b[i+1:]...)
	default:
		b = append(b[:i], append([]byte{"\"\\\xc3,"[r.IntN(4)]}, b[i:]...)...)
	}
	return b
}

// decodeEdgeCases pin encoding/json's behaviour that the decoders copy; each
// also runs through checkDecoders (and seeds the fuzz target).
var decodeEdgeCases = []string{
	`{"payload":{"legalName":"a","legalName":"b"}}`,
	`{"payload":{"LEGALNAME":"x"}}`,
	`{"payload":{"legalname":"x","legalName":"y"}}`,
	`{"payload":{"customerKeyContacts":[{"name":"a","email":"e"},{"name":"b"}]},"payload":{"customerKeyContacts":[{"name":"c"}]}}`,
	`{"payload":{"customerKeyContacts":[{"name":"a","email":"e"}]},"payload":{"customerKeyContacts":[]},"payload":{"customerKeyContacts":[{"name":"c"}]}}`,
	`{"payload":{"warnings":["a","b"]},"payload":{"warnings":null}}`,
	`{"payload":{"warnings":[]}}`,
	`{"payload":{"netAmount":"12.5"}}`, `{"payload":{"netAmount":""}}`, `{"payload":{"netAmount":1e400}}`,
	`{"payload":{"netAmount":"-01"}}`, `{"payload":{"netAmount":true}}`, `{"payload":{"netAmount":null}}`,
	`{"payload":{"id":1.0}}`, `{"payload":{"id":-0}}`, `{"response_code":3000000000}`, `{"payload":{"id":"5"}}`,
	`{"payload":{"createdOn":"2024-01-02T03:04:05\u005a"}}`, `{"payload":{"createdOn":"2024-01-02T03:04:05,5Z"}}`,
	`{"payload":{"createdOn":"2024-01-02T24:00:00Z"}}`, `{"payload":{"createdOn":null}}`, `{"payload":{"createdOn":""}}`,
	"{\"payload\":{\"legalName\":\"a\xffb\xed\xa0\x80\"}}", `{"payload":{"legalName":"\ud800\ud800\udc00\udc00x"}}`,
	`{"payload":{"legalName":"\/\"\\\b\f\n\r\t\u00e9\ud83d\ude00"}}`, `{"payload":{"legalName":"\x"}}`,
	"{\"payload\":{\"legalName\":\"a\tb\"}}", "{\"payload\":{\"ban\u212aName\":\"kelvin\",\"\u017ftate\":\"long s\",\"\u0130fsc\":\"dotted I\"}}",
	`{"payload":{"customerKeyContacts":[{"MAIL_ENABLED":true,"mailEnabled":false,"MAIL-ENABLED":false}]}}`,
	`{"errorResponse":{"apiSubErrors":[{"field":1,"field":"ok","x":1e400,"x":{"a":[1]},"rejectedValue":null}]}}`,
	"{\"errorResponse\":{\"apiSubErrors\":[{\"k\xff\":1,\"k\xfe\":2,\"Field\":\"case\",\"fi\\u0065ld\":\"esc\"},null,{\"\\u006b\":3}]}}",
	`{"errorResponse":{"apiSubErrors":[{"rejectedValue":[1,"x",{"a":null}]},{"rejectedValue":-0}]}}`,
	`{"errorResponse":{"apiSubErrors":7}}`, `{"errorResponse":{"apiSubErrors":[7]}}`,
	`{"access_token":"t","expires_in":3600}`, `{"accessToken":"t","expiresIn":"3600"}`, `  {"ACCESS_TOKEN":"t"}  `, `"t"`, `[]`, `null`,
	`{}`, ``, ` `, `{} x`, `{}{}`, "\ufeff{}", `{"payload":{}},`, `{"payload":{"legalName":"x",}}`, `{"payload":01}`,
	`{"a":` + strings.Repeat("[", 9998) + strings.Repeat("]", 9998) + `}`,
	`{"a":` + strings.Repeat("[", 9999) + strings.Repeat("]", 9999) + `}`,
	`{"a":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`,
}

// TestGeneratedDecoders_MatchUnmarshalOnEdgeCases runs the pinned cases and
// the saved corpus of the wrapper's response fuzz target.
func TestGeneratedDecoders_MatchUnmarshalOnEdgeCases(t *testing.T) {
	for i, s := range append(decodeEdgeCases, fuzzCorpusBodies(t)...) {
		t.Run(strconv.Itoa(i), func(t *testing.T) { checkDecoders(t, []byte(s)) })
	}
}

// TestGeneratedDecoders_PinnedSemantics states what encoding/json (the v1
// API the client has always used, on either engine) does, and so what the
// decoders do: not json/v2's own defaults (case-sensitive keys, duplicate
// keys and invalid UTF-8 rejected).
func TestGeneratedDecoders_PinnedSemantics(t *testing.T) {
	decode := func(s string) (api.CustomerResponseEnvelope, error) {
		var e api.CustomerResponseEnvelope
		err := e.DecodeJSON([]byte(s))
		return e, err
	}
	tests := []struct {
		name, body string
		want       func(t *testing.T, e api.CustomerResponseEnvelope)
	}{
		{"duplicate key: the last wins", `{"payload":{"legalName":"a","legalName":"b"}}`,
			func(t *testing.T, e api.CustomerResponseEnvelope) { assert.Equal(t, "b", e.Payload.LegalName) }},
		{"case-insensitive key", `{"PAYLOAD":{"LegalName":"x"}}`,
			func(t *testing.T, e api.CustomerResponseEnvelope) { assert.Equal(t, "x", e.Payload.LegalName) }},
		{"Unicode folding: Kelvin sign and long s", "{\"payload\":{\"ban\u212aName\":\"k\",\"\u017ftate\":\"s\"}}",
			func(t *testing.T, e api.CustomerResponseEnvelope) {
				assert.Equal(t, "k", e.Payload.BankName)
				assert.Equal(t, "s", e.Payload.State)
			}},
		{"invalid UTF-8 becomes U+FFFD per byte", "{\"payload\":{\"legalName\":\"a\xffb\xed\xa0\x80\"}}",
			func(t *testing.T, e api.CustomerResponseEnvelope) {
				assert.Equal(t, "a\uFFFDb\uFFFD\uFFFD\uFFFD", e.Payload.LegalName)
			}},
		{"lone surrogate escape becomes U+FFFD", `{"payload":{"legalName":"\ud800\ud800\udc00"}}`,
			func(t *testing.T, e api.CustomerResponseEnvelope) {
				assert.Equal(t, "\uFFFD\U00010000", e.Payload.LegalName)
			}},
		{"money stays exact", `{"payload":{"netAmount":12345678.91}}`,
			func(t *testing.T, e api.CustomerResponseEnvelope) {
				assert.Equal(t, json.Number("12345678.91"), e.Payload.NetAmount)
			}},
		{"null leaves a value, clears a pointer", `{"payload":null,"response_message":null,"errorResponse":{"errorType":null}}`,
			func(t *testing.T, e api.CustomerResponseEnvelope) {
				assert.Nil(t, e.Payload)
				assert.Nil(t, e.ResponseMessage)
				assert.Nil(t, e.ErrorResponse.ErrorType)
			}},
		{"unknown fields ignored", `{"payload":{"customerId":"x","newThing":{"deep":[1,2,{"x":null}]}}}`,
			func(t *testing.T, e api.CustomerResponseEnvelope) { assert.Equal(t, "x", e.Payload.CustomerId) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := decode(tc.body)
			require.NoError(t, err)
			tc.want(t, e)
			checkDecoders(t, []byte(tc.body))
		})
	}
	for _, bad := range []string{`{"payload":{"id":1.5}}`, `{"payload":{"active":"true"}}`, `{"payload":{"legalName":"x"}} x`,
		`{"a":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`} {
		_, err := decode(bad)
		var de *api.DecodeError
		require.ErrorAs(t, err, &de, "%.60s", bad)
	}
	// The error names the property, never the value.
	_, err := decode(`{"payload":{"customerKeyContacts":[{},{"createdOn":"secret-value"}]}}`)
	require.EqualError(t, err, "invalid JSON at payload.customerKeyContacts[1].createdOn: string that is not an RFC 3339 date-time")
}

// fuzzCorpusBodies are the bodies saved in the corpus of the wrapper's
// response fuzz target.
func fuzzCorpusBodies(t testing.TB) []string {
	files, err := filepath.Glob("wrapper/testdata/fuzz/FuzzResponseDecoding/*")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, line := range strings.Split(string(b), "\n") {
			if s, ok := strings.CutPrefix(line, "[]byte("); ok {
				v, err := strconv.Unquote(strings.TrimSuffix(s, ")"))
				require.NoError(t, err, f)
				out = append(out, v)
			}
		}
	}
	return out
}

// FuzzGeneratedDecoders: on any input every generated decoder agrees with
// json.Unmarshal (one target for all decoders, to keep the fuzz smoke run
// at one 10 s slot).
func FuzzGeneratedDecoders(f *testing.F) {
	fixture, err := os.ReadFile("wrapper/testdata/customer_full_200.json")
	require.NoError(f, err)
	f.Add(fixture)
	for _, s := range append(decodeEdgeCases, fuzzCorpusBodies(f)...) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkDecoders(t, data) })
}

// TestGeneratedDecoders_EveryDecoderIsChecked: each DecodeJSON method in
// api/decode.gen.go has a row in decoderCases, so a response schema added to
// the spec (say, a new operation's envelope) cannot escape the equivalence
// checks above.
func TestGeneratedDecoders_EveryDecoderIsChecked(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("api", "decode.gen.go"))
	require.NoError(t, err)
	listed := map[string]bool{}
	for _, dc := range decoderCases {
		listed[dc.name] = true
	}
	found := 0
	for _, line := range strings.Split(string(src), "\n") {
		// func (x *T) DecodeJSON(data []byte) error {
		rest, ok := strings.CutPrefix(line, "func (x *")
		if !ok || !strings.Contains(rest, ") DecodeJSON(") {
			continue
		}
		name := rest[:strings.Index(rest, ")")]
		found++
		assert.True(t, listed[name], "generated decoder %s has no row in decoderCases", name)
	}
	require.NotZero(t, found, "no DecodeJSON method found in api/decode.gen.go")
}
