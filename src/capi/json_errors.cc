#include "capi/json_errors.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace divert::capi {

JsonError ReadJsonError(absl::string_view message) {
  JsonError error;
  if (absl::ConsumePrefix(&message, "(")) {
    const size_t close = message.find(')');
    if (close != absl::string_view::npos) {
      error.path = std::string(message.substr(0, close));
      message.remove_prefix(close + 1);
      absl::ConsumePrefix(&message, " ");
    }
  }
  const size_t unknown = message.find(": Cannot find field");
  if (unknown != absl::string_view::npos) {
    error.unknown_field = std::string(message.substr(0, unknown));
  }
  error.first_line = std::string(message.substr(0, message.find('\n')));
  return error;
}

std::string JsonProblem(absl::string_view message) {
  const JsonError error = ReadJsonError(message);
  if (!error.unknown_field.empty()) {
    return absl::StrCat(error.path, error.path.empty() ? "" : ": ",
                        "unknown field '", error.unknown_field, "'");
  }
  if (!error.path.empty()) {
    return absl::StrCat(error.path, ": not a valid value for this field");
  }
  return error.first_line;
}

}  // namespace divert::capi
