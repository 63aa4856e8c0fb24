package main

import (
	"fmt"
	"regexp/syntax"
	"strings"
)

// fixedMatcher returns the body of a Go function matching re without the
// regexp package, when re is anchored and every string it accepts has the
// same length, built from ASCII literals, ASCII classes, exact repeats,
// groups and alternations of equal width (e.g. ^KC[A-Z0-9]{14}$ or
// ^([01][0-9]|2[0-3]):[0-5][0-9]$). ok is false for any other pattern, which
// then goes through regexp. TestGeneratedPatternsAgreeWithRegexp checks the
// two agree.
func fixedMatcher(re string) (body string, ok bool) {
	t, err := syntax.Parse(re, syntax.Perl)
	if err != nil {
		return "", false
	}
	t = t.Simplify()
	if t.Op != syntax.OpConcat || len(t.Sub) < 2 || t.Sub[0].Op != syntax.OpBeginText || t.Sub[len(t.Sub)-1].Op != syntax.OpEndText {
		return "", false
	}
	mid := &syntax.Regexp{Op: syntax.OpConcat, Sub: t.Sub[1 : len(t.Sub)-1]}
	expr, width, ok := fixedExpr(mid, 0)
	if !ok {
		return "", false
	}
	return fmt.Sprintf("return len(s) == %d && %s", width, expr), true
}

// fixedExpr returns a Go boolean expression matching r at byte offset off,
// and r's width in bytes.
func fixedExpr(r *syntax.Regexp, off int) (string, int, bool) {
	at := func(i int) string { return fmt.Sprintf("s[%d]", off+i) }
	switch r.Op {
	case syntax.OpLiteral:
		if r.Flags&syntax.FoldCase != 0 {
			return "", 0, false
		}
		var parts []string
		for i, c := range r.Rune {
			if c >= 0x80 {
				return "", 0, false
			}
			parts = append(parts, fmt.Sprintf("%s == %q", at(i), c))
		}
		return "(" + strings.Join(parts, " && ") + ")", len(r.Rune), true
	case syntax.OpCharClass:
		e, ok := classExpr(r.Rune, at(0))
		return e, 1, ok
	case syntax.OpCapture:
		return fixedExpr(r.Sub[0], off)
	case syntax.OpConcat:
		var parts []string
		w := 0
		for _, sub := range r.Sub {
			e, sw, ok := fixedExpr(sub, off+w)
			if !ok {
				return "", 0, false
			}
			parts = append(parts, e)
			w += sw
		}
		if len(parts) == 0 {
			return "true", 0, true
		}
		return "(" + strings.Join(parts, " && ") + ")", w, true
	case syntax.OpAlternate:
		var parts []string
		w := -1
		for _, sub := range r.Sub {
			e, sw, ok := fixedExpr(sub, off)
			if !ok || (w >= 0 && sw != w) {
				return "", 0, false
			}
			parts = append(parts, e)
			w = sw
		}
		return "(" + strings.Join(parts, " || ") + ")", w, true
	case syntax.OpRepeat:
		if r.Min != r.Max || r.Min < 1 || r.Min > 64 {
			return "", 0, false
		}
		var parts []string
		w := 0
		for range r.Min {
			e, sw, ok := fixedExpr(r.Sub[0], off+w)
			if !ok {
				return "", 0, false
			}
			parts = append(parts, e)
			w += sw
		}
		return "(" + strings.Join(parts, " && ") + ")", w, true
	}
	return "", 0, false
}

// classExpr matches one byte c against ASCII ranges (pairs lo, hi).
func classExpr(ranges []rune, c string) (string, bool) {
	var parts []string
	for i := 0; i+1 < len(ranges); i += 2 {
		lo, hi := ranges[i], ranges[i+1]
		if hi >= 0x80 {
			return "", false
		}
		if lo == hi {
			parts = append(parts, fmt.Sprintf("%s == %q", c, lo))
		} else {
			parts = append(parts, fmt.Sprintf("(%q <= %s && %s <= %q)", lo, c, c, hi))
		}
	}
	if len(parts) == 0 {
		return "", false
	}
	return "(" + strings.Join(parts, " || ") + ")", true
}
