// Tests and Go benchmarks for the cel-go peer benchmark.
//
//	go test ./...                      checks the hand-computed expected results
//	go test -run '^$' -bench . ./...   times Eval the same way main does
package main

import (
	"fmt"
	"testing"
)

// TestExpected checks cel-go's result for each of the four rows against the
// value worked out by hand in Rows.
func TestExpected(t *testing.T) {
	prg, err := NewProgram(DefaultExpr)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range Rows {
		act, err := NewActivation(r)
		if err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
		got, err := EvalBool(prg, act)
		if err != nil {
			t.Fatalf("row %d %+v: %v", i, r, err)
		}
		if got != r.Expected {
			t.Errorf("row %d %+v: got %v, want %v", i, r, got, r.Expected)
		}
	}
}

// TestFixture checks that the timed loop accepts correct results, for both a
// single binding set and the rotation over all four.
func TestFixture(t *testing.T) {
	for _, n := range []int{1, len(Rows)} {
		f, err := NewFixture(DefaultExpr, n)
		if err != nil {
			t.Fatalf("rows=%d: %v", n, err)
		}
		if err := f.Run(10 * n); err != nil {
			t.Errorf("rows=%d: %v", n, err)
		}
	}
}

// TestRejectsBadInput checks that non-bool expressions and bad row counts are refused.
func TestRejectsBadInput(t *testing.T) {
	if _, err := NewFixture(`Value + 1`, 1); err == nil {
		t.Error("non-bool expression accepted")
	}
	if _, err := NewFixture(DefaultExpr, len(Rows)+1); err == nil {
		t.Error("too many rows accepted")
	}
}

// BenchmarkEval times prg.Eval with activations built once outside the loop:
// rows=1 uses only MOW,RU,150,2, rows=4 rotates over all four binding sets.
func BenchmarkEval(b *testing.B) {
	for _, n := range []int{1, len(Rows)} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			f, err := NewFixture(DefaultExpr, n)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			if err := f.Run(b.N); err != nil {
				b.Fatal(err)
			}
		})
	}
}
