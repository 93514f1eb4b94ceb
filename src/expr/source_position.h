// Mapping expression positions (code point offsets) to line and column.
#ifndef DIVERT_SRC_EXPR_SOURCE_POSITION_H_
#define DIVERT_SRC_EXPR_SOURCE_POSITION_H_

#include <cstdint>

#include "divert/v1/expr.pb.h"

namespace divert::cel {

struct LineColumn {
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based, in code points; 0 when unknown
};

// The line and column of code point `offset`, given the line starts
// recorded in `info.line_offsets()`.
LineColumn PositionOfOffset(const v1::SourceInfo& info, int32_t offset);

// The line and column of expression node `expr_id`; {0, 0} when the node
// has no recorded position.
LineColumn PositionOfExpr(const v1::SourceInfo& info, int64_t expr_id);

}  // namespace divert::cel

#endif  // DIVERT_SRC_EXPR_SOURCE_POSITION_H_
