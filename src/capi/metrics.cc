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
  return Guard([&] {
    divert::capi::ClearBuffer(report, report_len);
    // Both streams are taken first, so they are released whatever fails.
    auto referral_table = divert::metrics::StreamTable::Read(referrals, "referrals");
    auto event_table = divert::metrics::StreamTable::Read(events, "events");
    if (catalog == nullptr) {
      return Fail(DIVERT_ERROR_INVALID_ARGUMENT, "catalog is NULL");
    }
    if (!referral_table.ok()) return Fail(referral_table.status());
    if (!event_table.ok()) return Fail(event_table.status());
    google::protobuf::Arena arena;
    auto* site = google::protobuf::Arena::Create<divert::v1::MetricRecords>(&arena);
    divert::v1::MetricRequest wanted;
    if (!ReadRecordsAndRequest(records, records_len, records_format, true,
                               request, request_len, request_format, site,
                               &wanted)) {
      return DIVERT_ERROR_INVALID_ARGUMENT;
    }
    divert::metrics::RecordColumns columns;
    columns.records = site;
    columns.referrals = (*referral_table)->batches();
    columns.events = (*event_table)->batches();
    auto computed = catalog->catalog->Compute(columns, wanted);
    if (!computed.ok()) return Fail(computed.status());
    return ReturnMessageAs(*computed, out_format, report, report_len, "report");
  });
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
