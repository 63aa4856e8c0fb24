package bulk

import (
	"bytes"
	"fmt"

	"github.com/enkash-oss/enkash-go/api"
)

// The keys of a JSONL row: the path and query parameters as the spec names
// them (generated), and the body.
const (
	keyCustomerID      = api.ParamUpdateCustomerCustomerId
	keyParentCompanyID = api.ParamUpdateCustomerParentCompanyId
	keyUpdate          = "update"
)

// nextJSONL reads the next non-blank line as a row.
func (r *Reader) nextJSONL() (Row, error, bool) {
	for {
		data, ok, err := r.readLine()
		if err != nil {
			return Row{}, err, true
		}
		if !ok {
			return Row{}, nil, false
		}
		if len(data) > MaxRowBytes { // readLine's bound allows for a CRLF
			return Row{}, fmt.Errorf("line %d: %w", r.line, errRowTooLong), true
		}
		if len(bytes.TrimSpace(data)) == 0 {
			continue
		}
		row, err := r.parseJSONL(data)
		return row, err, true
	}
}

// parseJSONL decodes the row on the current line strictly and validates it.
// It decodes into the Reader's scratch row with its decoder (no allocation
// of either per row) and returns a copy.
func (r *Reader) parseJSONL(data []byte) (Row, error) {
	line := r.line
	r.row = Row{Line: line}
	row := &r.row
	d := &r.dec
	d.data, d.pos = data, 0
	parentGiven, seenUpdate, err := row.decodeJSONL(d)
	if err == nil {
		err = d.end("object")
	}
	if err != nil {
		return invalidRow(line, row.CustomerID, err.problem(0))
	}
	if !seenUpdate {
		return invalidRow(line, row.CustomerID, Problem{Field: keyUpdate, Rule: "required (the PATCH body, {} for none)"})
	}
	if err := validate(row, parentGiven); err != nil {
		return Row{Line: line, CustomerID: err.CustomerID}, err
	}
	return *row, nil
}

// decodeJSONL decodes the row object at d into row: parentGiven reports a
// parentCompanyId string (null counts as absent), seenUpdate the body.
func (row *Row) decodeJSONL(d *decoder) (parentGiven, seenUpdate bool, err *decodeErr) {
	d.ws()
	if d.pos >= len(d.data) || d.data[d.pos] != '{' {
		return false, false, d.typeErr("a JSON object")
	}
	d.pos++
	var seenID, seenParent bool
	for i := 0; ; i++ {
		key, keyOff, ok, err := d.nextMember(i)
		if !ok {
			return parentGiven, seenUpdate, err
		}
		var seen *bool
		dst := &row.CustomerID
		var name string // the key as an error's field path
		switch string(key) {
		case keyCustomerID:
			seen, name = &seenID, "."+keyCustomerID
		case keyParentCompanyID:
			seen, dst, name = &seenParent, &row.ParentCompanyID, "."+keyParentCompanyID
		case keyUpdate:
			seen, name = &seenUpdate, "."+keyUpdate
		default:
			return false, false, &decodeErr{off: keyOff, rule: "unknown key " + echoName(string(key)) + ": want " + keyCustomerID + ", " + keyParentCompanyID + " or " + keyUpdate}
		}
		if *seen {
			return false, false, &decodeErr{off: keyOff, field: name, rule: "duplicate key"}
		}
		*seen = true
		switch {
		case seen == &seenUpdate:
			start := d.pos
			if err := body().decode(d, &row.Update); err != nil {
				if err.off == start && !err.syntax {
					err.field = name // the body itself is not an object
				}
				return false, false, err
			}
		case d.isNull(): // as if absent
		case d.pos >= len(d.data) || d.data[d.pos] != '"':
			err := d.typeErr("a string")
			err.field = name
			return false, false, err
		default:
			s, err := d.str()
			if err != nil {
				err.field = name
				return false, false, err
			}
			*dst = string(s)
			parentGiven = parentGiven || seen == &seenParent
		}
	}
}

// invalidRow returns the Row and RowError of a row that does not parse.
func invalidRow(line int, customerID string, p Problem) (Row, error) {
	e := rowError(line, customerID, p)
	return Row{Line: line, CustomerID: e.CustomerID}, e
}
