// The C ABI's eligibility functions: compile a site policy, decide
// encounters, check fidelity, render (see divert/divert.h, "ELIGIBILITY
// POLICIES").
#include <cstdio>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "capi/buffers.h"
#include "capi/errors.h"
#include "capi/json_errors.h"
#include "divert/divert.h"
#include "divert/eligibility/policy.h"
#include "divert/limits.h"
#include "divert/v1/decision.pb.h"
#include "divert/v1/encounter.pb.h"
#include "divert/v1/policy.pb.h"
#include "google/protobuf/message.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"

struct divert_policy {
  std::shared_ptr<const divert::CompiledPolicy> policy;
};

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

// Checks that `format` is one of those `allowed` for `what`; sets the last
// error and returns false otherwise.
bool CheckFormat(int format, std::initializer_list<int> allowed,
                 absl::string_view what) {
  for (int ok : allowed) {
    if (format == ok) return true;
  }
  std::string names;
  for (int ok : allowed) {
    if (!names.empty()) names += ", ";
    absl::StrAppend(&names, ok, " (", FormatName(ok), ")");
  }
  Fail(DIVERT_ERROR_INVALID_ARGUMENT,
       absl::StrCat(what, ": format ", format, " is not one of ", names));
  return false;
}

// Reads a (pointer, length) input in `format`; binary input needs an
// explicit length.
bool ReadInput(const char* data, size_t len, int format, absl::string_view what,
               absl::string_view* out) {
  if (data == nullptr) {
    Fail(DIVERT_ERROR_INVALID_ARGUMENT, absl::StrCat(what, " is NULL"));
    return false;
  }
  if (format == DIVERT_FORMAT_BINARY && len == DIVERT_NUL_TERMINATED) {
    Fail(DIVERT_ERROR_INVALID_ARGUMENT,
         absl::StrCat(what, ": binary input needs its length in bytes, not "
                            "DIVERT_NUL_TERMINATED"));
    return false;
  }
  return ReadText(data, len, what, out);
}

// Returns a message in `format` through a buffer out-parameter; binary
// output needs `len`.
int ReturnMessage(const google::protobuf::Message& message, int format,
                  char** out, size_t* len) {
  std::string bytes;
  if (format == DIVERT_FORMAT_BINARY) {
    if (!message.SerializeToString(&bytes)) {
      return Fail(DIVERT_ERROR_INTERNAL,
                  absl::StrCat("could not serialize a ",
                               message.GetDescriptor()->full_name()));
    }
  } else if (format == DIVERT_FORMAT_JSON) {
    google::protobuf::util::JsonPrintOptions options;
    auto status =
        google::protobuf::util::MessageToJsonString(message, &bytes, options);
    if (!status.ok()) {
      return Fail(DIVERT_ERROR_INTERNAL,
                  absl::StrCat("could not write a ",
                               message.GetDescriptor()->full_name(),
                               " as JSON: ", std::string(status.message())));
    }
  } else {
    if (!google::protobuf::TextFormat::PrintToString(message, &bytes)) {
      return Fail(DIVERT_ERROR_INTERNAL,
                  absl::StrCat("could not write a ",
                               message.GetDescriptor()->full_name(),
                               " in text format"));
    }
  }
  return ReturnBuffer(bytes, out, len);
}

// Checks the output pointers of a function returning a message.
bool CheckOutput(char** out, size_t* len, int format, absl::string_view what) {
  if (out == nullptr) {
    Fail(DIVERT_ERROR_INVALID_ARGUMENT, absl::StrCat(what, " is NULL"));
    return false;
  }
  if (format == DIVERT_FORMAT_BINARY && len == nullptr) {
    Fail(DIVERT_ERROR_INVALID_ARGUMENT,
         absl::StrCat(what, "_len is NULL: binary output needs its length"));
    return false;
  }
  return true;
}

// Parses an Encounter. Errors name the field, never the value found there
// (the parser's own messages may quote it).
absl::Status ParseEncounter(absl::string_view data, int format,
                            v1::Encounter* encounter) {
  if (data.size() > limits::kMaxEncounterBytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "encounter: ", data.size(), " bytes; the limit is ",
        limits::kMaxEncounterBytes, " (docs/limits.md)"));
  }
  if (format == DIVERT_FORMAT_BINARY) {
    if (!encounter->ParseFromArray(data.data(), static_cast<int>(data.size()))) {
      return absl::InvalidArgumentError(
          "encounter: the bytes are not a serialized divert.v1.Encounter");
    }
    return absl::OkStatus();
  }
  google::protobuf::util::JsonParseOptions options;
  auto status = google::protobuf::util::JsonStringToMessage(
      std::string(data), encounter, options);
  if (status.ok()) return absl::OkStatus();
  const JsonError error = ReadJsonError(
      absl::string_view(status.message().data(), status.message().size()));
  if (!error.unknown_field.empty() && error.path.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("encounter: unknown field '", error.unknown_field,
                     "' (not in divert.v1.Encounter)"));
  }
  if (!error.unknown_field.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("encounter.", error.path, ": unknown field '",
                     error.unknown_field, "'"));
  }
  if (!error.path.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "encounter.", error.path, ": not a valid value for this field"));
  }
  return absl::InvalidArgumentError(
      "encounter: not a divert.v1.Encounter in proto3 JSON (a JSON object "
      "such as {\"occurredAt\": \"2024-03-14T22:05:00Z\", \"pathway\": "
      "\"ARREST_DIVERSION\", ...})");
}

// A JSON string literal for `text` (UTF-8 passed through).
std::string JsonString(absl::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x",
                        static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

std::string IssuesToJson(const std::vector<PolicyIssue>& issues) {
  std::string json = "[";
  for (const PolicyIssue& issue : issues) {
    if (json.size() > 1) json += ",";
    absl::StrAppend(&json, "{\"version\":", JsonString(issue.version),
                    ",\"rule_id\":", JsonString(issue.rule_id),
                    ",\"line\":", issue.line, ",\"column\":", issue.column,
                    ",\"message\":", JsonString(issue.message), "}");
  }
  json += "]";
  return json;
}

// Compiles `data` in `format`; issues go to `issues`.
absl::StatusOr<std::shared_ptr<const CompiledPolicy>> CompileFrom(
    absl::string_view data, int format, std::vector<PolicyIssue>* issues) {
  switch (format) {
    case DIVERT_FORMAT_TEXT:
      return CompiledPolicy::FromTextFormat(data, issues);
    case DIVERT_FORMAT_JSON:
      return CompiledPolicy::FromJson(data, issues);
    default:
      return CompiledPolicy::FromBinary(data, issues);
  }
}

int CompileImpl(const char* data, size_t len, int format, divert_policy** out) {
  if (out == nullptr) return Fail(DIVERT_ERROR_INVALID_ARGUMENT, "out is NULL");
  *out = nullptr;
  absl::string_view input;
  if (!CheckFormat(format,
                   {DIVERT_FORMAT_TEXT, DIVERT_FORMAT_JSON, DIVERT_FORMAT_BINARY},
                   "policy") ||
      !ReadInput(data, len, format, "data", &input)) {
    return DIVERT_ERROR_INVALID_ARGUMENT;
  }
  std::vector<PolicyIssue> issues;
  auto compiled = CompileFrom(input, format, &issues);
  if (!compiled.ok()) {
    if (compiled.status().code() == absl::StatusCode::kInvalidArgument) {
      return Fail(DIVERT_ERROR_POLICY, compiled.status().message());
    }
    return Fail(compiled.status());
  }
  auto handle = std::make_unique<divert_policy>();
  handle->policy = *std::move(compiled);
  *out = handle.release();
  return Ok();
}

int CheckImpl(const char* data, size_t len, int format, char** issues_json,
              size_t* issues_len) {
  ClearBuffer(issues_json, issues_len);
  if (issues_json == nullptr) {
    return Fail(DIVERT_ERROR_INVALID_ARGUMENT, "issues_json is NULL");
  }
  absl::string_view input;
  if (!CheckFormat(format,
                   {DIVERT_FORMAT_TEXT, DIVERT_FORMAT_JSON, DIVERT_FORMAT_BINARY},
                   "policy") ||
      !ReadInput(data, len, format, "data", &input)) {
    return DIVERT_ERROR_INVALID_ARGUMENT;
  }
  std::vector<PolicyIssue> issues;
  auto compiled = CompileFrom(input, format, &issues);
  if (!compiled.ok() && issues.empty()) {
    if (compiled.status().code() != absl::StatusCode::kInvalidArgument) {
      return Fail(compiled.status());
    }
    // A failure the compiler reported without an issue list.
    issues.push_back({"", "", 0, 0, std::string(compiled.status().message())});
  }
  return ReturnBuffer(IssuesToJson(issues), issues_json, issues_len);
}

int EvaluateImpl(const divert_policy* policy, const char* encounter_data,
                 size_t len, int in_format, int out_format,
                 const char* version, char** decision, size_t* decision_len) {
  ClearBuffer(decision, decision_len);
  if (policy == nullptr) {
    return Fail(DIVERT_ERROR_INVALID_ARGUMENT, "policy is NULL");
  }
  absl::string_view input;
  if (!CheckFormat(in_format, {DIVERT_FORMAT_JSON, DIVERT_FORMAT_BINARY},
                   "encounter") ||
      !CheckFormat(out_format, {DIVERT_FORMAT_JSON, DIVERT_FORMAT_BINARY},
                   "decision") ||
      !CheckOutput(decision, decision_len, out_format, "decision") ||
      !ReadInput(encounter_data, len, in_format, "encounter", &input)) {
    return DIVERT_ERROR_INVALID_ARGUMENT;
  }
  const bool by_date = version == nullptr || *version == '\0';
  if (by_date && in_format == DIVERT_FORMAT_BINARY &&
      out_format == DIVERT_FORMAT_BINARY) {
    // Bytes to bytes: the engine's own fast path, straight into the
    // buffer the caller will own.
    // (The engine asks for the buffer only once the decision is made, and
    // then fills it: a failure owns no buffer.)
    char* buffer = nullptr;
    size_t size = 0;
    absl::Status status =
        policy->policy->EvaluateSerializedInto(input, [&](size_t n) {
          size = n;
          buffer = NewBuffer(n);
          return buffer;
        });
    if (!status.ok()) {
      return buffer == nullptr && size > 0 ? FailOutOfMemory() : Fail(status);
    }
    return HandOverBuffer(buffer, size, decision, decision_len);
  }
  v1::Encounter encounter;
  absl::Status parsed = ParseEncounter(input, in_format, &encounter);
  if (!parsed.ok()) return Fail(parsed);
  absl::StatusOr<v1::Decision> decided =
      by_date ? policy->policy->Evaluate(encounter)
              : policy->policy->EvaluateWithVersion(encounter, version);
  if (!decided.ok()) return Fail(decided.status());
  return ReturnMessage(*decided, out_format, decision, decision_len);
}

}  // namespace
}  // namespace divert::capi

extern "C" {

DIVERT_EXPORT int divert_policy_compile(const char* data, size_t len,
                                        int format, divert_policy** out) {
  return divert::capi::Guard(
      [&] { return divert::capi::CompileImpl(data, len, format, out); });
}

DIVERT_EXPORT int divert_policy_check(const char* data, size_t len, int format,
                                      char** issues_json, size_t* issues_len) {
  return divert::capi::Guard([&] {
    return divert::capi::CheckImpl(data, len, format, issues_json, issues_len);
  });
}

DIVERT_EXPORT void divert_policy_destroy(divert_policy* policy) {
  delete policy;
}

DIVERT_EXPORT int divert_policy_evaluate(const divert_policy* policy,
                                         const char* encounter, size_t len,
                                         int in_format, int out_format,
                                         char** decision,
                                         size_t* decision_len) {
  return divert::capi::Guard([&] {
    return divert::capi::EvaluateImpl(policy, encounter, len, in_format,
                                      out_format, nullptr, decision,
                                      decision_len);
  });
}

DIVERT_EXPORT int divert_policy_evaluate_version(
    const divert_policy* policy, const char* encounter, size_t len,
    int in_format, int out_format, const char* version, char** decision,
    size_t* decision_len) {
  return divert::capi::Guard([&] {
    return divert::capi::EvaluateImpl(policy, encounter, len, in_format,
                                      out_format, version, decision,
                                      decision_len);
  });
}

DIVERT_EXPORT int divert_policy_check_fidelity(const divert_policy* policy,
                                               int out_format, char** report,
                                               size_t* report_len) {
  using divert::capi::Fail;
  return divert::capi::Guard([&] {
    divert::capi::ClearBuffer(report, report_len);
    if (policy == nullptr) {
      return Fail(DIVERT_ERROR_INVALID_ARGUMENT, "policy is NULL");
    }
    if (!divert::capi::CheckFormat(
            out_format, {DIVERT_FORMAT_JSON, DIVERT_FORMAT_BINARY}, "report") ||
        !divert::capi::CheckOutput(report, report_len, out_format, "report")) {
      return DIVERT_ERROR_INVALID_ARGUMENT;
    }
    return divert::capi::ReturnMessage(policy->policy->CheckFidelity(),
                                       out_format, report, report_len);
  });
}

DIVERT_EXPORT int divert_policy_render(const divert_policy* policy,
                                       const char* version, int render_format,
                                       char** document, size_t* document_len) {
  using divert::capi::Fail;
  return divert::capi::Guard([&] {
    divert::capi::ClearBuffer(document, document_len);
    if (policy == nullptr || document == nullptr) {
      return Fail(DIVERT_ERROR_INVALID_ARGUMENT,
                  policy == nullptr ? "policy is NULL" : "document is NULL");
    }
    const absl::string_view label = version == nullptr ? "" : version;
    absl::StatusOr<std::string> rendered;
    switch (render_format) {
      case DIVERT_RENDER_MARKDOWN:
        rendered = policy->policy->RenderMarkdown(label);
        break;
      case DIVERT_RENDER_HTML:
        rendered = policy->policy->RenderHtml(label);
        break;
      default:
        return Fail(DIVERT_ERROR_INVALID_ARGUMENT,
                    absl::StrCat("render_format ", render_format,
                                 " is not DIVERT_RENDER_MARKDOWN (0) or "
                                 "DIVERT_RENDER_HTML (1)"));
    }
    if (!rendered.ok()) return Fail(rendered.status());
    return divert::capi::ReturnBuffer(*rendered, document, document_len);
  });
}

DIVERT_EXPORT int divert_policy_site_policy(const divert_policy* policy,
                                            int out_format, char** site_policy,
                                            size_t* site_policy_len) {
  using divert::capi::Fail;
  return divert::capi::Guard([&] {
    divert::capi::ClearBuffer(site_policy, site_policy_len);
    if (policy == nullptr) {
      return Fail(DIVERT_ERROR_INVALID_ARGUMENT, "policy is NULL");
    }
    if (!divert::capi::CheckFormat(out_format,
                                   {DIVERT_FORMAT_TEXT, DIVERT_FORMAT_JSON,
                                    DIVERT_FORMAT_BINARY},
                                   "site_policy") ||
        !divert::capi::CheckOutput(site_policy, site_policy_len, out_format,
                                   "site_policy")) {
      return DIVERT_ERROR_INVALID_ARGUMENT;
    }
    return divert::capi::ReturnMessage(policy->policy->policy(), out_format,
                                       site_policy, site_policy_len);
  });
}

}  // extern "C"
