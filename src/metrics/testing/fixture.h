// For tests and benchmarks of metrics: the shipped catalog and the
// hand-checkable fixture site (examples/metrics/), read from the source tree.
#ifndef DIVERT_SRC_METRICS_TESTING_FIXTURE_H_
#define DIVERT_SRC_METRICS_TESTING_FIXTURE_H_

#include <fstream>
#include <sstream>
#include <string>

#include "divert/metrics/metrics.h"
#include "divert/v1/metrics.pb.h"
#include "google/protobuf/util/json_util.h"

namespace divert::testing {

inline std::string ReadSourceFile(const std::string& relative) {
  std::ifstream in(std::string(DIVERT_SOURCE_DIR) + "/" + relative);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The LEAD catalog (examples/metrics/lead_catalog.textproto).
inline v1::MetricCatalog LeadCatalog() {
  auto catalog = metrics::ParseCatalogText(
      ReadSourceFile("examples/metrics/lead_catalog.textproto"));
  return catalog.ok() ? *catalog : v1::MetricCatalog();
}

// The fixture site (examples/metrics/fixture_site.json).
inline v1::MetricRecords FixtureSite() {
  v1::MetricRecords records;
  (void)google::protobuf::util::JsonStringToMessage(
      ReadSourceFile("examples/metrics/fixture_site.json"), &records);
  return records;
}

inline v1::Date MakeDate(int year, int month, int day) {
  v1::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

// A request for the first quarter of 2024, the fixture's period.
inline v1::MetricRequest FirstQuarter2024(
    v1::DisclosureMode mode = v1::INTERNAL) {
  v1::MetricRequest request;
  *request.mutable_period()->mutable_start() = MakeDate(2024, 1, 1);
  *request.mutable_period()->mutable_end() = MakeDate(2024, 3, 31);
  request.set_disclosure(mode);
  return request;
}

}  // namespace divert::testing

#endif  // DIVERT_SRC_METRICS_TESTING_FIXTURE_H_
