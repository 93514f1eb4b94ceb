#include "eligibility/json_positions.h"

#include <string>

#include "gtest/gtest.h"

namespace divert::eligibility {
namespace {

JsonPosition SyntaxError(const std::string& json, std::string* message = nullptr) {
  JsonPosition at;
  std::string text;
  if (!FindJsonSyntaxError(json, &at, &text)) return {};
  if (message != nullptr) *message = text;
  return at;
}

TEST(PolicyJsonPositionsTest, WellFormedJsonHasNoSyntaxError) {
  JsonPosition at;
  std::string message;
  EXPECT_FALSE(FindJsonSyntaxError(
      R"({"a": [1, -2.5e3, true, false, null, "x\"\u00e9"], "b": {}})", &at, &message));
}

TEST(PolicyJsonPositionsTest, SyntaxErrors) {
  std::string message;
  JsonPosition at = SyntaxError("{\n  \"a\": tru\n}", &message);
  EXPECT_EQ(at.line, 2);
  EXPECT_EQ(at.column, 8);
  EXPECT_EQ(message, "unexpected token");
  at = SyntaxError("[1, 2", &message);
  EXPECT_EQ(message, "unexpected end of the text");
  at = SyntaxError("{\"é\": 1 2}", &message);
  EXPECT_EQ(at.column, 9) << "columns count code points";
  EXPECT_EQ(message, "expected ',' or '}'");
  SyntaxError("\"open", &message);
  EXPECT_EQ(message, "a string is not closed");
  SyntaxError("1 2", &message);
  EXPECT_EQ(message, "text after the JSON value");
  SyntaxError(std::string(500, '[') + std::string(500, ']'), &message);
  EXPECT_EQ(message, "the JSON is nested too deeply");
}

TEST(PolicyJsonPositionsTest, FindsPaths) {
  const std::string json =
      "{\"versions\": [\n  {\"version\": \"1\"},\n  {\"effective_from\": {\"year\": 1}}]}";
  JsonPosition at = FindJsonPath(json, "versions[1].effectiveFrom.year");
  EXPECT_EQ(at.line, 3);
  EXPECT_EQ(at.column, 23);
  at = FindJsonPath(json, "versions[0].version");
  EXPECT_EQ(at.line, 2);
  EXPECT_EQ(at.column, 4);
  at = FindJsonPath(json, "year");
  EXPECT_EQ(at.line, 3) << "a bare name finds the first key of that name";
  EXPECT_EQ(FindJsonPath(json, "versions[5]").line, 0);
}

}  // namespace
}  // namespace divert::eligibility
