// Command celgo_screen is the cel-go peer of benchmarks/screen_compare.py:
// it screens arrests row by row with one CEL expression, the way an
// application that calls cel-go once per record would.
//
// Input: a catalog (TSV: code, level, violent, protection, category; one
// line per LAW_CODE) and the arrests (one LAW_CODE a line). For each arrest
// the timed loop looks its code up in the catalog, builds an activation of
// the five facts and evaluates the compiled expression, which must give a
// string (the outcome). Arrests whose code is not in the catalog get "" as
// code and level and false as flags.
//
// Usage:
//
//	celgo_screen -expr EXPR -catalog FILE -rows FILE -out FILE
//
// Output: one JSON line on stdout {"impl":"cel-go","rows":N,"seconds":S,...};
// the outcomes, one a line, in -out (screen_compare.py checks them against
// divert's).
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
)

const celGoModule = "cel.dev/cel-go"

// Facts are what the catalog says of one code.
type Facts struct {
	Code, Level, Category string
	Violent, Protection   bool
}

func readCatalog(path string) (map[string]Facts, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	catalog := map[string]Facts{}
	scanner := bufio.NewScanner(file)
	for line := 1; scanner.Scan(); line++ {
		f := strings.Split(scanner.Text(), "\t")
		if len(f) != 6 {
			return nil, fmt.Errorf("%s:%d: want 6 tab-separated fields, got %d", path, line, len(f))
		}
		catalog[f[0]] = Facts{Code: f[1], Level: f[2], Violent: f[3] == "true", Protection: f[4] == "true", Category: f[5]}
	}
	return catalog, scanner.Err()
}

func readLines(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return strings.Split(strings.TrimRight(string(data), "\n"), "\n"), nil
}

func celGoVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path == celGoModule {
				return m.Version
			}
		}
	}
	return "unknown"
}

func run() error {
	expr := flag.String("expr", "", "the CEL expression (of type string)")
	catalogPath := flag.String("catalog", "", "catalog TSV")
	rowsPath := flag.String("rows", "", "arrests: one LAW_CODE a line")
	outPath := flag.String("out", "", "where to write the outcomes")
	flag.Parse()

	env, err := cel.NewEnv(
		cel.Variable("code", cel.StringType),
		cel.Variable("level", cel.StringType),
		cel.Variable("category", cel.StringType),
		cel.Variable("violent", cel.BoolType),
		cel.Variable("protection", cel.BoolType),
	)
	if err != nil {
		return err
	}
	ast, iss := env.Compile(*expr)
	if iss.Err() != nil {
		return fmt.Errorf("compile: %w", iss.Err())
	}
	program, err := env.Program(ast)
	if err != nil {
		return err
	}
	catalog, err := readCatalog(*catalogPath)
	if err != nil {
		return err
	}
	rows, err := readLines(*rowsPath)
	if err != nil {
		return err
	}

	outcomes := make([]string, len(rows))
	start := time.Now()
	for i, code := range rows {
		facts := catalog[code]
		result, _, err := program.Eval(map[string]any{
			"code":       types.String(facts.Code),
			"level":      types.String(facts.Level),
			"category":   types.String(facts.Category),
			"violent":    types.Bool(facts.Violent),
			"protection": types.Bool(facts.Protection),
		})
		if err != nil {
			return fmt.Errorf("row %d: %w", i, err)
		}
		outcome, ok := result.(types.String)
		if !ok {
			return fmt.Errorf("row %d: the expression gave %v, not a string", i, result)
		}
		outcomes[i] = string(outcome)
	}
	seconds := time.Since(start).Seconds()

	if err := os.WriteFile(*outPath, []byte(strings.Join(outcomes, "\n")+"\n"), 0o644); err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]any{
		"impl": "cel-go", "cel_go_version": celGoVersion(), "rows": len(rows), "seconds": seconds,
	})
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "celgo_screen:", err)
		os.Exit(1)
	}
}
