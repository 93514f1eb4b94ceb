// The metrics engine at scale: the whole LEAD catalog with three breakdowns
// over a SYNTHETIC site of one million referrals and about ten million
// events (issue 6's figure: at most one second on one core).
//
//   BM_ColumnsToReport   the figure: the records as Arrow tables
//                        (referrals, events, people, encounters, arrests;
//                        ids and text dictionary-encoded, times as
//                        timestamps, kinds as numbers) -> report:
//                        CompiledCatalog::Compute(columns), a catalog's
//                        calls after its first (which is not measured)
//   BM_ColumnsToOneMetric
//                        the same records -> the report of one metric
//                        (metric_ids: referrals made): the fold keeps only
//                        the columns it reads
//   BM_ColumnsToReportFirstCall
//                        the same, the first call of a newly compiled
//                        catalog: it maps its working memory (the fold's
//                        tables, about 720 MB at a million referrals)
//                        afresh, each page of which the kernel clears on
//                        first touch, as in a new process (page_faults
//                        counts them; a second iteration in a process maps
//                        fewer, reusing blocks the allocator kept)
//   BM_FreshPages        for comparison, the kernel's part of a first
//                        call alone: as many pages as a first call maps
//                        at a million referrals (175,000), in a new
//                        mapping, each written once, with the site built
//                        first (its first iteration gets pages the
//                        machine has not used lately, as a first call
//                        does; a later one the pages it just gave back)
//   BM_LogColumnsToReport
//                        the same with only the referral log as tables
//                        (people, encounters, arrests as messages)
//   BM_FoldColumns       Arrow tables -> fact tables
//   BM_FoldRest          the records that are not the referral log
//                        (people, encounters, arrests, ...) as messages ->
//                        fact tables
//   BM_FoldRecords       records (in memory) -> fact tables, as of the end
//   BM_ComputeCatalog    fact tables -> report (59 metrics, 3 breakdowns)
//   BM_FoldAndCompute    both: CompiledCatalog::Compute(records, request)
//
// The site is generated once, on an arena, and turned into columns once
// (neither is measured); referral ids are text, dictionary-encoded in the
// events table, or int64 with DIVERT_METRICS_BENCHMARK_IDS=integer;
// DIVERT_METRICS_BENCHMARK_REFERRALS sets another size (for profiling).
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "benchmark/benchmark.h"
#include "divert/metrics/metrics.h"
#include "divert/metrics/synthetic_site.h"
#include "google/protobuf/arena.h"
#include "metrics/demographics.h"
#include "metrics/site_facts.h"
#include "metrics/testing/fixture.h"
#include "metrics/testing/record_columns.h"

namespace divert::metrics {
namespace {

struct Site {
  google::protobuf::Arena arena;
  v1::MetricRecords* records = nullptr;
  std::shared_ptr<const CompiledCatalog> catalog;
  v1::MetricRequest request;
  std::unique_ptr<SiteFacts> facts;
  std::unique_ptr<testing::OwnedRecordColumns> columns;
  // The records but the referral log, as messages.
  v1::MetricRecords log_rest;
};

Site& TheSite() {
  static Site* site = [] {
    auto* s = new Site();
    s->records = google::protobuf::Arena::Create<v1::MetricRecords>(&s->arena);
    SyntheticSiteOptions options;
    const char* size = std::getenv("DIVERT_METRICS_BENCHMARK_REFERRALS");
    options.referrals = size != nullptr ? std::atoi(size) : 1000000;
    GenerateSyntheticSite(options, s->records);
    s->catalog = *CompiledCatalog::Compile(testing::LeadCatalog());
    *s->request.mutable_period()->mutable_start() = testing::MakeDate(2024, 1, 1);
    *s->request.mutable_period()->mutable_end() = testing::MakeDate(2024, 12, 31);
    s->request.add_breakdowns(v1::RACE_ETHNICITY);
    s->request.add_breakdowns(v1::GENDER);
    s->request.add_breakdowns(v1::PATHWAY);
    s->facts = *FoldRecords(*s->records,
                            DayNumber(s->request.period().end()));
    testing::ColumnOptions column_options;
    const char* ids = std::getenv("DIVERT_METRICS_BENCHMARK_IDS");
    column_options.integer_ids = ids != nullptr && std::string(ids) == "integer";
    s->columns =
        std::make_unique<testing::OwnedRecordColumns>(*s->records, column_options);
    testing::CopyAllBut(*s->records, {"events", "subjects"}, &s->log_rest);
    return s;
  }();
  return *site;
}

// The minor page faults of the process so far: pages the kernel mapped
// (and cleared) on first touch.
double PageFaults() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_minflt);
}

void Label(benchmark::State& state, const Site& site) {
  state.counters["referrals"] = site.records->subjects_size();
  state.counters["events"] = site.records->events_size();
  state.counters["metrics"] = site.catalog->catalog().metrics_size();
}

// Records -> report for `request`: a catalog's calls after its first
// (which is not measured).
void ColumnsToReport(benchmark::State& state, const v1::MetricRequest& request) {
  Site& site = TheSite();
  const RecordColumns columns = site.columns->view();
  if (!site.catalog->Compute(columns, request).ok()) {
    state.SkipWithError("the first call failed");
  }
  const double faults = PageFaults();
  for (auto _ : state) {
    auto report = site.catalog->Compute(columns, request);
    if (!report.ok()) state.SkipWithError(std::string(report.status().message()).c_str());
    benchmark::DoNotOptimize(report);
  }
  state.counters["page_faults"] =
      benchmark::Counter(PageFaults() - faults, benchmark::Counter::kAvgIterations);
  Label(state, site);
}

void BM_ColumnsToReport(benchmark::State& state) {
  ColumnsToReport(state, TheSite().request);
}
BENCHMARK(BM_ColumnsToReport)->Unit(benchmark::kMillisecond)->UseRealTime();

// Records -> report for one metric (referrals made, by the same three
// breakdowns), as a site asking one question computes it: the fold keeps
// only the columns that metric reads.
void BM_ColumnsToOneMetric(benchmark::State& state) {
  v1::MetricRequest request = TheSite().request;
  request.add_metric_ids("referrals_made");
  ColumnsToReport(state, request);
}
BENCHMARK(BM_ColumnsToOneMetric)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ColumnsToReportFirstCall(benchmark::State& state) {
  Site& site = TheSite();
  const RecordColumns columns = site.columns->view();
  double faults = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto catalog = *CompiledCatalog::Compile(site.catalog->catalog());
    const double before = PageFaults();
    state.ResumeTiming();
    auto report = catalog->Compute(columns, site.request);
    if (!report.ok()) state.SkipWithError(std::string(report.status().message()).c_str());
    benchmark::DoNotOptimize(report);
    state.PauseTiming();
    faults += PageFaults() - before;
    catalog.reset();
    state.ResumeTiming();
  }
  state.counters["page_faults"] = benchmark::Counter(faults, benchmark::Counter::kAvgIterations);
  Label(state, site);
}
BENCHMARK(BM_ColumnsToReportFirstCall)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_FreshPages(benchmark::State& state) {
  TheSite();
  const auto pages = static_cast<size_t>(state.range(0));
  const auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  for (auto _ : state) {
    void* mapped = mmap(nullptr, pages * page, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapped == MAP_FAILED) {
      state.SkipWithError("mmap failed");
      break;
    }
    char* bytes = static_cast<char*>(mapped);
    for (size_t i = 0; i < pages; ++i) bytes[i * page] = 1;
    benchmark::ClobberMemory();
    munmap(mapped, pages * page);
  }
  state.counters["pages"] = static_cast<double>(pages);
}
BENCHMARK(BM_FreshPages)->Arg(175000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_LogColumnsToReport(benchmark::State& state) {
  Site& site = TheSite();
  RecordColumns columns = site.columns->view();
  columns.records = &site.log_rest;
  columns.people = columns.encounters = columns.arrests = RecordBatches();
  for (auto _ : state) {
    auto report = site.catalog->Compute(columns, site.request);
    if (!report.ok()) state.SkipWithError(std::string(report.status().message()).c_str());
    benchmark::DoNotOptimize(report);
  }
  Label(state, site);
}
BENCHMARK(BM_LogColumnsToReport)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_FoldColumns(benchmark::State& state) {
  Site& site = TheSite();
  const RecordColumns columns = site.columns->view();
  for (auto _ : state) {
    auto facts = FoldRecords(columns, DayNumber(site.request.period().end()));
    if (!facts.ok()) state.SkipWithError(std::string(facts.status().message()).c_str());
    benchmark::DoNotOptimize(facts);
  }
  Label(state, site);
}
BENCHMARK(BM_FoldColumns)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_FoldRest(benchmark::State& state) {
  Site& site = TheSite();
  for (auto _ : state) {
    auto facts = FoldRecords(site.log_rest, DayNumber(site.request.period().end()));
    benchmark::DoNotOptimize(facts);
  }
  Label(state, site);
}
BENCHMARK(BM_FoldRest)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_FoldRecords(benchmark::State& state) {
  Site& site = TheSite();
  for (auto _ : state) {
    auto facts = FoldRecords(*site.records, DayNumber(site.request.period().end()));
    benchmark::DoNotOptimize(facts);
  }
  Label(state, site);
}
BENCHMARK(BM_FoldRecords)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ComputeCatalog(benchmark::State& state) {
  Site& site = TheSite();
  for (auto _ : state) {
    auto report = site.catalog->Compute(*site.facts, site.request);
    benchmark::DoNotOptimize(report);
  }
  Label(state, site);
}
BENCHMARK(BM_ComputeCatalog)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_FoldAndCompute(benchmark::State& state) {
  Site& site = TheSite();
  for (auto _ : state) {
    auto report = site.catalog->Compute(*site.records, site.request);
    benchmark::DoNotOptimize(report);
  }
  Label(state, site);
}
BENCHMARK(BM_FoldAndCompute)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace divert::metrics

namespace divert::metrics {
namespace {

// One metric at a time (the argument is its index in the catalog): where
// the catalog's time goes.
void BM_ComputeOneMetric(benchmark::State& state) {
  Site& site = TheSite();
  v1::MetricRequest request = site.request;
  const v1::MetricDefinition& metric =
      site.catalog->catalog().metrics(static_cast<int>(state.range(0)));
  request.add_metric_ids(metric.id());
  for (auto _ : state) {
    auto report = site.catalog->Compute(*site.facts, request);
    benchmark::DoNotOptimize(report);
  }
  state.SetLabel(metric.id());
}
BENCHMARK(BM_ComputeOneMetric)->DenseRange(0, 58)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace divert::metrics
