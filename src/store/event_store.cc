// EventStore on SQLite (see divert/store/event_store.h).
#include "divert/store/event_store.h"

#include <sqlite3.h>

#include <cstring>
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

// The last error on `db`, with the operating system's reason when there is
// one ("disk I/O error (File too large)"), as a status whose code says what
// kind of failure it was: a full disk, a read-only file, an I/O error.
absl::Status Error(sqlite3* db, absl::string_view what) {
  std::string message = absl::StrCat("event store: ", what, ": ", sqlite3_errmsg(db));
  const int system_errno = sqlite3_system_errno(db);
  if (system_errno != 0) absl::StrAppend(&message, " (", std::strerror(system_errno), ")");
  switch (sqlite3_extended_errcode(db)) {
    case SQLITE_IOERR_WRITE:
    case SQLITE_IOERR_FSYNC:
    case SQLITE_IOERR_TRUNCATE:
    case SQLITE_IOERR_SHMSIZE:
    case SQLITE_FULL:
      absl::StrAppend(&message,
                      "; writing the file failed: the disk may be full, or the "
                      "file at its size limit");
      break;
    default:
      break;
  }
  switch (sqlite3_errcode(db)) {
    case SQLITE_FULL:
      return absl::ResourceExhaustedError(message);
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return absl::FailedPreconditionError(message);
    case SQLITE_IOERR:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
      return absl::UnavailableError(message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(message);
    default:
      return absl::InternalError(message);
  }
}

absl::Status Exec(sqlite3* db, const char* sql, absl::string_view what) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return Error(db, what);
  }
  return absl::OkStatus();
}

// A failure to set up the store: a fault (a full disk, a read-only or
// unreadable file) as it is, anything else because the file is not a store.
absl::Status NotAStoreUnlessFault(const absl::Status& status, const std::string& path) {
  if (absl::IsResourceExhausted(status) || absl::IsFailedPrecondition(status) ||
      absl::IsUnavailable(status)) {
    return status;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      path, " is not a divert event store (", status.message(), ")"));
}

// The store's format marker, which a store opened read-only must have.
absl::Status CheckFormat(sqlite3* db, const std::string& path) {
  sqlite3_stmt* stmt = nullptr;
  bool found = false;
  if (sqlite3_prepare_v2(db, "SELECT value FROM divert_store WHERE key = 'format'",
                         -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    const unsigned char* value = sqlite3_column_text(stmt, 0);
    found = value != nullptr &&
            absl::string_view(reinterpret_cast<const char*>(value)) ==
                "divert.v1.ReferralEvent/1";
  }
  sqlite3_finalize(stmt);
  if (!found) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " is not a divert event store (it is read-only and has no "
                           "divert event table)"));
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
  if (sqlite3_db_readonly(db, "main") == 1) {
    // A write-protected file: readable, never appended to.
    if (absl::Status s = CheckFormat(db, path); !s.ok()) return s;
    store->read_only_ = true;
    return store;
  }
  if (absl::Status s = Exec(db, "PRAGMA journal_mode=WAL", "journal mode");
      !s.ok()) {
    return NotAStoreUnlessFault(s, path);
  }
  if (absl::Status s = Exec(db,
                            options.sync_full ? "PRAGMA synchronous=FULL"
                                              : "PRAGMA synchronous=NORMAL",
                            "synchronous");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = Exec(db, kSchema, "schema"); !s.ok()) {
    return NotAStoreUnlessFault(s, path);
  }
  return store;
}

EventStore::~EventStore() { sqlite3_close(db_); }

absl::Status EventStore::Append(absl::Span<const v1::ReferralEvent> events) {
  if (events.empty()) return absl::OkStatus();
  if (read_only_) {
    return absl::FailedPreconditionError(absl::StrCat(
        "event store: ", path_, " is read-only; the batch was not stored"));
  }
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
