// FormatIssues: compile issues rendered with the source line and a caret.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "divert/cel/cel.h"

namespace divert::cel {
namespace {

// The byte offset in `line` where code point `column` (1-based) starts.
size_t ByteOffsetOfColumn(absl::string_view line, int column) {
  size_t offset = 0;
  for (int c = 1; c < column && offset < line.size(); ++c) {
    ++offset;
    while (offset < line.size() && (line[offset] & 0xC0) == 0x80) ++offset;
  }
  return offset;
}

// One '.' per code point before the caret, so the caret lines up in a
// terminal whatever the line contains (tabs become a single '.').
std::string CaretLine(absl::string_view line, int column) {
  size_t end = ByteOffsetOfColumn(line, column);
  int code_points = 0;
  for (size_t i = 0; i < end; ++i) {
    if ((line[i] & 0xC0) != 0x80) ++code_points;
  }
  return absl::StrCat(std::string(code_points, '.'), "^");
}

const char* KindLabel(CompileIssue::Kind kind) {
  switch (kind) {
    case CompileIssue::Kind::kSyntax:
      return "syntax error";
    case CompileIssue::Kind::kType:
      return "type error";
    case CompileIssue::Kind::kLimit:
      return "limit exceeded";
  }
  return "error";
}

}  // namespace

std::string FormatIssues(absl::string_view source,
                         absl::Span<const CompileIssue> issues,
                         absl::string_view location) {
  std::vector<absl::string_view> lines = absl::StrSplit(source, '\n');
  std::string out;
  for (const CompileIssue& issue : issues) {
    if (!out.empty()) out += "\n";
    absl::StrAppend(&out, "ERROR: ", location, ":", issue.line, ":",
                    issue.column, ": ", KindLabel(issue.kind), ": ",
                    issue.message);
    if (issue.line >= 1 && issue.line <= static_cast<int>(lines.size())) {
      absl::string_view line = lines[issue.line - 1];
      absl::StrAppend(&out, "\n | ", line, "\n | ",
                      CaretLine(line, issue.column));
    }
  }
  return out;
}

}  // namespace divert::cel
