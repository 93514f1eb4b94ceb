// Tests of BindJson, ValueToJson and ResultToJson: bindings as JSON in,
// results as JSON out, the way the C ABI uses them.
#include "expr/json_values.h"

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "divert/cel/cel.h"
#include "divert/cel/value.h"
#include "gmock/gmock.h"
#include "google/protobuf/arena.h"
#include "gtest/gtest.h"

namespace divert::cel {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Compiles `expr` against `declarations`, binds `bindings` and returns the
// result as ResultToJson encodes it, or the first status that failed.
absl::StatusOr<std::string> EvalJson(
    const std::string& expr,
    const std::vector<std::pair<std::string, std::string>>& declarations,
    const std::string& bindings, const std::string& container = "") {
  Environment env;
  env.set_container(container);
  for (const auto& [name, type] : declarations) {
    absl::Status declared = env.DeclareVariable(name, type);
    if (!declared.ok()) return declared;
  }
  absl::StatusOr<std::shared_ptr<const Program>> program = env.Compile(expr);
  if (!program.ok()) return program.status();
  Activation activation(**program);
  absl::Status bound = BindJson(bindings, **program, activation);
  if (!bound.ok()) return bound;
  return ResultToJson((*program)->Evaluate(activation));
}

// The same, unchecked: every variable is dyn.
absl::StatusOr<std::string> EvalUnchecked(const std::string& expr,
                                         const std::string& bindings) {
  Environment env;
  absl::StatusOr<std::shared_ptr<const Program>> program =
      env.CompileUnchecked(expr);
  if (!program.ok()) return program.status();
  Activation activation(**program);
  absl::Status bound = BindJson(bindings, **program, activation);
  if (!bound.ok()) return bound;
  return ResultToJson((*program)->Evaluate(activation));
}

TEST(BindJsonTest, BindsEveryScalarTypeAsDeclared) {
  absl::StatusOr<std::string> result =
      EvalJson("[i, u, d, s, b, t, n]",
          {{"i", "int"},
           {"u", "uint"},
           {"d", "double"},
           {"s", "string"},
           {"b", "bytes"},
           {"t", "bool"},
           {"n", "null_type"}},
          R"({"i": -7, "u": 7, "d": 2, "s": "caf\u00e9", "b": "AP8=",
              "t": true, "n": null})");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(*result,
            "{\"value\":[-7,7,2.0,\"caf\xc3\xa9\",\"AP8=\",true,null]}");
}

TEST(BindJsonTest, IntsBeyondTwoToTheFiftyThreeComeAsDecimalStrings) {
  EXPECT_EQ(*EvalJson("i + 0", {{"i", "int"}}, R"({"i": "9223372036854775807"})"),
            "{\"value\":9223372036854775807}");
  EXPECT_EQ(*EvalJson("u", {{"u", "uint"}}, R"({"u": "18446744073709551615"})"),
            "{\"value\":18446744073709551615}");
  absl::StatusOr<std::string> imprecise =
      EvalJson("i", {{"i", "int"}}, R"({"i": 9223372036854775807})");
  ASSERT_FALSE(imprecise.ok());
  EXPECT_THAT(imprecise.status().message(), HasSubstr("decimal string"));
  EXPECT_FALSE(EvalJson("i", {{"i", "int"}}, R"({"i": "9223372036854775808"})").ok());
  EXPECT_FALSE(EvalJson("i", {{"i", "int"}}, R"({"i": 1.5})").ok());
  EXPECT_FALSE(EvalJson("u", {{"u", "uint"}}, R"({"u": -1})").ok());
  EXPECT_FALSE(EvalJson("u", {{"u", "uint"}}, R"({"u": "-1"})").ok());
}

TEST(BindJsonTest, ErrorsNameThePathButNeverTheValue) {
  absl::StatusOr<std::string> result =
      EvalJson("age > 1", {{"age", "int"}}, R"({"age": "Jane Doe"})");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("bindings.age: expected an int"));
  EXPECT_THAT(result.status().message(), Not(HasSubstr("Jane")));

  result = EvalJson("size(xs)", {{"xs", "list(int)"}}, R"({"xs": [1, "Smith"]})");
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr("bindings.xs[1]: expected an int, got a string"));

  result = EvalJson("size(xs)", {{"xs", "list(bool)"}}, R"({"xs": [true, 3]})");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(std::string(result.status().message()),
            "bindings.xs[1]: expected a bool, got a number");

  result = EvalJson("size(m)", {{"m", "map(string, int)"}},
               R"({"m": {"Jane Doe": true}})");
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(), HasSubstr("bindings.m[key #1]"));
  EXPECT_THAT(result.status().message(), Not(HasSubstr("Jane")));
}

TEST(BindJsonTest, DoublesAcceptProtoJsonSpellingsOfSpecialValues) {
  EXPECT_EQ(*EvalJson("d", {{"d", "double"}}, R"({"d": "NaN"})"),
            "{\"value\":\"NaN\"}");
  EXPECT_EQ(*EvalJson("d < 0.0", {{"d", "double"}}, R"({"d": "-Infinity"})"),
            "{\"value\":true}");
  EXPECT_FALSE(EvalJson("d", {{"d", "double"}}, R"({"d": "1.5"})").ok());
}

TEST(BindJsonTest, BytesAreBase64) {
  EXPECT_EQ(*EvalJson("size(b)", {{"b", "bytes"}}, R"({"b": "aGVsbG8="})"),
            "{\"value\":5}");
  absl::StatusOr<std::string> bad =
      EvalJson("size(b)", {{"b", "bytes"}}, R"({"b": "not base64!"})");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("base64"));
}

TEST(BindJsonTest, TimestampsAndDurations) {
  EXPECT_EQ(*EvalJson("t + d",
                 {{"t", "google.protobuf.Timestamp"},
                  {"d", "google.protobuf.Duration"}},
                 R"({"t": "2024-03-14T22:05:00.5Z", "d": "1.5s"})"),
            "{\"value\":\"2024-03-14T22:05:02Z\"}");
  EXPECT_EQ(*EvalJson("d", {{"d", "google.protobuf.Duration"}},
                 R"({"d": "1h30m"})"),
            "{\"value\":\"5400s\"}");
  EXPECT_EQ(*EvalJson("t", {{"t", "google.protobuf.Timestamp"}},
                 R"({"t": "2024-03-14T23:05:00+01:00"})"),
            "{\"value\":\"2024-03-14T22:05:00Z\"}");
  absl::StatusOr<std::string> bad = EvalJson(
      "t", {{"t", "google.protobuf.Timestamp"}}, R"({"t": "yesterday"})");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("RFC 3339"));
  EXPECT_THAT(bad.status().message(), Not(HasSubstr("yesterday")));
}

TEST(BindJsonTest, ListsAndMapsFollowTheirElementTypes) {
  EXPECT_EQ(*EvalJson("m[2] + xs[0]", {{"m", "map(int, string)"},
                                  {"xs", "list(string)"}},
                 R"({"m": {"2": "b", "1": "a"}, "xs": ["!"]})"),
            "{\"value\":\"b!\"}");
  EXPECT_EQ(*EvalJson("m[true]", {{"m", "map(bool, int)"}},
                 R"({"m": {"true": 1, "false": 0}})"),
            "{\"value\":1}");
  absl::StatusOr<std::string> duplicate =
      EvalJson("size(m)", {{"m", "map(int, int)"}}, R"({"m": {"1": 1, "01": 2}})");
  ASSERT_FALSE(duplicate.ok());
  EXPECT_THAT(duplicate.status().message(), HasSubstr("twice"));
}

TEST(BindJsonTest, MessagesFromProto3Json) {
  const std::string encounter = R"({"encounter": {
      "person": {"age": 34},
      "charges": [{"level": "MISDEMEANOR"}, {"level": 1}],
      "occurredAt": "2024-03-14T22:05:00Z"}})";
  EXPECT_EQ(*EvalJson("encounter.person.age", {{"encounter", "divert.v1.Encounter"}},
                 encounter),
            "{\"value\":34}");
  EXPECT_EQ(*EvalJson("encounter.charges.filter(c, c.level == OffenseLevel.FELONY)"
                 ".size()",
                 {{"encounter", "divert.v1.Encounter"}}, encounter,
                 "divert.v1"),
            "{\"value\":1}");
  EXPECT_EQ(*EvalJson("encounter.occurred_at", {{"encounter", "divert.v1.Encounter"}},
                 encounter),
            "{\"value\":\"2024-03-14T22:05:00Z\"}");

  absl::StatusOr<std::string> bad =
      EvalJson("encounter.person.age", {{"encounter", "divert.v1.Encounter"}},
          R"({"encounter": {"person": {"age": "Smith"}}})");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(),
              HasSubstr("bindings.encounter.person.age: invalid value"));
  EXPECT_THAT(bad.status().message(), Not(HasSubstr("Smith")));

  bad = EvalJson("encounter.person.age", {{"encounter", "divert.v1.Encounter"}},
            R"({"encounter": [1]})");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(),
              HasSubstr("expected a divert.v1.Encounter"));
}

TEST(BindJsonTest, MessageResultsAreProto3JsonWithFieldNames) {
  EXPECT_EQ(*EvalJson("encounter.person", {{"encounter", "divert.v1.Encounter"}},
                 R"({"encounter": {"person": {"age": 34, "personKey": "P-1"}}})"),
            "{\"value\":{\"person_key\":\"P-1\",\"age\":34}}");
}

TEST(BindJsonTest, EnumsByNumberOrName) {
  EXPECT_EQ(*EvalJson("level == divert.v1.OffenseLevel.FELONY",
                 {{"level", "divert.v1.OffenseLevel"}},
                 R"({"level": "FELONY"})"),
            "{\"value\":true}");
  EXPECT_EQ(*EvalJson("level", {{"level", "divert.v1.OffenseLevel"}},
                 R"({"level": 2})"),
            "{\"value\":2}");
  EXPECT_FALSE(EvalJson("level", {{"level", "divert.v1.OffenseLevel"}},
                   R"({"level": "SEVERE"})")
                   .ok());
}

TEST(BindJsonTest, DynValuesTakeTheirJsonShape) {
  EXPECT_EQ(*EvalUnchecked("x", R"({"x": {"b": [1, 2.5, "s", null, true],
                                         "a": {}}})"),
            "{\"value\":{\"a\":{},\"b\":[1,2.5,\"s\",null,true]}}");
  // An integral number is an int; CEL does not mix int and double.
  EXPECT_EQ(*EvalUnchecked("x + 1", R"({"x": 41})"), "{\"value\":42}");
}

TEST(BindJsonTest, IgnoresNamesNoProgramReads) {
  EXPECT_EQ(*EvalJson("age", {{"age", "int"}}, R"({"age": 3, "other": "x"})"),
            "{\"value\":3}");
  EXPECT_EQ(*EvalUnchecked("1", R"({"other": "x"})"), "{\"value\":1}");
  EXPECT_EQ(*EvalUnchecked("2", ""), "{\"value\":2}");
}

TEST(BindJsonTest, RejectsWhatIsNotAJsonObject) {
  for (const char* bindings : {"[1]", "3", "{\"a\": ", "{\"a\": 1e999}"}) {
    absl::StatusOr<std::string> result = EvalUnchecked("1", bindings);
    ASSERT_FALSE(result.ok()) << bindings;
    EXPECT_THAT(result.status().message(), HasSubstr("bindings: not a JSON object"));
  }
}

TEST(ValueToJsonTest, Scalars) {
  EXPECT_EQ(*ValueToJson(Value::Null()), "null");
  EXPECT_EQ(*ValueToJson(Value::Bool(false)), "false");
  EXPECT_EQ(*ValueToJson(Value::Int(-9223372036854775807 - 1)),
            "-9223372036854775808");
  EXPECT_EQ(*ValueToJson(Value::Uint(18446744073709551615u)),
            "18446744073709551615");
  EXPECT_EQ(*ValueToJson(Value::Double(2)), "2.0");
  EXPECT_EQ(*ValueToJson(Value::Double(0.1)), "0.1");
  EXPECT_EQ(*ValueToJson(Value::Double(1e20)), "1e+20");
  EXPECT_EQ(*ValueToJson(Value::Double(std::nan(""))), "\"NaN\"");
  EXPECT_EQ(*ValueToJson(Value::Double(-std::numeric_limits<double>::infinity())),
            "\"-Infinity\"");
  EXPECT_EQ(*ValueToJson(Value::String("a\"b\\c\n\x01")),
            "\"a\\\"b\\\\c\\n\\u0001\"");
  EXPECT_EQ(*ValueToJson(Value::Bytes(absl::string_view("\0\xff", 2))),
            "\"AP8=\"");
  EXPECT_EQ(*ValueToJson(Value::Timestamp(absl::FromUnixSeconds(0))),
            "\"1970-01-01T00:00:00Z\"");
  EXPECT_EQ(*ValueToJson(Value::Timestamp(absl::FromUnixMillis(-1))),
            "\"1969-12-31T23:59:59.999Z\"");
  EXPECT_EQ(*ValueToJson(Value::Duration(absl::Milliseconds(-250))),
            "\"-0.25s\"");
  EXPECT_EQ(*ValueToJson(Value::Duration(absl::Hours(1))), "\"3600s\"");
}

TEST(ValueToJsonTest, ListsAndMaps) {
  google::protobuf::Arena arena;
  Value elements[] = {Value::Int(1), Value::String("x")};
  Value list = ArenaList(&arena, elements);
  EXPECT_EQ(*ValueToJson(list), "[1,\"x\"]");
  auto* entries = google::protobuf::Arena::Create<
      std::vector<std::pair<Value, Value>>>(&arena);
  entries->emplace_back(Value::Int(7), list);
  entries->emplace_back(Value::Bool(true), Value::Null());
  Value map = Value::Map(google::protobuf::Arena::Create<ArrayMapValue>(
      &arena, absl::MakeConstSpan(*entries), &arena));
  EXPECT_EQ(*ValueToJson(map), "{\"7\":[1,\"x\"],\"true\":null}");
}

TEST(ResultToJsonTest, ValuesUnknownsAndErrors) {
  google::protobuf::Arena arena;
  EXPECT_EQ(*ResultToJson(Value::Bool(true)), "{\"value\":true}");
  EXPECT_EQ(*ResultToJson(MakeUnknown(&arena, {"b.c", "a"})),
            "{\"unknown\":[\"a\",\"b.c\"]}");
  absl::StatusOr<std::string> error = ResultToJson(
      MakeError(&arena, absl::InvalidArgumentError("division by zero")));
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(std::string(error.status().message()), "division by zero");
  // An error inside a list is the list's error.
  Value elements[] = {
      Value::Int(1), MakeError(&arena, absl::OutOfRangeError("overflow"))};
  EXPECT_EQ(
      std::string(ResultToJson(ArenaList(&arena, elements)).status().message()),
      "overflow");
}

}  // namespace
}  // namespace divert::cel
