package bulk

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"path/filepath"
	"strings"

	"github.com/enkash-oss/enkash-go/api"
)

// Format is the format of a sync input.
type Format string

// The formats a Reader reads.
const (
	// FormatJSONL is one JSON object per line: {"customerId": "KC…",
	// "parentCompanyId": "CEK…" (optional), "update": {the PATCH body}}.
	FormatJSONL Format = "jsonl"
	// FormatCSV is a header row naming customerId, optionally
	// parentCompanyId, and body fields, then one row per update.
	FormatCSV Format = "csv"
)

// FormatOf returns the format a file name's extension implies: .jsonl and
// .ndjson are JSONL, .csv is CSV (in any case); false for any other.
func FormatOf(path string) (Format, bool) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonl", ".ndjson":
		return FormatJSONL, true
	case ".csv":
		return FormatCSV, true
	}
	return "", false
}

// MaxRowBytes bounds one row: a JSONL line, or a CSV record (all its lines,
// when a quoted cell holds line breaks). A longer row stops the reading
// with an error, so that no input (a 10 MB cell, a file without a line
// break, an unclosed quote) is held in memory.
const MaxRowBytes = 1 << 20

// errRowTooLong is the error of a line or record over MaxRowBytes.
var errRowTooLong = fmt.Errorf("longer than %d bytes (the bound of one row)", MaxRowBytes)

// DefaultNullMarker is the CSV cell that sends null when
// ReaderOptions.NullMarker is empty.
const DefaultNullMarker = `\N`

// ReaderOptions configure a Reader.
type ReaderOptions struct {
	// Format is the input's format (required; see FormatOf).
	Format Format
	// NullMarker is the CSV cell that sends null; "" means
	// DefaultNullMarker. An empty cell leaves the field unchanged.
	NullMarker string
	// Delimiter separates CSV cells; 0 means ','. It must be an ASCII
	// character other than a quote or a line break (';' and '\t' are
	// common).
	Delimiter rune
}

// Reader reads the rows of a sync input, streaming: it holds one row at a
// time, at most MaxRowBytes.
//
// A leading UTF-8 byte order mark is skipped. JSONL: blank lines are
// skipped; each row is decoded strictly, its "update" exactly as
// DecodeUpdate decodes a body. CSV: an empty cell leaves the field absent,
// the null marker sends null, any other text is the value; the cells of
// body fields that are not strings (lists, objects, numbers, booleans) hold
// JSON, decoded strictly. Cells are never trimmed (header names are).
//
// A Reader is not safe for concurrent use; separate Readers are.
type Reader struct {
	br     *bufio.Reader
	format Format
	line   int    // lines read so far
	buf    []byte // a line longer than the bufio buffer
	csv    *csvReader
	done   bool
	// nullText counts CSV text cells equal to "null" in any case while the
	// null marker is something else.
	nullText int
	row      Row     // scratch: the row being decoded
	dec      decoder // scratch: reused for every row and cell
}

// NewReader returns a Reader of r. For CSV it reads the header row at
// once: a bad header is an error here (in the CLI, a usage error). A file
// that looks UTF-16 encoded (a UTF-16 byte order mark, NUL bytes) is
// refused as such.
func NewReader(r io.Reader, opts ReaderOptions) (*Reader, error) {
	rd := &Reader{br: bufio.NewReaderSize(r, 64<<10), format: opts.Format}
	switch opts.Format {
	case FormatJSONL, FormatCSV:
	default:
		return nil, fmt.Errorf("unknown format %q: want %s or %s", opts.Format, FormatJSONL, FormatCSV)
	}
	if err := rd.checkEncoding(); err != nil {
		return nil, err
	}
	if opts.Format == FormatCSV {
		c, err := newCSVReader(rd, opts)
		if err != nil {
			return nil, err
		}
		rd.csv = c
	}
	return rd, nil
}

// errUTF16 is the text for an input that looks UTF-16 encoded.
const errUTF16 = "the input looks UTF-16 encoded (%s): save it as UTF-8"

// checkEncoding skips a UTF-8 byte order mark and refuses UTF-16.
func (r *Reader) checkEncoding() error {
	b, err := r.br.Peek(3)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return err
	}
	switch {
	case bytes.HasPrefix(b, []byte("\ufeff")):
		_, _ = r.br.Discard(3) // as spreadsheets and PowerShell write
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return fmt.Errorf(errUTF16, "byte order mark FF FE")
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return fmt.Errorf(errUTF16, "byte order mark FE FF")
	case len(b) >= 2 && (b[0] == 0 || b[1] == 0):
		return fmt.Errorf(errUTF16, "it holds NUL bytes")
	}
	return nil
}

// Rows yields every row in input order. A yielded error is either a
// *RowError (the row is invalid: it does not parse, or the generated
// validator found it breaks the spec; the Row then holds only Line and,
// when it is spec-valid, CustomerID; reading goes on) or any other error,
// which is fatal (I/O, an unclosed CSV quote naming the line where it
// opened, a row over MaxRowBytes): reading stops after it. A row yielded
// with a nil error passed api.ValidateUpdateCustomer, as UpdateCustomer
// would check it before sending.
//
// The input is read once: after a break, a new call of Rows goes on with
// the next row.
func (r *Reader) Rows() iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		for !r.done {
			row, err, ok := r.next()
			if !ok {
				r.done = true
				return
			}
			var re *RowError
			if err != nil && !errors.As(err, &re) {
				r.done = true
				yield(Row{}, err)
				return
			}
			if !yield(row, err) {
				return
			}
		}
	}
}

// next reads the next row; false at the end of the input.
func (r *Reader) next() (Row, error, bool) {
	if r.format == FormatCSV {
		return r.csv.next(r)
	}
	return r.nextJSONL()
}

// Warnings returns what the reading noticed that is not an error, once
// Rows is done: a count of CSV cells holding the text NULL or null while
// the null marker is something else (they are sent as that text), and of
// CSV rows spanning several lines (a quoted cell holding a line break, as
// a quote left open makes).
func (r *Reader) Warnings() []string {
	var w []string
	if r.nullText > 0 {
		cells := "cells hold"
		if r.nullText == 1 {
			cells = "cell holds"
		}
		w = append(w, fmt.Sprintf("%d %s the text NULL or null, sent as that text, not as null: the null marker is %s",
			r.nullText, cells, r.csv.nullMarker))
	}
	if r.csv != nil {
		w = append(w, r.csv.warnings()...)
	}
	return w
}

// readLine returns the next line without its line break, false at the end
// of the input. The line aliases a buffer: it is valid until the next call.
func (r *Reader) readLine() ([]byte, bool, error) {
	r.buf = r.buf[:0]
	for {
		chunk, err := r.br.ReadSlice('\n')
		if len(r.buf)+len(chunk) > MaxRowBytes+2 {
			return nil, false, fmt.Errorf("line %d: %w", r.line+1, errRowTooLong)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			r.buf = append(r.buf, chunk...)
			continue
		}
		line := chunk
		if len(r.buf) > 0 {
			r.buf = append(r.buf, chunk...)
			line = r.buf
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, false, fmt.Errorf("reading line %d: %w", r.line+1, err)
		}
		if len(line) == 0 {
			return nil, false, nil
		}
		r.line++
		line = bytes.TrimSuffix(line, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		return line, true, nil
	}
}

// validate checks a parsed row with the generated validator; parentGiven
// says the input gave parentCompanyId (even empty: the spec decides).
func validate(row *Row, parentGiven bool) *RowError {
	var params *api.UpdateCustomerParams
	if parentGiven {
		parent := row.ParentCompanyID
		params = &api.UpdateCustomerParams{ParentCompanyId: &parent}
	}
	vs := api.ValidateUpdateCustomer(row.CustomerID, params, &row.Update)
	if vs == nil {
		return nil
	}
	ps := make([]Problem, len(vs))
	for i, v := range vs {
		ps[i] = Problem{Field: v.Field, Rule: v.Rule}
	}
	return rowError(row.Line, row.CustomerID, ps...)
}

// rowError returns the RowError of a row with these problems; the customer
// id is kept only when it is spec-valid.
func rowError(line int, customerID string, ps ...Problem) *RowError {
	if customerID != "" && api.ValidateUpdateCustomer(customerID, nil, &api.UpdateCustomerRequest{}) != nil {
		customerID = ""
	}
	return &RowError{Line: line, CustomerID: customerID, Problems: ps}
}
