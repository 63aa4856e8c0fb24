package main

// decodeRuntime is the generic part of decode.gen.go: the helpers every
// generated DecodeJSON uses. They reproduce what encoding/json's Unmarshal
// (the v1 API, on either engine) does for the Go types oapi-codegen
// generates:
//   - unknown keys are skipped; a key matches its field exactly, else
//     under Unicode case folding (v1's rule, kept by the v2 engine's v1
//     API); when a key occurs twice the last one wins, decoded over the
//     first (a struct merges, a slice is refilled from its first element);
//   - null leaves a string, number, bool, time or struct as it is and sets a
//     pointer or slice to nil; an empty array gives an empty, non-nil slice;
//   - strings keep invalid UTF-8 as U+FFFD, one per bad byte, and a lone
//     surrogate escape as U+FFFD (never an error);
//   - json.Number keeps the literal (or a string holding a valid number);
//     integers must be integer literals that fit;
//   - time.Time is parsed by its own UnmarshalJSON (an escaped string goes
//     through encoding/json, whose engines differ there);
//   - values of type interface{} (a Nullable of one, additional properties)
//     are arbitrary JSON and go through encoding/json;
//   - the whole input must be one JSON value with nothing after it; nesting
//     is limited to 10,000 levels (encoding/json's limit).
const decodeRuntime = `// DecodeError is a response body the generated decoders could not decode:
// malformed JSON, or a JSON value of the wrong kind for its property. Its
// text names the property and what was wrong, never a value from the body.
type DecodeError struct {
	// Path is where in the document: spec property names and array
	// indexes, e.g. "payload.customerKeyContacts[1].createdOn"; empty for
	// the document itself.
	Path string
	// Reason says what was wrong, without quoting the body.
	Reason string
	// Err is the underlying error, if any. Its text may quote the body.
	Err error
}

// Error names the path and the reason.
func (e *DecodeError) Error() string {
	msg := "invalid JSON"
	if e.Path != "" {
		msg += " at " + e.Path
	}
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

// Unwrap returns the underlying error.
func (e *DecodeError) Unwrap() error { return e.Err }

// decodeError returns err as a *DecodeError (a path prefix may already
// have been put in front of it).
func decodeError(err error) *DecodeError {
	var de *DecodeError
	if errors.As(err, &de) {
		return de
	}
	return &DecodeError{Reason: "malformed JSON", Err: err}
}

// atPath puts the property name in front of err's path.
func atPath(err error, name string) error {
	if err == nil {
		return nil
	}
	de := decodeError(err)
	switch {
	case name == "":
	case de.Path == "" || de.Path[0] == '[':
		de.Path = name + de.Path
	default:
		de.Path = name + "." + de.Path
	}
	return de
}

// atIndex puts the array index in front of err's path.
func atIndex(err error, i int) error {
	de := decodeError(err)
	idx := "[" + strconv.Itoa(i) + "]"
	if de.Path == "" || de.Path[0] == '[' {
		de.Path = idx + de.Path
	} else {
		de.Path = idx + "." + de.Path
	}
	return de
}
// kind is the kind of a JSON value, told by its first byte.
type kind uint8

const (
	kindInvalid kind = iota
	kindString
	kindNumber
	kindNull
	kindBool
	kindArray
	kindObject
)

// maxDepth is encoding/json's limit on nested arrays and objects.
const maxDepth = 10000

// scanner reads one JSON document held in memory, checking its syntax as
// encoding/json does (RFC 8259; invalid UTF-8 is not a syntax error).
type scanner struct {
	buf   string
	pos   int
	depth int
}

// syntaxError is malformed JSON at a byte offset; it never quotes the body.
type syntaxError struct {
	msg string
	off int
}

func (e *syntaxError) Error() string { return e.msg + " at byte " + strconv.Itoa(e.off) }

func (s *scanner) fail(msg string) error {
	return &DecodeError{Reason: "malformed JSON", Err: &syntaxError{msg, s.pos}}
}

// ws skips white space (inlined: most calls find none).
func (s *scanner) ws() {
	if i := s.pos; i >= len(s.buf) || s.buf[i] <= ' ' {
		s.skipSpace()
	}
}

// skipSpace skips white space, runs of spaces eight bytes at a time.
//
//go:noinline
func (s *scanner) skipSpace() {
	b, i := s.buf, s.pos
	for i < len(b) {
		switch b[i] {
		case ' ':
			if i+8 <= len(b) {
				x := load64(b, i) ^ lsb*' '
				if x == 0 {
					i += 8
				} else {
					i += bits.TrailingZeros64(x) >> 3
				}
				continue
			}
			i++
		case '\n', '\t', '\r':
			i++
		default:
			s.pos = i
			return
		}
	}
	s.pos = i
}

// kinds is the kind of a value by its first byte.
var kinds = [256]kind{
	'"': kindString, 'n': kindNull, 't': kindBool, 'f': kindBool, '[': kindArray, '{': kindObject,
	'-': kindNumber, '0': kindNumber, '1': kindNumber, '2': kindNumber, '3': kindNumber,
	'4': kindNumber, '5': kindNumber, '6': kindNumber, '7': kindNumber, '8': kindNumber, '9': kindNumber,
}

// Next is the kind of the next value (white space skipped), kindInvalid at
// the end of the input or on a byte no value starts with. Inlined: the
// scanner is mostly at a value already.
func (s *scanner) Next() kind {
	if i := s.pos; i < len(s.buf) && kinds[s.buf[i]] != kindInvalid {
		return kinds[s.buf[i]]
	}
	return s.nextAfterSpace()
}

//go:noinline
func (s *scanner) nextAfterSpace() kind {
	s.skipSpace()
	if s.pos >= len(s.buf) {
		return kindInvalid
	}
	return kinds[s.buf[s.pos]]
}

// literal reads the literal lit.
func (s *scanner) literal(lit string) error {
	if len(s.buf)-s.pos < len(lit) || s.buf[s.pos:s.pos+len(lit)] != lit {
		return s.fail("invalid literal")
	}
	s.pos += len(lit)
	return nil
}

// Null reads null.
func (s *scanner) Null() error {
	s.ws()
	return s.literal("null")
}

// Bool reads true or false.
func (s *scanner) Bool() (bool, error) {
	s.ws()
	if s.pos < len(s.buf) && s.buf[s.pos] == 't' {
		return true, s.literal("true")
	}
	return false, s.literal("false")
}

// Raw reads the next value and returns its text.
func (s *scanner) Raw() (string, error) {
	s.ws()
	start := s.pos
	if err := s.skip(); err != nil {
		return "", err
	}
	return s.buf[start:s.pos], nil
}

// Skip reads the next value and drops it.
func (s *scanner) Skip() error {
	s.ws()
	return s.skip()
}

// skip reads the value at pos.
func (s *scanner) skip() error {
	if s.pos >= len(s.buf) {
		return s.fail("unexpected end of JSON input")
	}
	switch c := s.buf[s.pos]; c {
	case '"':
		_, _, err := s.str(false)
		return err
	case 'n':
		return s.literal("null")
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case '[':
		return s.Arr(func(d *scanner) error { return d.skip() })
	case '{':
		return s.Obj(func(d *scanner, _ string) error { return d.skip() })
	default:
		return s.number()
	}
}

// number reads a number literal.
func (s *scanner) number() error {
	b, i := s.buf, s.pos
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i >= len(b):
		s.pos = i
		return s.fail("unexpected end of JSON input")
	case b[i] == '0':
		i++
	case '1' <= b[i] && b[i] <= '9':
		i++
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	default:
		s.pos = i
		return s.fail("invalid character in number")
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			s.pos = i
			return s.fail("invalid character after decimal point")
		}
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			s.pos = i
			return s.fail("invalid character in exponent")
		}
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	}
	s.pos = i
	return nil
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// load64 is the eight bytes of b at i, little-endian (one load).
func load64(b string, i int) uint64 {
	b = b[i : i+8]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// stops marks (high bit of the byte) the bytes of x that end the fast scan
// of a string: '"', '\\' and control characters. The lowest mark is exact.
func stops(x uint64) uint64 {
	q := x ^ (lsb * '"')
	e := x ^ (lsb * '\\')
	return ((q - lsb) &^ q | (e - lsb) &^ e | (x - lsb*0x20) &^ x) & msb
}

// str reads the string at pos (its opening quote): its content, a
// substring of the input, and whether it has escapes; with decode, escapes
// are decoded as encoding/json decodes them.
func (s *scanner) str(decode bool) (string, bool, error) {
	b := s.buf
	if s.pos >= len(b) || b[s.pos] != '"' {
		return "", false, s.fail("expected a string")
	}
	start := s.pos + 1
	i := start
	for {
		if i+8 <= len(b) {
			m := stops(load64(b, i))
			if m == 0 {
				i += 8
				continue
			}
			i += bits.TrailingZeros64(m) >> 3
		} else if i >= len(b) {
			s.pos = i
			return "", false, s.fail("unexpected end of JSON input")
		}
		switch c := b[i]; {
		case c == '"':
			s.pos = i + 1
			return b[start:i], false, nil
		case c == '\\':
			return s.escaped(start, i, decode)
		case c < 0x20:
			s.pos = i
			return "", false, s.fail("invalid character in string literal")
		}
		i++
	}
}

// escaped reads the rest of a string that has an escape at i.
func (s *scanner) escaped(start, i int, decode bool) (string, bool, error) {
	b := s.buf
	for i < len(b) {
		switch c := b[i]; {
		case c == '"':
			s.pos = i + 1
			if !decode {
				return b[start:i], true, nil
			}
			return string(unquoteSlow(b[start:i])), true, nil
		case c == '\\':
			if i+1 >= len(b) {
				i++
				continue
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if getu4(b[i:]) < 0 {
					s.pos = i
					return "", false, s.fail("invalid escape in string literal")
				}
				i += 6
			default:
				s.pos = i
				return "", false, s.fail("invalid escape in string literal")
			}
		case c < 0x20:
			s.pos = i
			return "", false, s.fail("invalid character in string literal")
		default:
			i++
		}
	}
	s.pos = i
	return "", false, s.fail("unexpected end of JSON input")
}

// enter opens an array or object: one more level of nesting.
func (s *scanner) enter() error {
	s.depth++
	if s.depth > maxDepth {
		return s.fail("exceeded max depth")
	}
	s.pos++
	return nil
}

// Obj reads an object, calling f with each key (escapes decoded) and the
// scanner at the key's value, which f must read.
func (s *scanner) Obj(f func(d *scanner, key string) error) error {
	s.ws()
	if s.pos >= len(s.buf) || s.buf[s.pos] != '{' {
		return s.fail("expected an object")
	}
	if err := s.enter(); err != nil {
		return err
	}
	s.ws()
	if s.pos < len(s.buf) && s.buf[s.pos] == '}' {
		s.pos++
		s.depth--
		return nil
	}
	for {
		key, _, err := s.str(true)
		if err != nil {
			return err
		}
		s.ws()
		if s.pos >= len(s.buf) || s.buf[s.pos] != ':' {
			return s.fail("expected a colon after an object key")
		}
		s.pos++
		s.ws()
		if s.pos >= len(s.buf) {
			return s.fail("unexpected end of JSON input")
		}
		if err := f(s, key); err != nil {
			return err
		}
		s.ws()
		if s.pos >= len(s.buf) {
			return s.fail("unexpected end of JSON input")
		}
		switch s.buf[s.pos] {
		case ',':
			s.pos++
			s.ws()
		case '}':
			s.pos++
			s.depth--
			return nil
		default:
			return s.fail("expected a comma or the end of the object")
		}
	}
}

// Arr reads an array, calling f with the scanner at each element, which f
// must read.
func (s *scanner) Arr(f func(d *scanner) error) error {
	s.ws()
	if s.pos >= len(s.buf) || s.buf[s.pos] != '[' {
		return s.fail("expected an array")
	}
	if err := s.enter(); err != nil {
		return err
	}
	s.ws()
	if s.pos < len(s.buf) && s.buf[s.pos] == ']' {
		s.pos++
		s.depth--
		return nil
	}
	for {
		if s.pos >= len(s.buf) {
			return s.fail("unexpected end of JSON input")
		}
		if err := f(s); err != nil {
			return err
		}
		s.ws()
		if s.pos >= len(s.buf) {
			return s.fail("unexpected end of JSON input")
		}
		switch s.buf[s.pos] {
		case ',':
			s.pos++
			s.ws()
		case ']':
			s.pos++
			s.depth--
			return nil
		default:
			return s.fail("expected a comma or the end of the array")
		}
	}
}

// decoder is the state of one document: the scanner over data, whose
// unescaped string values are substrings of it.
type decoder struct {
	d scanner
	// utf8: data is valid UTF-8, and so is every string in it.
	utf8 bool
}

// next is the kind of the next value.
func (dc *decoder) next() kind { return dc.d.Next() }

// decodeDocument runs decode over data, which must hold one JSON value and
// nothing else but white space.
func decodeDocument(data string, decode func(*decoder) error) error {
	dc := decoder{d: scanner{buf: data}, utf8: utf8.ValidString(data)}
	err := decode(&dc)
	if err == nil {
		dc.d.ws()
		if dc.d.pos < len(data) {
			err = &DecodeError{Reason: "data after the JSON value"}
		}
	}
	if err != nil {
		return decodeError(err)
	}
	return nil
}

// typeError reports the next value as the wrong kind for want.
func (dc *decoder) typeError(want string) error {
	var found string
	switch dc.d.Next() {
	case kindString:
		found = "string"
	case kindNumber:
		found = "number"
	case kindNull:
		found = "null"
	case kindBool:
		found = "boolean"
	case kindArray:
		found = "array"
	case kindObject:
		found = "object"
	default:
		return dc.d.fail("invalid character looking for the beginning of a value")
	}
	return &DecodeError{Reason: "JSON " + found + " where " + want + " belongs"}
}

// string reads a string (ok) or null (not ok: nothing to set).
func (dc *decoder) string() (string, bool, error) {
	if i := dc.d.pos; i >= len(dc.d.buf) || dc.d.buf[i] != '"' {
		switch dc.d.Next() {
		case kindString:
		case kindNull:
			return "", false, dc.d.Null()
		default:
			return "", false, dc.typeError("string")
		}
	}
	v, _, err := dc.d.str(true)
	if err != nil {
		return "", false, err
	}
	return dc.valid(v), true, nil
}

// valid is v (a string of the document, or decoded from one) with invalid
// UTF-8 replaced as encoding/json replaces it.
func (dc *decoder) valid(v string) string {
	if dc.utf8 {
		return v
	}
	return validUTF8(v)
}

// validUTF8 returns b with every byte that is not UTF-8 replaced by
// U+FFFD, as encoding/json does.
func validUTF8(b string) string {
	if utf8.ValidString(b) {
		return b
	}
	var sb strings.Builder
	for len(b) > 0 {
		r, n := utf8.DecodeRuneInString(b)
		sb.WriteRune(r)
		b = b[n:]
	}
	return sb.String()
}

// unquoteSlow decodes the escapes of a JSON string's content (checked by
// the scanner) as encoding/json does: a surrogate escape that is not half
// of a pair, and every byte that is not UTF-8, become U+FFFD.
func unquoteSlow(s string) []byte {
	b := make([]byte, 0, len(s)+2*utf8.UTFMax)
	for r := 0; r < len(s); {
		c := s[r]
		switch {
		case c == '\\':
			r++
			if r >= len(s) {
				return b
			}
			switch s[r] {
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
				rr := getu4(s[r-1:])
				if rr < 0 {
					return b
				}
				r += 5
				if utf16.IsSurrogate(rr) {
					if dec := utf16.DecodeRune(rr, getu4(s[r:])); dec != unicode.ReplacementChar {
						b = utf8.AppendRune(b, dec)
						r += 6
						continue
					}
					rr = unicode.ReplacementChar
				}
				b = utf8.AppendRune(b, rr)
				continue
			default: // '"', '\\', '/' (the scanner refuses any other escape)
				b = append(b, s[r])
			}
			r++
		case c < utf8.RuneSelf:
			b = append(b, c)
			r++
		default:
			rr, size := utf8.DecodeRuneInString(s[r:])
			r += size
			b = utf8.AppendRune(b, rr)
		}
	}
	return b
}

// getu4 decodes \uXXXX at the start of s, or returns -1.
func getu4(s string) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c = c - '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// key returns an object key as encoding/json spells it (escapes decoded,
// invalid UTF-8 as U+FFFD).
func (dc *decoder) key(k string) string { return dc.valid(k) }

// foldEqual reports whether key equals name (ASCII upper case) under
// encoding/json's case folding: each rune folded to the smallest rune of
// its Unicode simple-folding orbit ("ſ" matches "S", the Kelvin sign "K").
func foldEqual(key, name string) bool {
	j := 0
	for i := 0; i < len(key); j++ {
		if j >= len(name) {
			return false
		}
		c := key[i]
		if c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			if c != name[j] {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(key[i:])
		i += n
		for {
			r2 := unicode.SimpleFold(r)
			if r2 <= r {
				r = r2
				break
			}
			r = r2
		}
		if r != rune(name[j]) {
			return false
		}
	}
	return j == len(name)
}

// number reads a json.Number: a number literal, or a string holding a
// valid one (as encoding/json accepts); null is not ok (nothing to set).
func (dc *decoder) number() (string, bool, error) {
	switch dc.next() {
	case kindNumber:
		raw, err := dc.d.Raw()
		if err != nil {
			return "", false, err
		}
		return raw, true, nil
	case kindString:
		s, _, err := dc.string()
		if err != nil {
			return "", false, err
		}
		if !isValidNumber(s) {
			return "", false, &DecodeError{Reason: "JSON string that is not a number where a number belongs"}
		}
		return s, true, nil
	case kindNull:
		return "", false, dc.d.Null()
	}
	return "", false, dc.typeError("number")
}

// isValidNumber reports whether s is a JSON number literal.
func isValidNumber(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == '-' {
		s = s[1:]
		if s == "" {
			return false
		}
	}
	switch {
	case s[0] == '0':
		s = s[1:]
	case '1' <= s[0] && s[0] <= '9':
		s = s[1:]
		for len(s) > 0 && '0' <= s[0] && s[0] <= '9' {
			s = s[1:]
		}
	default:
		return false
	}
	if len(s) >= 2 && s[0] == '.' && '0' <= s[1] && s[1] <= '9' {
		s = s[2:]
		for len(s) > 0 && '0' <= s[0] && s[0] <= '9' {
			s = s[1:]
		}
	}
	if len(s) >= 2 && (s[0] == 'e' || s[0] == 'E') {
		s = s[1:]
		if s[0] == '+' || s[0] == '-' {
			s = s[1:]
			if s == "" {
				return false
			}
		}
		for len(s) > 0 && '0' <= s[0] && s[0] <= '9' {
			s = s[1:]
		}
	}
	return s == ""
}

// int reads an integer literal that fits in bits; null is not ok.
func (dc *decoder) int(bits int) (int64, bool, error) {
	switch dc.next() {
	case kindNumber:
	case kindNull:
		return 0, false, dc.d.Null()
	default:
		return 0, false, dc.typeError("integer")
	}
	raw, err := dc.d.Raw()
	if err != nil {
		return 0, false, err
	}
	n, err := strconv.ParseInt(raw, 10, bits)
	if err != nil {
		return 0, false, &DecodeError{Reason: "number that is not an int" + strconv.Itoa(bits), Err: err}
	}
	return n, true, nil
}

// float reads a number that fits a float of bits; null is not ok.
func (dc *decoder) float(bits int) (float64, bool, error) {
	switch dc.next() {
	case kindNumber:
	case kindNull:
		return 0, false, dc.d.Null()
	default:
		return 0, false, dc.typeError("number")
	}
	raw, err := dc.d.Raw()
	if err != nil {
		return 0, false, err
	}
	f, err := strconv.ParseFloat(raw, bits)
	if err != nil {
		return 0, false, &DecodeError{Reason: "number out of range", Err: err}
	}
	return f, true, nil
}

// bool reads true or false; null is not ok.
func (dc *decoder) bool() (bool, bool, error) {
	switch dc.next() {
	case kindBool:
		v, err := dc.d.Bool()
		return v, err == nil, err
	case kindNull:
		return false, false, dc.d.Null()
	}
	return false, false, dc.typeError("boolean")
}

// time reads a time.Time as its UnmarshalJSON does; null leaves it as is.
func (dc *decoder) time(t *time.Time) error {
	switch dc.next() {
	case kindNull:
		return dc.d.Null()
	case kindString:
	default:
		return dc.typeError("string (date-time)")
	}
	raw, err := dc.d.Raw()
	if err != nil {
		return err
	}
	if strings.IndexByte(raw, '\\') >= 0 {
		err = json.Unmarshal([]byte(raw), t)
	} else {
		err = t.UnmarshalJSON([]byte(raw))
	}
	if err != nil {
		return &DecodeError{Reason: "string that is not an RFC 3339 date-time", Err: err}
	}
	return nil
}

// unmarshal decodes the next value (an arbitrary JSON value, or a type with
// its own UnmarshalJSON) with encoding/json.
func (dc *decoder) unmarshal(v any) error {
	if dc.next() == kindInvalid {
		return dc.typeError("JSON value")
	}
	raw, err := dc.d.Raw()
	if err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(raw), v); err != nil {
		return &DecodeError{Reason: "JSON value of the wrong form", Err: err}
	}
	return nil
}

`
