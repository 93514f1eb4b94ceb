// Shared pieces of the libFuzzer targets in tests/fuzz/: files from the
// source tree, the compiled Example 1 policy and LEAD metrics catalog, a
// metrics request, and draining an Arrow stream.
// Only fuzz targets include this header.
#ifndef DIVERT_TESTS_FUZZ_FUZZ_SUPPORT_H_
#define DIVERT_TESTS_FUZZ_FUZZ_SUPPORT_H_

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "divert/eligibility/policy.h"
#include "divert/metrics/metrics.h"
#include "divert/screening/arrow_c.h"
#include "divert/v1/screening.pb.h"
#include "divert/screening/screener.h"
#include "google/protobuf/stubs/logging.h"

// libFuzzer calls this once before the first input: protobuf's own log
// lines (invalid UTF-8 in a string field, say; they name the field, never
// the value) would otherwise flood the output and slow the run.
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

namespace divert::fuzz {

// The contents of `path`, relative to the source tree; aborts when missing
// (a fuzz target without its fixtures must not pass silently).
inline std::string ReadSourceFile(const std::string& path) {
  std::ifstream in(std::string(DIVERT_SOURCE_DIR) + "/" + path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "fuzz: cannot read %s\n", path.c_str());
    std::abort();
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// examples/metrics/lead_catalog.textproto, compiled once.
inline const metrics::CompiledCatalog& LeadMetricCatalog() {
  static const auto* catalog = [] {
    auto parsed =
        metrics::ParseCatalogText(ReadSourceFile("examples/metrics/lead_catalog.textproto"));
    if (!parsed.ok()) std::abort();
    auto compiled = metrics::CompiledCatalog::Compile(*parsed);
    if (!compiled.ok()) std::abort();
    return new std::shared_ptr<const metrics::CompiledCatalog>(*compiled);
  }();
  return **catalog;
}

// A request for 2024 by race and ethnicity, of every metric of the LEAD
// catalog but those of a benchmark population (which the fuzzers' records
// have not).
inline v1::MetricRequest Year2024ByRace() {
  v1::MetricRequest request;
  request.mutable_period()->mutable_start()->set_year(2024);
  request.mutable_period()->mutable_start()->set_month(1);
  request.mutable_period()->mutable_start()->set_day(1);
  request.mutable_period()->mutable_end()->set_year(2024);
  request.mutable_period()->mutable_end()->set_month(12);
  request.mutable_period()->mutable_end()->set_day(31);
  request.add_breakdowns(v1::RACE_ETHNICITY);
  for (const v1::MetricDefinition& metric : LeadMetricCatalog().catalog().metrics()) {
    if (metric.benchmark().empty()) request.add_metric_ids(metric.id());
  }
  return request;
}

// examples/policies/example1_new_york.textproto, compiled once.
inline const std::shared_ptr<const CompiledPolicy>& Example1() {
  static const auto* policy = [] {
    auto compiled = CompiledPolicy::FromTextFormat(
        ReadSourceFile("examples/policies/example1_new_york.textproto"));
    if (!compiled.ok()) {
      std::fprintf(stderr, "fuzz: Example 1 does not compile: %s\n",
                   compiled.status().ToString().c_str());
      std::abort();
    }
    return new std::shared_ptr<const CompiledPolicy>(*std::move(compiled));
  }();
  return *policy;
}

// examples/mappings/nypd_arrests.textproto, parsed once.
inline const v1::ColumnMapping& NypdMapping() {
  static const auto* mapping = [] {
    auto parsed = Screener::ParseMapping(
        ReadSourceFile("examples/mappings/nypd_arrests.textproto"));
    if (!parsed.ok()) std::abort();
    return new v1::ColumnMapping(*std::move(parsed));
  }();
  return *mapping;
}

// Reads every batch of `stream` (releasing each) until its end or its first
// error, then releases the stream. Returns the number of rows read.
inline int64_t Drain(ArrowArrayStream* stream) {
  int64_t rows = 0;
  ArrowSchema schema;
  if (stream->get_schema(stream, &schema) == 0 && schema.release != nullptr) {
    schema.release(&schema);
  }
  while (true) {
    ArrowArray batch;
    batch.release = nullptr;
    if (stream->get_next(stream, &batch) != 0) {
      const char* error = stream->get_last_error(stream);
      if (error == nullptr) std::abort();  // an error must say what it is
      break;
    }
    if (batch.release == nullptr) break;
    rows += batch.length;
    batch.release(&batch);
  }
  stream->release(stream);
  return rows;
}

}  // namespace divert::fuzz

#endif  // DIVERT_TESTS_FUZZ_FUZZ_SUPPORT_H_
