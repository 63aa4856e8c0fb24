package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// fakeGo answers `go test` as scripted by the mutant's source: the overlay
// file it is given holds the mutated source, whose first line says what the
// test run does.
func fakeGo(t *testing.T) func(ctx context.Context, args ...string) ([]byte, error) {
	exit := exec.Command("false").Run() // an *exec.ExitError
	return func(ctx context.Context, args ...string) ([]byte, error) {
		var overlay string
		for _, a := range args {
			if v, ok := strings.CutPrefix(a, "-overlay="); ok {
				overlay = v
			}
		}
		if overlay == "" || !slices.Contains(args, "-count=1") || !slices.Contains(args, "-failfast") {
			t.Fatalf("go %v: want -overlay, -count=1 and -failfast", args)
		}
		src, err := os.ReadFile(filepath.Join(filepath.Dir(overlay), "mutant.go"))
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case strings.HasPrefix(string(src), "pass"):
			return []byte("ok  \tp\t0.1s\n"), nil
		case strings.HasPrefix(string(src), "fail"):
			return []byte("--- FAIL: TestThing_Behaviour (0.00s)\nFAIL\n"), exit
		case strings.HasPrefix(string(src), "panic"):
			return []byte("panic: runtime error: index out of range\n"), exit
		case strings.HasPrefix(string(src), "hang"):
			<-ctx.Done()
			return nil, exit
		}
		t.Fatalf("unscripted source %q", src)
		return nil, nil
	}
}

func TestRetest_SetsTheStatusFromTheWholeSuite(t *testing.T) {
	tests := []struct {
		name, status, src, want, note string
	}{
		{"a survivor of a partial run that a skipped test kills", lived, "fail", killed, "LIVED → KILLED (by TestThing_Behaviour)"},
		{"a survivor that survives the whole suite", lived, "pass", lived, "LIVED → LIVED"},
		{"a timeout of a load spike that passes", timedOut, "pass", lived, "TIMED OUT → LIVED"},
		{"a timeout that hangs again", timedOut, "hang", timedOut, "TIMED OUT → TIMED OUT"},
		{"not covered but run by a case list", notCovered, "panic", killed, "NOT COVERED → KILLED (a panic)"},
		{"not covered and not killed", notCovered, "pass", lived, "NOT COVERED → LIVED"},
		{"a kill is not re-tested", killed, "pass", killed, ""},
		{"an equivalent is not re-tested", equivalent, "fail", equivalent, ""},
	}
	rt := &retester{timeout: 500 * time.Millisecond, timeouts: true, tmp: t.TempDir(), goTest: fakeGo(t)}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := &mutant{File: "p/p.go", Line: 1, Column: 1, Type: "CONDITIONALS_BOUNDARY", Status: tc.status, src: []byte(tc.src)}
			if err := rt.retest([]*mutant{m}); err != nil {
				t.Fatal(err)
			}
			if m.Status != tc.want || m.retest != tc.note {
				t.Errorf("status %s, note %q; want %s, %q", m.Status, m.retest, tc.want, tc.note)
			}
		})
	}
}

func TestRetest_TimeoutsOnlyWhenAsked(t *testing.T) {
	rt := &retester{timeout: time.Second, tmp: t.TempDir(), goTest: func(context.Context, ...string) ([]byte, error) {
		return nil, errors.New("go must not run")
	}}
	m := &mutant{File: "p/p.go", Type: "INCREMENT_DECREMENT", Status: timedOut, src: []byte("hang")}
	if err := rt.retest([]*mutant{m}); err != nil {
		t.Fatal(err)
	}
	if m.Status != timedOut || m.retest != "" {
		t.Errorf("status %s, note %q; want it left TIMED OUT", m.Status, m.retest)
	}
}

func TestRetest_MutantsWithoutSourceAreLeft(t *testing.T) {
	// No source: not viable or identical (classify keeps none for them).
	rt := &retester{timeout: time.Second, tmp: t.TempDir(), goTest: func(context.Context, ...string) ([]byte, error) {
		return nil, errors.New("go must not run")
	}}
	m := &mutant{File: "p/p.go", Type: "ARITHMETIC_BASE", Status: notCovered}
	if err := rt.retest([]*mutant{m}); err != nil {
		t.Fatal(err)
	}
	if m.Status != notCovered || m.retest != "" {
		t.Errorf("status %s, note %q; want it left NOT COVERED", m.Status, m.retest)
	}
}

func TestRetest_AMutantThatDoesNotBuildIsAnError(t *testing.T) {
	rt := &retester{timeout: time.Second, tmp: t.TempDir(), goTest: func(context.Context, ...string) ([]byte, error) {
		return []byte("FAIL\tp [build failed]\n"), exec.Command("false").Run()
	}}
	m := &mutant{File: "p/p.go", Type: "ARITHMETIC_BASE", Status: lived, src: []byte("x")}
	if err := rt.retest([]*mutant{m}); err == nil || !strings.Contains(err.Error(), "does not build") {
		t.Errorf("err %v, want one saying the mutant does not build", err)
	}
}

func TestExecGoTest_DropsRunAndSkipFromGOFLAGS(t *testing.T) {
	t.Setenv("GOFLAGS", "-count=1 -skip=^TestSlow -run=Reader -vet=off -test.skip=x")
	out, err := execGoTest(context.Background(), "env", "GOFLAGS")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(out)); got != "-count=1 -vet=off" {
		t.Errorf("GOFLAGS seen by go: %q, want %q", got, "-count=1 -vet=off")
	}
}

func TestImportersOf_ListsDirectImportersFromCodeAndTests(t *testing.T) {
	list := "/m/a|m/a|m/b,fmt,,\n" + // a imports b
		"/m/b|m/b|m/c,,\n" + // b imports c
		"/m/c|m/c|strings,,\n" +
		"/m/d|m/d|,m/c,m/d\n" + // d's tests import c; its external tests d itself
		"/m/x/e|m/x/e|,,m/b\n" // e's external tests import b
	importers, err := importersOf(list, "/m")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		dir  string
		want []string
	}{
		{"b", []string{"./a", "./x/e"}},
		{"c", []string{"./b", "./d"}}, // not a: only direct importers
		{"d", nil},                    // its own tests are not an importer
		{"a", nil},
	}
	for _, tc := range tests {
		if got := importers(tc.dir); !slices.Equal(got, tc.want) {
			t.Errorf("importers(%q) = %q, want %q", tc.dir, got, tc.want)
		}
	}
	if _, err := importersOf("/m/a|m/a\n", "/m"); err == nil {
		t.Error("a line without three fields: no error")
	}
}

func TestRetest_RunsTheImportersTestsToo(t *testing.T) {
	var got []string
	rt := &retester{timeout: time.Second, tmp: t.TempDir(),
		importers: func(dir string) []string {
			if dir != "p" {
				t.Errorf("importers asked for %q, want p", dir)
			}
			return []string{"./q", "./r"}
		},
		goTest: func(_ context.Context, args ...string) ([]byte, error) {
			got = args
			return []byte("ok\n"), nil
		}}
	m := &mutant{File: "p/p.go", Type: "ARITHMETIC_BASE", Status: lived, src: []byte("pass")}
	if err := rt.retest([]*mutant{m}); err != nil {
		t.Fatal(err)
	}
	if n := len(got); n < 3 || !slices.Equal(got[n-3:], []string{"./p", "./q", "./r"}) {
		t.Errorf("go %q: want the packages ./p ./q ./r last", got)
	}
}
