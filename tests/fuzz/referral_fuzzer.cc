// libFuzzer target: a referral log from arbitrary bytes (a binary
// divert.v1.ReferralLog, or proto3 JSON when the first byte is odd) applied
// event by event to the sample program's Referrals. Checks the life cycle's
// promises on whatever comes: a rejected event changes neither the log nor
// any state; replaying the accepted events gives the same states; a batch is
// all or nothing. Reports over the result (due, agenda, roster) never crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "divert/referral/referrals.h"
#include "divert/referral/reports.h"
#include "divert/v1/consent.pb.h"
#include "divert/v1/referral.pb.h"
#include "fuzz_support.h"
#include "google/protobuf/util/json_util.h"
#include "referral/testing/events.h"

namespace {

const divert::LifecycleRules& Rules() {
  static const auto* rules = [] {
    auto created = divert::LifecycleRules::Create(divert::testing::SampleProgram(),
                                                  "America/New_York");
    if (!created.ok()) std::abort();
    return new divert::LifecycleRules(*std::move(created));
  }();
  return *rules;
}

std::string StatesBytes(const divert::Referrals& referrals) {
  return referrals.AllStates().SerializeAsString();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  divert::v1::ReferralLog log;
  if (data[0] & 1) {
    if (!google::protobuf::util::JsonStringToMessage(input, &log).ok()) return 0;
  } else if (!log.ParseFromString(input)) {
    return 0;
  }
  if (log.events_size() > 64) return 0;

  divert::Referrals referrals(Rules());
  std::vector<divert::v1::ReferralEvent> accepted;
  for (const divert::v1::ReferralEvent& event : log.events()) {
    const std::string before = StatesBytes(referrals);
    const size_t count = referrals.events().size();
    absl::Status status = referrals.Append(event);
    if (status.ok()) {
      accepted.push_back(event);
      continue;
    }
    if (status.message().empty()) std::abort();
    if (referrals.events().size() != count || StatesBytes(referrals) != before) {
      std::abort();  // a rejected event changed something
    }
  }
  const std::string states = StatesBytes(referrals);
  auto replayed = divert::Referrals::Replay(Rules(), accepted);
  if (!replayed.ok() || StatesBytes(*replayed) != states) std::abort();

  divert::Referrals batch(Rules());
  const std::vector<divert::v1::ReferralEvent> all(log.events().begin(),
                                                   log.events().end());
  if (batch.AppendBatch(all).ok()) {
    if (accepted.size() != all.size() || StatesBytes(batch) != states) std::abort();
  } else if (!batch.events().empty() || batch.size() != 0) {
    std::abort();  // a rejected batch left something behind
  }

  const absl::CivilDay day(2024, 3, 15);
  (void)referrals.Due(day, 14);
  (void)divert::BuildOwgAgenda(referrals, day - 14, day, day + 14);
  divert::v1::Recipient recipient;
  recipient.set_agency("Harm Reduction Services");
  recipient.set_role("case manager");
  auto roster = divert::BuildRoster(referrals, recipient,
                                    divert::v1::CARE_COORDINATION, day);
  if (roster.ok()) (void)divert::RenderRosterCsv(*roster);
  return 0;
}
