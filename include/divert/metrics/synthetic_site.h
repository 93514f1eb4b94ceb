// A SYNTHETIC LEAD site: invented people, referrals, events, services,
// meetings, arrests and trainings, for tests, notebooks and benchmarks.
//
// Seeded and deterministic: the same options give the same records on
// every machine. The records say `synthetic: true` and the site's name
// says "SYNTHETIC"; nothing in them describes a real person. Delays and
// shares are plausible, not measured: most intakes complete within a few
// days, some need an extension or end in a filed charge, social contact
// referrals wait for OWG vetting, the racial mix of referrals differs from
// the residents' (as arrest data usually does), and the log obeys every
// rule of the referral life cycle.
#ifndef DIVERT_METRICS_SYNTHETIC_SITE_H_
#define DIVERT_METRICS_SYNTHETIC_SITE_H_

#include <cstdint>

#include "absl/time/civil_time.h"
#include "divert/v1/metrics.pb.h"

namespace divert::metrics {

struct SyntheticSiteOptions {
  uint64_t seed = 1;
  // Referrals over the whole span (about ten events each).
  int referrals = 1000;
  // The span: referrals are made from `start` for `days` days.
  absl::CivilDay start = absl::CivilDay(2023, 1, 1);
  int days = 730;
};

// Replaces `out` with the site's records. For a large site, allocate `out`
// on a google::protobuf::Arena: ten million events fit far better there.
void GenerateSyntheticSite(const SyntheticSiteOptions& options,
                           v1::MetricRecords* out);

}  // namespace divert::metrics

#endif  // DIVERT_METRICS_SYNTHETIC_SITE_H_
