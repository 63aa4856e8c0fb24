package bulk

import (
	"bytes"

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
		if len(bytes.TrimSpace(data)) == 0 {
			continue
		}
		row, err := parseJSONL(r.line, data)
		return row, err, true
	}
}

// parseJSONL decodes one row strictly and validates it.
func parseJSONL(line int, data []byte) (Row, error) {
	row := Row{Line: line}
	d := decoder{data: data}
	var seenID, seenParent, seenUpdate, parentGiven bool
	d.ws()
	var err *decodeErr
	if d.pos >= len(d.data) || d.data[d.pos] != '{' {
		err = d.typeErr("a JSON object")
	} else {
		d.pos++
		err = d.members(func(key []byte, keyOff int) *decodeErr {
			var seen *bool
			switch string(key) {
			case keyCustomerID:
				seen = &seenID
			case keyParentCompanyID:
				seen = &seenParent
			case keyUpdate:
				seen = &seenUpdate
			default:
				return &decodeErr{off: keyOff, rule: "unknown key " + echoName(string(key)) + ": want " + keyCustomerID + ", " + keyParentCompanyID + " or " + keyUpdate}
			}
			if *seen {
				return &decodeErr{off: keyOff, field: "." + string(key), rule: "duplicate key"}
			}
			*seen = true
			if string(key) == keyUpdate {
				start := d.pos
				err := body().decode(&d, &row.Update)
				if err != nil && err.off == start && !err.syntax {
					err.field = "." + keyUpdate // the body itself is not an object
				}
				return err
			}
			dst := &row.CustomerID
			if string(key) == keyParentCompanyID {
				dst = &row.ParentCompanyID
			}
			if d.isNull() { // as if absent
				return nil
			}
			if d.pos >= len(d.data) || d.data[d.pos] != '"' {
				e := d.typeErr("a string")
				e.field = "." + string(key)
				return e
			}
			s, e := d.str()
			if e != nil {
				e.field = "." + string(key)
				return e
			}
			*dst = string(s)
			parentGiven = parentGiven || dst == &row.ParentCompanyID
			return nil
		})
		if err == nil {
			err = d.end("object")
		}
	}
	if err != nil {
		return invalidRow(line, row.CustomerID, err.problem(0))
	}
	if !seenUpdate {
		return invalidRow(line, row.CustomerID, Problem{Field: keyUpdate, Rule: "required (the PATCH body, {} for none)"})
	}
	if err := validate(&row, parentGiven); err != nil {
		return Row{Line: line, CustomerID: err.CustomerID}, err
	}
	return row, nil
}

// invalidRow returns the Row and RowError of a row that does not parse.
func invalidRow(line int, customerID string, p Problem) (Row, error) {
	e := rowError(line, customerID, p)
	return Row{Line: line, CustomerID: e.CustomerID}, e
}
