// Benchmarks for compiling CEL conditions: parse alone, and parse + type
// check + plan of a typical 150-character eligibility condition.
#include <memory>
#include <vector>

#include "benchmark/benchmark.h"
#include "divert/cel/cel.h"
#include "expr/parser.h"

namespace divert::cel {
namespace {

// 150 characters, the size of a typical rule condition.
constexpr char kCondition[] =
    "encounter.pathway == Pathway.ARREST_DIVERSION && "
    "encounter.charges.all(c, c.level in [OffenseLevel.MISDEMEANOR, "
    "OffenseLevel.VIOLATION] && !c.violent)";
static_assert(sizeof(kCondition) - 1 == 150, "keep the condition 150 chars");

void BM_Parse(benchmark::State& state) {
  Limits limits;
  for (auto _ : state) {
    std::vector<CompileIssue> issues;
    auto parsed = Parse(kCondition, limits, &issues);
    if (!parsed.ok()) {
      state.SkipWithError("parse failed");
      break;
    }
    benchmark::DoNotOptimize(parsed);
  }
}
BENCHMARK(BM_Parse);

void BM_ParseCheckPlan(benchmark::State& state) {
  Environment env;
  env.set_container("divert.v1");
  (void)env.DeclareVariable("encounter", "divert.v1.Encounter");
  for (auto _ : state) {
    auto program = env.Compile(kCondition);
    if (!program.ok()) {
      state.SkipWithError("compile failed");
      break;
    }
    benchmark::DoNotOptimize(program);
  }
}
BENCHMARK(BM_ParseCheckPlan);

}  // namespace
}  // namespace divert::cel
