package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMarkLine_MarksTheMutatedOperator(t *testing.T) {
	tests := []struct {
		name   string
		line   string
		column int
		want   string
	}{
		{"one byte", "\tif a < b {", 7, "if a «<» b {"},
		{"two bytes", "\tif a <= b {", 7, "if a «<=» b {"},
		{"three bytes", "\t\tx &^= y", 5, "x «&^=» y"},
		{"keyword", "\t\t\tbreak", 4, "«break»"},
		{"unary", "\treturn -n", 9, "return «-»n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := markLine([]string{"package p", tc.line}, 2, tc.column)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("markLine(%q, col %d) = %q, want %q", tc.line, tc.column, got, tc.want)
			}
		})
	}
}

// src is a package whose mutants fall in each class: + on strings does not
// compile, > compiles, %= is turned into %= by gremlins' INVERT_ASSIGNMENTS.
const src = `package p

func f(s string, n int) string {
	n %= 3
	if n > 1 {
		return s + "x"
	}
	return s
}
`

func TestClassify_SortsKilledMutantsByWhetherTheyCompile(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "go.mod"), "module example.com/m\n\ngo 1.22\n")
	write(t, filepath.Join(dir, "p", "p.go"), src)
	t.Chdir(dir)
	tests := []struct {
		name         string
		typ, status  string
		line, column int
		want         string
	}{
		{"string minus string does not compile", "ARITHMETIC_BASE", killed, 6, 12, notViable},
		{"a boundary change compiles", "CONDITIONALS_BOUNDARY", killed, 5, 7, killed},
		{"a timeout that compiles stays", "CONDITIONALS_NEGATION", timedOut, 5, 7, timedOut},
		{"%= to %= is identical", "INVERT_ASSIGNMENTS", lived, 4, 4, identical},
		{"a lived mutant stays lived", "CONDITIONALS_BOUNDARY", lived, 5, 7, lived},
		{"not covered that does not compile", "ARITHMETIC_BASE", notCovered, 6, 12, notViable},
		{"not covered that compiles stays", "CONDITIONALS_BOUNDARY", notCovered, 5, 7, notCovered},
	}
	var ms []*mutant
	for _, tc := range tests {
		ms = append(ms, &mutant{File: "p/p.go", Line: tc.line, Column: tc.column, Type: tc.typ, Status: tc.status})
	}
	if err := classify(ms); err != nil {
		t.Fatal(err)
	}
	for i, tc := range tests {
		if ms[i].Status != tc.want {
			t.Errorf("%s: status %s (%s), want %s", tc.name, ms[i].Status, ms[i].Comment, tc.want)
		}
	}
}

func TestApplyEquivalents_MatchesByLineTextNotLineNumber(t *testing.T) {
	path := filepath.Join(t.TempDir(), "equivalents.txt")
	write(t, path, `# comment
p/p.go:12 CONDITIONALS_BOUNDARY
line: if n «>» 1 {
why: moved lines still match;
  the reason may go on.

p/p.go:5 CONDITIONALS_NEGATION
line: if n «>» 1 {
why: another mutator of the same operator is another mutant

other/q.go:3 CONDITIONALS_NEGATION
line: x «==» y
why: a file outside the run is not stale
`)
	eqs, err := readEquivalents(path)
	if err != nil {
		t.Fatal(err)
	}
	ms := []*mutant{
		{File: "p/p.go", Line: 40, Type: "CONDITIONALS_BOUNDARY", Status: lived, Marked: "if n «>» 1 {"},
		{File: "p/p.go", Line: 41, Type: "CONDITIONALS_BOUNDARY", Status: lived, Marked: "if n «>=» 1 {"},
		{File: "p/p.go", Line: 40, Type: "CONDITIONALS_NEGATION", Status: killed, Marked: "if n > «1» {"},
	}
	stale := applyEquivalents(ms, eqs, map[string]bool{"p/p.go": true})
	if ms[0].Status != equivalent || ms[0].Comment != "moved lines still match; the reason may go on." {
		t.Errorf("listed survivor: %s %q, want EQUIVALENT with its reason", ms[0].Status, ms[0].Comment)
	}
	if ms[1].Status != lived {
		t.Errorf("survivor on another line text: %s, want LIVED", ms[1].Status)
	}
	if len(stale) != 1 || stale[0].Hint != "p/p.go:5" {
		t.Errorf("stale entries %+v, want only p/p.go:5", stale)
	}
}

func TestReadEquivalents_RejectsAnEntryWithoutAReason(t *testing.T) {
	path := filepath.Join(t.TempDir(), "equivalents.txt")
	write(t, path, "p/p.go:12 CONDITIONALS_BOUNDARY\nline: if n «>» 1 {\n")
	if _, err := readEquivalents(path); err == nil || !strings.Contains(err.Error(), "why:") {
		t.Fatalf("readEquivalents = %v, want an error asking for why:", err)
	}
}

func TestParseLog_ReadsStatusesPastTheSpinner(t *testing.T) {
	log := "Starting...\n\r⠋ running\r      KILLED CONDITIONALS_NEGATION at body.go:25:9\n" +
		"   TIMED OUT ARITHMETIC_BASE at body.go:43:16\n NOT COVERED INVERT_BITWISE at retry.go:13:35\n"
	r, err := parseLog([]byte(log))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range r.Files {
		for _, m := range f.Mutations {
			got = append(got, f.Name+" "+m.Status+" "+m.Type)
		}
	}
	want := "body.go KILLED CONDITIONALS_NEGATION|body.go TIMED OUT ARITHMETIC_BASE|retry.go NOT COVERED INVERT_BITWISE"
	if strings.Join(got, "|") != want {
		t.Errorf("parseLog = %q, want %q", strings.Join(got, "|"), want)
	}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestWriteReport_KeepsStatusesAndRetestNotesForTheNextRun(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "p", "p.go"), src)
	t.Chdir(dir)
	ms := []*mutant{
		{File: "p/p.go", Line: 5, Column: 7, Type: "CONDITIONALS_BOUNDARY", Status: killed, retest: "NOT COVERED → KILLED (by TestX)"},
		{File: "p/p.go", Line: 5, Column: 7, Type: "CONDITIONALS_NEGATION", Status: equivalent},
		{File: "p/p.go", Line: 6, Column: 12, Type: "ARITHMETIC_BASE", Status: notViable},
	}
	if err := writeReport("out.json", "p", ms, 12); err != nil {
		t.Fatal(err)
	}
	got, elapsed, err := load("p", "out.json")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{killed + " NOT COVERED → KILLED (by TestX)", lived + " ", notViable + " "}
	if len(got) != len(want) || elapsed != 12 {
		t.Fatalf("read back %d mutants, elapsed %v; want %d, 12", len(got), elapsed, len(want))
	}
	for i, m := range got {
		if m.File != "p/p.go" || m.Status+" "+m.retest != want[i] {
			t.Errorf("mutant %d: %s %q %q; want p/p.go %q", i, m.File, m.Status, m.retest, want[i])
		}
	}
}
