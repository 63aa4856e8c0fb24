package bulk

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// csvReader reads CSV (RFC 4180: cells may be quoted, a quoted cell may
// hold the delimiter, line breaks and doubled quotes) after its header.
type csvReader struct {
	delim      byte
	nullMarker string
	cols       []csvCol
	idCol      int
	parentCol  int // -1 when absent
	data       []byte
	ends       []int // end of each cell in data
	// multiLine counts the rows spanning several lines (a quoted cell
	// holding a line break); spans are the first maxSpans of them.
	multiLine int
	spans     [][2]int
}

// maxSpans bounds the line ranges a warning lists.
const maxSpans = 5

// warnings says how many rows span several lines: a quote left open
// swallows the lines up to the next quote into one cell, which is valid
// CSV when the cell count still matches.
func (c *csvReader) warnings() []string {
	if c.multiLine == 0 {
		return nil
	}
	rows := "rows hold"
	if c.multiLine == 1 {
		rows = "row holds"
	}
	var ranges []string
	for _, s := range c.spans {
		ranges = append(ranges, fmt.Sprintf("%d to %d", s[0], s[1]))
	}
	more := ""
	if c.multiLine > len(c.spans) {
		more = ", …"
	}
	return []string{fmt.Sprintf("%d %s a line break inside a quoted cell (lines %s%s): check that no quote is missing",
		c.multiLine, rows, strings.Join(ranges, ", "), more)}
}

// csvCol is one column: a body field, or the customer or parent company
// column (field nil).
type csvCol struct {
	name  string
	field *structField
}

// csvRecord is one record read: its cells are c.data split at c.ends.
type csvRecord struct {
	start, end int      // its first and last line
	problem    *Problem // a quoting error: the record is invalid
}

func (c *csvReader) cell(i int) []byte {
	start := 0
	if i > 0 {
		start = c.ends[i-1]
	}
	return c.data[start:c.ends[i]]
}

// delimName names a delimiter in a message.
func delimName(b byte) string {
	if b == '\t' {
		return "a tab"
	}
	return strconv.Quote(string(rune(b)))
}

func newCSVReader(r *Reader, opts ReaderOptions) (*csvReader, error) {
	c := &csvReader{delim: ',', nullMarker: opts.NullMarker, idCol: -1, parentCol: -1}
	if c.nullMarker == "" {
		c.nullMarker = DefaultNullMarker
	}
	if opts.Delimiter != 0 {
		d := opts.Delimiter
		if d >= utf8.RuneSelf || d == '"' || d == '\r' || d == '\n' || d < ' ' && d != '\t' {
			return nil, fmt.Errorf("CSV delimiter %q: want an ASCII character other than a quote or a line break", d)
		}
		c.delim = byte(d)
	}
	rec, ok, err := c.read(r)
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return nil, fmt.Errorf("CSV: no header row")
	case bytes.IndexByte(c.data, 0) >= 0:
		return nil, fmt.Errorf(errUTF16, "its header holds NUL bytes")
	case bytes.IndexByte(c.data, '\r') >= 0:
		return nil, fmt.Errorf("CSV header: holds a carriage return: the lines end with CR alone; save the file with LF or CRLF line ends")
	case rec.problem != nil:
		return nil, fmt.Errorf("CSV header: %s", rec.problem.Rule)
	}
	names := make([]string, len(c.ends))
	known := func(name string) bool {
		_, ok := body().field(name)
		return ok || name == keyCustomerID || name == keyParentCompanyID
	}
	allKnown := true
	for i := range names {
		names[i] = strings.TrimSpace(string(c.cell(i)))
		allKnown = allKnown && known(names[i])
	}
	if !allKnown {
		if other, ok := c.guessDelimiter(names); ok {
			return nil, fmt.Errorf("CSV header: the columns look separated by %s, not %s: set the delimiter to %s",
				delimName(other), delimName(c.delim), delimName(other))
		}
	}
	c.cols = make([]csvCol, len(names))
	seen := map[string]bool{}
	for i, name := range names {
		c.cols[i].name = name
		switch {
		case name == "":
			hint := ""
			if i == len(names)-1 {
				hint = " (a delimiter at the end of the line?)"
			}
			return nil, fmt.Errorf("CSV header: column %d has no name%s", i+1, hint)
		case seen[name]:
			return nil, fmt.Errorf("CSV header: column %s given more than once", echoName(name))
		case name == keyCustomerID:
			c.idCol = i
		case name == keyParentCompanyID:
			c.parentCol = i
		default:
			f, ok := body().field(name)
			if !ok {
				return nil, fmt.Errorf("CSV header: unknown column %s: want %s, %s or a body field: %s",
					echoName(name), keyCustomerID, keyParentCompanyID, body().names)
			}
			c.cols[i].field = f
		}
		seen[name] = true
	}
	if c.idCol < 0 {
		return nil, fmt.Errorf("CSV header: no %s column", keyCustomerID)
	}
	return c, nil
}

// guessDelimiter reports another common delimiter that splits the header
// into known names, customerId among them.
func (c *csvReader) guessDelimiter(names []string) (byte, bool) {
	header := strings.Join(names, string(rune(c.delim)))
	for _, other := range []byte{',', ';', '\t', '|'} {
		if other == c.delim || strings.IndexByte(header, other) < 0 {
			continue
		}
		for part := range strings.SplitSeq(header, string(rune(other))) {
			if strings.TrimSpace(part) == keyCustomerID {
				return other, true
			}
		}
	}
	return 0, false
}

// read reads the next record into c.data and c.ends, skipping blank lines;
// false at the end of the input. An error is fatal: I/O, an unclosed quote,
// a record over MaxRowBytes.
func (c *csvReader) read(r *Reader) (csvRecord, bool, error) {
	c.data, c.ends = c.data[:0], c.ends[:0]
	var line []byte
	for {
		l, ok, err := r.readLine()
		if err != nil || !ok {
			return csvRecord{}, false, err
		}
		if len(bytes.Trim(l, " ")) > 0 {
			line = l
			break
		}
	}
	rec := csvRecord{start: r.line}
	pos := 0
	for {
		if pos < len(line) && line[pos] == '"' {
			opened := r.line
			pos++
			for {
				i := bytes.IndexByte(line[pos:], '"')
				if i < 0 {
					c.data = append(c.data, line[pos:]...)
					c.data = append(c.data, '\n')
					l, ok, err := r.readLine()
					if len(c.data) > MaxRowBytes || errors.Is(err, errRowTooLong) {
						return csvRecord{}, false, fmt.Errorf("line %d: the quoted cell opened on line %d is not closed within %d bytes (an unclosed quote?)", opened, opened, MaxRowBytes)
					}
					if err != nil {
						return csvRecord{}, false, err
					}
					if !ok {
						return csvRecord{}, false, fmt.Errorf("line %d: unclosed quote: the quoted cell opened on line %d runs to the end of the input", opened, opened)
					}
					line, pos = l, 0
					continue
				}
				c.data = append(c.data, line[pos:pos+i]...)
				pos += i + 1
				if pos < len(line) && line[pos] == '"' {
					c.data = append(c.data, '"')
					pos++
					continue
				}
				break
			}
			if pos < len(line) && line[pos] != c.delim && rec.problem == nil {
				rec.problem = &Problem{Field: c.colName(len(c.ends)), Rule: "text after the closing quote of a quoted cell"}
			}
			if i := bytes.IndexByte(line[pos:], c.delim); rec.problem != nil && i >= 0 {
				pos += i
			} else if rec.problem != nil {
				pos = len(line)
			}
		} else {
			end := len(line)
			if i := bytes.IndexByte(line[pos:], c.delim); i >= 0 {
				end = pos + i
			}
			cell := line[pos:end]
			if bytes.IndexByte(cell, '"') >= 0 && rec.problem == nil {
				rec.problem = &Problem{Field: c.colName(len(c.ends)), Rule: `a quote inside an unquoted cell (quote the whole cell and double the quote: "a ""b"" c")`}
			}
			c.data = append(c.data, cell...)
			pos = end
		}
		c.ends = append(c.ends, len(c.data))
		if pos >= len(line) {
			break
		}
		pos++ // the delimiter
	}
	if len(c.data) > MaxRowBytes {
		return csvRecord{}, false, fmt.Errorf("line %d: %w", rec.start, errRowTooLong)
	}
	rec.end = r.line
	if rec.end > rec.start && len(c.cols) > 0 {
		if c.multiLine++; c.multiLine <= maxSpans {
			c.spans = append(c.spans, [2]int{rec.start, rec.end})
		}
	}
	return rec, true, nil
}

// colName names column i in a problem ("" before the header is read or
// past its last column).
func (c *csvReader) colName(i int) string {
	if i < len(c.cols) {
		return c.cols[i].name
	}
	return ""
}

// next reads the next record as a row.
func (c *csvReader) next(r *Reader) (Row, error, bool) {
	rec, ok, err := c.read(r)
	if err != nil {
		return Row{}, err, true
	}
	if !ok {
		return Row{}, nil, false
	}
	r.row = Row{Line: rec.start}
	row := &r.row
	if len(c.ends) == len(c.cols) {
		row.CustomerID = string(c.cell(c.idCol))
	}
	if rec.problem != nil {
		r, e := invalidRow(rec.start, row.CustomerID, *rec.problem)
		return r, e, true
	}
	if len(c.ends) != len(c.cols) {
		rule := fmt.Sprintf("%d cells, but the header has %d columns", len(c.ends), len(c.cols))
		if rec.end > rec.start {
			rule += fmt.Sprintf(" (the row runs from line %d to line %d: a quoted cell holds a line break)", rec.start, rec.end)
		}
		r, e := invalidRow(rec.start, "", Problem{Rule: rule})
		return r, e, true
	}
	parentGiven := false
	if c.parentCol >= 0 && c.ends[c.parentCol] > c.cellStart(c.parentCol) {
		row.ParentCompanyID, parentGiven = string(c.cell(c.parentCol)), true
	}
	var problems []Problem
	for _, i := range []int{c.idCol, c.parentCol} {
		if i >= 0 && !utf8.Valid(c.cell(i)) { // as JSONL says it
			problems = append(problems, Problem{Field: c.cols[i].name, Rule: "invalid UTF-8"})
		}
	}
	u := reflect.ValueOf(&row.Update).Elem()
	for i, col := range c.cols {
		cell := c.cell(i)
		if col.field == nil || len(cell) == 0 {
			continue
		}
		if p, ok := c.setField(r, u.Field(col.field.index), col, cell); !ok {
			problems = append(problems, p)
		}
	}
	if problems != nil {
		e := rowError(rec.start, row.CustomerID, problems...)
		return Row{Line: rec.start, CustomerID: e.CustomerID}, e, true
	}
	if err := validate(row, parentGiven); err != nil {
		return Row{Line: rec.start, CustomerID: err.CustomerID}, err, true
	}
	return *row, nil, true
}

func (c *csvReader) cellStart(i int) int {
	if i == 0 {
		return 0
	}
	return c.ends[i-1]
}

// setField stores one non-empty cell into its body field v.
func (c *csvReader) setField(r *Reader, v reflect.Value, col csvCol, cell []byte) (Problem, bool) {
	f := col.field
	if string(cell) == c.nullMarker {
		if !f.nullable {
			return Problem{Field: col.name, Rule: "must not be null"}, false
		}
		setNullable(v, reflect.Value{})
		return Problem{}, true
	}
	t := v.Type()
	if f.nullable {
		t = f.elemType
	}
	if t.Kind() == reflect.String && t != jsonNumberType {
		if !utf8.Valid(cell) {
			return Problem{Field: col.name, Rule: "invalid UTF-8"}, false
		}
		if strings.EqualFold(string(cell), "null") {
			r.nullText++
		}
		s := reflect.ValueOf(string(cell)).Convert(t)
		if f.nullable {
			setNullable(v, s)
		} else {
			v.Set(s)
		}
		return Problem{}, true
	}
	d := &r.dec
	d.data, d.pos = cell, 0
	d.ws()
	err := f.dec.decode(d, v)
	if err == nil {
		err = d.end("value")
	}
	if err == nil {
		return Problem{}, true
	}
	if err.syntax {
		return Problem{Field: col.name, Rule: "must be JSON (" + f.dec.shape + ")"}, false
	}
	return Problem{Field: col.name + err.field, Rule: err.rule}, false
}
