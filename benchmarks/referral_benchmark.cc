// How fast the referral life cycle folds events (target: at least one
// million events a second in memory), replays a log, and appends to the
// SQLite event store in batches (target: at least 50,000 events a second).
//
//   <build>/benchmarks/referral_benchmark --benchmark_filter=Apply
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "benchmark/benchmark.h"
#include "divert/referral/lifecycle.h"
#include "divert/referral/referrals.h"
#include "divert/store/event_store.h"
#include "referral/testing/events.h"

namespace divert {
namespace {

// A log of `referrals` life cycles, interleaved a day apart (16 events each).
std::vector<v1::ReferralEvent> MakeLog(int referrals) {
  std::vector<v1::ReferralEvent> log;
  const int64_t start = testing::Noon(absl::CivilDay(2024, 1, 1));
  for (int r = 0; r < referrals; ++r) {
    for (v1::ReferralEvent& event : testing::ValidLifeCycle(
             absl::StrCat("r-", r), start + int64_t{r % 300} * 86400)) {
      log.push_back(std::move(event));
    }
  }
  return log;
}

LifecycleRules Rules() {
  v1::ProgramSettings settings = testing::SampleProgram();
  settings.set_maximum_caseload(1000000);
  return *LifecycleRules::Create(settings, "America/New_York");
}

// Appends a log of 160,000 events, checking and folding each one (and
// keeping a copy of each in the log). Freeing the log afterwards is not
// timed.
void BM_ApplyInMemory(benchmark::State& state) {
  const std::vector<v1::ReferralEvent> log = MakeLog(10000);
  const LifecycleRules rules = Rules();
  for (auto _ : state) {
    auto referrals = std::make_unique<Referrals>(rules);
    for (const v1::ReferralEvent& event : log) {
      if (!referrals->Append(event).ok()) state.SkipWithError("rejected");
    }
    benchmark::DoNotOptimize(referrals->places_taken());
    state.PauseTiming();
    referrals.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(log.size()));
}
BENCHMARK(BM_ApplyInMemory)->Unit(benchmark::kMillisecond);

// The pure function on one referral: copies the state each time.
void BM_ApplyPure(benchmark::State& state) {
  const std::vector<v1::ReferralEvent> log = MakeLog(1);
  const LifecycleRules rules = Rules();
  for (auto _ : state) {
    v1::ReferralState referral;
    for (const v1::ReferralEvent& event : log) {
      referral = *Apply(rules, referral, event);
    }
    benchmark::DoNotOptimize(referral.stage());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(log.size()));
}
BENCHMARK(BM_ApplyPure);

// What is due across 10,000 referrals as of a date (refolds the log).
void BM_DueAsOf(benchmark::State& state) {
  const std::vector<v1::ReferralEvent> log = MakeLog(10000);
  absl::StatusOr<Referrals> referrals = Referrals::Replay(Rules(), log);
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        referrals->Due(absl::CivilDay(2024, 6, 1), 14).items_size());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(log.size()));
}
BENCHMARK(BM_DueAsOf)->Unit(benchmark::kMillisecond);

// Appends batches of state.range(0) events to a fresh store, one
// transaction each; range(1) is 1 for synchronous=FULL, 0 for NORMAL.
void BM_SqliteAppend(benchmark::State& state) {
  const std::vector<v1::ReferralEvent> log = MakeLog(2000);  // 32,000 events
  const size_t batch = static_cast<size_t>(state.range(0));
  const std::string path = absl::StrCat("/tmp/divert-benchmark-", getpid(), ".db");
  int64_t appended = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::remove(absl::StrCat(path, suffix).c_str());
    }
    EventStore::Options options;
    options.sync_full = state.range(1) == 1;
    auto store = EventStore::Open(path, options);
    if (!store.ok()) state.SkipWithError("cannot open the store");
    state.ResumeTiming();
    for (size_t i = 0; i < log.size(); i += batch) {
      const size_t n = std::min(batch, log.size() - i);
      if (!(*store)->Append(absl::MakeConstSpan(&log[i], n)).ok()) {
        state.SkipWithError("append failed");
      }
      appended += static_cast<int64_t>(n);
    }
  }
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::remove(absl::StrCat(path, suffix).c_str());
  }
  state.SetItemsProcessed(appended);
}
BENCHMARK(BM_SqliteAppend)
    ->ArgsProduct({{100, 1000}, {1, 0}})
    ->ArgNames({"batch", "sync_full"})
    ->UseRealTime()  // the disk's time counts: rates are per second of wall time
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace divert
