#include "expr/eval_frame.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace divert::cel {

std::string ElementPath::Text() const {
  std::string text = parent != nullptr ? parent->Text() : *root_name;
  absl::StrAppend(&text, *suffix, "[", index, "]");
  return text;
}

bool MatchUnknownPatterns(const ActivationState& state,
                          absl::Span<const std::string> path, Arena* arena,
                          Value* unknown) {
  const UnknownPattern* first = nullptr;
  std::vector<std::string> names;
  for (const UnknownPattern& pattern : state.unknowns) {
    const size_t n = std::min(pattern.segments.size(), path.size());
    if (!std::equal(path.begin(), path.begin() + n, pattern.segments.begin())) {
      continue;
    }
    if (first == nullptr) {
      first = &pattern;
    } else {
      if (names.empty()) names.push_back(first->path);
      names.push_back(pattern.path);
    }
  }
  if (first == nullptr) return false;
  *unknown = names.empty() ? Value::Unknown(first->value.get())
                           : MakeUnknown(arena, std::move(names));
  return true;
}

bool IsAttributePath(absl::string_view path) {
  if (path.empty()) return false;
  for (absl::string_view segment : absl::StrSplit(path, '.')) {
    if (segment.empty()) return false;
    if (!absl::ascii_isalpha(segment[0]) && segment[0] != '_') return false;
    for (char c : segment) {
      if (!absl::ascii_isalnum(c) && c != '_') return false;
    }
  }
  return true;
}

}  // namespace divert::cel
