// An embedded, append-only event store for referral logs, on SQLite.
//
// divert works on logs its embedder keeps. For those with no store of their
// own (the command line, notebooks, small sites) EventStore keeps a log in
// one SQLite file: append-only (updates and deletes are refused by the
// schema), one transaction per appended batch, write-ahead logging. A batch
// is either wholly in the file or not at all, even if the writing process
// is killed mid-batch; every batch Append() returned OK for is there.
//
//   auto store = divert::EventStore::Open("/var/lib/lead/referrals.db");
//   absl::Status status = (*store)->Append(batch);
//   absl::StatusOr<std::vector<v1::ReferralEvent>> log = (*store)->ReadAll();
//
// One EventStore may be used from several threads (SQLite serializes them);
// several processes may open the same file.
#ifndef DIVERT_STORE_EVENT_STORE_H_
#define DIVERT_STORE_EVENT_STORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "divert/v1/referral.pb.h"

struct sqlite3;

namespace divert {

class EventStore {
 public:
  struct Options {
    // FULL: each committed batch is on disk before Append returns, even
    // through a power loss. NORMAL: it survives the process dying, and may
    // be lost with the machine's power (SQLite's WAL trade-off); faster.
    bool sync_full = true;
  };

  // Opens the store at `path`, creating the file and its schema when
  // missing. Fails with InvalidArgument when the file is not a divert event
  // store, Unavailable when it cannot be opened. A write-protected store
  // opens read-only: it can be read, and Append fails.
  static absl::StatusOr<std::unique_ptr<EventStore>> Open(
      const std::string& path, Options options);
  static absl::StatusOr<std::unique_ptr<EventStore>> Open(
      const std::string& path) {
    return Open(path, Options());
  }

  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;
  ~EventStore();

  // Appends `events` in one transaction: all of them or, on error, none.
  // Events are stored as given; checking them is the caller's job
  // (divert::Referrals). Fails with ResourceExhausted when the disk is full,
  // FailedPrecondition for a read-only store, Unavailable for an I/O error
  // (the message gives the operating system's reason, e.g. "File too
  // large"); the batches stored before are untouched.
  absl::Status Append(absl::Span<const v1::ReferralEvent> events);

  // Every event, in the order appended. DataLoss when a stored event does
  // not parse.
  absl::StatusOr<std::vector<v1::ReferralEvent>> ReadAll() const;

  // How many events the store holds.
  absl::StatusOr<int64_t> Count() const;

  const std::string& path() const { return path_; }

 private:
  EventStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  sqlite3* db_;
  std::string path_;
  bool read_only_ = false;
};

}  // namespace divert

#endif  // DIVERT_STORE_EVENT_STORE_H_
