package bulk

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// The strict JSON scanner under the decoders of jsondec.go: one pass over
// the bytes, positions kept for messages, strings checked for valid UTF-8
// (lone surrogate escapes included), nothing echoed from the input but
// names that pass echoName.

// decodeErr is the first problem a decode met.
type decodeErr struct {
	off    int    // byte offset into the input where it was found
	field  string // path of the value, built while unwinding: ".name", "[i]"
	rule   string
	syntax bool // the input is not JSON: the position matters
}

// maxPath bounds the field path of an error in a deeply nested value.
const maxPath = 200

// prepend puts the path of the enclosing value in front of e's path, up to
// maxPath bytes.
func (e *decodeErr) prepend(p string) {
	if len(e.field) < maxPath {
		e.field = p + e.field
	}
}

// path returns the field path without its leading dot.
func (e *decodeErr) path() string { return strings.TrimPrefix(e.field, ".") }

// problem turns e into a Problem; the column of a syntax error is counted
// from lineStart, the offset where the line holding it starts.
func (e *decodeErr) problem(lineStart int) Problem {
	if !e.syntax {
		return Problem{Field: e.path(), Rule: e.rule}
	}
	return Problem{Field: e.path(), Rule: "invalid JSON at column " + strconv.Itoa(e.off-lineStart+1) + ": " + e.rule}
}

// maxDepth bounds the nesting of values decoded without a type to follow
// (those handed to a type's own UnmarshalJSON), so that no input can
// exhaust the stack.
const maxDepth = 1000

// decoder reads one JSON text.
type decoder struct {
	data []byte
	pos  int
	buf  []byte // scratch for unescaped strings
}

func (d *decoder) ws() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *decoder) syntaxErr(rule string) *decodeErr {
	if d.pos >= len(d.data) {
		rule = "unexpected end of input"
	}
	return &decodeErr{off: d.pos, rule: rule, syntax: true}
}

// startsValue reports whether c can begin a JSON value.
func startsValue(c byte) bool {
	return c == '{' || c == '[' || c == '"' || c == 't' || c == 'f' || c == 'n' || c == '-' || (c >= '0' && c <= '9')
}

// typeErr is the error for a value of the wrong JSON type: a syntax error
// when no JSON value starts here at all.
func (d *decoder) typeErr(shape string) *decodeErr {
	if d.pos >= len(d.data) || !startsValue(d.data[d.pos]) {
		return d.syntaxErr("want a value")
	}
	return &decodeErr{off: d.pos, rule: "must be " + shape}
}

// literal consumes lit (true, false or null) if it is next.
func (d *decoder) literal(lit string) bool {
	if len(d.data)-d.pos >= len(lit) && string(d.data[d.pos:d.pos+len(lit)]) == lit {
		d.pos += len(lit)
		return true
	}
	return false
}

// isNull consumes a null if it is next.
func (d *decoder) isNull() bool { return d.literal("null") }

// str reads a string at d.pos (which holds '"'). The result aliases the
// input or d.buf: copy it before the next call.
func (d *decoder) str() ([]byte, *decodeErr) {
	start := d.pos + 1
	ascii := true
	for i := start; i < len(d.data); i++ {
		switch c := d.data[i]; {
		case c == '"':
			raw := d.data[start:i]
			if !ascii && !utf8.Valid(raw) {
				return nil, &decodeErr{off: d.pos, rule: "invalid UTF-8"}
			}
			d.pos = i + 1
			return raw, nil
		case c == '\\':
			return d.strEscaped(start, i)
		case c < 0x20:
			d.pos = i
			return nil, d.syntaxErr("control character in a string")
		case c >= 0x80:
			ascii = false
		}
	}
	d.pos = len(d.data)
	return nil, d.syntaxErr("unterminated string")
}

// strEscaped goes on with a string holding escapes from i, unescaping into
// d.buf.
func (d *decoder) strEscaped(start, i int) ([]byte, *decodeErr) {
	open := d.pos
	b := append(d.buf[:0], d.data[start:i]...)
	for i < len(d.data) {
		c := d.data[i]
		switch {
		case c == '"':
			d.buf = b
			if !utf8.Valid(b) {
				return nil, &decodeErr{off: open, rule: "invalid UTF-8"}
			}
			d.pos = i + 1
			return b, nil
		case c < 0x20:
			d.pos = i
			return nil, d.syntaxErr("control character in a string")
		case c != '\\':
			b = append(b, c)
			i++
			continue
		}
		if i+1 >= len(d.data) {
			break
		}
		switch e := d.data[i+1]; e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := hex4(d.data, i+2)
			if !ok {
				d.pos = i
				return nil, d.syntaxErr("invalid \\u escape")
			}
			i += 6
			if utf16.IsSurrogate(r) {
				r2, ok := rune(-1), false
				if i+1 < len(d.data) && d.data[i] == '\\' && d.data[i+1] == 'u' {
					r2, ok = hex4(d.data, i+2)
				}
				dec := utf16.DecodeRune(r, r2)
				if !ok || dec == utf8.RuneError {
					return nil, &decodeErr{off: open, rule: "invalid UTF-8 (a lone surrogate escape)"}
				}
				r = dec
				i += 6
			}
			b = utf8.AppendRune(b, r)
			continue
		default:
			d.pos = i
			return nil, d.syntaxErr("invalid escape in a string")
		}
		i += 2
	}
	d.pos = len(d.data)
	d.buf = b
	return nil, d.syntaxErr("unterminated string")
}

func hex4(data []byte, i int) (rune, bool) {
	if i+4 > len(data) {
		return 0, false
	}
	var r rune
	for _, c := range data[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// number reads a JSON number literal; isInt reports that it has no
// fraction and no exponent.
func (d *decoder) number() (lit []byte, isInt bool, err *decodeErr) {
	start, i := d.pos, d.pos
	digits := func() bool {
		j := i
		for i < len(d.data) && d.data[i] >= '0' && d.data[i] <= '9' {
			i++
		}
		return i > j
	}
	if i < len(d.data) && d.data[i] == '-' {
		i++
	}
	if i < len(d.data) && d.data[i] == '0' {
		i++
	} else if !digits() {
		d.pos = i
		return nil, false, d.syntaxErr("invalid number")
	}
	isInt = true
	if i < len(d.data) && d.data[i] == '.' {
		i++
		isInt = false
		if !digits() {
			d.pos = i
			return nil, false, d.syntaxErr("invalid number")
		}
	}
	if i < len(d.data) && (d.data[i] == 'e' || d.data[i] == 'E') {
		i++
		isInt = false
		if i < len(d.data) && (d.data[i] == '+' || d.data[i] == '-') {
			i++
		}
		if !digits() {
			d.pos = i
			return nil, false, d.syntaxErr("invalid number")
		}
	}
	d.pos = i
	return d.data[start:i], isInt, nil
}

// skip reads any JSON value strictly (valid UTF-8, no duplicate keys,
// bounded depth) without decoding it.
func (d *decoder) skip(depth int) *decodeErr {
	if depth > maxDepth {
		return d.syntaxErr("nested too deeply")
	}
	if d.pos >= len(d.data) {
		return d.syntaxErr("want a value")
	}
	switch c := d.data[d.pos]; {
	case c == '"':
		_, err := d.str()
		return err
	case c == '-' || (c >= '0' && c <= '9'):
		_, _, err := d.number()
		return err
	case d.literal("true"), d.literal("false"), d.literal("null"):
		return nil
	case c == '[':
		d.pos++
		for i := 0; ; i++ {
			if ok, err := d.nextElem(i); !ok {
				return err
			}
			if err := d.skip(depth + 1); err != nil {
				err.prepend("[" + strconv.Itoa(i) + "]")
				return err
			}
		}
	case c == '{':
		d.pos++
		seen := map[string]bool{}
		for i := 0; ; i++ {
			key, keyOff, ok, err := d.nextMember(i)
			if !ok {
				return err
			}
			name := "." + echoName(string(key))
			if seen[string(key)] {
				return &decodeErr{off: keyOff, field: name, rule: "duplicate key"}
			}
			seen[string(key)] = true
			if err := d.skip(depth + 1); err != nil {
				err.prepend(name)
				return err
			}
		}
	}
	return d.syntaxErr("want a value")
}

// nextElem steps through an array whose '[' was consumed: call it with
// i = 0, 1, … before each element; false after the closing ']'. On true, d
// is at the element's first byte.
func (d *decoder) nextElem(i int) (bool, *decodeErr) {
	d.ws()
	if d.pos >= len(d.data) {
		return false, d.syntaxErr("")
	}
	if i > 0 {
		switch d.data[d.pos] {
		case ',':
			d.pos++
			d.ws()
		case ']':
			d.pos++
			return false, nil
		default:
			return false, d.syntaxErr("want ',' or ']' after an array element")
		}
	} else if d.data[d.pos] == ']' {
		d.pos++
		return false, nil
	}
	return true, nil
}

// nextMember steps through an object whose '{' was consumed: call it with
// i = 0, 1, … before each member; false after the closing '}'. On true it
// returns the key (aliasing the input or the scratch buffer: copy it before
// reading on) and its offset, with d at the first byte of the value.
func (d *decoder) nextMember(i int) (key []byte, keyOff int, ok bool, err *decodeErr) {
	d.ws()
	if d.pos >= len(d.data) {
		return nil, 0, false, d.syntaxErr("")
	}
	if i > 0 {
		switch d.data[d.pos] {
		case ',':
			d.pos++
			d.ws()
		case '}':
			d.pos++
			return nil, 0, false, nil
		default:
			return nil, 0, false, d.syntaxErr("want ',' or '}' after an object member")
		}
	} else if d.data[d.pos] == '}' {
		d.pos++
		return nil, 0, false, nil
	}
	if d.pos >= len(d.data) || d.data[d.pos] != '"' {
		return nil, 0, false, d.syntaxErr("want a string key")
	}
	keyOff = d.pos
	key, err = d.str()
	if err != nil {
		if !err.syntax {
			err.rule = "invalid UTF-8 in a key"
		}
		return nil, 0, false, err
	}
	d.ws()
	if d.pos >= len(d.data) || d.data[d.pos] != ':' {
		return nil, 0, false, d.syntaxErr("want ':' after an object key")
	}
	d.pos++
	d.ws()
	return key, keyOff, true, nil
}

// end checks that nothing but white space follows the value.
func (d *decoder) end(what string) *decodeErr {
	d.ws()
	if d.pos < len(d.data) {
		return &decodeErr{off: d.pos, rule: "data after the end of the " + what, syntax: true}
	}
	return nil
}

// lineCol returns the 1-based line of off in data and the offset where that
// line starts.
func lineCol(data []byte, off int) (line, lineStart int) {
	off = min(off, len(data))
	line = 1 + bytes.Count(data[:off], []byte("\n"))
	lineStart = bytes.LastIndexByte(data[:off], '\n') + 1
	return line, lineStart
}
