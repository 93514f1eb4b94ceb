// String functions: contains, startsWith, endsWith and matches (RE2).
#include <memory>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "divert/cel/value.h"
#include "expr/functions_internal.h"
#include "re2/re2.h"

namespace divert::cel {
namespace {

// Both arguments must be strings.
template <bool (*kTest)(absl::string_view, absl::string_view)>
Value StringPredicate(absl::string_view name, absl::Span<const Value> args,
                      Arena* arena) {
  if (args[0].kind() != ValueKind::kString ||
      args[1].kind() != ValueKind::kString) {
    return NoMatchingOverload(arena, name, args);
  }
  return Value::Bool(kTest(args[0].string_value(), args[1].string_value()));
}

bool ContainsTest(absl::string_view s, absl::string_view t) {
  return absl::StrContains(s, t);
}
bool StartsWithTest(absl::string_view s, absl::string_view t) {
  return absl::StartsWith(s, t);
}
bool EndsWithTest(absl::string_view s, absl::string_view t) {
  return absl::EndsWith(s, t);
}

Value Contains(absl::Span<const Value> args, Arena* arena) {
  return StringPredicate<&ContainsTest>("contains", args, arena);
}
Value StartsWith(absl::Span<const Value> args, Arena* arena) {
  return StringPredicate<&StartsWithTest>("startsWith", args, arena);
}
Value EndsWith(absl::Span<const Value> args, Arena* arena) {
  return StringPredicate<&EndsWithTest>("endsWith", args, arena);
}

// Compiled patterns of this thread, so that a condition evaluated many
// times compiles its pattern once. Bounded: cleared when full.
class RegexCache {
 public:
  // The compiled pattern; check ok() before use.
  const RE2& Get(absl::string_view pattern) {
    auto it = patterns_.find(pattern);
    if (it != patterns_.end()) return *it->second;
    if (patterns_.size() >= kMaxPatterns) patterns_.clear();
    RE2::Options options;
    // RE2 would otherwise log the pattern, which may hold a person's data.
    options.set_log_errors(false);
    auto re = std::make_unique<RE2>(
        re2::StringPiece(pattern.data(), pattern.size()), options);
    const RE2& result = *re;
    patterns_.emplace(std::string(pattern), std::move(re));
    return result;
  }

 private:
  static constexpr size_t kMaxPatterns = 64;
  absl::flat_hash_map<std::string, std::unique_ptr<RE2>> patterns_;
};

Value Matches(absl::Span<const Value> args, Arena* arena) {
  if (args[0].kind() != ValueKind::kString ||
      args[1].kind() != ValueKind::kString) {
    return NoMatchingOverload(arena, "matches", args);
  }
  thread_local RegexCache cache;
  const RE2& re = cache.Get(args[1].string_value());
  if (!re.ok()) {
    return Error(arena, absl::StatusCode::kInvalidArgument,
                 "invalid regular expression in 'matches'");
  }
  const absl::string_view s = args[0].string_value();
  return Value::Bool(RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), re));
}

constexpr FunctionEntry kStringFunctions[] = {
    {"contains", 2, CallStyle::kReceiver, &Contains},
    {"startsWith", 2, CallStyle::kReceiver, &StartsWith},
    {"endsWith", 2, CallStyle::kReceiver, &EndsWith},
    {"matches", 2, CallStyle::kEither, &Matches},
};

}  // namespace

absl::Span<const FunctionEntry> StringFunctions() { return kStringFunctions; }

}  // namespace divert::cel
