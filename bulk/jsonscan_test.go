package bulk

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// problemText words err as DecodeUpdate does ("" for no error): the column
// of a syntax error is counted from the start of its line in data.
func problemText(data []byte, err *decodeErr) string {
	if err == nil {
		return ""
	}
	_, lineStart := lineCol(data, err.off)
	return err.problem(lineStart).String()
}

func TestDecoder_SkipBoundsDepth(t *testing.T) {
	d := decoder{data: []byte(strings.Repeat("[", maxDepth+2))}
	err := d.skip(0)
	require.NotNil(t, err)
	msg := err.problem(0).String()
	assert.True(t, strings.HasPrefix(msg, "[0][0][0]"), msg)
	assert.True(t, strings.HasSuffix(msg, "]: invalid JSON at column 1002: nested too deeply"), msg)
	assert.Less(t, len(msg), maxPath+100)
}

func TestDecoder_SkipNestsUpToMaxDepth(t *testing.T) {
	// The outer value is at depth 0: maxDepth+1 levels are read, one more
	// is refused, in arrays and in objects alike.
	tests := []struct {
		name, open, leaf, close string
	}{
		{"arrays", "[", "[]", "]"},
		{"objects", `{"a":`, "{}", "}"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ok := strings.Repeat(tc.open, maxDepth) + tc.leaf + strings.Repeat(tc.close, maxDepth)
			d := decoder{data: []byte(ok)}
			require.Nil(t, d.skip(0))
			assert.Equal(t, len(ok), d.pos)

			deep := strings.Repeat(tc.open, maxDepth+1) + tc.leaf + strings.Repeat(tc.close, maxDepth+1)
			d = decoder{data: []byte(deep)}
			err := d.skip(0)
			require.NotNil(t, err)
			assert.Equal(t, "nested too deeply", err.rule)
			assert.Equal(t, (maxDepth+1)*len(tc.open), err.off, "the innermost value")
		})
	}
}

func TestDecodeErr_PrependStopsAtMaxPath(t *testing.T) {
	tests := []struct {
		name  string
		field string
		want  string
	}{
		{"short path", ".b", "[0].b"},
		{"one byte under the bound", strings.Repeat("x", maxPath-1), "[0]" + strings.Repeat("x", maxPath-1)},
		{"at the bound", strings.Repeat("x", maxPath), strings.Repeat("x", maxPath)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := decodeErr{field: tc.field}
			e.prepend("[0]")
			assert.Equal(t, tc.want, e.field)
		})
	}
}

func TestDecoder_SkipReadsAnyValue(t *testing.T) {
	for _, in := range []string{
		`0`, `9`, `-1`, `10`, `1.5e3`, `""`, `"s"`, `true`, `false`, `null`,
		`[]`, `[ ]`, `[1,[2,{}],"x" , null]`, `{}`, `{ }`,
		`{"a":{"b":[]},"c":1,"a2":2}`, "{ \"a\" :\t1 ,\r\n\"b\": 2 }",
	} {
		t.Run(in, func(t *testing.T) {
			d := decoder{data: []byte(in + ",")}
			require.Nil(t, d.skip(0))
			assert.Equal(t, len(in), d.pos, "stops after the value")
		})
	}
}

func TestDecoder_SkipRefusesDuplicatesAndInvalidUTF8(t *testing.T) {
	for in, want := range map[string]string{
		`{"a":1,"a":2}`:           `"a": duplicate key`,
		`{"a":1,"b":2,"a":3}`:     `"a": duplicate key`,
		`[{"b":[{"a":1,"a":2}]}]`: `[0]."b"[0]."a": duplicate key`,
		"[\"\xff\"]":              "[0]: invalid UTF-8",
		`[1,true,null,"x",{}]`:    "",
	} {
		d := decoder{data: []byte(in)}
		err := d.skip(0)
		if want == "" {
			assert.Nil(t, err, in)
			continue
		}
		require.NotNil(t, err, in)
		assert.Equal(t, want, err.problem(0).String(), in)
	}
}

func TestDecoder_SkipRefusesBadSyntax(t *testing.T) {
	tests := []struct{ in, want string }{
		{``, "invalid JSON at column 1: unexpected end of input"},
		{`[`, "invalid JSON at column 2: unexpected end of input"},
		{`[1`, "invalid JSON at column 3: unexpected end of input"},
		{`[1,`, "[1]: invalid JSON at column 4: unexpected end of input"},
		{`{`, "invalid JSON at column 2: unexpected end of input"},
		{`{"a"`, "invalid JSON at column 5: unexpected end of input"},
		{`{"a":`, `"a": invalid JSON at column 6: unexpected end of input`},
		{`{"a":1`, "invalid JSON at column 7: unexpected end of input"},
		{`{"a":1,`, "invalid JSON at column 8: unexpected end of input"},
		{`[1 2]`, "invalid JSON at column 4: want ',' or ']' after an array element"},
		{`[,]`, "[0]: invalid JSON at column 2: want a value"},
		{`[1,]`, "[1]: invalid JSON at column 4: want a value"},
		{`{"a" 1}`, "invalid JSON at column 6: want ':' after an object key"},
		{`{"a":1 "b":2}`, "invalid JSON at column 8: want ',' or '}' after an object member"},
		{`{1:2}`, "invalid JSON at column 2: want a string key"},
		{`{"a":1,}`, "invalid JSON at column 8: want a string key"},
		{`{,}`, "invalid JSON at column 2: want a string key"},
		{"{\"a\x01\":1}", "invalid JSON at column 4: control character in a string"},
		{"{\"\xff\":1}", "invalid UTF-8 in a key"},
		{`]`, "invalid JSON at column 1: want a value"},
		{`x`, "invalid JSON at column 1: want a value"},
		{`tru`, "invalid JSON at column 1: want a value"},
		{`nul`, "invalid JSON at column 1: want a value"},
		{`+1`, "invalid JSON at column 1: want a value"},
		{`-`, "invalid JSON at column 2: unexpected end of input"},
		{`01`, ""}, // skip reads one value: the 1 is the caller's (see end)
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			d := decoder{data: []byte(tc.in)}
			assert.Equal(t, tc.want, problemText(d.data, d.skip(0)))
		})
	}
}

func TestDecoder_LiteralsNeedAllTheirBytes(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		n    int // bytes read; 0 for an error
	}{
		{"true at the end", []byte("true"), 4},
		{"false at the end", []byte("false"), 5},
		{"null at the end", []byte("null"), 4},
		{"null before more", []byte("null]"), 4},
		// The input is a slice of a larger buffer (a line of the reader's):
		// the bytes past its end must not complete the literal.
		{"true cut at the end", []byte("truex")[:3], 0},
		{"null cut at the end", []byte("nullx")[:2], 0},
		{"nul", []byte("nul"), 0},
		{"nulL", []byte("nulL"), 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := decoder{data: tc.data}
			err := d.skip(0)
			if tc.n > 0 {
				assert.Nil(t, err)
				assert.Equal(t, tc.n, d.pos)
				return
			}
			assert.Equal(t, "invalid JSON at column 1: want a value", problemText(d.data, err))
		})
	}
}

func TestDecoder_StrUnescapes(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", `"abc"`, "abc"},
		{"empty", `""`, ""},
		{"space and DEL", "\"a \x7f\"", "a \x7f"},
		{"raw UTF-8", `"Shrée Gaṇesh"`, "Shrée Gaṇesh"},
		{"short escapes", `"\"\\\/\b\f\n\r\t"`, "\"\\/\b\f\n\r\t"},
		{"text around escapes", `"a\nb c\td"`, "a\nb c\td"},
		{"raw UTF-8 after an escape", `"\n é"`, "\n é"},
		{"space and DEL after an escape", "\"\\n \x7f\"", "\n \x7f"},
		{"hex digits 0-9 and a-f", `"\u0041\u09af\u0af0"`, "A\u09af\u0af0"},
		{"hex digits A-F", `"\u00E9\u0AF0\u00Ff"`, "é\u0af0ÿ"},
		{"surrogate pair", `"\ud83d\ude00"`, "😀"},
		{"surrogate pair, upper case", `"\uD83D\uDE00!"`, "😀!"},
		{"two pairs", `"\ud83d\ude00\ud83d\ude01"`, "😀😁"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte(tc.in + ",")
			d := decoder{data: data}
			s, err := d.str()
			require.Nil(t, err, problemText(data, err))
			assert.Equal(t, tc.want, string(s))
			assert.Equal(t, len(tc.in), d.pos, "stops after the closing quote")
		})
	}
}

func TestDecoder_StrRefuses(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"unterminated", `"abc`, "invalid JSON at column 5: unexpected end of input"},
		{"unterminated after an escape", `"a\nb`, "invalid JSON at column 6: unexpected end of input"},
		{"ends in a backslash", `"ab\`, "invalid JSON at column 5: unexpected end of input"},
		{"ends in a backslash after an escape", `"\n\`, "invalid JSON at column 5: unexpected end of input"},
		{"ends after a \\u escape", `"\u0041`, "invalid JSON at column 8: unexpected end of input"},
		{"\\u cut short", `"\u00`, "invalid JSON at column 2: invalid \\u escape"},
		{"\\u cut short before the quote", `"\u00"`, "invalid JSON at column 2: invalid \\u escape"},
		{"hex digit '/'", `"\u/000"`, "invalid JSON at column 2: invalid \\u escape"},
		{"hex digit ':'", `"\u:000"`, "invalid JSON at column 2: invalid \\u escape"},
		{"hex digit '`'", "\"\\u`000\"", "invalid JSON at column 2: invalid \\u escape"},
		{"hex digit 'g'", `"\ug000"`, "invalid JSON at column 2: invalid \\u escape"},
		{"hex digit '@'", `"\u@000"`, "invalid JSON at column 2: invalid \\u escape"},
		{"hex digit 'G'", `"\uG000"`, "invalid JSON at column 2: invalid \\u escape"},
		{"unknown escape", `"\x"`, "invalid JSON at column 2: invalid escape in a string"},
		{"upper-case U", `"a\U0041"`, "invalid JSON at column 3: invalid escape in a string"},
		{"control character", "\"a\x1fb\"", "invalid JSON at column 3: control character in a string"},
		{"control character after an escape", "\"\\n\x1f\"", "invalid JSON at column 4: control character in a string"},
		{"newline", "\"a\nb\"", "invalid JSON at column 3: control character in a string"},
		{"invalid UTF-8", "\"a\xffb\"", "invalid UTF-8"},
		{"lone continuation byte 0x80", "\"a\x80b\"", "invalid UTF-8"},
		{"invalid UTF-8 after an escape", "\"\\n\x80\"", "invalid UTF-8"},
		{"lone high surrogate", `"\ud800"`, "invalid UTF-8 (a lone surrogate escape)"},
		{"lone low surrogate", `"\udc00"`, "invalid UTF-8 (a lone surrogate escape)"},
		{"high surrogate at the end", `"\ud800`, "invalid UTF-8 (a lone surrogate escape)"},
		{"high surrogate, then a backslash at the end", `"\ud800\`, "invalid UTF-8 (a lone surrogate escape)"},
		{"high surrogate, then a short escape", `"\ud800\n"`, "invalid UTF-8 (a lone surrogate escape)"},
		{"high surrogate, then text like an escape", `"\ud800Xudc00"`, "invalid UTF-8 (a lone surrogate escape)"},
		{"high surrogate, then a letter", `"\ud800\u0041"`, "invalid UTF-8 (a lone surrogate escape)"},
		{"two high surrogates", `"\ud800\ud800"`, "invalid UTF-8 (a lone surrogate escape)"},
		{"low then high", `"\udc00\ud800"`, "invalid UTF-8 (a lone surrogate escape)"},
		{"high surrogate, then a bad \\u", `"\ud800\uzzzz"`, "invalid UTF-8 (a lone surrogate escape)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := decoder{data: []byte(tc.in)}
			s, err := d.str()
			assert.Nil(t, s)
			require.NotNil(t, err)
			assert.Equal(t, tc.want, problemText(d.data, err))
		})
	}
}

func TestDecoder_StrStopsAtTheEndOfItsSlice(t *testing.T) {
	// The input is a slice of a larger buffer (a line of the reader's): the
	// bytes past its end must not complete a \u escape.
	tests := []struct{ name, in, past, want string }{
		{"\\u cut short", `"\u00`, `41"`, "invalid JSON at column 2: invalid \\u escape"},
		{"second \\u of a pair cut short", `"\ud800\udc`, `00"`, "invalid UTF-8 (a lone surrogate escape)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := decoder{data: []byte(tc.in + tc.past)[:len(tc.in)]}
			s, err := d.str()
			assert.Nil(t, s)
			assert.Equal(t, tc.want, problemText(d.data, err))
		})
	}
}

func TestDecoder_NumberSyntax(t *testing.T) {
	tests := []struct {
		in    string
		lit   string // read as the number; "" for an error
		isInt bool
		want  string // the error
	}{
		{in: "0", lit: "0", isInt: true},
		{in: "-0", lit: "-0", isInt: true},
		{in: "9", lit: "9", isInt: true},
		{in: "10", lit: "10", isInt: true},
		{in: "-1234567890", lit: "-1234567890", isInt: true},
		{in: "19,", lit: "19", isInt: true},
		{in: "01", lit: "0", isInt: true}, // the 1 is the caller's to refuse
		{in: "0.5", lit: "0.5"},
		{in: "1.05}", lit: "1.05"},
		{in: "1.5", lit: "1.5"},
		{in: "1e5", lit: "1e5"},
		{in: "1E5", lit: "1E5"},
		{in: "1e+5", lit: "1e+5"},
		{in: "1e-5]", lit: "1e-5"},
		{in: "-0.0E-09", lit: "-0.0E-09"},
		{in: "1.5e10 ", lit: "1.5e10"},
		{in: "", want: "invalid JSON at column 1: unexpected end of input"},
		{in: "-", want: "invalid JSON at column 2: unexpected end of input"},
		{in: "-x", want: "invalid JSON at column 2: invalid number"},
		{in: ".5", want: "invalid JSON at column 1: invalid number"},
		{in: "1.", want: "invalid JSON at column 3: unexpected end of input"},
		{in: "1.x", want: "invalid JSON at column 3: invalid number"},
		{in: "1.e5", want: "invalid JSON at column 3: invalid number"},
		{in: "1e", want: "invalid JSON at column 3: unexpected end of input"},
		{in: "1e+", want: "invalid JSON at column 4: unexpected end of input"},
		{in: "1E-x", want: "invalid JSON at column 4: invalid number"},
		{in: "1e+-5", want: "invalid JSON at column 4: invalid number"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			d := decoder{data: []byte(tc.in)}
			lit, isInt, err := d.number()
			if tc.want != "" {
				assert.Nil(t, lit)
				assert.Equal(t, tc.want, problemText(d.data, err))
				return
			}
			require.Nil(t, err, problemText(d.data, err))
			assert.Equal(t, tc.lit, string(lit))
			assert.Equal(t, tc.isInt, isInt)
			assert.Equal(t, len(tc.lit), d.pos)
		})
	}
}

func TestDecoder_TypeErrIsSyntaxWhenNoValueStarts(t *testing.T) {
	const starts = `{["tfn-0123456789`
	for c := range 256 {
		d := decoder{data: []byte{byte(c)}}
		err := d.typeErr("a thing")
		if strings.IndexByte(starts, byte(c)) >= 0 {
			assert.Equal(t, "must be a thing", problemText(d.data, err), "byte %q", c)
		} else {
			assert.Equal(t, "invalid JSON at column 1: want a value", problemText(d.data, err), "byte %q", c)
		}
	}
	d := decoder{data: []byte("1")}
	d.pos = 1
	assert.Equal(t, "invalid JSON at column 2: unexpected end of input", problemText(d.data, d.typeErr("a thing")))
}

func TestDecoder_EndAllowsOnlyWhiteSpace(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1", ""},
		{"1 \t\r\n", ""},
		{"1 x", "invalid JSON at column 3: data after the end of the value"},
		{"1\v", "invalid JSON at column 2: data after the end of the value"},
		{"1\f", "invalid JSON at column 2: data after the end of the value"},
		{"1\n\n  2", "invalid JSON at column 3: data after the end of the value"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			d := decoder{data: []byte(tc.in), pos: 1}
			assert.Equal(t, tc.want, problemText(d.data, d.end("value")))
		})
	}
}

func TestLineCol_CountsLinesUpToTheOffset(t *testing.T) {
	data := []byte("ab\ncd\n\nef")
	tests := []struct{ off, line, lineStart int }{
		{0, 1, 0},
		{2, 1, 0}, // the newline ends its line
		{3, 2, 3},
		{6, 3, 6},
		{8, 4, 7},
		{100, 4, 7}, // past the end: the last line
	}
	for _, tc := range tests {
		line, lineStart := lineCol(data, tc.off)
		assert.Equal(t, tc.line, line, "line of offset %d", tc.off)
		assert.Equal(t, tc.lineStart, lineStart, "line start of offset %d", tc.off)
	}
}
