package bulk

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/enkash-oss/enkash-go/api"
)

// Plan is the request a run sends for one customer: only the fields whose
// desired value differs from the value last confirmed applied (or whose
// last request had an unknown outcome).
type Plan struct {
	// CustomerID is the customer.
	CustomerID string
	// ParentCompanyID is the last non-empty parentCompanyId of the
	// customer's rows ("" sends none). It is a query parameter, not part of
	// the customer's state: it never makes a customer differ.
	ParentCompanyID string
	// Line is the line of the customer's last row.
	Line int
	// Patch is the JSON body to send: the differing fields, each with the
	// value of the last row that set it.
	Patch []byte

	fields []planField
	synced []byte // hash of every desired field, recorded once all are applied
}

// planField is one field of a plan: its name (the body's JSON key, as
// written, without quotes), its desired value (JSON) and where it came from.
type planField struct {
	name, value []byte
	line        int
	wasPending  bool
}

// field is one top-level member of a JSON object: key without its quotes,
// raw value.
type field struct {
	name, value []byte
	line        int
}

// splitObject appends the members of the JSON object data to dst. data
// comes from the generated encoder (AppendJSON), so it is compact and
// valid; anything else is an error, never a panic.
func splitObject(dst []field, data []byte, line int) ([]field, error) {
	bad := func() ([]field, error) { return dst, fmt.Errorf("line %d: body is not a compact JSON object", line) }
	if len(data) < 2 || data[0] != '{' || data[len(data)-1] != '}' {
		return bad()
	}
	i := 1
	for i < len(data)-1 {
		if data[i] != '"' {
			return bad()
		}
		end := skipString(data, i)
		if end < 0 || end >= len(data) || data[end] != ':' {
			return bad()
		}
		name := data[i+1 : end-1]
		vstart := end + 1
		vend := skipValue(data, vstart)
		if vend < 0 || vend == vstart {
			return bad()
		}
		dst = append(dst, field{name: name, value: data[vstart:vend], line: line})
		i = vend
		if data[i] == ',' {
			if i++; i == len(data)-1 {
				return bad() // a trailing comma
			}
		} else if i != len(data)-1 {
			return bad()
		}
	}
	return dst, nil
}

// skipString returns the index just past the JSON string starting at
// data[i] (a quote), or -1.
func skipString(data []byte, i int) int {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// skipValue returns the index just past the compact JSON value starting at
// data[i]: where a ',' or the closing '}' of the enclosing object is, or -1.
func skipValue(data []byte, i int) int {
	depth := 0
	for j := i; j < len(data); j++ {
		switch data[j] {
		case '"':
			if j = skipString(data, j); j < 0 {
				return -1
			}
			j--
		case '[', '{':
			depth++
		case ']':
			depth--
		case '}':
			if depth == 0 {
				return j
			}
			depth--
		case ',':
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// merger folds the rows of one customer, in input order, into its desired
// fields: the last value of a field wins (a list replaces the whole list).
// The rows' bodies are copied into one arena, reused from customer to
// customer, and split once the customer's last row is in.
type merger struct {
	customer []byte
	parent   []byte
	line     int
	arena    []byte
	spans    []span  // the customer's rows in the arena, in input order
	fields   []field // the merged fields, sorted by name after finish
	scratch  []field
}

// span is one row's body in the arena.
type span struct{ line, start, end int }

func (m *merger) reset(customer []byte) {
	m.customer = append(m.customer[:0], customer...)
	m.parent, m.line = m.parent[:0], 0
	m.arena, m.spans, m.fields = m.arena[:0], m.spans[:0], m.fields[:0]
}

func (m *merger) add(line int, parent, body []byte) {
	if len(parent) > 0 {
		m.parent = append(m.parent[:0], parent...)
	}
	m.line = line
	start := len(m.arena)
	m.arena = append(m.arena, body...)
	m.spans = append(m.spans, span{line, start, len(m.arena)})
}

// finish merges the rows' fields, sorted by name.
func (m *merger) finish() error {
	for _, sp := range m.spans {
		var err error
		if m.scratch, err = splitObject(m.scratch[:0], m.arena[sp.start:sp.end], sp.line); err != nil {
			return err
		}
		if len(m.spans) == 1 {
			m.fields = append(m.fields, m.scratch...)
			break
		}
		for _, f := range m.scratch {
			if k := slices.IndexFunc(m.fields, func(g field) bool { return bytes.Equal(g.name, f.name) }); k >= 0 {
				m.fields[k] = f
			} else {
				m.fields = append(m.fields, f)
			}
		}
	}
	if !slices.IsSortedFunc(m.fields, compareFields) {
		slices.SortFunc(m.fields, compareFields)
	}
	return nil
}

func compareFields(a, b field) int { return bytes.Compare(a.name, b.name) }

// hash is a digest of every desired field (finish first).
func (m *merger) hash() []byte {
	h := sha256.New()
	for _, f := range m.fields {
		h.Write(f.name)
		h.Write([]byte{0})
		h.Write(f.value)
		h.Write([]byte{0})
	}
	return h.Sum(nil)[:16]
}

// applied is what the state holds for one field of a customer.
type applied struct {
	value   sql.NullString
	pending bool
}

// plan compares the staged desired state with the state, customer by
// customer in customer id order, and calls emit with the plan of each
// customer that has a field to send. It returns how many customers were
// staged and how many of them had nothing to send. With full, every desired
// field is sent whatever the state says.
func (s *Store) plan(ctx context.Context, full bool, emit func(*Plan) error, onUnchanged func(customerID string, line int)) (customers, unchanged int, err error) {
	rows, err := s.conn.QueryContext(ctx, `
SELECT r.customer_id, r.line, r.parent, r.body, c.synced, c.customer_id IS NOT NULL
FROM stage.rows r LEFT JOIN customers c ON c.customer_id = r.customer_id
ORDER BY r.customer_id, r.line`)
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	fieldsQ, err := s.conn.PrepareContext(ctx, `SELECT field, value, pending FROM fields WHERE customer_id = ?`)
	if err != nil {
		return 0, 0, err
	}
	defer fieldsQ.Close()

	var (
		m      merger
		synced []byte
		known  bool
		have   bool
		state  = map[string]applied{}
		plan   Plan
		line   int
		id     sql.RawBytes
		parent sql.RawBytes
		body   sql.RawBytes
		rowSyn sql.RawBytes
		rowKn  bool
	)
	finishOne := func() error {
		customers++
		if err := m.finish(); err != nil {
			return err
		}
		var digest []byte
		if !full && synced != nil {
			if digest = m.hash(); bytes.Equal(digest, synced) {
				unchanged++
				if onUnchanged != nil {
					onUnchanged(string(m.customer), m.line)
				}
				return nil
			}
		}
		customerID := string(m.customer)
		clear(state)
		if known {
			if err := s.readFields(ctx, fieldsQ, customerID, state); err != nil {
				return err
			}
		}
		plan = Plan{CustomerID: customerID, ParentCompanyID: string(m.parent), Line: m.line,
			Patch: append(plan.Patch[:0], '{'), fields: plan.fields[:0], synced: digest}
		for _, f := range m.fields {
			a, ok := state[string(f.name)]
			if !full && ok && !a.pending && a.value.Valid && a.value.String == string(f.value) {
				continue
			}
			if len(plan.Patch) > 1 {
				plan.Patch = append(plan.Patch, ',')
			}
			plan.Patch = append(plan.Patch, '"')
			plan.Patch = append(plan.Patch, f.name...)
			plan.Patch = append(plan.Patch, '"', ':')
			plan.Patch = append(plan.Patch, f.value...)
			plan.fields = append(plan.fields, planField{name: f.name, value: f.value, line: f.line, wasPending: a.pending})
		}
		plan.Patch = append(plan.Patch, '}')
		if len(plan.fields) == 0 {
			unchanged++
			if onUnchanged != nil {
				onUnchanged(customerID, m.line)
			}
			return nil
		}
		if plan.synced == nil {
			plan.synced = m.hash()
		}
		return emit(&plan)
	}
	for rows.Next() {
		if err := rows.Scan(&id, &line, &parent, &body, &rowSyn, &rowKn); err != nil {
			return customers, unchanged, err
		}
		if !have || !bytes.Equal(id, m.customer) {
			if have {
				if err := finishOne(); err != nil {
					return customers, unchanged, err
				}
			}
			have = true
			m.reset(id)
			synced = append(synced[:0], rowSyn...)
			if rowSyn == nil {
				synced = nil
			}
			known = rowKn
		}
		m.add(line, parent, body)
	}
	if err := rows.Err(); err != nil {
		return customers, unchanged, err
	}
	if have {
		if err := finishOne(); err != nil {
			return customers, unchanged, err
		}
	}
	return customers, unchanged, nil
}

func (s *Store) readFields(ctx context.Context, q *sql.Stmt, customerID string, into map[string]applied) error {
	rows, err := q.QueryContext(ctx, customerID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var a applied
		if err := rows.Scan(&name, &a.value, &a.pending); err != nil {
			return err
		}
		into[name] = a
	}
	return rows.Err()
}

// AppendPlanLine appends the JSONL line a dry run prints for p, in the
// sync input's own JSONL form plus the line of the customer's last row:
// {"line":…,"customerId":…,"parentCompanyId":…,"update":{…}} (no
// parentCompanyId when there is none).
func AppendPlanLine(b []byte, p *Plan) []byte {
	b = append(b, `{"line":`...)
	b = strconv.AppendInt(b, int64(p.Line), 10)
	b = append(b, ',')
	b = appendJSONString(b, api.ParamUpdateCustomerCustomerId)
	b = append(b, ':')
	b = appendJSONString(b, p.CustomerID)
	if p.ParentCompanyID != "" {
		b = append(b, ',')
		b = appendJSONString(b, api.ParamUpdateCustomerParentCompanyId)
		b = append(b, ':')
		b = appendJSONString(b, p.ParentCompanyID)
	}
	b = append(b, ',')
	b = appendJSONString(b, planUpdateKey)
	b = append(b, ':')
	b = append(b, p.Patch...)
	return append(b, "}\n"...)
}

// planUpdateKey is the sync input's JSONL key of the PATCH body.
const planUpdateKey = "update"

// appendJSONString appends s as a JSON string, as encoding/json writes it.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
