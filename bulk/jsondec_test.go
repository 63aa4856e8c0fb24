package bulk

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/oapi-codegen/nullable"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decodeInto decodes in as one value of type t, as DecodeUpdate decodes the
// body: the decoder built from t by reflection, white space around, nothing
// after. It returns a pointer to the value and the problem as DecodeUpdate
// words it ("" for none).
func decodeInto(t reflect.Type, in string) (any, string) {
	v := reflect.New(t)
	d := decoder{data: []byte(in)}
	d.ws()
	err := decoders{}.of(t).decode(&d, v.Elem())
	if err == nil {
		err = d.end("value")
	}
	return v.Interface(), problemText(d.data, err)
}

// decodeCase is one input for a test type: its problem, or "" when it
// decodes, and then to what encoding/json decodes it to.
type decodeCase struct{ in, want string }

// checkDecodes runs the cases for T: a valid input must decode to what
// encoding/json gives, an invalid one to exactly its problem.
func checkDecodes[T any](t *testing.T, tests []decodeCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, problem := decodeInto(reflect.TypeFor[T](), tc.in)
			assert.Equal(t, tc.want, problem)
			if tc.want != "" {
				return
			}
			var std T
			require.NoError(t, json.Unmarshal([]byte(tc.in), &std))
			assert.Equal(t, &std, got)
		})
	}
}

func TestPlural(t *testing.T) {
	assert.Equal(t, "strings", plural("a string"))
	assert.Equal(t, "integers", plural("an integer"))
	assert.Equal(t, "arrays of strings", plural("an array of strings"))
	assert.Equal(t, "strings or nulls", plural("a string or null"))
}

type numberKinds struct {
	I   int         `json:"i"`
	I8  int8        `json:"i8"`
	I16 int16       `json:"i16"`
	I64 int64       `json:"i64"`
	U   uint        `json:"u"`
	U8  uint8       `json:"u8"`
	U64 uint64      `json:"u64"`
	F32 float32     `json:"f32"`
	F64 float64     `json:"f64"`
	N   json.Number `json:"n"`
	P   *int        `json:"p"`
}

func TestTypeDec_NumbersWithinTheirType(t *testing.T) {
	checkDecodes[numberKinds](t, []decodeCase{
		{`{"i8":-128,"i16":32767,"i":0,"i64":-9223372036854775808,"u":18446744073709551615,"u8":255,` +
			`"u64":18446744073709551615,"f32":3.4e38,"f64":-0.5e-3,"n":-1.5E+3,"p":-7}`, ""},
		{`{"i8":127,"i16":-32768,"i":9,"i64":9223372036854775807,"u":0,"u8":0,"u64":9,"f32":0,"f64":9,"n":0,"p":0}`, ""},
		{`{"f32":-1.5,"f64":1e308,"n":9}`, ""},
		{`{"i8":128}`, "i8: must be an integer from -128 to 127"},
		{`{"i8":-129}`, "i8: must be an integer from -128 to 127"},
		{`{"i16":32768}`, "i16: must be an integer from -32768 to 32767"},
		{`{"i64":9223372036854775808}`, "i64: must be an integer from -9223372036854775808 to 9223372036854775807"},
		{`{"u8":256}`, "u8: must be an integer from 0 to 255"},
		{`{"u8":-1}`, "u8: must be an integer from 0 to 255"},
		{`{"u":-1}`, "u: must be an integer from 0 to 18446744073709551615"},
		{`{"u64":18446744073709551616}`, "u64: must be an integer from 0 to 18446744073709551615"},
		{`{"i":1.0}`, "i: must be an integer"},
		{`{"u8":1e2}`, "u8: must be an integer"},
		{`{"f32":1e39}`, "f32: out of range for a 32-bit number"},
		{`{"f64":1e309}`, "f64: out of range for a 64-bit number"},
		{`{"i":"1"}`, "i: must be an integer"},
		{`{"i":null}`, "i: must be an integer"},
		{`{"f64":"1"}`, "f64: must be a number"},
		{`{"n":"1"}`, "n: must be a number"},
		{`{"n":true}`, "n: must be a number"},
		{`{"p":null}`, "p: must be an integer"},
		{`{"p":"1"}`, "p: must be an integer"},
		{`{"i":/}`, "i: invalid JSON at column 6: want a value"},
		{`{"i"::}`, "i: invalid JSON at column 6: want a value"},
		{`{"n":/}`, "n: invalid JSON at column 6: want a value"},
		{`{"n"::}`, "n: invalid JSON at column 6: want a value"},
		{`{"i":-}`, "i: invalid JSON at column 7: invalid number"},
		{`{"n":-}`, "n: invalid JSON at column 7: invalid number"},
		{`{"f64":1.}`, "f64: invalid JSON at column 10: invalid number"},
		{`{"i":`, "i: invalid JSON at column 6: unexpected end of input"},
		{`{"n":`, "n: invalid JSON at column 6: unexpected end of input"},
		{`{"p":`, "p: invalid JSON at column 6: unexpected end of input"},
		{`{"f64":1.5 }`, ""},
		{`{"f64":1.5 2}`, "invalid JSON at column 12: want ',' or '}' after an object member"},
	})
}

// A top-level value at the end of the input, for each decoder that checks
// the byte it starts at.
func TestTypeDec_EmptyInputIsUnexpectedEnd(t *testing.T) {
	for _, typ := range []reflect.Type{
		reflect.TypeFor[string](), reflect.TypeFor[bool](), reflect.TypeFor[int](), reflect.TypeFor[float64](),
		reflect.TypeFor[json.Number](), reflect.TypeFor[*string](), reflect.TypeFor[[]string](),
		reflect.TypeFor[map[string]int](), reflect.TypeFor[numberKinds](), reflect.TypeFor[nullable.Nullable[int]](),
		reflect.TypeFor[time.Time](), reflect.TypeFor[any](),
	} {
		_, problem := decodeInto(typ, " ")
		assert.Equal(t, "invalid JSON at column 2: unexpected end of input", problem, typ.String())
	}
}

type key string

type maps struct {
	M  map[string]int                               `json:"m"`
	K  map[key]string                               `json:"k"`
	MM nullable.Nullable[map[string]map[string]int] `json:"mm"`
	I  map[int]string                               `json:"i"`
}

func TestTypeDec_MapsByKey(t *testing.T) {
	checkDecodes[maps](t, []decodeCase{
		{`{"m":{"a":1,"b":2},"k":{"x":"y"},"i":{"1":"a"},"mm":{"a":{"b":1},"c":{}}}`, ""},
		{`{"m":{},"k":{ },"mm":null}`, ""},
		{`{"m":{"a":1,"a":2}}`, `m."a": duplicate key`},
		{`{"m":{"a":1,"b":2,"a":3}}`, `m."a": duplicate key`},
		{`{"k":{"x":"1","x":"2"}}`, `k."x": duplicate key`},
		{`{"m":{"a":"x"}}`, `m."a": must be an integer`},
		{`{"m":{"a":1,"b":"x"}}`, `m."b": must be an integer`},
		{`{"m":[]}`, "m: must be an object"},
		{`{"m":null}`, "m: must be an object"},
		{`{"m":`, "m: invalid JSON at column 6: unexpected end of input"},
		{`{"m":{"a":1 "b":2}}`, "m: invalid JSON at column 13: want ',' or '}' after an object member"},
		{`{"m":{"a":1,`, "m: invalid JSON at column 13: unexpected end of input"},
		{`{"mm":[]}`, "mm: must be an object or null"},
		{`{"mm":{"a":[]}}`, `mm."a": must be an object`},
		{`{"mm":{"a":null}}`, `mm."a": must be an object`},
		{`{"mm":{"a":{"b":"x"}}}`, `mm."a"."b": must be an integer`},
		{`{"i":{"x":"a"}}`, "i: must be a valid map[int]string"},
		{`{"i":{"1":"a","1":"b"}}`, `i."1": duplicate key`},
	})
}

type inner struct {
	A int `json:"a"`
}

type point struct {
	X int `json:"x"`
}

type shapes struct {
	hidden  string
	Skipped string `json:"-"`
	Plain   string
	Named   string   `json:"named,omitempty"`
	Anon    struct{} `json:"anon"`
	Point   point    `json:"point"`
	Points  []point  `json:"points"`
}

func TestTypeDec_StructFieldsByTag(t *testing.T) {
	const names = "Plain, anon, named, point, points"
	checkDecodes[shapes](t, []decodeCase{
		{`{"Plain":"p","named":"n","anon":{},"point":{"x":1},"points":[{"x":2},{"x":3}]}`, ""},
		{`{"hidden":"x"}`, `unknown field "hidden": want one of ` + names},
		{`{"Skipped":"x"}`, `unknown field "Skipped": want one of ` + names},
		{`{"-":"x"}`, `unknown field (not shown: it looks like a value): want one of ` + names},
		{`{"plain":"x"}`, `unknown field "plain": want one of ` + names},
		{`{"Named":"x"}`, `unknown field "Named": want one of ` + names},
		{`{"anon":1}`, "anon: must be an object"},
		{`{"point":1}`, "point: must be a point object"},
		{`{"points":[{"x":1},1]}`, "points[1]: must be a point object"},
		{`{"points":{}}`, "points: must be an array of point objects"},
		{`{"points":[{"x":1},{"y":1}]}`, `points[1]: unknown field "y": want one of x`},
		{`{"points":[{"x":1},{"x":"1"}]}`, "points[1].x: must be an integer"},
		{`{"points":[{"x":1}`, "points: invalid JSON at column 19: unexpected end of input"},
		{`{"point":`, "point: invalid JSON at column 10: unexpected end of input"},
		{`{"Plain":"a","named":"b","Plain":"c"}`, "Plain: duplicate key"},
		{`{"anon":{},"named":"a","point":{},"named":"b"}`, "named: duplicate key"},
	})
	// An unexported field is left as it was.
	s := shapes{hidden: "kept"}
	d := decoder{data: []byte(`{"Plain":"p"}`)}
	require.Nil(t, decoders{}.of(reflect.TypeFor[shapes]()).decode(&d, reflect.ValueOf(&s).Elem()))
	assert.Equal(t, shapes{hidden: "kept", Plain: "p"}, s)
}

type withEmbedded struct {
	inner
	B int `json:"b"`
}

type withStringOption struct {
	N int `json:"n,string"`
}

type unmarshalers struct {
	Bytes    []byte           `json:"bytes"`
	Any      any              `json:"any"`
	Time     time.Time        `json:"time"`
	Embedded withEmbedded     `json:"embedded"`
	Quoted   withStringOption `json:"quoted"`
	Array    [2]int           `json:"array"`
}

func TestTypeDec_OtherTypesGoToEncodingJSONAfterAStrictRead(t *testing.T) {
	checkDecodes[unmarshalers](t, []decodeCase{
		{`{"bytes":"aGk=","any":{"a":[1,"x",null,true]},"time":"2024-01-02T03:04:05Z",` +
			`"embedded":{"a":1,"b":2},"quoted":{"n":"5"},"array":[1,2]}`, ""},
		{`{"bytes":"!"}`, "bytes: must be a valid []uint8"},
		{`{"time":"x"}`, "time: must be a valid time.Time"},
		{`{"quoted":{"n":5}}`, "quoted: must be a valid bulk.withStringOption"},
		{`{"array":{}}`, "array: must be a valid [2]int"},
		{`{"any":{"a":1,"a":2}}`, `any."a": duplicate key`},
		{`{"embedded":{"a":1,"a":2}}`, `embedded."a": duplicate key`},
		{"{\"any\":\"\xff\"}", "any: invalid UTF-8"},
		{`{"any":[1,}`, "any[1]: invalid JSON at column 11: want a value"},
		{`{"time":`, "time: invalid JSON at column 9: unexpected end of input"},
	})
}

// bigStruct is a struct of n string fields f00, f01, …: more than 64 fields
// take the decoder's other way of finding duplicates.
func bigStruct(n int) reflect.Type {
	fields := make([]reflect.StructField, n)
	for i := range fields {
		fields[i] = reflect.StructField{
			Name: fmt.Sprintf("F%02d", i),
			Type: reflect.TypeFor[string](),
			Tag:  reflect.StructTag(fmt.Sprintf(`json:"f%02d"`, i)),
		}
	}
	return reflect.StructOf(fields)
}

func TestTypeDec_DuplicateKeysInAnyStruct(t *testing.T) {
	for _, n := range []int{3, 64, 65, 70} {
		typ := bigStruct(n)
		last := fmt.Sprintf("f%02d", n-1)
		tests := []decodeCase{
			{`{"f00":"a","` + last + `":"b"}`, ""},
			{`{"f00":"a","f00":"b"}`, "f00: duplicate key"},
			{`{"` + last + `":"a","f01":"b","` + last + `":"c"}`, last + ": duplicate key"},
			{`{"f01":"a","f00":"b","f02":"c","f01":"d"}`, "f01: duplicate key"},
		}
		for _, tc := range tests {
			t.Run(fmt.Sprint(n, " fields ", tc.in), func(t *testing.T) {
				got, problem := decodeInto(typ, tc.in)
				assert.Equal(t, tc.want, problem)
				if tc.want == "" {
					std := reflect.New(typ)
					require.NoError(t, json.Unmarshal([]byte(tc.in), std.Interface()))
					assert.Equal(t, std.Interface(), got)
				}
			})
		}
	}
}

func TestTypeDec_NullableSaysOrNullOnlyForItsOwnValue(t *testing.T) {
	type body struct {
		S  nullable.Nullable[string]  `json:"s"`
		L  nullable.Nullable[[]int]   `json:"l"`
		P  nullable.Nullable[point]   `json:"p"`
		LL nullable.Nullable[[][]int] `json:"ll"`
	}
	checkDecodes[body](t, []decodeCase{
		{`{"s":null,"l":[1],"p":{"x":1},"ll":[[1],[]]}`, ""},
		{`{"s":"a","l":null,"p":null,"ll":null}`, ""},
		{`{"s":1}`, "s: must be a string or null"},
		{`{"l":{}}`, "l: must be an array of integers or null"},
		{`{"l":[null]}`, "l[0]: must be an integer"},
		{`{"p":[]}`, "p: must be a point object or null"},
		{`{"p":{"x":null}}`, "p.x: must be an integer"},
		{`{"ll":[{}]}`, "ll[0]: must be an array of integers"},
		{`{"s":x}`, "s: invalid JSON at column 6: want a value"},
	})
}
