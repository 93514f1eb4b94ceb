// The C ABI's metrics: compile a metric catalog, compute a report over a
// site's records, generate the SYNTHETIC site (see divert/divert.h,
// "METRICS").
#include <initializer_list>
#include <memory>
#include <utility>

#include "capi/buffers.h"
#include "capi/errors.h"
#include "capi/referral_messages.h"
#include "divert/divert.h"
#include "divert/metrics/evaluation.h"
#include "divert/metrics/metrics.h"
#include "divert/metrics/synthetic_site.h"
#include "divert/v1/metrics.pb.h"
#include "google/protobuf/arena.h"
#include "metrics/stream_table.h"

struct divert_metric_catalog {
  std::shared_ptr<const divert::metrics::CompiledCatalog> catalog;
};

using divert::capi::Fail;
using divert::capi::Guard;
using divert::capi::Ok;
using divert::capi::ReadMessage;
using divert::capi::ReturnMessageAs;

namespace {

constexpr std::initializer_list<int> kAllFormats = {
    DIVERT_FORMAT_TEXT, DIVERT_FORMAT_JSON, DIVERT_FORMAT_BINARY};

// Reads the records (left empty when NULL and `records_optional`) and the
// request of a compute call; false (the last error set) when either fails.
bool ReadRecordsAndRequest(const char* records, size_t records_len,
                           int records_format, bool records_optional,
                           const char* request, size_t request_len,
                           int request_format, divert::v1::MetricRecords* site,
                           divert::v1::MetricRequest* wanted) {
  if (!(records == nullptr && records_optional) &&
      !ReadMessage(records, records_len, records_format, kAllFormats, "records",
                   site)) {
    return false;
  }
  return ReadMessage(request, request_len, request_format, kAllFormats,
                     "request", wanted);
}

// The tables of a compute call, as streams (NULL: not given).
struct TableStreams {
  ArrowArrayStream* referrals;
  ArrowArrayStream* events;
  ArrowArrayStream* people;
  ArrowArrayStream* encounters;
  ArrowArrayStream* arrests;
};

// divert_metric_catalog_compute_tables(); with `log_required`, the
// referrals and events streams must not be NULL.
int ComputeTables(const divert_metric_catalog* catalog, const char* records,
                  size_t records_len, int records_format, TableStreams streams,
                  bool log_required, const char* request, size_t request_len,
                  int request_format, int out_format, char** report,
                  size_t* report_len) {
  return Guard([&] {
    divert::capi::ClearBuffer(report, report_len);
    // Every stream is taken first, so each is released whatever fails.
    using divert::metrics::RecordBatches;
    using divert::metrics::RecordColumns;
    using divert::metrics::StreamTable;
    struct Table {
      ArrowArrayStream* stream;
      const char* name;
      RecordBatches RecordColumns::*batches;
      bool required;
      absl::StatusOr<std::unique_ptr<StreamTable>> read = nullptr;
    };
    Table tables[] = {
        {streams.referrals, "referrals", &RecordColumns::referrals, log_required},
        {streams.events, "events", &RecordColumns::events, log_required},
        {streams.people, "people", &RecordColumns::people, false},
        {streams.encounters, "encounters", &RecordColumns::encounters, false},
        {streams.arrests, "arrests", &RecordColumns::arrests, false}};
    for (Table& t : tables) {
      if (t.stream != nullptr || t.required) t.read = StreamTable::Read(t.stream, t.name);
    }
    if (catalog == nullptr) {
      return Fail(DIVERT_ERROR_INVALID_ARGUMENT, "catalog is NULL");
    }
    for (const Table& t : tables) {
      if (!t.read.ok()) return Fail(t.read.status());
    }
    google::protobuf::Arena arena;
    auto* site = google::protobuf::Arena::Create<divert::v1::MetricRecords>(&arena);
    divert::v1::MetricRequest wanted;
    if (!ReadRecordsAndRequest(records, records_len, records_format, true,
                               request, request_len, request_format, site,
                               &wanted)) {
      return DIVERT_ERROR_INVALID_ARGUMENT;
    }
    RecordColumns columns;
    columns.records = site;
    for (const Table& t : tables) {
      if (*t.read != nullptr) columns.*t.batches = (*t.read)->batches();
    }
    auto computed = catalog->catalog->Compute(columns, wanted);
    if (!computed.ok()) return Fail(computed.status());
    return ReturnMessageAs(*computed, out_format, report, report_len, "report");
  });
}

}  // namespace

extern "C" {

int divert_metric_catalog_compile(const char* catalog, size_t len, int format,
                                  divert_metric_catalog** out) {
  return Guard([&] {
    if (out == nullptr) return Fail(DIVERT_ERROR_INVALID_ARGUMENT, "out is NULL");
    *out = nullptr;
    divert::v1::MetricCatalog message;
    if (!ReadMessage(catalog, len, format, kAllFormats, "catalog", &message)) {
      return DIVERT_ERROR_INVALID_ARGUMENT;
    }
    auto compiled = divert::metrics::CompiledCatalog::Compile(message);
    if (!compiled.ok()) return Fail(compiled.status());
    *out = new divert_metric_catalog{*std::move(compiled)};
    return Ok();
  });
}

void divert_metric_catalog_destroy(divert_metric_catalog* catalog) {
  delete catalog;
}

size_t divert_metric_catalog_size(const divert_metric_catalog* catalog) {
  if (catalog == nullptr) return 0;
  return static_cast<size_t>(catalog->catalog->catalog().metrics_size());
}

int divert_metric_catalog_compute(const divert_metric_catalog* catalog,
                                  const char* records, size_t records_len,
                                  int records_format, const char* request,
                                  size_t request_len, int request_format,
                                  int out_format, char** report,
                                  size_t* report_len) {
  return Guard([&] {
    divert::capi::ClearBuffer(report, report_len);
    if (catalog == nullptr) {
      return Fail(DIVERT_ERROR_INVALID_ARGUMENT, "catalog is NULL");
    }
    google::protobuf::Arena arena;
    auto* site = google::protobuf::Arena::Create<divert::v1::MetricRecords>(&arena);
    divert::v1::MetricRequest wanted;
    if (!ReadRecordsAndRequest(records, records_len, records_format, false,
                               request, request_len, request_format, site,
                               &wanted)) {
      return DIVERT_ERROR_INVALID_ARGUMENT;
    }
    auto computed = catalog->catalog->Compute(*site, wanted);
    if (!computed.ok()) return Fail(computed.status());
    return ReturnMessageAs(*computed, out_format, report, report_len, "report");
  });
}

int divert_metric_catalog_compute_arrow(
    const divert_metric_catalog* catalog, const char* records,
    size_t records_len, int records_format, struct ArrowArrayStream* referrals,
    struct ArrowArrayStream* events, const char* request, size_t request_len,
    int request_format, int out_format, char** report, size_t* report_len) {
  return ComputeTables(catalog, records, records_len, records_format,
                       {referrals, events, nullptr, nullptr, nullptr}, true,
                       request, request_len, request_format, out_format, report,
                       report_len);
}

int divert_metric_catalog_compute_tables(
    const divert_metric_catalog* catalog, const char* records,
    size_t records_len, int records_format, struct ArrowArrayStream* referrals,
    struct ArrowArrayStream* events, struct ArrowArrayStream* people,
    struct ArrowArrayStream* encounters, struct ArrowArrayStream* arrests,
    const char* request, size_t request_len, int request_format,
    int out_format, char** report, size_t* report_len) {
  return ComputeTables(catalog, records, records_len, records_format,
                       {referrals, events, people, encounters, arrests}, false,
                       request, request_len, request_format, out_format, report,
                       report_len);
}

int divert_metrics_synthetic_site(uint64_t seed, int referrals, int out_format,
                                  char** records, size_t* records_len) {
  return Guard([&] {
    divert::capi::ClearBuffer(records, records_len);
    if (referrals < 0) {
      return Fail(DIVERT_ERROR_INVALID_ARGUMENT, "referrals is negative");
    }
    divert::metrics::SyntheticSiteOptions options;
    options.seed = seed;
    options.referrals = referrals;
    google::protobuf::Arena arena;
    auto* site = google::protobuf::Arena::Create<divert::v1::MetricRecords>(&arena);
    divert::metrics::GenerateSyntheticSite(options, site);
    return ReturnMessageAs(*site, out_format, records, records_len, "records");
  });
}

int divert_metrics_evaluate_rearrest(const char* records, size_t records_len,
                                     int records_format, const char* request,
                                     size_t request_len, int request_format,
                                     int out_format, char** evaluation,
                                     size_t* evaluation_len) {
  return Guard([&] {
    divert::capi::ClearBuffer(evaluation, evaluation_len);
    google::protobuf::Arena arena;
    auto* site = google::protobuf::Arena::Create<divert::v1::MetricRecords>(&arena);
    if (!ReadMessage(records, records_len, records_format, kAllFormats,
                     "records", site)) {
      return DIVERT_ERROR_INVALID_ARGUMENT;
    }
    divert::v1::EvaluationRequest wanted;
    if (!ReadMessage(request, request_len, request_format, kAllFormats,
                     "request", &wanted)) {
      return DIVERT_ERROR_INVALID_ARGUMENT;
    }
    auto result = divert::metrics::EvaluateRearrest(*site, wanted);
    if (!result.ok()) return Fail(result.status());
    return ReturnMessageAs(*result, out_format, evaluation, evaluation_len,
                           "evaluation");
  });
}

}  // extern "C"
