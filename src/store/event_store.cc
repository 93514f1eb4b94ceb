// EventStore on SQLite (see divert/store/event_store.h).
#include "divert/store/event_store.h"

#include <sqlite3.h>

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace divert {
namespace {

// The schema: one row per event, in append order. Triggers refuse updates
// and deletes, so the log only grows.
constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS divert_store (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL);
INSERT OR IGNORE INTO divert_store (key, value) VALUES ('format', 'divert.v1.ReferralEvent/1');
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY,
  referral_id TEXT NOT NULL,
  occurred_at INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL,
  event BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS events_by_referral ON events (referral_id, seq);
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
)sql";

absl::Status Error(sqlite3* db, absl::string_view what) {
  return absl::InternalError(
      absl::StrCat("event store: ", what, ": ", sqlite3_errmsg(db)));
}

absl::Status Exec(sqlite3* db, const char* sql, absl::string_view what) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message != nullptr ? message : "unknown error";
    sqlite3_free(message);
    return absl::InternalError(absl::StrCat("event store: ", what, ": ", text));
  }
  return absl::OkStatus();
}

// A prepared statement, finalized when it goes out of scope.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) {
      stmt_ = nullptr;
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

absl::StatusOr<std::unique_ptr<EventStore>> EventStore::Open(
    const std::string& path, Options options) {
  sqlite3* db = nullptr;
  const int flags =
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    absl::Status status = absl::UnavailableError(absl::StrCat(
        "event store: cannot open ", path, ": ",
        db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
    sqlite3_close(db);
    return status;
  }
  std::unique_ptr<EventStore> store(new EventStore(db, path));
  sqlite3_busy_timeout(db, 10000);
  if (absl::Status s = Exec(db, "PRAGMA journal_mode=WAL", "journal mode");
      !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, " is not a divert event store (", s.message(), ")"));
  }
  if (absl::Status s = Exec(db,
                            options.sync_full ? "PRAGMA synchronous=FULL"
                                              : "PRAGMA synchronous=NORMAL",
                            "synchronous");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = Exec(db, kSchema, "schema"); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, " is not a divert event store (", s.message(), ")"));
  }
  return store;
}

EventStore::~EventStore() { sqlite3_close(db_); }

absl::Status EventStore::Append(absl::Span<const v1::ReferralEvent> events) {
  if (events.empty()) return absl::OkStatus();
  if (absl::Status s = Exec(db_, "BEGIN IMMEDIATE", "begin"); !s.ok()) return s;
  Statement insert(db_,
                   "INSERT INTO events (referral_id, occurred_at, recorded_at, "
                   "event) VALUES (?, ?, ?, ?)");
  absl::Status status =
      insert.get() == nullptr ? Error(db_, "prepare") : absl::OkStatus();
  std::string bytes;
  for (size_t i = 0; status.ok() && i < events.size(); ++i) {
    const v1::ReferralEvent& event = events[i];
    if (!event.SerializeToString(&bytes)) {
      status = absl::InternalError("event store: could not serialize an event");
      break;
    }
    sqlite3_stmt* stmt = insert.get();
    sqlite3_bind_text(stmt, 1, event.referral_id().data(),
                      static_cast<int>(event.referral_id().size()),
                      SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, event.occurred_at().seconds());
    sqlite3_bind_int64(stmt, 3, event.recorded_at().seconds());
    sqlite3_bind_blob(stmt, 4, bytes.data(), static_cast<int>(bytes.size()),
                      SQLITE_STATIC);
    if (sqlite3_step(stmt) != SQLITE_DONE) status = Error(db_, "insert");
    sqlite3_reset(stmt);
  }
  if (status.ok()) status = Exec(db_, "COMMIT", "commit");
  if (!status.ok()) Exec(db_, "ROLLBACK", "rollback").IgnoreError();
  return status;
}

absl::StatusOr<std::vector<v1::ReferralEvent>> EventStore::ReadAll() const {
  Statement select(db_, "SELECT seq, event FROM events ORDER BY seq");
  if (select.get() == nullptr) return Error(db_, "prepare");
  std::vector<v1::ReferralEvent> events;
  int rc;
  while ((rc = sqlite3_step(select.get())) == SQLITE_ROW) {
    const void* blob = sqlite3_column_blob(select.get(), 1);
    const int size = sqlite3_column_bytes(select.get(), 1);
    v1::ReferralEvent& event = events.emplace_back();
    if (!event.ParseFromArray(blob, size)) {
      return absl::DataLossError(
          absl::StrCat("event store: event ",
                       sqlite3_column_int64(select.get(), 0),
                       " does not parse as a divert.v1.ReferralEvent"));
    }
  }
  if (rc != SQLITE_DONE) return Error(db_, "read");
  return events;
}

absl::StatusOr<int64_t> EventStore::Count() const {
  Statement count(db_, "SELECT count(*) FROM events");
  if (count.get() == nullptr || sqlite3_step(count.get()) != SQLITE_ROW) {
    return Error(db_, "count");
  }
  return sqlite3_column_int64(count.get(), 0);
}

}  // namespace divert
