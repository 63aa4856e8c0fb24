package bulk

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReader_CSVRows(t *testing.T) {
	in := "\ufeff customerId ,parentCompanyId,legalName,address,state,branchCodes,customerReminders\r\n" +
		id1 + ",CEKDEMO001,Shree Ganesh Textiles Pvt Ltd,\\N,,,\r\n" +
		"\r\n" + // a blank line, skipped
		id2 + `,,,"Plot 7, Sector 4",Goa,"[""PNJ01"",""MRG02""]","[{""reminderType"":""ONCE"",""reminderTime"":""09:30""}]"` + "\n" +
		id2 + `,,"Line one` + "\n" + `line two",,"",null,\N` + "\n" + // a quoted line break; JSON null
		id1 + ",,  spaces kept  ,,,,"
	got, r := readAll(t, in, ReaderOptions{Format: FormatCSV})
	assert.Equal(t, []result{
		{Line: 2, CustomerID: id1, ParentCompanyID: "CEKDEMO001", Body: `{"address":null,"legalName":"Shree Ganesh Textiles Pvt Ltd"}`},
		{Line: 4, CustomerID: id2, Body: `{"address":"Plot 7, Sector 4","branchCodes":["PNJ01","MRG02"],"customerReminders":[{"reminderTime":"09:30","reminderType":"ONCE"}],"state":"Goa"}`},
		{Line: 5, CustomerID: id2, Body: `{"branchCodes":null,"customerReminders":null,"legalName":"Line one\nline two"}`},
		{Line: 7, CustomerID: id1, Body: `{"legalName":"  spaces kept  "}`},
	}, got)
	assert.Equal(t, []string{"1 row holds a line break inside a quoted cell (lines 5 to 6): check that no quote is missing"}, r.Warnings())
}

func TestReader_CSVColumnsInAnyOrder(t *testing.T) {
	in := "parentCompanyId,legalName,customerId\nCEKDEMO001,A," + id1 + "\n,B," + id2 + "\n"
	got, _ := readAll(t, in, ReaderOptions{Format: FormatCSV})
	assert.Equal(t, []result{
		{Line: 2, CustomerID: id1, ParentCompanyID: "CEKDEMO001", Body: `{"legalName":"A"}`},
		{Line: 3, CustomerID: id2, Body: `{"legalName":"B"}`},
	}, got)
}

func TestReader_CSVDelimiterAndNullMarker(t *testing.T) {
	in := "customerId;legalName;address\n" + id1 + ";A, B;NULL\n" + id2 + `;"x;y";\N` + "\n"
	got, _ := readAll(t, in, ReaderOptions{Format: FormatCSV, Delimiter: ';', NullMarker: "NULL"})
	assert.Equal(t, []result{
		{Line: 2, CustomerID: id1, Body: `{"address":null,"legalName":"A, B"}`},
		{Line: 3, CustomerID: id2, Body: `{"address":"\\N","legalName":"x;y"}`},
	}, got)

	tabs := "customerId\tlegalName\n" + id1 + "\tA\n"
	got, _ = readAll(t, tabs, ReaderOptions{Format: FormatCSV, Delimiter: '\t'})
	assert.Equal(t, []result{{Line: 2, CustomerID: id1, Body: `{"legalName":"A"}`}}, got)

	// The space and DEL are the ends of the ASCII range a delimiter may be.
	for _, d := range []rune{' ', 0x7f} {
		in := "customerId" + string(d) + "legalName\n" + id1 + string(d) + "A\n"
		got, _ = readAll(t, in, ReaderOptions{Format: FormatCSV, Delimiter: d})
		assert.Equal(t, []result{{Line: 2, CustomerID: id1, Body: `{"legalName":"A"}`}}, got, "delimiter %q", d)
	}
}

func TestReader_CSVWarnsOnceAboutNULLText(t *testing.T) {
	in := "customerId,legalName,address,branchCodes\n" +
		id1 + ",NULL,null,null\n" + // branchCodes holds JSON: null there is null
		id2 + ",Null,x,\n"
	got, r := readAll(t, in, ReaderOptions{Format: FormatCSV})
	assert.Equal(t, []result{
		{Line: 2, CustomerID: id1, Body: `{"address":"null","branchCodes":null,"legalName":"NULL"}`},
		{Line: 3, CustomerID: id2, Body: `{"address":"x","legalName":"Null"}`},
	}, got)
	assert.Equal(t, []string{`3 cells hold the text NULL or null, sent as that text, not as null: the null marker is \N`}, r.Warnings())

	_, r = readAll(t, "customerId,legalName\n"+id1+",null\n", ReaderOptions{Format: FormatCSV})
	assert.Equal(t, []string{`1 cell holds the text NULL or null, sent as that text, not as null: the null marker is \N`}, r.Warnings())

	_, r = readAll(t, "customerId,legalName\n"+id1+",null\n", ReaderOptions{Format: FormatCSV, NullMarker: "null"})
	assert.Empty(t, r.Warnings(), "the marker itself is null")
}

func TestNewReader_CSVHeaderRefused(t *testing.T) {
	tests := []struct {
		name, in string
		opts     ReaderOptions
		want     string
	}{
		{"empty input", "", ReaderOptions{}, "CSV: no header row"},
		{"only blank lines", "\n\n", ReaderOptions{}, "CSV: no header row"},
		{"semicolon-separated", "customerId;legalName;address\n", ReaderOptions{}, `CSV header: the columns look separated by ";", not ",": set the delimiter to ";"`},
		{"tab-separated", "customerId\tlegalName\n", ReaderOptions{}, `CSV header: the columns look separated by a tab, not ",": set the delimiter to a tab`},
		{"another delimiter, but no customerId in its columns", "legalName;state\n", ReaderOptions{}, `CSV header: unknown column (not shown: it looks like a value): want customerId, parentCompanyId or a body field: ` + allFields},
		{"comma-separated read with ;", "customerId,legalName\n", ReaderOptions{Delimiter: ';'}, `CSV header: the columns look separated by ",", not ";": set the delimiter to ","`},
		{"empty trailing column", "customerId,legalName,\n", ReaderOptions{}, "CSV header: column 3 has no name (a delimiter at the end of the line?)"},
		{"empty column", "customerId,,legalName\n", ReaderOptions{}, "CSV header: column 2 has no name"},
		{"NUL bytes", "customerId,legal\x00Name\n", ReaderOptions{}, "the input looks UTF-16 encoded (its header holds NUL bytes): save it as UTF-8"},
		{"a NUL byte first, after a byte order mark", "\ufeff\x00customerId,legalName\n", ReaderOptions{}, "the input looks UTF-16 encoded (its header holds NUL bytes): save it as UTF-8"},
		{"a carriage return first", "\rcustomerId,legalName\n", ReaderOptions{}, "CSV header: holds a carriage return: the lines end with CR alone; save the file with LF or CRLF line ends"},
		{"semicolon-separated, starting with one", ";customerId;legalName\n", ReaderOptions{}, `CSV header: the columns look separated by ";", not ",": set the delimiter to ";"`},
		{"unknown column", "customerId,nickname\n", ReaderOptions{}, `CSV header: unknown column "nickname": want customerId, parentCompanyId or a body field: ` + allFields},
		{"unknown column that looks like a value", "customerId,9876543210\n", ReaderOptions{}, `CSV header: unknown column (not shown: it looks like a value): want customerId, parentCompanyId or a body field: ` + allFields},
		{"repeated column", "customerId,state,state\n", ReaderOptions{}, `CSV header: column "state" given more than once`},
		{"no customerId", "legalName,state\n", ReaderOptions{}, "CSV header: no customerId column"},
		{"lines ending with CR alone", "customerId,legalName\r" + id1 + ",x\r", ReaderOptions{}, "CSV header: holds a carriage return: the lines end with CR alone; save the file with LF or CRLF line ends"},
		{"bad quoting", `customerId,"legalName"x` + "\n", ReaderOptions{}, "CSV header: text after the closing quote of a quoted cell"},
		{"unclosed quote", `customerId,"legalName` + "\nKC,x\n", ReaderOptions{}, "line 1: unclosed quote: the quoted cell opened on line 1 runs to the end of the input"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Format = FormatCSV
			r, err := NewReader(strings.NewReader(tc.in), tc.opts)
			require.Error(t, err)
			assert.Nil(t, r)
			assert.Equal(t, tc.want, err.Error())
		})
	}
}

func TestReader_CSVInvalidRows(t *testing.T) {
	const head = "customerId,parentCompanyId,legalName,branchCodes,customerKeyContacts\n"
	tests := []struct {
		name, row string
		want      result
	}{
		{"invalid UTF-8 in a cell", id1 + ",,a\xffb,,\n", result{Line: 2, CustomerID: id1, Err: "line 2: legalName: invalid UTF-8"}},
		{"invalid UTF-8 in a JSON cell", id1 + `,,,"[""a` + "\xff" + `""]",` + "\n", result{Line: 2, CustomerID: id1, Err: "line 2: branchCodes[0]: invalid UTF-8"}},
		{"invalid UTF-8 in the customer id", "KC\xff,,x,,\n", result{Line: 2, Err: "line 2: customerId: invalid UTF-8"}},
		{"invalid UTF-8 in the parent company id", id1 + ",CEK\xff,x,,\n", result{Line: 2, CustomerID: id1, Err: "line 2: parentCompanyId: invalid UTF-8"}},
		{"a JSON cell that is not JSON", id1 + ",,,BLR01,\n", result{Line: 2, CustomerID: id1, Err: "line 2: branchCodes: must be JSON (an array of strings or null)"}},
		{"a JSON cell with trailing data", id1 + `,,,"[""a""] x",` + "\n", result{Line: 2, CustomerID: id1, Err: "line 2: branchCodes: must be JSON (an array of strings or null)"}},
		{"a JSON cell of the wrong type", id1 + `,,,"{}",` + "\n", result{Line: 2, CustomerID: id1, Err: "line 2: branchCodes: must be an array of strings or null"}},
		{"a duplicate key in a JSON cell", id1 + `,,,,"[{""name"":""a"",""name"":""b""}]"` + "\n", result{Line: 2, CustomerID: id1, Err: "line 2: customerKeyContacts[0].name: duplicate key"}},
		{"an unknown key in a JSON cell", id1 + `,,,,"[{""nick"":""a""}]"` + "\n", result{Line: 2, CustomerID: id1, Err: `line 2: customerKeyContacts[0]: unknown field "nick": want one of deleted, email, keyContactPersonId, legalName, mail_enabled, mobile, name, sms_enabled, via, whatsapp_enabled`}},
		{"too few cells", id1 + ",,x\n", result{Line: 2, Err: "line 2: 3 cells, but the header has 5 columns"}},
		{"too many cells", id1 + ",,x,,,\n", result{Line: 2, Err: "line 2: 6 cells, but the header has 5 columns"}},
		{"a quote closed lines later", id1 + `,,"x,,` + "\n" + id2 + `,y",` + "\n", result{Line: 2, Err: "line 2: 4 cells, but the header has 5 columns (the row runs from line 2 to line 3: a quoted cell holds a line break)"}},
		{"text after a closing quote", id1 + `,,"x"y,,` + "\n", result{Line: 2, CustomerID: id1, Err: "line 2: legalName: text after the closing quote of a quoted cell"}},
		{"text after a closing quote, then a quoted cell", id1 + `,,"x"y,"[]",` + "\n", result{Line: 2, CustomerID: id1, Err: "line 2: legalName: text after the closing quote of a quoted cell"}},
		{"text after a closing quote in a cell past the header's columns", id1 + `,,x,,,"a"b` + "\n", result{Line: 2, Err: "line 2: text after the closing quote of a quoted cell"}},
		{"a bare quote", id1 + `,,x"y,,` + "\n", result{Line: 2, CustomerID: id1, Err: `line 2: legalName: a quote inside an unquoted cell (quote the whole cell and double the quote: "a ""b"" c")`}},
		{"spec violations", "KC1,CEK1,,,\n", result{Line: 2, Err: "line 2: customerId: " + specRule("KC1", "") + "; parentCompanyId: " + specRule(id1, "CEK1")}},
		{"no customer id", ",,x,,\n", result{Line: 2, Err: "line 2: customerId: required"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := head + tc.row + id2 + ",,ok,,\n"
			got, _ := readAll(t, in, ReaderOptions{Format: FormatCSV})
			require.NotEmpty(t, got)
			assert.Equal(t, tc.want, got[0])
			// reading goes on: the last row is valid
			assert.Equal(t, result{Line: got[len(got)-1].Line, CustomerID: id2, Body: `{"legalName":"ok"}`}, got[len(got)-1])
		})
	}
}

func TestReader_CSVUnclosedQuoteIsFatal(t *testing.T) {
	// The quote opened on line 3 swallows the rows after it: reading stops
	// with an error naming that line, and no later row is yielded.
	in := "customerId,legalName\n" + id1 + ",ok\n" + id2 + ",\"Acme\n" + id1 + ",b\n" + id2 + ",c\n"
	got, _ := readAll(t, in, ReaderOptions{Format: FormatCSV})
	assert.Equal(t, []result{
		{Line: 2, CustomerID: id1, Body: `{"legalName":"ok"}`},
		{Err: "line 3: unclosed quote: the quoted cell opened on line 3 runs to the end of the input", Fatal: true},
	}, got)
}

func TestReader_CSVUnclosedQuoteIsBounded(t *testing.T) {
	// An unclosed quote followed by more than MaxRowBytes of rows stops at
	// the bound, naming the line where the quote opened.
	var b strings.Builder
	b.WriteString("customerId,legalName\n" + id1 + ",\"Acme\n")
	for b.Len() < 2*MaxRowBytes {
		b.WriteString(id2 + ",row\n")
	}
	got, _ := readAll(t, b.String(), ReaderOptions{Format: FormatCSV})
	assert.Equal(t, []result{{Err: "line 2: the quoted cell opened on line 2 is not closed within 1048576 bytes (an unclosed quote?)", Fatal: true}}, got)
}

func TestReader_CSVNeverEchoesAValue(t *testing.T) {
	const pan = "ABCDE1234F"
	in := "customerId,panOrGstin,branchCodes\n" + pan + "," + pan + ",\n" + id1 + "," + pan + "\xff,\n" + id1 + `,,"[""` + pan + `"",1]"` + "\n" + id1 + "," + pan + "\n"
	got, _ := readAll(t, in, ReaderOptions{Format: FormatCSV})
	require.Len(t, got, 4)
	for _, r := range got {
		assert.NotEmpty(t, r.Err)
		assert.NotContains(t, r.Err, pan)
		assert.NotContains(t, r.CustomerID, pan)
	}
}

func TestReader_CSVWarnsAboutRowsSpanningLines(t *testing.T) {
	// A quote left open on line 2 and closed on line 3 makes one row of
	// two with the right number of cells: valid CSV, but not silent.
	in := "customerId,legalName,state\n" + id1 + `,"x,` + "\n" + id2 + `,y",KA` + "\n" + id1 + `,"a` + "\n\n" + `b",` + "\n"
	got, r := readAll(t, in, ReaderOptions{Format: FormatCSV})
	assert.Equal(t, []result{
		{Line: 2, CustomerID: id1, Body: `{"legalName":"x,\n` + id2 + `,y","state":"KA"}`},
		{Line: 4, CustomerID: id1, Body: `{"legalName":"a\n\nb"}`},
	}, got)
	assert.Equal(t, []string{"2 rows hold a line break inside a quoted cell (lines 2 to 3, 4 to 6): check that no quote is missing"}, r.Warnings())

	// The warning lists the first five ranges, then "…".
	var b strings.Builder
	b.WriteString("customerId,legalName\n")
	for range 6 {
		b.WriteString(id1 + `,"a` + "\n" + `b"` + "\n")
	}
	_, r = readAll(t, b.String(), ReaderOptions{Format: FormatCSV})
	assert.Equal(t, []string{"6 rows hold a line break inside a quoted cell (lines 2 to 3, 4 to 5, 6 to 7, 8 to 9, 10 to 11, …): check that no quote is missing"}, r.Warnings())

	// A header spanning lines is no row: no warning.
	got, r = readAll(t, `customerId,"`+"\n"+`legalName"`+"\n"+id1+",a\n", ReaderOptions{Format: FormatCSV})
	assert.Equal(t, []result{{Line: 3, CustomerID: id1, Body: `{"legalName":"a"}`}}, got)
	assert.Empty(t, r.Warnings())
}
