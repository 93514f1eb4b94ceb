// Tests of FormatIssues (format_issues.cc), as examples: each issue is
// printed with its source line and a caret under its column.
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "divert/cel/cel.h"
#include "gtest/gtest.h"

namespace divert::cel {
namespace {

CompileIssue TypeIssue(int line, int column, std::string message) {
  return {CompileIssue::Kind::kType, line, column, std::move(message)};
}

TEST(FormatIssuesTest, PutsTheCaretUnderTheColumn) {
  EXPECT_EQ(FormatIssues("age >= agee",
                         {TypeIssue(1, 8, "undeclared reference to 'agee'")},
                         "rule-7"),
            "ERROR: rule-7:1:8: type error: undeclared reference to 'agee'\n"
            " | age >= agee\n"
            " | .......^");
}

TEST(FormatIssuesTest, CountsCodePointsAndTabsAsOneDotEach) {
  // 'é' is two bytes, the tab one: the caret still sits under `y`.
  EXPECT_EQ(FormatIssues("'é' ==\ty", {TypeIssue(1, 8, "bad")}),
            "ERROR: <input>:1:8: type error: bad\n"
            " | 'é' ==\ty\n"
            " | .......^");
}

TEST(FormatIssuesTest, StopsAtTheEndOfTheLine) {
  EXPECT_EQ(FormatIssues("ab\ncd", {TypeIssue(1, 50, "past the end")}),
            "ERROR: <input>:1:50: type error: past the end\n"
            " | ab\n"
            " | ..^");
}

TEST(FormatIssuesTest, IssueWithoutALineHasNoSourceLine) {
  EXPECT_EQ(FormatIssues("ab", {{CompileIssue::Kind::kLimit, 0, 0, "too long"}}),
            "ERROR: <input>:0:0: limit exceeded: too long");
}

// Several issues, on one line and on several, in and out of source order:
// each reads as it would alone.
TEST(FormatIssuesTest, ManyIssuesReadAsEachAlone) {
  const std::string source = "x ‖ y + z\n\tfoo(é, bar)\nlast";
  const std::vector<CompileIssue> issues = {
      TypeIssue(1, 3, "a"), TypeIssue(1, 9, "b"), TypeIssue(1, 5, "c"),
      TypeIssue(2, 6, "d"), TypeIssue(1, 1, "e"), TypeIssue(2, 9, "f"),
      TypeIssue(3, 4, "g"), TypeIssue(2, 2, "h"), TypeIssue(2, 40, "i"),
      TypeIssue(2, 12, "j")};
  std::vector<std::string> alone;
  for (const CompileIssue& issue : issues) {
    alone.push_back(FormatIssues(source, {issue}, "where"));
  }
  EXPECT_EQ(FormatIssues(source, issues, "where"), absl::StrJoin(alone, "\n"));
  EXPECT_EQ(alone[1],
            "ERROR: where:1:9: type error: b\n"
            " | x ‖ y + z\n"
            " | ........^");
}

}  // namespace
}  // namespace divert::cel
