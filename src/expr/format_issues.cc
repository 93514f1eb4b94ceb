// FormatIssues: compile issues rendered with the source line and a caret.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "divert/cel/cel.h"

namespace divert::cel {
namespace {

// Where the caret goes on one source line. Issues come mostly in source
// order, so a caret further along the same line continues the walk from
// the last one: the issues of a line cost one pass over it, not one each.
class CaretWalker {
 public:
  // One '.' per code point before code point `column` (1-based) of line
  // `number`, whose text is `line`, then '^': the caret lines up in a
  // terminal whatever the line contains (a tab becomes a single '.').
  std::string CaretLine(int number, absl::string_view line, int column) {
    if (number != number_ || column < column_) {
      number_ = number;
      column_ = 1;
      offset_ = 0;
      dots_ = 0;
    }
    const char* const text = line.data();
    const size_t size = line.size();
    for (; column_ < column && offset_ < size; ++column_) {
      if ((text[offset_] & 0xC0) != 0x80) ++dots_;
      ++offset_;
      while (offset_ < size && (text[offset_] & 0xC0) == 0x80) ++offset_;
    }
    std::string caret(static_cast<size_t>(dots_) + 1, '.');
    caret.back() = '^';
    return caret;
  }

 private:
  int number_ = 0;     // the line walked, 1-based; 0 for none yet
  int column_ = 1;     // the column the walk stopped at
  size_t offset_ = 0;  // its byte offset in the line
  int dots_ = 0;       // code points that start before offset_
};

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
  CaretWalker caret;
  for (const CompileIssue& issue : issues) {
    if (!out.empty()) out += "\n";
    absl::StrAppend(&out, "ERROR: ", location, ":", issue.line, ":",
                    issue.column, ": ", KindLabel(issue.kind), ": ",
                    issue.message);
    if (issue.line >= 1 && issue.line <= static_cast<int>(lines.size())) {
      absl::string_view line = lines[issue.line - 1];
      absl::StrAppend(&out, "\n | ", line, "\n | ",
                      caret.CaretLine(issue.line, line, issue.column));
    }
  }
  return out;
}

}  // namespace divert::cel
