package redact

import (
	"bytes"
	"encoding/json"
)

// ValuesUnder returns the values in the JSON document body under a key
// that sensitive reports true for: each string and number, also inside an
// array or object under such a key, as decoded and, when that differs, as
// written in body (with its escapes), for Forms. A part of body that is not
// valid JSON yields nothing.
func ValuesUnder(body []byte, sensitive func(key string) bool) []string {
	var out []string
	var walk func(raw []byte, under bool)
	walk = func(raw []byte, under bool) {
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 {
			return
		}
		switch raw[0] {
		case '{':
			var m map[string]json.RawMessage
			if json.Unmarshal(raw, &m) == nil {
				for k, v := range m {
					walk(v, under || sensitive(k))
				}
			}
		case '[':
			var a []json.RawMessage
			if json.Unmarshal(raw, &a) == nil {
				for _, v := range a {
					walk(v, under)
				}
			}
		case 'n', 't', 'f': // null, true, false: no data
		case '"':
			var s string
			if under && json.Unmarshal(raw, &s) == nil {
				out = append(out, s)
				if w := string(raw[1 : len(raw)-1]); w != s {
					out = append(out, w)
				}
			}
		default:
			if under {
				out = append(out, string(raw))
			}
		}
	}
	walk(body, false)
	return out
}
