// The JSON parser's messages, read for where the problem is and never for
// the value the input held there.
#include "capi/json_errors.h"

#include "gtest/gtest.h"

namespace divert::capi {
namespace {

TEST(JsonErrorsTest, AnInvalidValueIsNamedByItsFieldOnly) {
  const JsonError error =
      ReadJsonError("(people[0].age): invalid value \"Jane Doe\" for type int32");
  EXPECT_EQ(error.path, "people[0].age");
  EXPECT_EQ(error.unknown_field, "");
  EXPECT_EQ(JsonProblem("(people[0].age): invalid value \"Jane Doe\" for type int32"),
            "people[0].age: not a valid value for this field");
}

TEST(JsonErrorsTest, AnUnknownFieldIsNamedWithWhereItIs) {
  const JsonError nested = ReadJsonError("(people[0]) personKy: Cannot find field.");
  EXPECT_EQ(nested.path, "people[0]");
  EXPECT_EQ(nested.unknown_field, "personKy");
  EXPECT_EQ(JsonProblem("(people[0]) personKy: Cannot find field."),
            "people[0]: unknown field 'personKy'");
  const JsonError top = ReadJsonError("bogus: Cannot find field.");
  EXPECT_EQ(top.path, "");
  EXPECT_EQ(top.unknown_field, "bogus");
  EXPECT_EQ(JsonProblem("bogus: Cannot find field."), "unknown field 'bogus'");
}

TEST(JsonErrorsTest, ASyntaxErrorKeepsOnlyItsFirstLine) {
  const std::string message =
      "Unexpected token.\n{\"personKey\": \"Jane Doe\" \"x\"}\n            ^";
  EXPECT_EQ(ReadJsonError(message).path, "");
  EXPECT_EQ(JsonProblem(message), "Unexpected token.");
}

}  // namespace
}  // namespace divert::capi
