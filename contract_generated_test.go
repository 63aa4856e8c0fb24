package enkash_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
)

// Property tests of what internal/cmd/apigen generates, over random bodies
// built by reflection from the generated types (so a property added to the
// spec is covered after `go generate` with no edit here).

// randomStrings mixes what JSON encoders treat specially: quotes,
// backslashes, HTML characters, control characters, U+2028/9, multi-byte
// runes and invalid UTF-8.
var randomPieces = []string{"a", "Z", "0", "9", " ", "\"", "\\", "<", ">", "&", "\x00", "\x1f", "\b", "\f", "\n", "\r", "\t",
	"\u2028", "\u2029", "é", "€", "😀", "\xff", "\xc3", "@", ".", "+", "-", "'", "KC", "CEK", "ONCE", "RECURRING", "09:30"}

func randomString(r *rand.Rand) string {
	var b strings.Builder
	for range r.IntN(8) {
		b.WriteString(randomPieces[r.IntN(len(randomPieces))])
	}
	return b.String()
}

// emailProperties are the JSON names of the spec's format: email properties
// (plain strings in Go: api/oapi-codegen.yaml's type-mapping).
var emailProperties = func() map[string]bool {
	doc, err := openapi3.NewLoader().LoadFromFile("openapi.yaml")
	if err != nil {
		panic(err)
	}
	m := map[string]bool{}
	for _, s := range doc.Components.Schemas {
		for name, p := range s.Value.Properties {
			if p.Value != nil && p.Value.Format == "email" {
				m[name] = true
			}
		}
	}
	return m
}()

// fill sets v to a random value: a nullable.Nullable (a map[bool]T) is
// absent, null or a value; pointers and slices are nil or filled. A string
// of an e-mail property (email) is often a valid address.
func fill(r *rand.Rand, v reflect.Value, depth int, email ...bool) {
	isEmail := len(email) > 0 && email[0]
	switch v.Kind() {
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.Bool {
			return
		}
		switch r.IntN(3) {
		case 0: // absent
		case 1: // null
			m := reflect.MakeMap(v.Type())
			m.SetMapIndex(reflect.ValueOf(false), reflect.Zero(v.Type().Elem()))
			v.Set(m)
		default:
			m := reflect.MakeMap(v.Type())
			e := reflect.New(v.Type().Elem()).Elem()
			fill(r, e, depth+1, isEmail)
			m.SetMapIndex(reflect.ValueOf(true), e)
			v.Set(m)
		}
	case reflect.Pointer:
		if r.IntN(2) == 0 {
			return
		}
		p := reflect.New(v.Type().Elem())
		fill(r, p.Elem(), depth+1, isEmail)
		v.Set(p)
	case reflect.Slice:
		if r.IntN(4) == 0 || depth > 4 {
			return
		}
		n := r.IntN(4)
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			fill(r, s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				fill(r, v.Field(i), depth+1, emailProperties[name])
			}
		}
	case reflect.String:
		s := randomString(r)
		if isEmail && r.IntN(3) > 0 {
			s = []string{"asha.rao@acme.example", "a&b@x.co", "o'neil@x.io", "x+y@z.in"}[r.IntN(4)]
		}
		v.SetString(s)
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	case reflect.Int32, reflect.Int64, reflect.Int:
		v.SetInt(r.Int64N(1<<31) - 1<<30)
	}
}

// TestGeneratedEncoderMatchesMarshal: AppendJSON is byte for byte
// json.Marshal, on the engine this test runs with (make ci runs the suite on
// encoding/json v1 and v2), for random bodies, valid or not.
func TestGeneratedEncoderMatchesMarshal(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	fields := reflect.TypeFor[api.UpdateCustomerRequest]().NumField()
	seen := map[string]bool{}
	for i := range 5000 {
		var body api.UpdateCustomerRequest
		fill(r, reflect.ValueOf(&body).Elem(), 0)
		want, werr := json.Marshal(&body)
		got, gerr := body.AppendJSON(nil)
		if werr != nil {
			require.Error(t, gerr, "body %d: json.Marshal fails (%v), AppendJSON does not", i, werr)
			continue
		}
		require.NoError(t, gerr, "body %d", i)
		require.True(t, bytes.Equal(want, got), "body %d:\njson.Marshal %s\nAppendJSON   %s", i, want, got)
		var keys map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(got, &keys))
		for k, v := range keys {
			seen[k+"="+map[bool]string{true: "null", false: "value"}[string(v) == "null"]] = true
		}
	}
	// Every property was seen as null and as a value.
	assert.Len(t, seen, 2*fields)
}

// TestGeneratedValidatorIsSound: a body the generated validator accepts is
// one the spec accepts (kin-openapi validates its JSON against the body
// schema), for random bodies; and a body kin-openapi rejects is refused by
// the generated validator.
func TestGeneratedValidatorIsSound(t *testing.T) {
	doc := loadSpec(t)
	schema := doc.Components.Schemas["UpdateCustomerRequest"].Value
	r := rand.New(rand.NewPCG(3, 4))
	accepted, rejected := 0, 0
	for i := range 5000 {
		var body api.UpdateCustomerRequest
		fill(r, reflect.ValueOf(&body).Elem(), 0)
		vs := api.ValidateUpdateCustomer("KCABCDEFGH123456", nil, &body)
		raw, err := body.AppendJSON(nil)
		if err != nil {
			require.NotEmpty(t, vs, "body %d does not encode but passed validation", i)
			continue
		}
		var generic any
		require.NoError(t, json.Unmarshal(raw, &generic))
		kinErr := schema.VisitJSON(generic, openapi3.MultiErrors())
		if vs == nil {
			accepted++
			assert.NoError(t, kinErr, "body %d passed the generated validator but not the spec:\n%s", i, raw)
			assert.True(t, bytes.Equal(raw, mustMarshal(t, &body)))
		} else {
			rejected++
		}
		if kinErr != nil {
			assert.NotNil(t, vs, "body %d: the spec rejects it, the generated validator does not:\n%s", i, raw)
		}
	}
	// Both outcomes were exercised.
	assert.Greater(t, accepted, 100)
	assert.Greater(t, rejected, 100)
}

func mustMarshal(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// TestGeneratedPatternsAgreeWithRegexp: the generated validator's pattern
// checks (compiled to plain Go for fixed-width patterns, regexp otherwise)
// accept exactly what Go's regexp accepts for the spec's pattern, on random
// strings near the patterns' alphabets.
func TestGeneratedPatternsAgreeWithRegexp(t *testing.T) {
	doc := loadSpec(t)
	op := doc.Paths.Value("/api/v0/customer/{customerId}").Patch
	var idPattern, parentPattern string
	for _, p := range op.Parameters {
		switch p.Value.Name {
		case "customerId":
			idPattern = p.Value.Schema.Value.Pattern
		case "parentCompanyId":
			parentPattern = p.Value.Schema.Value.Pattern
		}
	}
	timePattern := doc.Components.Schemas["CustomerReminderCreateDTO"].Value.Properties["reminderTime"].Value.Pattern
	mobilePattern := doc.Components.Schemas["CustomerKeyContactCreateDTO"].Value.Properties["mobile"].Value.Pattern
	r := rand.New(rand.NewPCG(5, 6))
	gen := func(alphabet string, minLen, maxLen int) string {
		n := minLen + r.IntN(maxLen-minLen+1)
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(b)
	}
	cases := []struct {
		name, pattern string
		random        func() string
		invalid       func(s string) bool
	}{
		{"customerId", idPattern, func() string { return "KC" + gen("AZ09AZ09AZ09AZ09a-", 13, 15) }, func(s string) bool {
			return api.ValidateUpdateCustomer(s, nil, &api.UpdateCustomerRequest{}) != nil
		}},
		{"parentCompanyId", parentPattern, func() string { return "CEK" + gen("AZ09a ", 5, 9) }, func(s string) bool {
			return api.ValidateUpdateCustomer("KCABCDEFGH123456", &api.UpdateCustomerParams{ParentCompanyId: &s}, &api.UpdateCustomerRequest{}) != nil
		}},
		{"reminderTime", timePattern, func() string { return gen("0123456789:x", 4, 6) }, func(s string) bool {
			var b api.UpdateCustomerRequest
			b.CustomerReminders.Set([]api.CustomerReminderCreateDTO{{ReminderTime: &s}})
			return api.ValidateUpdateCustomer("KCABCDEFGH123456", nil, &b) != nil
		}},
		{"mobile", mobilePattern, func() string { return gen("+0123456789 -", 0, 16) }, func(s string) bool {
			var b api.UpdateCustomerRequest
			b.CustomerKeyContacts.Set([]api.CustomerKeyContactCreateDTO{{Name: "N", LegalName: "L", Mobile: s}})
			return api.ValidateUpdateCustomer("KCABCDEFGH123456", nil, &b) != nil
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.NotEmpty(t, tc.pattern)
			re := regexp.MustCompile(tc.pattern)
			matched := 0
			for range 20000 {
				s := tc.random()
				want := re.MatchString(s)
				if want {
					matched++
				}
				require.Equal(t, !want, tc.invalid(s), "%q against %s", s, tc.pattern)
			}
			assert.Greater(t, matched, 10, "the random strings must hit the pattern sometimes")
		})
	}
}
