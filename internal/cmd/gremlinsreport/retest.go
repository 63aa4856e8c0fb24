package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// retester runs a package's whole test suite with one file replaced. It
// runs again what gremlins could get wrong. LIVED: gremlins may have run a
// subset of the tests (GOFLAGS -skip, for speed). NOT COVERED: gremlins'
// coverage profile has no block for a case expression or a constant
// declaration, so it never ran them. TIMED OUT, when timeouts is set:
// under load a passing run can pass gremlins' timeout (a real hang then
// costs the whole timeout again, hence the choice).
type retester struct {
	timeout  time.Duration
	timeouts bool
	tmp      string
	// goTest runs the go command with args in the module root; it returns
	// the combined output and the error.
	goTest func(ctx context.Context, args ...string) ([]byte, error)
	// progress, if not nil, gets a line per mutant run.
	progress func(string)
	// importers, if not nil, gives the directories (relative to the module
	// root, "./x") of the packages that import the package in dir: their
	// tests run too. gremlins runs only the mutated package's tests, but
	// code moved into an internal package is pinned end to end by the
	// tests of the package that uses it.
	importers func(dir string) []string
}

// retest runs every viable mutant of those statuses against the whole test
// suite of its package (`go test -count=1 -failfast -vet=off -overlay`, no
// -run or -skip), one at a time, and sets its status from the result:
// KILLED when a test fails, LIVED when all pass, TIMED OUT when the run
// passes the timeout again.
func (rt *retester) retest(ms []*mutant) error {
	for _, m := range ms {
		if !(m.Status == lived || m.Status == notCovered || m.Status == timedOut && rt.timeouts) || m.src == nil {
			continue
		}
		before := m.Status
		status, why, err := rt.one(m)
		if err != nil {
			return fmt.Errorf("%s: %w", m.header(), err)
		}
		m.Status = status
		note := before + " → " + status
		if why != "" {
			note += " (" + why + ")"
		}
		if m.retest != "" {
			note = m.retest + "; then " + note // an earlier re-test, read from -o's report
		}
		m.retest = note
		if rt.progress != nil {
			rt.progress(fmt.Sprintf("%s col %d: %s", m.header(), m.Column, m.retest))
		}
	}
	return nil
}

var failLine = regexp.MustCompile(`(?m)^\s*--- FAIL: (\S+)`)

// one runs the tests of m's package with m applied.
func (rt *retester) one(m *mutant) (status, why string, err error) {
	abs, err := filepath.Abs(m.File)
	if err != nil {
		return "", "", err
	}
	mutated := filepath.Join(rt.tmp, "mutant.go")
	if err := os.WriteFile(mutated, m.src, 0o600); err != nil {
		return "", "", err
	}
	overlay, err := json.Marshal(map[string]map[string]string{"Replace": {abs: mutated}})
	if err != nil {
		return "", "", err
	}
	ovPath := filepath.Join(rt.tmp, "overlay.json")
	if err := os.WriteFile(ovPath, overlay, 0o600); err != nil {
		return "", "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), rt.timeout)
	defer cancel()
	args := []string{"test", "-count=1", "-failfast", "-vet=off", "-overlay=" + ovPath,
		"-timeout=" + (rt.timeout + time.Minute).String(), "./" + filepath.Dir(m.File)}
	if rt.importers != nil {
		args = append(args, rt.importers(filepath.Dir(m.File))...)
	}
	out, err := rt.goTest(ctx, args...)
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return timedOut, "", nil
	case err == nil:
		return lived, "", nil
	case errors.As(err, &ee):
		if bytes.Contains(out, []byte("[build failed]")) || bytes.Contains(out, []byte("[setup failed]")) {
			return "", "", fmt.Errorf("the mutant does not build, though it type-checked:\n%s", out)
		}
		if f := failLine.FindSubmatch(out); f != nil {
			return killed, "by " + string(f[1]), nil
		}
		if bytes.Contains(out, []byte("panic:")) {
			return killed, "a panic", nil
		}
		return killed, "", nil
	default:
		return "", "", err
	}
}

// execGoTest runs the go command in the current directory, with GOFLAGS
// stripped of -run and -skip so that every test of the package runs.
func execGoTest(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	var keep []string
	for _, f := range strings.Fields(os.Getenv("GOFLAGS")) {
		name, _, _ := strings.Cut(strings.TrimLeft(f, "-"), "=")
		if name != "run" && name != "skip" && name != "test.run" && name != "test.skip" {
			keep = append(keep, f)
		}
	}
	cmd.Env = append(os.Environ(), "GOFLAGS="+strings.Join(keep, " "))
	return cmd.CombinedOutput()
}

// listImporters returns an importers function for the module in the
// current directory: for each package, the packages of the module that
// import it from their code or their tests (directly; `go list` once).
func listImporters() (func(dir string) []string, error) {
	out, err := exec.Command("go", "list", "-f",
		"{{.Dir}}|{{.ImportPath}}|{{join .Imports \",\"}},{{join .TestImports \",\"}},{{join .XTestImports \",\"}}", "./...").Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w", err)
	}
	root, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	return importersOf(string(out), root)
}

// importersOf parses listImporters' `go list` output (one package a line:
// dir|import path|imports,test imports,external test imports).
func importersOf(list, root string) (func(dir string) []string, error) {
	dirOf := map[string]string{} // import path -> "./rel"
	type pkg struct{ dir, imports string }
	var pkgs []pkg
	for line := range strings.Lines(list) {
		f := strings.Split(strings.TrimSpace(line), "|")
		if len(f) != 3 {
			return nil, fmt.Errorf("go list: unexpected line %q", line)
		}
		rel, err := filepath.Rel(root, f[0])
		if err != nil {
			return nil, err
		}
		dirOf[f[1]] = "./" + filepath.ToSlash(rel)
		pkgs = append(pkgs, pkg{dirOf[f[1]], f[2]})
	}
	by := map[string][]string{} // "./dir" -> importing "./dirs"
	for _, p := range pkgs {
		seen := map[string]bool{p.dir: true}
		for _, imp := range strings.Split(p.imports, ",") {
			if d, ok := dirOf[imp]; ok && !seen[d] {
				seen[d] = true
				by[d] = append(by[d], p.dir)
			}
		}
	}
	return func(dir string) []string { return by["./"+filepath.ToSlash(dir)] }, nil
}
