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
//     is limited to 10,000 levels (jx's limit, and encoding/json's).
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

// decodeError returns err as a *DecodeError (jx wraps the errors of the
// callbacks it runs).
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

// decoder is the state of one document: jx over data, and one string copy
// of data that every unescaped string value is a substring of (one
// allocation for all of them).
type decoder struct {
	d    *jx.Decoder
	data []byte
	str  string
	// exact: read every string from its raw bytes (see errExact).
	exact bool
	// utf8: data is valid UTF-8, and so is every string in it.
	utf8 bool
	// at is where the value about to be decoded starts in data, when
	// known (after an unescaped key), else -1: next reads the value's kind
	// there instead of asking jx.
	at int
}

// keyed records where the value of the object member whose key jx just
// returned starts (jx has checked the colon and that a value follows).
func (dc *decoder) keyed(key []byte) {
	dc.at = -1
	off, ok := dc.alias(key)
	if !ok {
		return
	}
	i := off + len(key) + 1
	for i < len(dc.data) && isSpace(dc.data[i]) {
		i++
	}
	if i >= len(dc.data) || dc.data[i] != ':' {
		return
	}
	i++
	for i < len(dc.data) && isSpace(dc.data[i]) {
		i++
	}
	if i < len(dc.data) {
		dc.at = i
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// next is the kind of the next value, as jx's Next says.
func (dc *decoder) next() jx.Type {
	if dc.at < 0 {
		return dc.d.Next()
	}
	switch c := dc.data[dc.at]; c {
	case '"':
		return jx.String
	case 'n':
		return jx.Null
	case 't', 'f':
		return jx.Bool
	case '[':
		return jx.Array
	case '{':
		return jx.Object
	default:
		if c == '-' || '0' <= c && c <= '9' {
			return jx.Number
		}
	}
	return jx.Invalid
}

// errExact asks for the document to be decoded again in exact mode: a
// string with escapes decoded to U+FFFD, and jx pairs surrogate escapes
// differently from encoding/json in one case (a high surrogate followed by
// another high one), which only the raw bytes can tell.
var errExact = errors.New("decode again reading strings from their raw bytes")

// decodeDocument runs decode over data, which must hold one JSON value and
// nothing else but white space.
func decodeDocument(data []byte, exact bool, decode func(*decoder) error) error {
	d := jx.GetDecoder()
	d.ResetBytes(data)
	dc := decoder{d: d, data: data, str: string(data), exact: exact, utf8: utf8.Valid(data), at: -1}
	err := decode(&dc)
	if err == nil {
		// Exactly io.EOF: nothing but white space is left. jx wraps io.EOF
		// for a value cut short too ("object: EOF"), which is data after it.
		if serr := d.Skip(); serr != io.EOF {
			err = &DecodeError{Reason: "data after the JSON value", Err: serr}
		}
	}
	jx.PutDecoder(d)
	if err != nil {
		if errors.Is(err, errExact) {
			return errExact
		}
		return decodeError(err)
	}
	return nil
}

// alias reports where b, a slice jx returned, starts in the document, or
// not ok when jx built b elsewhere (the string had escapes).
func (dc *decoder) alias(b []byte) (int, bool) {
	off := dc.offset(b)
	if len(b) == 0 || off < 0 || off+len(b) > len(dc.data) || &dc.data[off] != &b[0] {
		return 0, false
	}
	return off, true
}

// offset is where b, a slice of the document jx returned, starts in it.
func (dc *decoder) offset(b []byte) int { return cap(dc.data) - cap(b) }

// typeError reports the next value as the wrong kind for want.
func (dc *decoder) typeError(want string) error {
	var found string
	switch dc.d.Next() {
	case jx.String:
		found = "string"
	case jx.Number:
		found = "number"
	case jx.Null:
		found = "null"
	case jx.Bool:
		found = "boolean"
	case jx.Array:
		found = "array"
	case jx.Object:
		found = "object"
	default:
		return &DecodeError{Reason: "malformed JSON"}
	}
	return &DecodeError{Reason: "JSON " + found + " where " + want + " belongs"}
}

// string reads a string (ok) or null (not ok: nothing to set).
func (dc *decoder) string() (string, bool, error) {
	switch dc.next() {
	case jx.String:
	case jx.Null:
		return "", false, dc.d.Null()
	default:
		return "", false, dc.typeError("string")
	}
	if dc.exact {
		raw, err := dc.d.Raw()
		if err != nil {
			return "", false, err
		}
		return dc.unquote(raw), true, nil
	}
	b, err := dc.d.StrBytes()
	if err != nil {
		return "", false, err
	}
	if len(b) == 0 {
		return "", true, nil
	}
	if off, ok := dc.alias(b); ok { // no escape: a substring
		if dc.utf8 || utf8.Valid(b) {
			return dc.str[off : off+len(b)], true, nil
		}
		return validUTF8(b), true, nil
	}
	if bytes.Contains(b, replacementChar) {
		return "", false, errExact
	}
	return validUTF8(b), true, nil
}

var replacementChar = []byte("\uFFFD")

// validUTF8 returns b as a string with every byte that is not UTF-8
// replaced by U+FFFD, as encoding/json does.
func validUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		sb.WriteRune(r)
		b = b[n:]
	}
	return sb.String()
}

// unquote returns the value of the JSON string raw (quotes included): a
// substring of the document when it has no escape and is valid UTF-8.
func (dc *decoder) unquote(raw []byte) string {
	start := dc.offset(raw) + 1
	inner := raw[1 : len(raw)-1]
	for i, c := range inner {
		if c == '\\' || c >= utf8.RuneSelf {
			if bytes.IndexByte(inner[i:], '\\') < 0 && utf8.Valid(inner[i:]) {
				break
			}
			return unquoteSlow(inner)
		}
	}
	return dc.str[start : start+len(inner)]
}

// unquoteSlow decodes the escapes of a JSON string's content as
// encoding/json does: a surrogate escape that is not half of a pair, and
// every byte that is not UTF-8, become U+FFFD.
func unquoteSlow(s []byte) string {
	b := make([]byte, 0, len(s)+2*utf8.UTFMax)
	for r := 0; r < len(s); {
		c := s[r]
		switch {
		case c == '\\':
			r++
			if r >= len(s) {
				return string(b)
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
					return string(b)
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
			default: // '"', '\\', '/' (jx refuses any other escape)
				b = append(b, s[r])
			}
			r++
		case c < utf8.RuneSelf:
			b = append(b, c)
			r++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			r += size
			b = utf8.AppendRune(b, rr)
		}
	}
	return string(b)
}

// getu4 decodes \uXXXX at the start of s, or returns -1.
func getu4(s []byte) rune {
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

// key returns an object key as encoding/json spells it (invalid UTF-8 as
// U+FFFD), or not ok when the key was written with escapes (jx decoded it
// already, and its treatment of a broken surrogate pair differs).
func (dc *decoder) key(k []byte) (string, bool) {
	if len(k) == 0 {
		return "", true
	}
	off, ok := dc.alias(k)
	if !ok {
		return "", false
	}
	if dc.utf8 || utf8.Valid(k) {
		return dc.str[off : off+len(k)], true
	}
	return validUTF8(k), true
}

// rawMember is an object member kept for later decoding.
type rawMember struct {
	key string
	raw []byte
}

// setMember records key's value; a later duplicate replaces it.
func setMember(ms []rawMember, key string, raw []byte) []rawMember {
	for i := range ms {
		if ms[i].key == key {
			ms[i].raw = raw
			return ms
		}
	}
	return append(ms, rawMember{key, raw})
}

// foldEqual reports whether key equals name (ASCII upper case) under
// encoding/json's case folding: each rune folded to the smallest rune of
// its Unicode simple-folding orbit ("ſ" matches "S", the Kelvin sign "K").
func foldEqual(key []byte, name string) bool {
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
		r, n := utf8.DecodeRune(key[i:])
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

// literal is the text of the number raw, a substring of the document.
func (dc *decoder) literal(raw []byte) string {
	off := dc.offset(raw)
	return dc.str[off : off+len(raw)]
}

// number reads a json.Number: a number literal, or a string holding a
// valid one (as encoding/json accepts); null is not ok (nothing to set).
func (dc *decoder) number() (string, bool, error) {
	switch dc.next() {
	case jx.Number:
		raw, err := dc.d.Raw()
		if err != nil {
			return "", false, err
		}
		return dc.literal(raw), true, nil
	case jx.String:
		s, _, err := dc.string()
		if err != nil {
			return "", false, err
		}
		if !isValidNumber(s) {
			return "", false, &DecodeError{Reason: "JSON string that is not a number where a number belongs"}
		}
		return s, true, nil
	case jx.Null:
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
	case jx.Number:
	case jx.Null:
		return 0, false, dc.d.Null()
	default:
		return 0, false, dc.typeError("integer")
	}
	raw, err := dc.d.Raw()
	if err != nil {
		return 0, false, err
	}
	n, err := strconv.ParseInt(dc.literal(raw), 10, bits)
	if err != nil {
		return 0, false, &DecodeError{Reason: "number that is not an int" + strconv.Itoa(bits), Err: err}
	}
	return n, true, nil
}

// float reads a number that fits a float of bits; null is not ok.
func (dc *decoder) float(bits int) (float64, bool, error) {
	switch dc.next() {
	case jx.Number:
	case jx.Null:
		return 0, false, dc.d.Null()
	default:
		return 0, false, dc.typeError("number")
	}
	raw, err := dc.d.Raw()
	if err != nil {
		return 0, false, err
	}
	f, err := strconv.ParseFloat(dc.literal(raw), bits)
	if err != nil {
		return 0, false, &DecodeError{Reason: "number out of range", Err: err}
	}
	return f, true, nil
}

// bool reads true or false; null is not ok.
func (dc *decoder) bool() (bool, bool, error) {
	switch dc.next() {
	case jx.Bool:
		v, err := dc.d.Bool()
		return v, err == nil, err
	case jx.Null:
		return false, false, dc.d.Null()
	}
	return false, false, dc.typeError("boolean")
}

// time reads a time.Time as its UnmarshalJSON does; null leaves it as is.
func (dc *decoder) time(t *time.Time) error {
	switch dc.next() {
	case jx.Null:
		return dc.d.Null()
	case jx.String:
	default:
		return dc.typeError("string (date-time)")
	}
	raw, err := dc.d.Raw()
	if err != nil {
		return err
	}
	if bytes.IndexByte(raw, '\\') >= 0 {
		err = json.Unmarshal(raw, t)
	} else {
		err = t.UnmarshalJSON(raw)
	}
	if err != nil {
		return &DecodeError{Reason: "string that is not an RFC 3339 date-time", Err: err}
	}
	return nil
}

// unmarshal decodes the next value (an arbitrary JSON value, or a type with
// its own UnmarshalJSON) with encoding/json.
func (dc *decoder) unmarshal(v any) error {
	if dc.next() == jx.Invalid {
		return dc.typeError("JSON value")
	}
	raw, err := dc.d.Raw()
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return &DecodeError{Reason: "JSON value of the wrong form", Err: err}
	}
	return nil
}

`
