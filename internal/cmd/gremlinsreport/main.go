// Command gremlinsreport reads the JSON reports of gremlins
// (github.com/go-gremlins/gremlins, `gremlins unleash -o FILE DIR`) and prints
// the figures `make mutate` reports (see docs/mutation-testing.md).
//
// gremlins counts a mutant whose package does not compile as KILLED (`go test`
// fails). This command re-applies every KILLED and TIMED OUT mutant to the
// source in memory, exactly as gremlins does (the operator token swapped, the
// file printed with go/printer), and type-checks the package with go/types
// against the export data of its dependencies (`go list -export`): a mutant
// that does not type-check is NOT VIABLE, not killed (NOT COVERED mutants
// are checked the same way: one that cannot be built is no gap). A mutant whose printed
// source equals the original (gremlins' INVERT_ASSIGNMENTS maps %= to %=) is
// IDENTICAL. Mutants listed in the equivalents file are EQUIVALENT.
//
// Efficacy = killed / (killed + lived), after those three are removed; TIMED
// OUT mutants that compile count as killed. The exit status is 1 when the
// efficacy is below -min or the equivalents file has an entry for a run
// file that matches no mutant (stale: re-cut it from the survivor list).
//
// Usage:
//
//	gremlinsreport [-equivalents FILE] [-min PCT] DIR=REPORT.json ...
//
// DIR is the directory gremlins was run on, relative to the module root (the
// current directory); gremlins names files relative to it. A REPORT not named
// *.json is read as gremlins' text output (for a run stopped early).
//
// # The equivalents file
//
// One block per equivalent mutant, separated by blank lines; # starts a comment:
//
//	wrapper/retry.go:120 CONDITIONALS_BOUNDARY
//	line: if attempt «>=» max {
//	why: attempt never equals max here: the loop returns first
//
// A block matches a mutant of the same file and mutator whose source line,
// trimmed, with the mutated operator marked «…», is the `line:` text. The line
// number is a hint for the reader; it is not matched, so entries survive edits
// that move lines. The survivor list this command prints has the header and
// line of each survivor in that form, ready to copy.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/printer"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
)

// report is the part of gremlins' JSON output this command reads.
type report struct {
	Files   []reportFile `json:"files"`
	Elapsed float64      `json:"elapsed_time"`
}

type reportFile struct {
	Name      string           `json:"file_name"`
	Mutations []reportMutation `json:"mutations"`
}

type reportMutation struct {
	Type   string `json:"type"`
	Status string `json:"status"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
	Retest string `json:"retest,omitempty"` // written by -o: what -retest found
}

// Statuses: gremlins' own, and the three this command adds.
const (
	killed     = "KILLED"
	lived      = "LIVED"
	timedOut   = "TIMED OUT"
	notViable  = "NOT VIABLE"
	notCovered = "NOT COVERED"
	identical  = "IDENTICAL"
	equivalent = "EQUIVALENT"
)

// mutations is gremlins' table (internal/engine/mappings.go, v0.6.0): for each
// mutator, the token each operator becomes.
var mutations = map[string]map[token.Token]token.Token{
	"ARITHMETIC_BASE": {
		token.ADD: token.SUB, token.MUL: token.QUO, token.QUO: token.MUL,
		token.REM: token.MUL, token.SUB: token.ADD,
	},
	"CONDITIONALS_BOUNDARY": {
		token.GEQ: token.GTR, token.GTR: token.GEQ, token.LEQ: token.LSS, token.LSS: token.LEQ,
	},
	"CONDITIONALS_NEGATION": {
		token.EQL: token.NEQ, token.GEQ: token.LSS, token.GTR: token.LEQ,
		token.LEQ: token.GTR, token.LSS: token.GEQ, token.NEQ: token.EQL,
	},
	"INCREMENT_DECREMENT": {token.DEC: token.INC, token.INC: token.DEC},
	"INVERT_ASSIGNMENTS": {
		token.ADD_ASSIGN: token.SUB_ASSIGN, token.MUL_ASSIGN: token.QUO_ASSIGN,
		token.QUO_ASSIGN: token.MUL_ASSIGN, token.REM_ASSIGN: token.REM_ASSIGN,
		token.SUB_ASSIGN: token.ADD_ASSIGN,
	},
	"INVERT_BITWISE": {
		token.AND: token.OR, token.OR: token.AND, token.XOR: token.AND,
		token.AND_NOT: token.AND, token.SHL: token.SHR, token.SHR: token.SHL,
	},
	"INVERT_BWASSIGN": {
		token.AND_ASSIGN: token.OR_ASSIGN, token.OR_ASSIGN: token.AND_ASSIGN,
		token.XOR_ASSIGN: token.AND_ASSIGN, token.AND_NOT_ASSIGN: token.AND_ASSIGN,
		token.SHL_ASSIGN: token.SHR_ASSIGN, token.SHR_ASSIGN: token.SHL_ASSIGN,
	},
	"INVERT_LOGICAL":   {token.LAND: token.LOR, token.LOR: token.LAND},
	"INVERT_LOOPCTRL":  {token.BREAK: token.CONTINUE, token.CONTINUE: token.BREAK},
	"INVERT_NEGATIVES": {token.SUB: token.ADD},
	"REMOVE_SELF_ASSIGNMENTS": {
		token.ADD_ASSIGN: token.ASSIGN, token.AND_ASSIGN: token.ASSIGN,
		token.AND_NOT_ASSIGN: token.ASSIGN, token.MUL_ASSIGN: token.ASSIGN,
		token.OR_ASSIGN: token.ASSIGN, token.QUO_ASSIGN: token.ASSIGN,
		token.REM_ASSIGN: token.ASSIGN, token.SHL_ASSIGN: token.ASSIGN,
		token.SHR_ASSIGN: token.ASSIGN, token.SUB_ASSIGN: token.ASSIGN,
		token.XOR_ASSIGN: token.ASSIGN,
	},
}

// mutant is one mutation of one run.
type mutant struct {
	File    string // relative to the module root, slash-separated
	Line    int
	Column  int
	Type    string
	Status  string
	Marked  string // the trimmed source line, the operator marked «…»
	Comment string // why it is not viable, or why it is equivalent
	src     []byte // the mutated file as gremlins writes it (viable mutants only)
	retest  string // what -retest found ("" when not re-tested)
}

func (m *mutant) header() string { return fmt.Sprintf("%s:%d %s", m.File, m.Line, m.Type) }

func main() {
	equivPath := flag.String("equivalents", "", "the equivalents file")
	minEff := flag.Float64("min", 0, "fail when the efficacy (percent) is below this")
	retest := flag.Bool("retest", false, "run each LIVED and NOT COVERED mutant again against its package's whole test suite")
	retestTimeouts := flag.Bool("retest-timeouts", false, "with -retest, run the TIMED OUT mutants again too")
	outPath := flag.String("o", "", "write the report, with the statuses found, to this file (one DIR=REPORT only)")
	retestImporters := flag.String("retest-importers", "", "with -retest, for mutants of these directories (comma-separated, e.g. internal/retry), run the tests of the module's packages that import the mutated package too (code moved into an internal package is pinned by its users' tests)")
	retestTimeout := flag.Duration("retest-timeout", 2*time.Minute, "the timeout of one -retest run: past it the mutant is TIMED OUT (a hang)")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: gremlinsreport [-equivalents FILE] [-min PCT] [-retest [-retest-timeouts] [-retest-importers DIR,...]] [-o OUT.json] DIR=REPORT.json ...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	var rt *retester
	if *retest {
		tmp, err := os.MkdirTemp("", "gremlinsreport-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "gremlinsreport:", err)
			os.Exit(2)
		}
		rt = &retester{timeout: *retestTimeout, timeouts: *retestTimeouts, tmp: tmp, goTest: execGoTest,
			progress: func(s string) { fmt.Fprintln(os.Stderr, "retest:", s) }}
		if *retestImporters != "" {
			all, err := listImporters()
			if err != nil {
				fmt.Fprintln(os.Stderr, "gremlinsreport:", err)
				os.Exit(2)
			}
			dirs := strings.Split(*retestImporters, ",")
			rt.importers = func(dir string) []string {
				if slices.Contains(dirs, filepath.ToSlash(dir)) {
					return all(dir)
				}
				return nil
			}
		}
	}
	ok, err := run(os.Stdout, *equivPath, *minEff, rt, *outPath, flag.Args())
	code := 0
	switch {
	case err != nil:
		fmt.Fprintln(os.Stderr, "gremlinsreport:", err)
		code = 2
	case !ok:
		code = 1
	}
	if rt != nil {
		_ = os.RemoveAll(rt.tmp)
	}
	os.Exit(code)
}

func run(w io.Writer, equivPath string, minEff float64, rt *retester, outPath string, args []string) (bool, error) {
	if outPath != "" && len(args) != 1 {
		return false, errors.New("-o needs exactly one DIR=REPORT")
	}
	var all []*mutant
	runFiles := map[string]bool{}
	var elapsed float64
	for _, arg := range args {
		dir, path, found := strings.Cut(arg, "=")
		if !found {
			return false, fmt.Errorf("argument %q: want DIR=REPORT.json", arg)
		}
		ms, sec, err := load(dir, path)
		if err != nil {
			return false, err
		}
		elapsed += sec
		for _, m := range ms {
			runFiles[m.File] = true
		}
		all = append(all, ms...)
	}
	if err := classify(all); err != nil {
		return false, err
	}
	var eqs []*equiv
	if equivPath != "" {
		var err error
		if eqs, err = readEquivalents(equivPath); err != nil {
			return false, err
		}
	}
	stale := applyEquivalents(all, eqs, runFiles) // listed survivors are not re-tested
	if rt != nil {
		if err := rt.retest(all); err != nil {
			return false, err
		}
		stale = applyEquivalents(all, eqs, runFiles) // survivors the re-test found
	}
	if outPath != "" {
		dir, _, _ := strings.Cut(args[0], "=")
		if err := writeReport(outPath, dir, all, elapsed); err != nil {
			return false, err
		}
	}
	return summarise(w, all, stale, elapsed, minEff), nil
}

// writeReport writes ms as a gremlins report of dir with the statuses found
// here (an EQUIVALENT one as LIVED: the list decides it at each reading), so
// that a later -retest runs only what is still unsettled.
func writeReport(path, dir string, ms []*mutant, elapsed float64) error {
	r := report{Elapsed: elapsed}
	index := map[string]int{}
	for _, m := range ms {
		name := strings.TrimPrefix(m.File, filepath.ToSlash(filepath.Clean(dir))+"/")
		i, ok := index[name]
		if !ok {
			i = len(r.Files)
			index[name] = i
			r.Files = append(r.Files, reportFile{Name: name})
		}
		st := m.Status
		if st == equivalent {
			st = lived
		}
		r.Files[i].Mutations = append(r.Files[i].Mutations, reportMutation{Type: m.Type, Status: st, Line: m.Line, Column: m.Column, Retest: m.retest})
	}
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// load reads one gremlins report and the marked source line of each mutant.
func load(dir, path string) ([]*mutant, float64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	var r report
	if !strings.HasSuffix(path, ".json") {
		r, err = parseLog(data)
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", path, err)
		}
	} else if err := json.Unmarshal(data, &r); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	var out []*mutant
	for _, f := range r.Files {
		name := filepath.ToSlash(filepath.Join(dir, f.Name))
		src, err := os.ReadFile(name)
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", path, err)
		}
		lines := strings.Split(string(src), "\n")
		for _, mu := range f.Mutations {
			m := &mutant{File: name, Line: mu.Line, Column: mu.Column, Type: mu.Type, Status: mu.Status, retest: mu.Retest}
			m.Marked, err = markLine(lines, mu.Line, mu.Column)
			if err != nil {
				return nil, 0, fmt.Errorf("%s: %w", m.header(), err)
			}
			out = append(out, m)
		}
	}
	return out, r.Elapsed, nil
}

// parseLog reads gremlins' text output ("      KILLED CONDITIONALS_NEGATION
// at body.go:25:9"), for a run stopped before it wrote its JSON report.
func parseLog(data []byte) (report, error) {
	var r report
	index := map[string]int{}
	for _, line := range strings.Split(string(data), "\n") {
		if i := strings.LastIndexByte(line, '\r'); i >= 0 {
			line = line[i+1:] // after gremlins' progress spinner
		}
		before, where, ok := strings.Cut(strings.TrimSpace(line), " at ")
		if !ok {
			continue
		}
		i := strings.LastIndexByte(before, ' ')
		if i < 0 {
			continue
		}
		status, typ := before[:i], before[i+1:]
		if _, known := mutations[typ]; !known {
			continue
		}
		parts := strings.Split(where, ":")
		if len(parts) != 3 {
			continue
		}
		var ln, col int
		if _, err := fmt.Sscanf(parts[1]+" "+parts[2], "%d %d", &ln, &col); err != nil {
			return r, fmt.Errorf("%q: %w", line, err)
		}
		fi, seen := index[parts[0]]
		if !seen {
			fi = len(r.Files)
			index[parts[0]] = fi
			r.Files = append(r.Files, reportFile{Name: parts[0]})
		}
		r.Files[fi].Mutations = append(r.Files[fi].Mutations, reportMutation{Type: typ, Status: status, Line: ln, Column: col})
	}
	return r, nil
}

// markLine returns line (1-based), trimmed, with the operator token at column
// (1-based, bytes) marked «…».
func markLine(lines []string, line, column int) (string, error) {
	if line < 1 || line > len(lines) {
		return "", fmt.Errorf("line %d out of range", line)
	}
	text := lines[line-1]
	i := column - 1
	if i < 0 || i >= len(text) {
		return "", fmt.Errorf("column %d out of range", column)
	}
	n := opLen(text[i:])
	marked := text[:i] + "«" + text[i:i+n] + "»" + text[i+n:]
	return strings.TrimSpace(marked), nil
}

// opLen is the length of the operator or keyword at the start of s.
func opLen(s string) int {
	for _, kw := range []string{"continue", "break"} {
		if strings.HasPrefix(s, kw) {
			return len(kw)
		}
	}
	for _, n := range []int{3, 2} { // &^=, <<=, >>=, then two-byte operators
		if len(s) >= n {
			if t := s[:n]; isOperator(t) {
				return n
			}
		}
	}
	return 1
}

func isOperator(s string) bool {
	for t := token.ADD; t <= token.TILDE; t++ {
		if t.String() == s {
			return true
		}
	}
	return false
}

// classify re-applies each mutant and type-checks its package: KILLED, TIMED
// OUT and NOT COVERED mutants that do not compile become NOT VIABLE (a
// mutant nothing tests is no gap if it cannot be built), and any that print
// the original source IDENTICAL.
func classify(ms []*mutant) error {
	byDir := map[string][]*mutant{}
	for _, m := range ms {
		if m.Status != notViable {
			d := filepath.Dir(m.File)
			byDir[d] = append(byDir[d], m)
		}
	}
	dirs := make([]string, 0, len(byDir))
	for d := range byDir {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, d := range dirs {
		pc, err := newPkgChecker(d)
		if err != nil {
			return err
		}
		for _, m := range byDir[d] {
			src, same, err := pc.check(m)
			if err == nil && !same {
				m.src = src
			}
			switch {
			case same:
				m.Status, m.Comment = identical, "the mutated source equals the original"
			case m.Status == lived:
				// A live mutant that does not compile cannot exist: gremlins
				// reports LIVED only when `go test` passed.
			case m.Status != killed && m.Status != timedOut && m.Status != notCovered:
				// SKIPPED, RUNNABLE (a dry run): left as they are.
			case err != nil:
				m.Status, m.Comment = notViable, err.Error()
			}
		}
	}
	return nil
}

// pkgChecker type-checks one package with one of its files replaced.
type pkgChecker struct {
	dir   string
	path  string   // import path
	files []string // non-test Go files, relative to the module root
	imp   types.Importer
}

func newPkgChecker(dir string) (*pkgChecker, error) {
	out, err := exec.Command("go", "list", "-export", "-deps", "-json=ImportPath,Dir,Export,GoFiles,Standard", "./"+dir).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("go list ./%s: %v\n%s", dir, err, ee.Stderr)
		}
		return nil, fmt.Errorf("go list ./%s: %w", dir, err)
	}
	exports := map[string]string{}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	pc := &pkgChecker{dir: dir}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p struct {
			ImportPath, Dir, Export string
			GoFiles                 []string
		}
		if err := dec.Decode(&p); err != nil {
			return nil, err
		}
		exports[p.ImportPath] = p.Export
		if p.Dir == abs {
			pc.path = p.ImportPath
			for _, f := range p.GoFiles {
				pc.files = append(pc.files, filepath.ToSlash(filepath.Join(dir, f)))
			}
		}
	}
	if pc.path == "" {
		return nil, fmt.Errorf("go list ./%s: package not found", dir)
	}
	fset := token.NewFileSet()
	pc.imp = importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		f, ok := exports[path]
		if !ok || f == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(f)
	})
	return pc, nil
}

// check applies m to its file as gremlins does and type-checks the package.
// same reports that the mutated source equals the original.
func (pc *pkgChecker) check(m *mutant) (src []byte, same bool, err error) {
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range pc.files {
		f, perr := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if perr != nil {
			return nil, false, fmt.Errorf("original source does not parse: %w", perr)
		}
		if name != m.File {
			files = append(files, f)
			continue
		}
		var orig bytes.Buffer
		if err := printer.Fprint(&orig, fset, f); err != nil {
			return nil, false, err
		}
		if err := mutate(fset, f, m); err != nil {
			return nil, false, err
		}
		var mut bytes.Buffer
		if err := printer.Fprint(&mut, fset, f); err != nil {
			return nil, false, err
		}
		if bytes.Equal(orig.Bytes(), mut.Bytes()) {
			return nil, true, nil
		}
		src = mut.Bytes()
		// Re-parse the printed text: what gremlins hands the compiler.
		f, perr = parser.ParseFile(fset, name, mut.Bytes(), 0)
		if perr != nil {
			return nil, false, fmt.Errorf("does not parse: %v", perr)
		}
		files = append(files, f)
	}
	conf := types.Config{Importer: pc.imp}
	var first error
	conf.Error = func(e error) {
		if first == nil {
			first = e
		}
	}
	_, _ = conf.Check(pc.path, fset, files, nil)
	if first != nil {
		return nil, false, fmt.Errorf("does not compile: %v", first)
	}
	return src, false, nil
}

// mutate swaps the operator token at m's position for m.Type's replacement.
func mutate(fset *token.FileSet, f *ast.File, m *mutant) error {
	table, ok := mutations[m.Type]
	if !ok {
		return fmt.Errorf("unknown mutator %s", m.Type)
	}
	done := false
	ast.Inspect(f, func(n ast.Node) bool {
		if done || n == nil {
			return false
		}
		var tok *token.Token
		var pos token.Pos
		switch n := n.(type) {
		case *ast.AssignStmt:
			tok, pos = &n.Tok, n.TokPos
		case *ast.BinaryExpr:
			tok, pos = &n.Op, n.OpPos
		case *ast.BranchStmt:
			tok, pos = &n.Tok, n.TokPos
		case *ast.IncDecStmt:
			tok, pos = &n.Tok, n.TokPos
		case *ast.UnaryExpr:
			tok, pos = &n.Op, n.OpPos
		default:
			return true
		}
		p := fset.Position(pos)
		if p.Line != m.Line || p.Column != m.Column {
			return true
		}
		to, ok := table[*tok]
		if !ok {
			return true
		}
		*tok = to
		done = true
		return false
	})
	if !done {
		return fmt.Errorf("no %s operator at %s:%d:%d (source changed since the run?)", m.Type, m.File, m.Line, m.Column)
	}
	return nil
}

// equiv is one entry of the equivalents file.
type equiv struct {
	File, Type, Marked, Why string
	Hint                    string // file:line as written
	used                    bool
}

func readEquivalents(path string) ([]*equiv, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []*equiv
	var cur *equiv
	flush := func(n int) error {
		if cur == nil {
			return nil
		}
		if cur.Marked == "" || cur.Why == "" {
			return fmt.Errorf("%s:%d: entry %s needs both a line: and a why: field", path, n, cur.Hint)
		}
		out = append(out, cur)
		cur = nil
		return nil
	}
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		text := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(text, "#"):
		case text == "":
			if err := flush(n); err != nil {
				return nil, err
			}
		case strings.HasPrefix(text, "line:"):
			if cur == nil {
				return nil, fmt.Errorf("%s:%d: line: outside an entry", path, n)
			}
			cur.Marked = strings.TrimSpace(strings.TrimPrefix(text, "line:"))
		case strings.HasPrefix(text, "why:"):
			if cur == nil {
				return nil, fmt.Errorf("%s:%d: why: outside an entry", path, n)
			}
			cur.Why = strings.TrimSpace(strings.TrimPrefix(text, "why:"))
		case cur != nil && cur.Why != "":
			cur.Why += " " + text // continuation of why:
		default:
			if err := flush(n); err != nil {
				return nil, err
			}
			where, typ, ok := strings.Cut(text, " ")
			if !ok {
				return nil, fmt.Errorf("%s:%d: want FILE:LINE MUTATOR", path, n)
			}
			file, _, _ := strings.Cut(where, ":")
			cur = &equiv{File: file, Type: strings.TrimSpace(typ), Hint: where}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if err := flush(n); err != nil {
		return nil, err
	}
	return out, nil
}

// applyEquivalents marks listed LIVED mutants EQUIVALENT; it returns the
// entries for files of this run that matched no mutant.
func applyEquivalents(ms []*mutant, eqs []*equiv, runFiles map[string]bool) []equiv {
	for _, m := range ms {
		for _, e := range eqs {
			if e.File == m.File && e.Type == m.Type && e.Marked == m.Marked {
				e.used = true
				if m.Status == lived {
					m.Status, m.Comment = equivalent, e.Why
				}
			}
		}
	}
	var stale []equiv
	for _, e := range eqs {
		if !e.used && runFiles[e.File] {
			stale = append(stale, *e)
		}
	}
	return stale
}

func summarise(w io.Writer, ms []*mutant, stale []equiv, elapsed, minEff float64) bool {
	count := map[string]int{}
	for _, m := range ms {
		st := m.Status
		if st == timedOut {
			st = killed
		}
		count[st]++
	}
	sort.SliceStable(ms, func(i, j int) bool {
		if ms[i].File != ms[j].File {
			return ms[i].File < ms[j].File
		}
		if ms[i].Line != ms[j].Line {
			return ms[i].Line < ms[j].Line
		}
		return ms[i].Column < ms[j].Column
	})
	section := func(status, title string) {
		if count[status] == 0 && status != lived {
			return
		}
		fmt.Fprintf(w, "\n== %s (%d) ==\n", title, count[status])
		file := ""
		for _, m := range ms {
			if m.Status != status {
				continue
			}
			if m.File != file {
				file = m.File
				fmt.Fprintf(w, "\n%s\n", file)
			}
			fmt.Fprintf(w, "%s\nline: %s\n", m.header(), m.Marked)
			if m.Comment != "" {
				fmt.Fprintf(w, "why: %s\n", m.Comment)
			}
			if m.retest != "" {
				fmt.Fprintf(w, "retest: %s\n", m.retest)
			}
		}
	}
	section(lived, "LIVED: survivors (a real gap, or an equivalent to list)")
	section(equivalent, "EQUIVALENT (listed)")
	section(notViable, "NOT VIABLE: killed by gremlins, but the package does not compile")
	section(identical, "IDENTICAL: the mutated source equals the original")
	section(notCovered, "NOT COVERED: not run by gremlins (no test covers it, or a case expression; not in the efficacy)")

	ok := true
	if len(stale) > 0 {
		ok = false
		fmt.Fprintf(w, "\n== STALE equivalents: no mutant matches (%d) ==\n", len(stale))
		for _, e := range stale {
			fmt.Fprintf(w, "%s %s\nline: %s\n", e.Hint, e.Type, e.Marked)
		}
	}
	perFile(w, ms)
	k, l := count[killed], count[lived]
	eff := 0.0
	if k+l > 0 {
		eff = 100 * float64(k) / float64(k+l)
	}
	fmt.Fprintf(w, "\nmutants: %d; killed %d (%d of them timed out), lived %d, equivalent %d, not viable %d, identical %d, not covered %d\n",
		len(ms), k, countStatus(ms, timedOut), l, count[equivalent], count[notViable], count[identical], count[notCovered])
	if n := countRetested(ms); n > 0 {
		fmt.Fprintf(w, "re-tested against the whole suite: %d (see retest: above and in the per-file table)\n", n)
	}
	fmt.Fprintf(w, "efficacy: %.1f%% (killed / (killed + lived)); gremlins' elapsed time %.0f s\n", eff, elapsed)
	if eff < minEff {
		fmt.Fprintf(w, "efficacy %.1f%% is below the minimum %.1f%%\n", eff, minEff)
		ok = false
	}
	return ok
}

func countStatus(ms []*mutant, status string) int {
	n := 0
	for _, m := range ms {
		if m.Status == status {
			n++
		}
	}
	return n
}

func countRetested(ms []*mutant) int {
	n := 0
	for _, m := range ms {
		if m.retest != "" {
			n++
		}
	}
	return n
}

// perFile prints a table of the statuses per file, with each file's
// efficacy (timeouts count as kills; re-tested mutants count as what the
// re-test found).
func perFile(w io.Writer, ms []*mutant) {
	type row struct{ killed, timedOut, lived, equiv, notViable, identical, notCovered, retested int }
	rows := map[string]*row{}
	var files []string
	for _, m := range ms {
		r := rows[m.File]
		if r == nil {
			r = &row{}
			rows[m.File] = r
			files = append(files, m.File)
		}
		switch m.Status {
		case killed:
			r.killed++
		case timedOut:
			r.killed++
			r.timedOut++
		case lived:
			r.lived++
		case equivalent:
			r.equiv++
		case notViable:
			r.notViable++
		case identical:
			r.identical++
		case notCovered:
			r.notCovered++
		}
		if m.retest != "" {
			r.retested++
		}
	}
	sort.Strings(files)
	fmt.Fprintf(w, "\n| file | mutants | killed (timed out) | lived | equivalent | not viable | identical | not covered | re-tested | efficacy |\n")
	fmt.Fprintf(w, "|---|---|---|---|---|---|---|---|---|---|\n")
	for _, f := range files {
		r := rows[f]
		n := r.killed + r.lived + r.equiv + r.notViable + r.identical + r.notCovered
		eff := "-"
		if r.killed+r.lived > 0 {
			eff = fmt.Sprintf("%.1f%%", 100*float64(r.killed)/float64(r.killed+r.lived))
		}
		fmt.Fprintf(w, "| %s | %d | %d (%d) | %d | %d | %d | %d | %d | %d | %s |\n",
			f, n, r.killed, r.timedOut, r.lived, r.equiv, r.notViable, r.identical, r.notCovered, r.retested, eff)
	}
}
