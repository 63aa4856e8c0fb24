//go:build race

package redact

// raceEnabled: the race detector is on (it slows every memory access, so
// size-based tests use smaller inputs).
const raceEnabled = true
