// Helpers for the event store's tests: a fresh database path per test, and
// numbered batches of valid events whose contents a test can check again.
#ifndef DIVERT_SRC_STORE_TESTING_STORE_FILES_H_
#define DIVERT_SRC_STORE_TESTING_STORE_FILES_H_

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "divert/v1/referral.pb.h"
#include "referral/testing/events.h"

namespace divert::testing {

// A path for database `name` in the test's temporary folder, with no
// database (nor its -wal and -shm files) there yet.
inline std::string TempPath(absl::string_view name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  std::string path = absl::StrCat(dir != nullptr ? dir : "/tmp", "/divert-",
                                  getpid(), "-", name);
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::remove(absl::StrCat(path, suffix).c_str());
  }
  return path;
}

// Batch `k`: the kBatchSize events of one valid life cycle of referral
// "r-<k>".
constexpr int64_t kBatchSize = 16;
inline std::vector<v1::ReferralEvent> Batch(int64_t k) {
  return ValidLifeCycle(absl::StrCat("r-", k),
                        Noon(absl::CivilDay(2024, 1, 1)) + k * 600);
}

}  // namespace divert::testing

#endif  // DIVERT_SRC_STORE_TESTING_STORE_FILES_H_
