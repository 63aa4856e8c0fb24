// Command mutate is a small mutation tester for this module (stdlib only;
// run it through .ci/mutate). It reads a list of hand-written mutations —
// each one a real bug that could be made in the client — applies them one at
// a time to a temporary copy of the module, runs the tests and reports which
// mutations the tests notice (KILLED) and which they do not (SURVIVED).
//
// The list (default wrapper/testdata/mutations.txt) has one block per
// mutation:
//
//	== ID
//	file: wrapper/retry.go
//	bug: one line: the real bug this models
//	--- find
//	exact source text (one or more lines; must occur exactly once in file)
//	--- replace
//	the text to put in its place (may be empty)
//	--- end
//
// Lines starting with '#' outside a block are comments. The find and replace
// texts are the lines between the markers joined with "\n" (no final
// newline); tabs are kept as written.
//
// A mutation whose find text does not occur exactly once in the current file
// is STALE: it is reported and makes the run fail (exit 1), so the list is
// updated when the code changes. A mutation that does not compile is "killed
// by compiler": listed, but not counted in the score. Score = killed /
// (mutations that compiled).
//
// For each worker (-j) the module's files (git ls-files: tracked and
// untracked-but-not-ignored) are copied once into a temporary directory;
// each mutation is written into that copy, tested with
//
//	go test -count=1 -timeout 120s -failfast ./wrapper/... [./cmd/... when the file is under cmd/]
//
// (-failfast only ends a killed mutation's run sooner) and the file is
// restored. The unmutated copy is tested first (baseline):
// if it fails, nothing is mutated.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"
)

type mutation struct {
	ID, File, Bug string
	Find, Replace string
	Line          int // of the "==" line in the list
}

type outcome int

const (
	stale outcome = iota
	killed
	survived
	compileFail
	timedOut
)

func (o outcome) String() string {
	return [...]string{"STALE", "KILLED", "SURVIVED", "KILLED (compiler)", "KILLED (timeout)"}[o]
}

type result struct {
	m       mutation
	out     outcome
	why     string // stale reason, or the first failing test
	elapsed time.Duration
}

func main() {
	list := flag.String("list", "wrapper/testdata/mutations.txt", "the mutation list")
	run := flag.String("run", "", "only mutations whose id matches this regexp")
	jobs := flag.Int("j", 1, "mutations tested in parallel (one module copy each)")
	check := flag.Bool("check", false, "only check that every mutation applies (no tests)")
	verbose := flag.Bool("v", false, "print the test output of every mutation")
	minScore := flag.Float64("min-score", 0, "fail (exit 1) when the score in percent is below this")
	flag.Parse()
	if *jobs < 1 {
		*jobs = 1
	}
	root, err := os.Getwd()
	must(err)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		tempDirs.removeAll()
		fatalf("interrupted")
	}()

	muts, err := parseList(*list)
	must(err)
	if *run != "" {
		re, err := regexp.Compile(*run)
		must(err)
		var sel []mutation
		for _, m := range muts {
			if re.MatchString(m.ID) {
				sel = append(sel, m)
			}
		}
		muts = sel
	}
	if len(muts) == 0 {
		fatalf("no mutations selected")
	}

	// Staleness is checked against the working tree before anything runs.
	var results []result
	var todo []mutation
	for _, m := range muts {
		if why := applies(filepath.Join(root, m.File), m); why != "" {
			results = append(results, result{m: m, out: stale, why: why})
			continue
		}
		todo = append(todo, m)
	}
	if *check {
		report(results, len(muts), 0)
		for _, r := range results {
			if r.out == stale {
				os.Exit(1)
			}
		}
		fmt.Printf("%d mutations, all apply\n", len(muts))
		return
	}

	files, err := moduleFiles(root)
	must(err)
	n := min(*jobs, max(len(todo), 1))
	copies := make([]string, n)
	for i := range copies {
		dir, err := os.MkdirTemp("", "mutate-")
		must(err)
		tempDirs.add(dir)
		must(copyFiles(root, dir, files))
		copies[i] = dir
	}

	start := time.Now()
	if len(todo) > 0 {
		fmt.Fprintf(os.Stderr, "mutate: baseline (unmutated) test run in %s\n", copies[0])
		base := runTests(copies[0], mutation{File: "wrapper/"})
		if base.out != survived {
			fmt.Fprintf(os.Stderr, "%s\n", base.why)
			fatalf("the unmutated module fails its tests (%s): fix that first", base.out)
		}
		fmt.Fprintf(os.Stderr, "mutate: baseline passes (%s); %d mutations, %d workers\n",
			base.elapsed.Round(time.Second), len(todo), n)
	}

	work := make(chan mutation)
	var mu sync.Mutex
	var wg sync.WaitGroup
	done := 0
	for _, dir := range copies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for m := range work {
				r := mutateAndTest(dir, m, *verbose)
				mu.Lock()
				done++
				fmt.Fprintf(os.Stderr, "[%d/%d] %-40s %-18s %s\n", done, len(todo), m.ID, r.out, r.elapsed.Round(100*time.Millisecond))
				results = append(results, r)
				mu.Unlock()
			}
		}()
	}
	for _, m := range todo {
		work <- m
	}
	close(work)
	wg.Wait()

	score := report(results, len(muts), time.Since(start))
	tempDirs.removeAll()
	for _, r := range results {
		if r.out == stale {
			os.Exit(1)
		}
	}
	if score < *minScore {
		fmt.Printf("score %.1f%% is below -min-score %.1f%%\n", score, *minScore)
		os.Exit(1)
	}
}

// tempDirs are the module copies, removed on every way out.
var tempDirs dirList

type dirList struct {
	mu   sync.Mutex
	dirs []string
}

func (l *dirList) add(d string) { l.mu.Lock(); l.dirs = append(l.dirs, d); l.mu.Unlock() }

func (l *dirList) removeAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, d := range l.dirs {
		_ = os.RemoveAll(d)
	}
	l.dirs = nil
}

// parseList reads the mutation list.
func parseList(path string) ([]mutation, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []mutation
	seen := map[string]int{}
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	errAt := func(i int, format string, a ...any) error {
		return fmt.Errorf("%s:%d: %s", path, i+1, fmt.Sprintf(format, a...))
	}
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") {
			continue
		}
		id, ok := strings.CutPrefix(l, "== ")
		if !ok {
			return nil, errAt(i, "want \"== ID\", a comment or a blank line, got %q", l)
		}
		m := mutation{ID: strings.TrimSpace(id), Line: i + 1}
		if m.ID == "" || strings.ContainsAny(m.ID, " \t") {
			return nil, errAt(i, "bad id %q", id)
		}
		if prev, dup := seen[m.ID]; dup {
			return nil, errAt(i, "id %s already used at line %d", m.ID, prev)
		}
		seen[m.ID] = i + 1
		section := ""
		var find, repl []string
		closed := false
		for i++; i < len(lines) && !closed; i++ {
			l := lines[i]
			switch {
			case l == "--- find" || l == "--- replace":
				section = strings.TrimPrefix(l, "--- ")
			case l == "--- end":
				closed = true
				i--
			case section == "find":
				find = append(find, l)
			case section == "replace":
				repl = append(repl, l)
			case strings.HasPrefix(l, "file:"):
				m.File = strings.TrimSpace(strings.TrimPrefix(l, "file:"))
			case strings.HasPrefix(l, "bug:"):
				m.Bug = strings.TrimSpace(strings.TrimPrefix(l, "bug:"))
			case strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#"):
			default:
				return nil, errAt(i, "in %s: unexpected line %q", m.ID, l)
			}
		}
		if !closed {
			return nil, errAt(m.Line-1, "%s: no \"--- end\"", m.ID)
		}
		m.Find, m.Replace = strings.Join(find, "\n"), strings.Join(repl, "\n")
		switch {
		case m.File == "" || m.Bug == "":
			return nil, errAt(m.Line-1, "%s: needs file: and bug:", m.ID)
		case m.Find == "":
			return nil, errAt(m.Line-1, "%s: empty find text", m.ID)
		case m.Find == m.Replace:
			return nil, errAt(m.Line-1, "%s: replacement equals the find text", m.ID)
		}
		out = append(out, m)
	}
	return out, nil
}

// applies returns "" when m's find text occurs exactly once in file, else
// why not.
func applies(file string, m mutation) string {
	src, err := os.ReadFile(file)
	if err != nil {
		return "file: " + err.Error()
	}
	switch n := strings.Count(string(src), m.Find); n {
	case 1:
		return ""
	case 0:
		return "find text not in " + m.File
	default:
		return fmt.Sprintf("find text occurs %d times in %s", n, m.File)
	}
}

// moduleFiles lists the files git knows (tracked, and untracked but not
// ignored) that exist in the working tree.
func moduleFiles(root string) ([]string, error) {
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git ls-files: %w", err)
	}
	var files []string
	for _, f := range strings.Split(string(out), "\x00") {
		if f == "" {
			continue
		}
		if st, err := os.Lstat(filepath.Join(root, f)); err == nil && st.Mode().IsRegular() {
			files = append(files, f)
		}
	}
	return files, nil
}

func copyFiles(root, dst string, files []string) error {
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			return err
		}
		st, err := os.Stat(filepath.Join(root, f))
		if err != nil {
			return err
		}
		p := filepath.Join(dst, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, st.Mode().Perm()); err != nil {
			return err
		}
	}
	return nil
}

// mutateAndTest applies m in the copy dir, tests, and restores the file.
func mutateAndTest(dir string, m mutation, verbose bool) result {
	path := filepath.Join(dir, m.File)
	orig, err := os.ReadFile(path)
	if err != nil {
		return result{m: m, out: stale, why: err.Error()}
	}
	if strings.Count(string(orig), m.Find) != 1 {
		return result{m: m, out: stale, why: "find text does not occur once in the copy"}
	}
	mutated := strings.Replace(string(orig), m.Find, m.Replace, 1)
	must(os.WriteFile(path, []byte(mutated), 0o644))
	defer func() { must(os.WriteFile(path, orig, 0o644)) }()
	r := runTests(dir, m)
	r.m = m
	if verbose {
		fmt.Fprintf(os.Stderr, "=== %s (%s)\n%s\n", m.ID, r.out, r.why)
	}
	if !verbose && r.out != survived {
		r.why = firstFailure(r.why)
	} else if r.out == survived {
		r.why = ""
	}
	return r
}

// runTests runs the module's tests in dir; survived means they passed. why
// holds the output on failure.
func runTests(dir string, m mutation) result {
	pkgs := []string{"./wrapper/..."}
	if strings.HasPrefix(m.File, "cmd/") {
		pkgs = append(pkgs, "./cmd/...")
	}
	// go test's own -timeout ends a hung test binary; the outer bound also
	// covers a hung build.
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	args := append([]string{"test", "-count=1", "-timeout", "120s", "-failfast"}, pkgs...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	r := result{elapsed: time.Since(start), why: out.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
		r.out = survived
	case ctx.Err() != nil:
		r.out = timedOut
	case errors.As(err, &ee):
		s := out.String()
		switch {
		case strings.Contains(s, "[build failed]") || strings.Contains(s, "[setup failed]"):
			r.out = compileFail
		case strings.Contains(s, "panic: test timed out"):
			r.out = timedOut
		default:
			r.out = killed
		}
	default:
		fatalf("running go test: %v", err)
	}
	return r
}

// firstFailure picks the most telling line of a failed go test output.
func firstFailure(out string) string {
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var first string
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(l, "--- FAIL:"):
			return strings.TrimPrefix(l, "--- ")
		case first == "" && (strings.Contains(l, ".go:") || strings.HasPrefix(l, "FAIL:") ||
			strings.HasPrefix(l, "panic:") || strings.HasPrefix(l, "goleak")):
			first = l
		}
	}
	if len(first) > 120 {
		first = first[:120] + "…"
	}
	return first
}

// report prints the table and the summary and returns the score in percent.
func report(results []result, total int, wall time.Duration) float64 {
	sort.Slice(results, func(i, j int) bool { return results[i].m.Line < results[j].m.Line })
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tFILE\tRESULT\tTIME\tNOTE")
	counts := map[outcome]int{}
	for _, r := range results {
		counts[r.out]++
		note := r.why
		if r.out == survived {
			note = r.m.Bug
		}
		t := ""
		if r.elapsed > 0 {
			t = r.elapsed.Round(100 * time.Millisecond).String()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.m.ID, r.m.File, r.out, t, note)
	}
	tw.Flush()

	compiled := counts[killed] + counts[timedOut] + counts[survived]
	score := 0.0
	if compiled > 0 {
		score = 100 * float64(counts[killed]+counts[timedOut]) / float64(compiled)
	}
	fmt.Println()
	fmt.Printf("mutations: %d  stale: %d  killed by compiler (not scored): %d  compiled: %d\n",
		total, counts[stale], counts[compileFail], compiled)
	fmt.Printf("killed: %d (of which by timeout: %d)  survived: %d\n",
		counts[killed]+counts[timedOut], counts[timedOut], counts[survived])
	if compiled > 0 {
		fmt.Printf("score: %d/%d = %.1f%%\n", counts[killed]+counts[timedOut], compiled, score)
	}
	if wall > 0 {
		fmt.Printf("wall time: %s\n", wall.Round(time.Second))
	}
	if counts[survived] > 0 {
		fmt.Println("\nsurvivors:")
		for _, r := range results {
			if r.out == survived {
				fmt.Printf("  %s (%s; list line %d): %s\n", r.m.ID, r.m.File, r.m.Line, r.m.Bug)
			}
		}
	}
	if counts[stale] > 0 {
		fmt.Println("\nSTALE (update the list):")
		for _, r := range results {
			if r.out == stale {
				fmt.Printf("  %s (line %d): %s\n", r.m.ID, r.m.Line, r.why)
			}
		}
	}
	return score
}

func must(err error) {
	if err != nil {
		fatalf("%v", err)
	}
}

func fatalf(format string, a ...any) {
	tempDirs.removeAll()
	fmt.Fprintf(os.Stderr, "mutate: "+format+"\n", a...)
	os.Exit(2)
}
