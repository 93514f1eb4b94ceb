#include "expr/source_position.h"

#include <algorithm>

namespace divert::cel {

LineColumn PositionOfOffset(const v1::SourceInfo& info, int32_t offset) {
  if (offset < 0) return {};
  const auto& starts = info.line_offsets();
  // starts[i] is where line i + 2 begins.
  auto next = std::upper_bound(starts.begin(), starts.end(), offset);
  int line = static_cast<int>(next - starts.begin()) + 1;
  int32_t line_start = line == 1 ? 0 : starts[line - 2];
  return {line, static_cast<int>(offset - line_start) + 1};
}

LineColumn PositionOfExpr(const v1::SourceInfo& info, int64_t expr_id) {
  auto it = info.positions().find(expr_id);
  if (it == info.positions().end()) return {};
  return PositionOfOffset(info, it->second);
}

}  // namespace divert::cel
