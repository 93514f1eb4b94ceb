// Command celgo is the cel-go peer benchmark for divert's C++ CEL engine.
//
// It compiles one CEL expression with cel-go (env.Compile + env.Program with
// default options), builds the activations once outside the timed loop, and
// then times prg.Eval(activation) in a tight loop. Every result is checked: it
// must be a bool equal to the expected value. The reported figure is the
// median ns/op over several repetitions (5 by default).
//
// Usage:
//
//	go run . [-expr EXPR] [-iterations N] [-repetitions R] [-rows 1|2|3|4] [-duration D] [-json]
//
// Output (one line on stdout):
//
//	celgo ns_per_op=<float> iterations=<n>
//	{"impl":"cel-go","ns_per_op":...,"iterations":...,...}   (with -json)
//
// "iterations" is the number of Eval calls in each timed repetition.
// benchmarks/compare_celgo.py runs this program next to divert's benchmark.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/interpreter"
)

// DefaultExpr is the expression that divert's BM_EvalPeerExpression evaluates too.
const DefaultExpr = `(Origin == "MOW" || Country == "RU") && (Value >= 100 || Adults == 1)`

// celGoModule is the cel-go module path; it is used to report the version that is linked in.
// (cel-go moved from github.com/google/cel-go to cel.dev/cel-go with v0.32.0.)
const celGoModule = "cel.dev/cel-go"

// Row is one set of variable bindings with the value DefaultExpr gives for it.
type Row struct {
	Origin   string
	Country  string
	Value    int64
	Adults   int64
	Expected bool
}

// Rows are the fixed binding sets. Row 0 is the main one; with -rows N the
// timed loop rotates over the first N. Expected values for DefaultExpr,
// worked out by hand:
//
//	MOW,RU,150,2: (true  || true ) && (true  || false) = true
//	LHR,GB, 50,1: (false || false) && ...              = false
//	LED,RU, 80,1: (false || true ) && (false || true ) = true
//	MOW,FR, 99,3: (true  || false) && (false || false) = false
var Rows = []Row{
	{Origin: "MOW", Country: "RU", Value: 150, Adults: 2, Expected: true},
	{Origin: "LHR", Country: "GB", Value: 50, Adults: 1, Expected: false},
	{Origin: "LED", Country: "RU", Value: 80, Adults: 1, Expected: true},
	{Origin: "MOW", Country: "FR", Value: 99, Adults: 3, Expected: false},
}

// NewProgram compiles expr against the four declared variables and returns a
// program built with default options. The expression must be of type bool.
func NewProgram(expr string) (cel.Program, error) {
	env, err := cel.NewEnv(
		cel.Variable("Origin", cel.StringType),
		cel.Variable("Country", cel.StringType),
		cel.Variable("Value", cel.IntType),
		cel.Variable("Adults", cel.IntType),
	)
	if err != nil {
		return nil, fmt.Errorf("cel.NewEnv: %w", err)
	}
	ast, iss := env.Compile(expr)
	if iss.Err() != nil {
		return nil, fmt.Errorf("compile %q: %w", expr, iss.Err())
	}
	if !ast.OutputType().IsExactType(cel.BoolType) {
		return nil, fmt.Errorf("expression %q has type %v, want bool", expr, ast.OutputType())
	}
	prg, err := env.Program(ast)
	if err != nil {
		return nil, fmt.Errorf("env.Program: %w", err)
	}
	return prg, nil
}

// NewActivation builds the activation for one row. The values are stored as
// CEL values (types.String, types.Int), so Eval does not have to convert them
// from Go values on every call.
func NewActivation(r Row) (interpreter.Activation, error) {
	return interpreter.NewActivation(map[string]any{
		"Origin":  types.String(r.Origin),
		"Country": types.String(r.Country),
		"Value":   types.Int(r.Value),
		"Adults":  types.Int(r.Adults),
	})
}

// Fixture is a compiled program, the activations of the first n rows and the
// result each activation must produce.
type Fixture struct {
	Program cel.Program
	Acts    []interpreter.Activation
	Want    []bool
}

// NewFixture compiles expr and prepares the activations of the first n rows.
// For DefaultExpr the expected results are the hand-computed Row.Expected
// values, and an untimed Eval of each row must already agree with them. For
// any other expression the untimed Eval defines the expected result, so the
// timed loop still checks that every result is the same bool.
func NewFixture(expr string, n int) (*Fixture, error) {
	if n < 1 || n > len(Rows) {
		return nil, fmt.Errorf("rows must be between 1 and %d, got %d", len(Rows), n)
	}
	prg, err := NewProgram(expr)
	if err != nil {
		return nil, err
	}
	f := &Fixture{Program: prg}
	for i, r := range Rows[:n] {
		act, err := NewActivation(r)
		if err != nil {
			return nil, fmt.Errorf("row %d: %w", i, err)
		}
		got, err := EvalBool(prg, act)
		if err != nil {
			return nil, fmt.Errorf("row %d %+v: %w", i, r, err)
		}
		if expr == DefaultExpr && got != r.Expected {
			return nil, fmt.Errorf("row %d %+v: got %v, want %v", i, r, got, r.Expected)
		}
		f.Acts = append(f.Acts, act)
		f.Want = append(f.Want, got)
	}
	return f, nil
}

// EvalBool evaluates prg once and returns its result, which must be a bool.
func EvalBool(prg cel.Program, act interpreter.Activation) (bool, error) {
	out, _, err := prg.Eval(act)
	if err != nil {
		return false, err
	}
	b, ok := out.(types.Bool)
	if !ok {
		return false, fmt.Errorf("result %v has type %T, want bool", out, out)
	}
	return bool(b), nil
}

// Run performs n evaluations, rotating over the fixture's activations, and
// checks every result. It is the timed loop shared by main and BenchmarkEval.
func (f *Fixture) Run(n int) error {
	prg, acts, want := f.Program, f.Acts, f.Want
	j := 0
	for i := 0; i < n; i++ {
		out, _, err := prg.Eval(acts[j])
		if err != nil {
			return fmt.Errorf("iteration %d: %w", i, err)
		}
		if b, ok := out.(types.Bool); !ok || bool(b) != want[j] {
			return fmt.Errorf("iteration %d (row %d): got %v (%T), want %v", i, j, out, out, want[j])
		}
		if j++; j == len(acts) {
			j = 0
		}
	}
	return nil
}

// timeRun runs n evaluations and returns how long they took.
func (f *Fixture) timeRun(n int) (time.Duration, error) {
	start := time.Now()
	err := f.Run(n)
	return time.Since(start), err
}

// calibrate picks an iteration count that takes about perRep of wall time,
// scaling up from a small trial run the same way `go test -bench` does.
func (f *Fixture) calibrate(perRep time.Duration) (int, error) {
	n := 100
	for {
		d, err := f.timeRun(n)
		if err != nil {
			return 0, err
		}
		if d >= perRep/10 || n >= 1_000_000_000 {
			// Extrapolate from the last (long enough) trial.
			next := float64(n) * float64(perRep) / float64(max(d, 1))
			return int(min(max(next, float64(n)), 1e9)), nil
		}
		n *= 10
	}
}

// Result is what the program prints.
type Result struct {
	Impl        string    `json:"impl"`
	NsPerOp     float64   `json:"ns_per_op"`
	Iterations  int       `json:"iterations"`
	Repetitions int       `json:"repetitions"`
	Rows        int       `json:"rows"`
	Samples     []float64 `json:"samples_ns_per_op"`
	CelGo       string    `json:"cel_go_version"`
	GoVersion   string    `json:"go_version"`
	Expr        string    `json:"expr"`
}

// median returns the median of xs (mean of the middle two for even lengths).
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// celGoVersion reports the cel-go version linked into this binary.
func celGoVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path == celGoModule {
				if m.Replace != nil {
					return m.Replace.Version
				}
				return m.Version
			}
		}
	}
	return "unknown"
}

func run() error {
	expr := flag.String("expr", DefaultExpr, "CEL expression to evaluate (must be of type bool)")
	iterations := flag.Int("iterations", 0, "evaluations per repetition; 0 = auto (about -duration in total)")
	repetitions := flag.Int("repetitions", 5, "timed repetitions; the median is reported (at least 3 in auto mode)")
	rows := flag.Int("rows", 1, fmt.Sprintf("number of binding sets to rotate over (1..%d); 1 = only MOW,RU,150,2", len(Rows)))
	duration := flag.Duration("duration", time.Second, "total timed wall time in auto mode")
	asJSON := flag.Bool("json", false, "print the result as JSON")
	flag.Parse()
	if flag.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", flag.Args())
	}
	if *iterations < 0 || *repetitions < 1 || *duration <= 0 {
		return errors.New("-iterations must be >= 0, -repetitions >= 1 and -duration > 0")
	}

	f, err := NewFixture(*expr, *rows)
	if err != nil {
		return err
	}

	reps, n := *repetitions, *iterations
	if n == 0 {
		reps = max(reps, 3)
		// The calibration runs double as warm-up.
		if n, err = f.calibrate(*duration / time.Duration(reps)); err != nil {
			return err
		}
	} else if err := f.Run(min(n, 10_000)); err != nil { // warm-up
		return err
	}

	samples := make([]float64, 0, reps)
	for range reps {
		runtime.GC() // start every repetition from a clean heap
		d, err := f.timeRun(n)
		if err != nil {
			return err
		}
		samples = append(samples, float64(d.Nanoseconds())/float64(n))
	}

	res := Result{
		Impl:        "cel-go",
		NsPerOp:     median(samples),
		Iterations:  n,
		Repetitions: reps,
		Rows:        *rows,
		Samples:     samples,
		CelGo:       celGoVersion(),
		GoVersion:   runtime.Version(),
		Expr:        *expr,
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(res)
	}
	_, err = fmt.Printf("celgo ns_per_op=%.2f iterations=%d\n", res.NsPerOp, res.Iterations)
	return err
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "celgo:", err)
		os.Exit(1)
	}
}
