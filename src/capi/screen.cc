// The C ABI's screening functions: a policy joined with a column mapping
// screens Arrow streams (see divert/divert.h, "SCREENING").
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "capi/buffers.h"
#include "capi/errors.h"
#include "divert/divert.h"
#include "divert/eligibility/policy.h"
#include "divert/screening/screener.h"
#include "divert/v1/screening.pb.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"

// The same definition as in capi/policy.cc: a compiled policy's handle.
struct divert_policy {
  std::shared_ptr<const divert::CompiledPolicy> policy;
};

struct divert_screener {
  std::unique_ptr<divert::Screener> screener;
};

namespace divert::capi {
namespace {

// Releases a stream the caller handed over, when it is still there.
void ReleaseInput(ArrowArrayStream* input) {
  if (input != nullptr && input->release != nullptr) input->release(input);
}

int Create(const divert_policy* policy, const char* mapping,
           size_t mapping_len, int format, std::unique_ptr<Screener>* out) {
  if (policy == nullptr) return Fail(DIVERT_ERROR_INVALID_ARGUMENT, "policy is NULL");
  if (mapping == nullptr) return Fail(DIVERT_ERROR_INVALID_ARGUMENT, "mapping is NULL");
  v1::ColumnMapping parsed;
  if (format == DIVERT_FORMAT_BINARY) {
    if (mapping_len == DIVERT_NUL_TERMINATED) {
      return Fail(DIVERT_ERROR_INVALID_ARGUMENT,
                  "mapping: binary input needs its length in bytes, not "
                  "DIVERT_NUL_TERMINATED");
    }
    if (!parsed.ParseFromArray(mapping, static_cast<int>(mapping_len))) {
      return Fail(DIVERT_ERROR_INVALID_ARGUMENT,
                  "mapping: the bytes are not a divert.v1.ColumnMapping");
    }
  } else if (format == DIVERT_FORMAT_TEXT || format == DIVERT_FORMAT_JSON) {
    absl::string_view text;
    if (!ReadText(mapping, mapping_len, "mapping", &text)) return DIVERT_ERROR_INVALID_ARGUMENT;
    absl::StatusOr<v1::ColumnMapping> read = Screener::ParseMapping(text);
    if (!read.ok()) return Fail(read.status());
    parsed = *std::move(read);
  } else {
    return Fail(DIVERT_ERROR_INVALID_ARGUMENT,
                absl::StrCat("mapping: format ", format, " is not one of 0 "
                             "(text), 1 (JSON), 2 (binary)"));
  }
  absl::StatusOr<std::unique_ptr<Screener>> screener =
      Screener::Create(policy->policy, parsed);
  if (!screener.ok()) return Fail(screener.status());
  *out = *std::move(screener);
  return Ok();
}

int Screen(Screener& screener, ArrowArrayStream* input, ArrowArrayStream* output) {
  if (input == nullptr || output == nullptr) {
    ReleaseInput(input);
    return Fail(DIVERT_ERROR_INVALID_ARGUMENT, "input or output stream is NULL");
  }
  output->release = nullptr;
  absl::Status status = screener.Screen(input, output);
  ReleaseInput(input);
  if (!status.ok()) return Fail(status);
  return Ok();
}

}  // namespace
}  // namespace divert::capi

using divert::capi::Fail;
using divert::capi::Guard;

DIVERT_EXPORT int divert_screener_create(const divert_policy* policy,
                                         const char* mapping,
                                         size_t mapping_len, int format,
                                         divert_screener** out) {
  return Guard([&] {
    if (out == nullptr) return Fail(DIVERT_ERROR_INVALID_ARGUMENT, "out is NULL");
    *out = nullptr;
    std::unique_ptr<divert::Screener> screener;
    const int code = divert::capi::Create(policy, mapping, mapping_len, format, &screener);
    if (code != DIVERT_OK) return code;
    *out = new divert_screener{std::move(screener)};
    return DIVERT_OK;
  });
}

DIVERT_EXPORT int divert_screener_screen(divert_screener* screener,
                                         struct ArrowArrayStream* input,
                                         struct ArrowArrayStream* output) {
  return Guard([&] {
    if (screener == nullptr) {
      divert::capi::ReleaseInput(input);
      return Fail(DIVERT_ERROR_INVALID_ARGUMENT, "screener is NULL");
    }
    return divert::capi::Screen(*screener->screener, input, output);
  });
}

DIVERT_EXPORT int divert_screener_summary(const divert_screener* screener,
                                          int out_format, char** summary,
                                          size_t* summary_len) {
  return Guard([&] {
    divert::capi::ClearBuffer(summary, summary_len);
    if (screener == nullptr || summary == nullptr) {
      return Fail(DIVERT_ERROR_INVALID_ARGUMENT, "screener or summary is NULL");
    }
    const divert::v1::ScreeningSummary message = screener->screener->summary();
    std::string bytes;
    if (out_format == DIVERT_FORMAT_BINARY) {
      if (summary_len == nullptr) {
        return Fail(DIVERT_ERROR_INVALID_ARGUMENT,
                    "summary_len is NULL (required for binary output)");
      }
      message.SerializeToString(&bytes);
    } else if (out_format == DIVERT_FORMAT_JSON) {
      google::protobuf::util::JsonPrintOptions options;
      if (!google::protobuf::util::MessageToJsonString(message, &bytes, options).ok()) {
        return Fail(DIVERT_ERROR_INTERNAL, "could not write the summary as JSON");
      }
    } else if (out_format == DIVERT_FORMAT_TEXT) {
      google::protobuf::TextFormat::PrintToString(message, &bytes);
    } else {
      return Fail(DIVERT_ERROR_INVALID_ARGUMENT,
                  absl::StrCat("summary: format ", out_format, " is not one of 0 "
                               "(text), 1 (JSON), 2 (binary)"));
    }
    return divert::capi::ReturnBuffer(bytes, summary, summary_len);
  });
}

DIVERT_EXPORT void divert_screener_destroy(divert_screener* screener) {
  delete screener;
}

DIVERT_EXPORT int divert_policy_screen(const divert_policy* policy,
                                       const char* mapping, size_t mapping_len,
                                       int format,
                                       struct ArrowArrayStream* input,
                                       struct ArrowArrayStream* output) {
  return Guard([&] {
    std::unique_ptr<divert::Screener> screener;
    const int code = divert::capi::Create(policy, mapping, mapping_len, format, &screener);
    if (code != DIVERT_OK) {
      divert::capi::ReleaseInput(input);
      return code;
    }
    // The output stream shares the screener's state; the screener itself
    // may go.
    return divert::capi::Screen(*screener, input, output);
  });
}
