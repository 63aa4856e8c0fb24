package bulk

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"iter"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

// TestSplitObject_Members: a compact object splits into its top-level
// members, nested values and strings with separators in them kept whole.
func TestSplitObject_Members(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{`{}`, nil},
		{`{"a":null}`, []string{"a=null"}},
		{`{"a":"x,y}","b":["p","q"],"c":[{"d":"\"}"},{"e":1}]}`, []string{`a="x,y}"`, `b=["p","q"]`, `c=[{"d":"\"}"},{"e":1}]`}},
		{`{"a\"b":true,"c":-1.5e3}`, []string{`a\"b=true`, `c=-1.5e3`}},
	} {
		t.Run(tc.in, func(t *testing.T) {
			fs, err := splitObject(nil, []byte(tc.in), 7)
			require.NoError(t, err)
			var got []string
			for _, f := range fs {
				got = append(got, string(f.name)+"="+string(f.value))
				assert.Equal(t, 7, f.line)
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestSplitObject_Refusals: anything but a compact object is an error
// naming the line, never a panic: a key not closed, or not followed by a
// colon (though a value follows), is refused like the rest.
func TestSplitObject_Refusals(t *testing.T) {
	for _, in := range []string{``, `[]`, `{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{"a":"x}`, `{a:1}`, `{"a":[1}`,
		`{"a}`, `{"a"11}`, `{"a":1,"b"22}`} {
		t.Run(in, func(t *testing.T) {
			_, err := splitObject(nil, []byte(in), 3)
			assert.EqualError(t, err, "line 3: body is not a compact JSON object")
		})
	}
}

// TestMerger_LastValueWins: the rows of a customer merge in input order:
// the last value of a field wins, a list replaces the whole list, fields no
// later row names are kept; the result is sorted by name.
func TestMerger_LastValueWins(t *testing.T) {
	var m merger
	m.reset([]byte("KC1"))
	m.add(2, []byte("CEK1"), []byte(`{"legalName":"A","branchCodes":["X","Y"],"state":"Goa"}`))
	m.add(5, nil, []byte(`{"branchCodes":["Z"],"legalName":"B"}`))
	m.add(9, nil, []byte(`{"address":null}`))
	require.NoError(t, m.finish())
	var got []string
	for _, f := range m.fields {
		got = append(got, string(f.name)+"="+string(f.value)+"@"+string(rune('0'+f.line)))
	}
	assert.Equal(t, []string{`address=null@9`, `branchCodes=["Z"]@5`, `legalName="B"@5`, `state="Goa"@2`}, got)
	assert.Equal(t, "CEK1", string(m.parent), "the last non-empty parentCompanyId")
	assert.Equal(t, 9, m.line)

	var same merger
	same.reset([]byte("KC1"))
	same.add(1, nil, []byte(`{"address":null,"branchCodes":["Z"],"legalName":"B","state":"Goa"}`))
	require.NoError(t, same.finish())
	assert.Equal(t, m.hash(), same.hash(), "the same desired fields, however they were spread over rows")
	same.reset([]byte("KC1"))
	same.add(1, nil, []byte(`{"address":null,"branchCodes":["Z"],"legalName":"B","state":"Go"}`))
	require.NoError(t, same.finish())
	assert.NotEqual(t, m.hash(), same.hash())
}

// TestAppendJSONString_AsEncodingJSON: the plan line's strings are written
// exactly as encoding/json writes them: plain ASCII as is, and a quote, a
// backslash, <, >, &, a control byte, U+2028 or a byte that is not UTF-8
// escaped, each also on its own (the fast path must not take it).
func TestAppendJSONString_AsEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "KCABCDEFGH123456", " ", "~", "\x7f", `"`, `\`, "<", ">", "&", "\n", "\x00", "\x1f",
		"\u2028", "\xff", "é", `a"b`, "a\x01"} {
		t.Run(fmt.Sprintf("%q", s), func(t *testing.T) {
			want, err := json.Marshal(s)
			require.NoError(t, err)
			assert.Equal(t, string(want), string(appendJSONString([]byte("x"), s))[1:])
		})
	}
}

// TestSync_CustomersWithNothingToSendAreUnchanged: a customer is unchanged,
// counted and reported (OnUnchanged, in customer id order, with the line of
// its last row) and gets no request, both when its desired fields are those
// last confirmed (the state's hash of them, recorded after the 2xx) and when
// they are a subset of them (the hash differs, each field is compared).
func TestSync_CustomersWithNothingToSendAreUnchanged(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	path := filepath.Join(t.TempDir(), "s.db")
	_, err := runOnce(t, srv, path, nil, `{"customerId":"`+demo1+`","update":{"state":"Goa"}}`+"\n"+
		`{"customerId":"`+demo2+`","update":{"state":"Goa","pinCode":"403001"}}`)
	require.NoError(t, err)
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	var hashed int
	require.NoError(t, db.QueryRow(`SELECT count(*) FROM customers WHERE synced IS NOT NULL`).Scan(&hashed))
	require.NoError(t, db.Close())
	assert.Equal(t, 2, hashed, "each customer's desired fields hashed once applied")

	srv.ResetRequests()
	var unchanged []string
	sum, err := runOnce(t, srv, path, func(s *Sync) {
		s.OnUnchanged = func(id string, line int) { unchanged = append(unchanged, fmt.Sprintf("%s@%d", id, line)) }
	}, `{"customerId":"`+demo2+`","update":{"state":"Goa"}}`+"\n"+`{"customerId":"`+demo1+`","update":{"state":"Goa"}}`)
	require.NoError(t, err)
	assert.Empty(t, srv.Requests())
	want := []string{demo1 + "@2", demo2 + "@1"}
	if demo2 < demo1 {
		want[0], want[1] = want[1], want[0]
	}
	assert.Equal(t, want, unchanged)
	assert.Equal(t, Summary{RunID: 2, Rows: 2, Customers: 2, Unchanged: 2}, sum)
}

// TestStorePlan_StagedBodyThatDoesNotSplitIsAnError: a staged body that is
// not a JSON object (the stage was written by another program, or damaged)
// fails the plan, whether its customer comes first or last in id order.
func TestStorePlan_StagedBodyThatDoesNotSplitIsAnError(t *testing.T) {
	for _, bad := range []string{"KCS0000000000001", "KCS0000000000009"} {
		t.Run(bad, func(t *testing.T) {
			st, err := OpenStore(t.Context(), filepath.Join(t.TempDir(), "s.db"))
			require.NoError(t, err)
			defer st.Close()
			rows := func(yield func(Row, error) bool) {
				for i, id := range []string{"KCS0000000000001", "KCS0000000000005", "KCS0000000000009"} {
					r := Row{Line: i + 1, CustomerID: id}
					r.Update.State.Set("Goa")
					if !yield(r, nil) {
						return
					}
				}
			}
			_, err = st.stage(t.Context(), iter.Seq2[Row, error](rows), func(*RowError) {})
			require.NoError(t, err)
			_, err = st.conn.ExecContext(t.Context(), `UPDATE stage.rows SET body = '{"state"11}' WHERE customer_id = ?`, bad)
			require.NoError(t, err)
			var emitted []string
			_, _, err = st.plan(t.Context(), false, func(p *Plan) error { emitted = append(emitted, p.CustomerID); return nil }, nil)
			require.Error(t, err, "emitted %v", emitted)
			assert.NotContains(t, emitted, bad)
		})
	}
}
