// The SQLite event store: batches in, the same events out, in order; the
// log only grows; and a writer killed with SIGKILL at random points loses
// nothing it committed and leaves no torn batch.
#include "divert/store/event_store.h"

#include <signal.h>
#include <sqlite3.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "divert/referral/referrals.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "referral/testing/events.h"
#include "store/testing/store_files.h"

namespace divert {
namespace {

using google::protobuf::util::MessageDifferencer;

using testing::Batch;
using testing::kBatchSize;
using testing::TempPath;

TEST(EventStoreTest, AppendsAndReadsBackInOrder) {
  const std::string path = TempPath("basic.db");
  {
    auto store = EventStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Append(Batch(0)).ok());
    ASSERT_TRUE((*store)->Append(Batch(1)).ok());
    EXPECT_EQ(*(*store)->Count(), 2 * kBatchSize);
  }
  auto reopened = EventStore::Open(path);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  auto events = (*reopened)->ReadAll();
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 2u * kBatchSize);
  const std::vector<v1::ReferralEvent> second = Batch(1);
  EXPECT_TRUE(MessageDifferencer::Equals((*events)[kBatchSize + 3], second[3]));
  auto replayed = Referrals::Replay(
      *LifecycleRules::Create(testing::SampleProgram()), *events);
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  EXPECT_EQ(replayed->Find("r-1")->stage(), v1::ENROLLED);
}

TEST(EventStoreTest, TheLogOnlyGrows) {
  const std::string path = TempPath("append-only.db");
  ASSERT_TRUE((*EventStore::Open(path))->Append(Batch(0)).ok());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM events", nullptr, nullptr, nullptr),
            SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "UPDATE events SET referral_id = 'x'", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  EXPECT_EQ(*(*EventStore::Open(path))->Count(), kBatchSize);
}

TEST(EventStoreTest, RefusesAFileThatIsNotAStore) {
  const std::string path = TempPath("not-a-store.db");
  std::ofstream(path) << "these are not the events you are looking for, "
                         "nor is this an SQLite database header at all";
  auto store = EventStore::Open(path);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument)
      << store.status();
}

TEST(EventStoreTest, APathThatCannotBeOpenedIsUnavailable) {
  auto store = EventStore::Open("/nonexistent-divert-dir/store.db");
  ASSERT_EQ(store.status().code(), absl::StatusCode::kUnavailable) << store.status();
  EXPECT_EQ(store.status().message(),
            "event store: cannot open /nonexistent-divert-dir/store.db: "
            "unable to open database file");
}

TEST(EventStoreTest, ADamagedEventIsDataLossNamingItsSequenceNumber) {
  const std::string path = TempPath("damaged.db");
  ASSERT_TRUE((*EventStore::Open(path))->Append(Batch(0)).ok());
  // Another program wrote a row that is not an event (the triggers refuse
  // only updates and deletes).
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "INSERT INTO events (referral_id, occurred_at, recorded_at, event) "
                         "VALUES ('r-x', 0, 0, x'ffffffff')",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);

  auto store = EventStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(*(*store)->Count(), kBatchSize + 1);
  auto events = (*store)->ReadAll();
  ASSERT_EQ(events.status().code(), absl::StatusCode::kDataLoss) << events.status();
  EXPECT_EQ(events.status().message(),
            absl::StrCat("event store: event ", kBatchSize + 1,
                         " does not parse as a divert.v1.ReferralEvent"));
}

// The child: appends batch after batch, and after each commit tells the
// parent its number through `ack`. Never returns.
[[noreturn]] void WriteUntilKilled(const std::string& path, int ack) {
  auto store = EventStore::Open(path);
  if (!store.ok()) _exit(2);
  auto count = (*store)->Count();
  if (!count.ok()) _exit(3);
  for (int64_t k = *count / kBatchSize;; ++k) {
    if (!(*store)->Append(Batch(k)).ok()) _exit(4);
    if (write(ack, &k, sizeof k) != sizeof k) _exit(5);
  }
}

TEST(EventStoreTest, SurvivesAWriterKilledAtRandomPoints) {
  const std::string path = TempPath("crash.db");
  std::mt19937 random(20240301);
  constexpr int kKills = 40;
  int64_t last_committed = -1;
  for (int kill_round = 0; kill_round < kKills; ++kill_round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(fds[0]);
      WriteUntilKilled(path, fds[1]);
    }
    close(fds[1]);
    std::this_thread::sleep_for(std::chrono::microseconds(
        std::uniform_int_distribution<int>(1000, 60000)(random)));
    ASSERT_EQ(kill(child, SIGKILL), 0);
    int wstatus = 0;
    ASSERT_EQ(waitpid(child, &wstatus, 0), child);
    ASSERT_TRUE(WIFSIGNALED(wstatus)) << "the writer exited with "
                                      << WEXITSTATUS(wstatus);
    int64_t k;
    while (read(fds[0], &k, sizeof k) == sizeof k) last_committed = k;
    close(fds[0]);

    auto store = EventStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.status();
    auto events = (*store)->ReadAll();
    ASSERT_TRUE(events.ok()) << events.status();
    // Every committed batch is there, and no batch is there in part.
    ASSERT_GE(static_cast<int64_t>(events->size()),
              (last_committed + 1) * kBatchSize);
    ASSERT_EQ(events->size() % kBatchSize, 0u) << "a torn batch";
    for (size_t b = 0; b < events->size() / kBatchSize; ++b) {
      const std::vector<v1::ReferralEvent> expected = Batch(b);
      for (size_t i = 0; i < expected.size(); ++i) {
        ASSERT_TRUE(MessageDifferencer::Equals((*events)[b * kBatchSize + i],
                                               expected[i]))
            << "batch " << b << " event " << i;
      }
    }
    // And the state replays.
    auto replayed = Referrals::Replay(
        *LifecycleRules::Create(testing::SampleProgram()), *events);
    ASSERT_TRUE(replayed.ok()) << replayed.status();
    ASSERT_EQ(static_cast<int64_t>(replayed->size()),
              static_cast<int64_t>(events->size()) / kBatchSize);
  }
  EXPECT_GT(last_committed, 10) << "the writer should commit many batches";
  std::cout << "crash test: " << kKills << " kills, "
            << (last_committed + 1) << "+ batches committed\n";
}

}  // namespace
}  // namespace divert
