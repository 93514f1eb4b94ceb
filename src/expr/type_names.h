// CEL type notation ("list(int)", "map(string, dyn)") to and from v1::Type.
#ifndef DIVERT_SRC_EXPR_TYPE_NAMES_H_
#define DIVERT_SRC_EXPR_TYPE_NAMES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "divert/v1/expr.pb.h"

namespace google::protobuf {
class DescriptorPool;
}

namespace divert::cel {

// Parses a type written in CEL's notation: bool, int, uint, double, string,
// bytes, null_type, dyn, list(T), map(K, V), google.protobuf.Timestamp (or
// timestamp), google.protobuf.Duration (or duration), or a message or enum
// name found in `pool`.
// Errors say what is wrong and where in `text`.
absl::StatusOr<v1::Type> ParseTypeName(absl::string_view text,
                                       const google::protobuf::DescriptorPool& pool);

// The CEL notation of `type`, e.g. "map(string, list(int))".
std::string FormatType(const v1::Type& type);

}  // namespace divert::cel

#endif  // DIVERT_SRC_EXPR_TYPE_NAMES_H_
