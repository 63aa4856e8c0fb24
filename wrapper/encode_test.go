package wrapper

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/oapi-codegen/nullable"
	openapi_types "github.com/oapi-codegen/runtime/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
)

// TestWireRequestMirrorsAPI: the wire structs have exactly the exported
// fields of the generated ones, in order, with the same JSON tags, so a
// regenerated api/ with a new or renamed field fails here instead of the
// field silently not being sent.
func TestWireRequestMirrorsAPI(t *testing.T) {
	mirror := func(apiType, wireType reflect.Type, wantType func(f reflect.StructField) reflect.Type) {
		var exported []reflect.StructField
		for i := 0; i < wireType.NumField(); i++ {
			if f := wireType.Field(i); f.IsExported() {
				exported = append(exported, f)
			}
		}
		require.Equal(t, apiType.NumField(), len(exported), "%s vs %s: field count", apiType, wireType)
		for i, w := range exported {
			a := apiType.Field(i)
			assert.Equal(t, a.Name, w.Name, "%s field %d", wireType, i)
			assert.Equal(t, a.Tag.Get("json"), w.Tag.Get("json"), "%s.%s tag", wireType, w.Name)
			assert.Equal(t, wantType(a), w.Type, "%s.%s type", wireType, w.Name)
		}
	}
	nullableString := reflect.TypeFor[nullable.Nullable[string]]()
	mirror(reflect.TypeFor[api.UpdateCustomerRequest](), reflect.TypeFor[wireRequest](), func(f reflect.StructField) reflect.Type {
		switch f.Type {
		case nullableString:
			return reflect.TypeFor[**string]()
		case reflect.TypeFor[nullable.Nullable[[]string]]():
			return reflect.TypeFor[*[]string]()
		case reflect.TypeFor[nullable.Nullable[[]api.CustomerKeyContactCreateDTO]]():
			return reflect.TypeFor[*[]wireKeyContact]()
		case reflect.TypeFor[nullable.Nullable[[]api.CustomerReminderCreateDTO]]():
			return reflect.TypeFor[*[]api.CustomerReminderCreateDTO]()
		}
		return nil // an unknown field type: fail
	})
	mirror(reflect.TypeFor[api.CustomerKeyContactCreateDTO](), reflect.TypeFor[wireKeyContact](), func(f reflect.StructField) reflect.Type {
		if f.Type == reflect.TypeFor[*openapi_types.Email]() {
			return reflect.TypeFor[*string]()
		}
		return f.Type
	})
	// CustomerReminderCreateDTO is encoded as generated: none of its field
	// types may marshal itself (that is what encodeBody avoids).
	rt := reflect.TypeFor[api.CustomerReminderCreateDTO]()
	marshaler := reflect.TypeFor[json.Marshaler]()
	for i := 0; i < rt.NumField(); i++ {
		ft := rt.Field(i).Type
		assert.False(t, ft.Implements(marshaler) || reflect.PointerTo(ft).Implements(marshaler) ||
			ft.Kind() == reflect.Pointer && ft.Elem().Implements(marshaler), "CustomerReminderCreateDTO.%s marshals itself", rt.Field(i).Name)
	}
}

func assertEncodesLikeMarshal(t *testing.T, body api.UpdateCustomerRequest) {
	t.Helper()
	want, err := json.Marshal(body)
	require.NoError(t, err)
	got, err := encodeBody(&body)
	require.NoError(t, err)
	require.Equal(t, string(want), string(got))
}

// awkward strings: JSON escapes, HTML escaping, U+2028, invalid UTF-8.
var encodeStrings = []string{
	"", "Acme Traders Pvt Ltd", `quote " back \ slash`, "<b>&amp;</b>", "line\nbreak\ttab\x00\x1f",
	"\u2028\u2029", "हिन्दी 漢字 🙂", "\xff\xfe bad utf8", "KC" + "ABCDEFGH123456",
}

// validEmails pass matchEmail (the wrapper validates before encoding).
var validEmails = []string{"asha.rao@acme.example", "a+b/c=d?e^f_g`h{i|j}k~l@x.y", "o'neil&co@acme.example", "x@y"}

func randNullableString(r *rand.Rand) nullable.Nullable[string] {
	var n nullable.Nullable[string]
	switch r.IntN(4) {
	case 1:
		n.SetNull()
	case 2, 3:
		n.Set(encodeStrings[r.IntN(len(encodeStrings))])
	}
	return n
}

func randPtr[T any](r *rand.Rand, v T) *T {
	if r.IntN(2) == 0 {
		return nil
	}
	return &v
}

func randSlice[T any](r *rand.Rand, mk func() T) nullable.Nullable[[]T] {
	var n nullable.Nullable[[]T]
	switch r.IntN(5) {
	case 1:
		n.SetNull()
	case 2:
		n.Set(nil)
	case 3:
		n.Set([]T{})
	case 4:
		s := make([]T, 1+r.IntN(3))
		for i := range s {
			s[i] = mk()
		}
		n.Set(s)
	}
	return n
}

func randBody(r *rand.Rand) api.UpdateCustomerRequest {
	str := func() string { return encodeStrings[r.IntN(len(encodeStrings))] }
	return api.UpdateCustomerRequest{
		AccountNumber: randNullableString(r), Address: randNullableString(r),
		AssignedAgent: randNullableString(r), ContactNumber: randNullableString(r),
		CustomerId: randNullableString(r), Ifsc: randNullableString(r),
		LegalName: randNullableString(r), PanOrGstin: randNullableString(r),
		PinCode: randNullableString(r), State: randNullableString(r),
		UniqueRefNo: randNullableString(r),
		BranchCodes: randSlice(r, str),
		CustomerKeyContacts: randSlice(r, func() api.CustomerKeyContactCreateDTO {
			return api.CustomerKeyContactCreateDTO{
				Deleted:            r.IntN(2) == 0,
				Email:              randPtr(r, openapi_types.Email(validEmails[r.IntN(len(validEmails))])),
				KeyContactPersonId: randPtr(r, str()),
				LegalName:          str(), Mobile: str(), Name: str(),
				MailEnabled: randPtr(r, r.IntN(2) == 0), SmsEnabled: randPtr(r, r.IntN(2) == 0),
				WhatsappEnabled: randPtr(r, r.IntN(2) == 0), Via: randPtr(r, str()),
			}
		}),
		CustomerReminders: randSlice(r, func() api.CustomerReminderCreateDTO {
			return api.CustomerReminderCreateDTO{
				CustomerReminderId: randPtr(r, str()),
				DueDateDifference:  randPtr(r, r.Int32()-r.Int32()),
				ReminderInterval:   randPtr(r, r.Int32()),
				ReminderTime:       randPtr(r, "09:30"),
				ReminderType:       randPtr(r, api.ReminderType(str())),
				Stage:              randPtr(r, str()),
			}
		}),
	}
}

// TestEncodeBodyMatchesMarshal: encodeBody writes exactly the bytes
// json.Marshal writes for the generated body (also run under GOEXPERIMENT=
// jsonv2 by `make test-jsonv2`).
func TestEncodeBodyMatchesMarshal(t *testing.T) {
	assertEncodesLikeMarshal(t, validBody())
	assertEncodesLikeMarshal(t, api.UpdateCustomerRequest{})

	var allNull api.UpdateCustomerRequest
	v := reflect.ValueOf(&allNull).Elem()
	for i := 0; i < v.NumField(); i++ {
		v.Field(i).Addr().MethodByName("SetNull").Call(nil)
	}
	assertEncodesLikeMarshal(t, allNull)

	// A Nullable holding both entries (only by hand): null wins, as in
	// Nullable.MarshalJSON.
	both := api.UpdateCustomerRequest{LegalName: nullable.Nullable[string]{true: "x", false: ""}}
	assertEncodesLikeMarshal(t, both)
	// Unspecified via SetUnspecified (an empty, non-nil map) is absent.
	var unspec api.UpdateCustomerRequest
	unspec.State.SetUnspecified()
	assertEncodesLikeMarshal(t, unspec)

	r := rand.New(rand.NewPCG(6, 2025))
	for range 5000 {
		assertEncodesLikeMarshal(t, randBody(r))
	}
}

func BenchmarkEncodeBody(b *testing.B) {
	body := validBody()
	b.Run("encoder=json.Marshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoder=encodeBody", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := encodeBody(&body); err != nil {
				b.Fatal(err)
			}
		}
	})
}
