package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/bulk"
	"github.com/enkash-oss/enkash-go/wrapper"
)

// The sync input's envelope: the path and query parameters of a row (JSONL
// keys and CSV columns), named as the spec names them (generated), and the
// CLI's own JSONL key of the PATCH body. Every other CSV column is a body
// field of the generated type.
const (
	colCustomerID      = api.ParamUpdateCustomerCustomerId
	colParentCompanyID = api.ParamUpdateCustomerParentCompanyId
	keyUpdate          = "update"
)

// syncRow is one row of the input.
type syncRow struct {
	line       int // 1-based line of the file where the row starts
	customerID string
	parentID   string
	body       api.UpdateCustomerRequest
	problems   []string // why the row is invalid: "field: rule" or a parse error; nil when valid
}

// displayID is the row's customer id for output: "" when the id itself
// breaks the spec (it might be anything, personal data included).
func (r *syncRow) displayID() string {
	if err := wrapper.ValidateUpdateCustomer(r.customerID, api.UpdateCustomerRequest{}); err != nil {
		return ""
	}
	return r.customerID
}

// validate checks a parsed row with the generated validator, as
// UpdateCustomer would before sending it.
func (r *syncRow) validate() {
	if r.problems != nil {
		return
	}
	var opts []wrapper.CallOption
	if r.parentID != "" {
		opts = append(opts, wrapper.WithParentCompanyID(r.parentID))
	}
	var ve *wrapper.ValidationError
	if err := wrapper.ValidateUpdateCustomer(r.customerID, r.body, opts...); errors.As(err, &ve) {
		for _, v := range ve.Violations {
			r.problems = append(r.problems, v.Field+": "+v.Rule)
		}
	}
}

// rowReader yields the rows of a JSONL or CSV input one at a time; a
// returned error is a usage error (a bad CSV header) or an I/O error.
type rowReader interface {
	next() (syncRow, bool, error)
}

// maxRowBytes bounds one JSONL line, as --body bounds a body.
const maxRowBytes = maxBodyFileBytes

func newRowReader(format string, r io.Reader, nullMarker string) (rowReader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\ufeff")) {
		_, _ = br.Discard(3) // a byte order mark, as spreadsheets and PowerShell write
	}
	switch format {
	case "jsonl":
		return &jsonlReader{br: br}, nil
	case "csv":
		return newCSVReader(br, nullMarker)
	}
	return nil, usagef("unknown format %q: want jsonl or csv", format)
}

// jsonlReader reads one object per line — the customer and parent company
// parameters (colCustomerID, colParentCompanyID) and the body (keyUpdate) —
// skipping blank lines.
type jsonlReader struct {
	br   *bufio.Reader
	line int
	buf  []byte
}

func (j *jsonlReader) next() (syncRow, bool, error) {
	for {
		data, tooLong, err := j.readLine()
		if err != nil && !errors.Is(err, io.EOF) {
			return syncRow{}, false, err
		}
		if data == nil && !tooLong && errors.Is(err, io.EOF) {
			return syncRow{}, false, nil
		}
		j.line++
		if tooLong {
			return syncRow{line: j.line, problems: []string{fmt.Sprintf("line longer than %d bytes", maxRowBytes)}}, true, nil
		}
		if len(bytes.TrimSpace(data)) == 0 {
			if errors.Is(err, io.EOF) {
				return syncRow{}, false, nil
			}
			continue
		}
		return parseJSONLRow(j.line, data), true, nil
	}
}

// readLine returns the next line without its line ending, nil at the end of
// the input; a line longer than maxRowBytes is skipped and reported.
func (j *jsonlReader) readLine() (data []byte, tooLong bool, err error) {
	j.buf = j.buf[:0]
	for {
		chunk, err := j.br.ReadSlice('\n')
		if !tooLong {
			if len(j.buf)+len(chunk) > maxRowBytes+2 {
				tooLong, j.buf = true, j.buf[:0]
			} else {
				j.buf = append(j.buf, chunk...)
			}
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err != nil && !errors.Is(err, io.EOF):
			return nil, false, err
		case errors.Is(err, io.EOF) && len(j.buf) == 0 && !tooLong:
			return nil, false, io.EOF
		}
		line := bytes.TrimSuffix(bytes.TrimSuffix(j.buf, []byte("\n")), []byte("\r"))
		return line, tooLong, err
	}
}

func parseJSONLRow(line int, data []byte) syncRow {
	row := syncRow{line: line}
	var env map[string]json.RawMessage
	if err := strictDecode(data, &env); err != nil {
		row.problems = []string{strings.Replace(describeJSONError(err).Error(), "body: ", "row: ", 1)}
		return row
	}
	if env == nil {
		row.problems = []string{"row: must be a JSON object"}
		return row
	}
	for _, key := range slices.Sorted(maps.Keys(env)) {
		if key != colCustomerID && key != colParentCompanyID && key != keyUpdate {
			row.problems = []string{"unknown key " + echoName(key) + ": want " + colCustomerID + ", " + colParentCompanyID + " or " + keyUpdate}
			return row
		}
	}
	for _, f := range []struct {
		key string
		dst *string
	}{{colCustomerID, &row.customerID}, {colParentCompanyID, &row.parentID}} {
		if raw, ok := env[f.key]; ok && string(raw) != "null" {
			if err := json.Unmarshal(raw, f.dst); err != nil {
				row.problems = []string{f.key + ": must be a string"}
				return row
			}
		}
	}
	update, ok := env[keyUpdate]
	if !ok {
		row.problems = []string{keyUpdate + ": required (the PATCH body, {} for none)"}
		return row
	}
	body, err := decodeBody(update)
	if err != nil {
		row.problems = []string{err.Error()}
		return row
	}
	row.body = body
	row.validate()
	return row
}

// csvReader reads a header row (customerId, optional parentCompanyId, body
// field names) and one row per record: an empty cell leaves the field
// absent, the null marker sends null, list fields hold JSON.
type csvReader struct {
	r          *csv.Reader
	lim        *recordLimit
	nullMarker string
	cols       []string // header names
	fields     []bodyField
	idCol      int
	parentCol  int // -1 when absent
}

func newCSVReader(r io.Reader, nullMarker string) (*csvReader, error) {
	lr := &recordLimit{r: r}
	cr := csv.NewReader(lr)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, usagef("CSV: no header row")
	}
	if err != nil {
		return nil, usagef("CSV header: %v", err)
	}
	c := &csvReader{r: cr, lim: lr, nullMarker: nullMarker, idCol: -1, parentCol: -1,
		cols: make([]string, len(header)), fields: make([]bodyField, len(header))}
	seen := map[string]bool{}
	for i, name := range header {
		name = strings.TrimSpace(name)
		c.cols[i] = name
		if seen[name] {
			return nil, usagef("CSV header: column %s given more than once", echoName(name))
		}
		seen[name] = true
		switch name {
		case colCustomerID:
			c.idCol = i
		case colParentCompanyID:
			c.parentCol = i
		default:
			f, ok := lookupField(name)
			if !ok {
				return nil, usagef("CSV header: unknown column %s: want %s, %s or a body field: %s", echoName(name), colCustomerID, colParentCompanyID, fieldNames())
			}
			c.fields[i] = f
		}
	}
	if c.idCol < 0 {
		return nil, usagef("CSV header: no %s column", colCustomerID)
	}
	return c, nil
}

// recordLimit bounds how far the CSV reader may read past the start of the
// record it is on: an unclosed quote would otherwise make the rest of the
// file one record held in memory.
type recordLimit struct {
	r     io.Reader
	n     int64 // bytes handed to the CSV reader
	start int64 // the input offset where the current record starts
}

var errRecordTooLong = fmt.Errorf("a CSV record longer than %d bytes (an unclosed quote?)", maxRowBytes)

func (l *recordLimit) Read(p []byte) (int, error) {
	if l.n-l.start > maxRowBytes+64<<10 {
		return 0, errRecordTooLong
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	return n, err
}

func (c *csvReader) next() (syncRow, bool, error) {
	c.lim.start = c.r.InputOffset()
	rec, err := c.r.Read()
	if errors.Is(err, io.EOF) {
		return syncRow{}, false, nil
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return syncRow{line: pe.StartLine, problems: []string{"CSV: " + pe.Err.Error()}}, true, nil
	}
	if err != nil {
		return syncRow{}, false, err
	}
	line, _ := c.r.FieldPos(0)
	row := syncRow{line: line, customerID: rec[c.idCol]}
	if c.parentCol >= 0 {
		row.parentID = rec[c.parentCol]
	}
	fields := map[string]json.RawMessage{}
	for i, cell := range rec {
		if i == c.idCol || i == c.parentCol || cell == "" {
			continue
		}
		f := c.fields[i]
		switch {
		case !utf8.ValidString(cell):
			row.problems = append(row.problems, f.name+": utf-8")
		case cell == c.nullMarker:
			fields[f.name] = json.RawMessage("null")
		case f.takesJSON():
			if !json.Valid([]byte(cell)) {
				row.problems = append(row.problems, fmt.Sprintf("%s: must be JSON (%s)", f.name, f.shape()))
				continue
			}
			fields[f.name] = json.RawMessage(cell)
		default:
			quoted, err := json.Marshal(cell)
			if err != nil {
				row.problems = append(row.problems, f.name+": "+err.Error())
				continue
			}
			fields[f.name] = quoted
		}
	}
	if row.problems != nil {
		return row, true, nil
	}
	raw, err := json.Marshal(fields)
	if err != nil {
		row.problems = []string{err.Error()}
		return row, true, nil
	}
	if row.body, err = decodeBody(raw); err != nil {
		row.problems = []string{err.Error()}
		return row, true, nil
	}
	row.validate()
	return row, true, nil
}

// readRows reads the input's rows as bulk rows: a row with problems is a
// *bulk.RowError (its customer id only when valid), any other error ends
// the reading.
func readRows(o syncOptions, in io.Reader) (iter.Seq2[bulk.Row, error], error) {
	rr, err := newRowReader(o.format, in, o.nullMarker)
	if err != nil {
		return nil, err
	}
	return func(yield func(bulk.Row, error) bool) {
		for {
			row, ok, err := rr.next()
			if err != nil {
				yield(bulk.Row{}, fmt.Errorf("reading %s: %w", o.path, err))
				return
			}
			if !ok {
				return
			}
			if row.problems != nil {
				re := &bulk.RowError{Line: row.line, CustomerID: row.displayID()}
				for _, p := range row.problems {
					re.Problems = append(re.Problems, bulk.Problem{Rule: p})
				}
				if !yield(bulk.Row{}, re) {
					return
				}
				continue
			}
			if !yield(bulk.Row{Line: row.line, CustomerID: row.customerID, ParentCompanyID: row.parentID, Update: row.body}, nil) {
				return
			}
		}
	}, nil
}

// ctxReader reads r on a goroutine of its own, so that a Read waiting for
// input (stdin still open) returns as soon as ctx ends.
type ctxReader struct {
	ctx    context.Context
	chunks chan readChunk
	buf    []byte
	err    error
}

type readChunk struct {
	data []byte
	err  error
}

func newCtxReader(ctx context.Context, r io.Reader) io.Reader {
	c := &ctxReader{ctx: ctx, chunks: make(chan readChunk)}
	go func() {
		for {
			b := make([]byte, 64<<10)
			n, err := r.Read(b)
			select {
			case c.chunks <- readChunk{b[:n], err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return c
}

func (c *ctxReader) Read(p []byte) (int, error) {
	for len(c.buf) == 0 {
		if c.err != nil {
			return 0, c.err
		}
		select {
		case ch := <-c.chunks:
			c.buf, c.err = ch.data, ch.err
		case <-c.ctx.Done():
			return 0, c.ctx.Err()
		}
	}
	n := copy(p, c.buf)
	c.buf = c.buf[n:]
	return n, nil
}
