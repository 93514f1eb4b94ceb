// The SQLite event store under faults: a disk that fills up mid-batch (a
// file size limit, RLIMIT_FSIZE, in a child process) and a write-protected
// file. Each gives an error that says what happened, and nothing committed
// before is lost. (A writer killed mid-batch: event_store_test.cc.)
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "divert/referral/referrals.h"
#include "divert/store/event_store.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "referral/testing/events.h"
#include "store/testing/store_files.h"

namespace divert {
namespace {

using google::protobuf::util::MessageDifferencer;
using ::testing::AnyOf;
using ::testing::HasSubstr;

using testing::Batch;
using testing::kBatchSize;
using testing::TempPath;

// Every event of `path` is batch 0, 1, ... `batches` - 1, whole.
void ExpectBatches(const std::string& path, int64_t batches) {
  auto store = EventStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  auto events = (*store)->ReadAll();
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(static_cast<int64_t>(events->size()), batches * kBatchSize);
  for (int64_t b = 0; b < batches; ++b) {
    const std::vector<v1::ReferralEvent> expected = Batch(b);
    for (int64_t i = 0; i < kBatchSize; ++i) {
      ASSERT_TRUE(MessageDifferencer::Equals((*events)[b * kBatchSize + i], expected[i]))
          << "batch " << b << " event " << i;
    }
  }
}

// With --coverage, writes the line counts gathered so far (a child leaves
// through _exit, which would drop them); nothing otherwise.
extern "C" void __gcov_dump(void) __attribute__((weak));
void WriteCoverage() {
  if (__gcov_dump != nullptr) __gcov_dump();
}

// Runs `child` in a child process, which writes its report to a pipe;
// returns the report and the child's exit code.
template <typename Child>
std::pair<std::string, int> InChild(Child child) {
  int fds[2];
  if (pipe(fds) != 0) return {"pipe failed", -1};
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    const std::string report = child();
    const ssize_t written = write(fds[1], report.data(), report.size());
    WriteCoverage();
    _exit(written == static_cast<ssize_t>(report.size()) ? 0 : 1);
  }
  close(fds[1]);
  std::string report;
  char buffer[512];
  ssize_t n;
  while ((n = read(fds[0], buffer, sizeof buffer)) > 0) report.append(buffer, n);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return {report, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)};
}

TEST(EventStoreFaultsTest, AFullDiskRefusesTheBatchAndKeepsEveryCommittedOne) {
  const std::string path = TempPath("faults-full.db");
  ASSERT_TRUE((*EventStore::Open(path))->Append(Batch(0)).ok());
  struct stat info;
  ASSERT_EQ(stat(path.c_str(), &info), 0);

  // The child may grow no file past the store's size plus 48 KiB; appends
  // then fail once the write-ahead log reaches the limit.
  auto [report, exit_code] = InChild([&]() -> std::string {
    signal(SIGXFSZ, SIG_IGN);  // a write past the limit fails with EFBIG
    const rlim_t limit = static_cast<rlim_t>(info.st_size) + 48 * 1024;
    struct rlimit rl = {limit, limit};
    if (setrlimit(RLIMIT_FSIZE, &rl) != 0) return "setrlimit failed";
    auto store = EventStore::Open(path);
    if (!store.ok()) return absl::StrCat("open: ", store.status().ToString());
    auto rules = LifecycleRules::Create(testing::SampleProgram());
    auto referrals = Referrals::Replay(*rules, *(*store)->ReadAll());
    if (!referrals.ok()) return "replay failed";
    for (int64_t k = 1; k < 10000; ++k) {
      const std::vector<v1::ReferralEvent> batch = Batch(k);
      const size_t before = referrals->events().size();
      absl::Status status = referrals->AppendBatch(
          batch, [&] { return (*store)->Append(batch); });
      if (!status.ok()) {
        // The refused batch is in neither the log in memory nor the file.
        if (referrals->events().size() != before) return "the log kept a refused batch";
        auto count = (*store)->Count();
        if (!count.ok() || *count != k * kBatchSize) return "the store kept part of it";
        return absl::StrCat(k, " ", absl::StatusCodeToString(status.code()), " ",
                            status.message());
      }
    }
    return "the limit was never reached";
  });
  ASSERT_EQ(exit_code, 0) << report;
  // "<batches committed> <code> <message>"
  const int64_t committed = std::atoll(report.c_str());
  ASSERT_GT(committed, 1) << report;
  EXPECT_THAT(report, AnyOf(HasSubstr("RESOURCE_EXHAUSTED"), HasSubstr("UNAVAILABLE")));
  EXPECT_THAT(report, HasSubstr("event store: "));
  EXPECT_THAT(report, HasSubstr("the disk may be full, or the file at its size limit"));
  std::printf("full disk: %lld batches committed, then: %s\n",
              static_cast<long long>(committed), report.c_str());

  // Without the limit: every committed batch is there, whole, and the
  // store takes the refused batch now.
  ExpectBatches(path, committed);
  ASSERT_TRUE((*EventStore::Open(path))->Append(Batch(committed)).ok());
  ExpectBatches(path, committed + 1);
}

TEST(EventStoreFaultsTest, AWriteProtectedStoreIsReadButNeverAppendedTo) {
  const std::string path = TempPath("faults-read-only.db");
  ASSERT_TRUE((*EventStore::Open(path))->Append(Batch(0)).ok());
  ASSERT_EQ(chmod(path.c_str(), 0444), 0);

  // root ignores file modes: the child gives up root first.
  auto [report, exit_code] = InChild([&]() -> std::string {
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) {
      return "could not drop root";
    }
    auto store = EventStore::Open(path);
    if (!store.ok()) return absl::StrCat("open: ", store.status().ToString());
    auto events = (*store)->ReadAll();
    if (!events.ok() || static_cast<int64_t>(events->size()) != kBatchSize) {
      return "could not read the store";
    }
    absl::Status status = (*store)->Append(Batch(1));
    return absl::StrCat(absl::StatusCodeToString(status.code()), " ", status.message());
  });
  ASSERT_EQ(exit_code, 0) << report;
  EXPECT_THAT(report, HasSubstr("FAILED_PRECONDITION"));
  EXPECT_THAT(report, HasSubstr(absl::StrCat("event store: ", path, " is read-only")));

  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  ExpectBatches(path, 1);
}

TEST(EventStoreFaultsTest, AWriteProtectedFileThatIsNotAStoreIsRefused) {
  const std::string path = TempPath("faults-read-only-other.db");
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t (x)", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  ASSERT_EQ(chmod(path.c_str(), 0444), 0);
  auto [report, exit_code] = InChild([&]() -> std::string {
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) {
      return "could not drop root";
    }
    auto store = EventStore::Open(path);
    return absl::StrCat(absl::StatusCodeToString(store.status().code()), " ",
                        store.status().message());
  });
  ASSERT_EQ(exit_code, 0) << report;
  EXPECT_THAT(report, HasSubstr("INVALID_ARGUMENT"));
  EXPECT_THAT(report, HasSubstr("is not a divert event store"));
}

}  // namespace
}  // namespace divert
