#include "capi/referral_messages.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "capi/buffers.h"
#include "capi/errors.h"
#include "capi/json_errors.h"
#include "divert/divert.h"
#include "divert/limits.h"
#include "divert/referral/lifecycle.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"

namespace divert::capi {
namespace {

const char* FormatName(int format) {
  switch (format) {
    case DIVERT_FORMAT_TEXT:
      return "text";
    case DIVERT_FORMAT_JSON:
      return "JSON";
    case DIVERT_FORMAT_BINARY:
      return "binary";
  }
  return "unknown";
}

bool Allowed(int format, std::initializer_list<int> allowed,
             absl::string_view what) {
  std::string names;
  for (int ok : allowed) {
    if (format == ok) return true;
    absl::StrAppend(&names, names.empty() ? "" : ", ", ok, " (",
                    FormatName(ok), ")");
  }
  Fail(DIVERT_ERROR_INVALID_ARGUMENT,
       absl::StrCat(what, ": format ", format, " is not one of ", names));
  return false;
}

}  // namespace

int ParseMessage(const char* data, size_t len, int format,
                 std::initializer_list<int> allowed, absl::string_view what,
                 google::protobuf::Message* message) {
  if (!Allowed(format, allowed, what)) return DIVERT_ERROR_INVALID_ARGUMENT;
  if (data == nullptr) {
    Fail(DIVERT_ERROR_INVALID_ARGUMENT, absl::StrCat(what, " is NULL"));
    return DIVERT_ERROR_INVALID_ARGUMENT;
  }
  if (format == DIVERT_FORMAT_BINARY && len == DIVERT_NUL_TERMINATED) {
    Fail(DIVERT_ERROR_INVALID_ARGUMENT,
         absl::StrCat(what, ": binary input needs its length in bytes, not "
                            "DIVERT_NUL_TERMINATED"));
    return DIVERT_ERROR_INVALID_ARGUMENT;
  }
  absl::string_view bytes;
  if (!ReadText(data, len, what, &bytes)) return DIVERT_ERROR_INVALID_ARGUMENT;
  const std::string& type = message->GetDescriptor()->full_name();
  const size_t limit = type == "divert.v1.ReferralEvent" ? limits::kMaxEventBytes
                       : type == "divert.v1.ReferralLog" ? limits::kMaxLogBytes
                                                         : limits::kMaxPolicyBytes;
  if (bytes.size() > limit) {
    Fail(DIVERT_ERROR_LIMIT, absl::StrCat(what, " is ", bytes.size(),
                                          " bytes; the limit for a ", type, " is ",
                                          limit, " (docs/limits.md)"));
    return DIVERT_ERROR_LIMIT;
  }
  if (format == DIVERT_FORMAT_BINARY) {
    if (!message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      Fail(DIVERT_ERROR_INVALID_ARGUMENT,
           absl::StrCat(what, ": the bytes are not a serialized ", type));
      return DIVERT_ERROR_INVALID_ARGUMENT;
    }
  } else if (format == DIVERT_FORMAT_JSON) {
    google::protobuf::util::JsonParseOptions options;
    auto status = google::protobuf::util::JsonStringToMessage(
        google::protobuf::StringPiece(bytes.data(), bytes.size()), message,
        options);
    if (!status.ok()) {
      Fail(DIVERT_ERROR_INVALID_ARGUMENT,
           absl::StrCat(what, ": not a ", type, " in proto3 JSON (",
                        JsonProblem(absl::string_view(status.message().data(),
                                                      status.message().size())),
                        ")"));
      return DIVERT_ERROR_INVALID_ARGUMENT;
    }
  } else if (!google::protobuf::TextFormat::ParseFromString(
                 std::string(bytes), message)) {
    Fail(DIVERT_ERROR_INVALID_ARGUMENT,
         absl::StrCat(what, ": not a ", type, " in text format"));
    return DIVERT_ERROR_INVALID_ARGUMENT;
  }
  return DIVERT_OK;
}

bool ReadMessage(const char* data, size_t len, int format,
                 std::initializer_list<int> allowed, absl::string_view what,
                 google::protobuf::Message* message) {
  return ParseMessage(data, len, format, allowed, what, message) == DIVERT_OK;
}

int ReturnMessageAs(const google::protobuf::Message& message, int format,
                    char** out, size_t* len, absl::string_view what) {
  if (out == nullptr) {
    return Fail(DIVERT_ERROR_INVALID_ARGUMENT, absl::StrCat(what, " is NULL"));
  }
  ClearBuffer(out, len);
  if (!Allowed(format, {DIVERT_FORMAT_JSON, DIVERT_FORMAT_BINARY}, what)) {
    return DIVERT_ERROR_INVALID_ARGUMENT;
  }
  std::string bytes;
  if (format == DIVERT_FORMAT_BINARY) {
    if (len == nullptr) {
      return Fail(DIVERT_ERROR_INVALID_ARGUMENT,
                  absl::StrCat(what, "_len is NULL: binary output needs its "
                                     "length"));
    }
    if (!message.SerializeToString(&bytes)) {
      return Fail(DIVERT_ERROR_INTERNAL, "could not serialize the result");
    }
  } else {
    auto status = google::protobuf::util::MessageToJsonString(message, &bytes);
    if (!status.ok()) {
      return Fail(DIVERT_ERROR_INTERNAL, "could not write the result as JSON");
    }
  }
  return ReturnBuffer(bytes, out, len);
}

std::vector<v1::ReferralEvent> TakeEvents(v1::ReferralLog* log) {
  std::vector<v1::ReferralEvent> events(static_cast<size_t>(log->events_size()));
  for (int i = 0; i < log->events_size(); ++i) {
    events[static_cast<size_t>(i)].Swap(log->mutable_events(i));
  }
  return events;
}

int FailLifecycle(const absl::Status& status) {
  if (status.code() == absl::StatusCode::kFailedPrecondition &&
      !BrokenRule(status).empty()) {
    return Fail(DIVERT_ERROR_REJECTED, status.message());
  }
  return Fail(status);
}

}  // namespace divert::capi
