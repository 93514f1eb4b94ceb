// Runs the CEL specification's conformance vectors for the policy subset
// (tests/cel/policy_subset.jsonl) through the engine: compile (checked, or
// unchecked where the vector disables checking), bind, evaluate, compare.
// Prints "N passed, M failed, K skipped" and requires 98% to pass.
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "divert/cel/cel.h"
#include "divert/cel/value.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace divert::cel {
namespace {

using google::protobuf::ListValue;
using google::protobuf::Struct;
using JsonValue = google::protobuf::Value;

std::string VectorsPath(absl::string_view name) {
  return absl::StrCat(DIVERT_SOURCE_DIR, "/tests/cel/", name);
}

// The skip list: "<vector id>\t<reason>" per line, '#' comments.
absl::flat_hash_map<std::string, std::string> ReadSkipList() {
  absl::flat_hash_map<std::string, std::string> skips;
  std::ifstream in(VectorsPath("skipped.txt"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> parts = absl::StrSplit(line, absl::MaxSplits('\t', 1));
    skips[parts[0]] = parts.size() > 1 ? parts[1] : "";
  }
  return skips;
}

absl::StatusOr<absl::Duration> ParseDurationText(absl::string_view text) {
  absl::Duration d;
  if (!absl::ParseDuration(text, &d)) {
    return absl::InvalidArgumentError(absl::StrCat("bad duration ", text));
  }
  return d;
}

// Converts a vector's value notation ({"int": "1"}, {"list": [...]}, ...)
// into a Value whose storage lives on `arena`.
absl::StatusOr<Value> ToValue(const JsonValue& json, Arena* arena) {
  if (!json.has_struct_value() || json.struct_value().fields_size() != 1) {
    return absl::InvalidArgumentError("a value must be a one-key object");
  }
  const auto& [kind, v] = *json.struct_value().fields().begin();
  if (kind == "null") return Value::Null();
  if (kind == "bool") return Value::Bool(v.bool_value());
  if (kind == "int") {
    int64_t i;
    if (!absl::SimpleAtoi(v.string_value(), &i)) {
      return absl::InvalidArgumentError("bad int");
    }
    return Value::Int(i);
  }
  if (kind == "uint") {
    uint64_t u;
    if (!absl::SimpleAtoi(v.string_value(), &u)) {
      return absl::InvalidArgumentError("bad uint");
    }
    return Value::Uint(u);
  }
  if (kind == "double") {
    if (v.has_number_value()) return Value::Double(v.number_value());
    const std::string& s = v.string_value();
    if (s == "NaN") return Value::Double(std::nan(""));
    if (s == "Infinity") return Value::Double(HUGE_VAL);
    if (s == "-Infinity") return Value::Double(-HUGE_VAL);
    return absl::InvalidArgumentError("bad double");
  }
  if (kind == "string") return ArenaString(arena, v.string_value());
  if (kind == "bytes_b64") {
    std::string bytes;
    if (!absl::Base64Unescape(v.string_value(), &bytes)) {
      return absl::InvalidArgumentError("bad base64");
    }
    return ArenaBytes(arena, bytes);
  }
  if (kind == "list") {
    std::vector<Value> elements;
    for (const JsonValue& e : v.list_value().values()) {
      absl::StatusOr<Value> element = ToValue(e, arena);
      if (!element.ok()) return element.status();
      elements.push_back(*element);
    }
    return ArenaList(arena, elements);
  }
  if (kind == "map") {
    auto* entries =
        google::protobuf::Arena::Create<std::vector<std::pair<Value, Value>>>(
            arena);
    for (const JsonValue& pair : v.list_value().values()) {
      if (pair.list_value().values_size() != 2) {
        return absl::InvalidArgumentError("a map entry needs a key and value");
      }
      absl::StatusOr<Value> key = ToValue(pair.list_value().values(0), arena);
      absl::StatusOr<Value> value = ToValue(pair.list_value().values(1), arena);
      if (!key.ok()) return key.status();
      if (!value.ok()) return value.status();
      entries->emplace_back(*key, *value);
    }
    return Value::Map(
        google::protobuf::Arena::Create<ArrayMapValue>(arena, *entries, arena));
  }
  if (kind == "timestamp") {
    absl::Time t;
    std::string err;
    if (!absl::ParseTime(absl::RFC3339_full, v.string_value(), &t, &err)) {
      return absl::InvalidArgumentError("bad timestamp");
    }
    return Value::Timestamp(t);
  }
  if (kind == "duration") {
    absl::StatusOr<absl::Duration> d = ParseDurationText(v.string_value());
    if (!d.ok()) return d.status();
    return Value::Duration(*d);
  }
  return absl::UnimplementedError(absl::StrCat("value kind ", kind));
}

// Exact equality for checking results: kinds must match (an int result is
// not a uint), any NaN matches any NaN, maps compare without order.
bool SameValue(const Value& a, const Value& b, Arena* arena) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case ValueKind::kDouble:
      if (std::isnan(a.double_value()) && std::isnan(b.double_value())) {
        return true;
      }
      return a.double_value() == b.double_value();
    case ValueKind::kList: {
      if (a.list().size() != b.list().size()) return false;
      for (size_t i = 0; i < a.list().size(); ++i) {
        if (!SameValue(a.list().Get(i, arena), b.list().Get(i, arena), arena)) {
          return false;
        }
      }
      return true;
    }
    case ValueKind::kMap: {
      if (a.map().size() != b.map().size()) return false;
      const cel::ListValue* keys = a.map().Keys(arena);
      for (size_t i = 0; i < keys->size(); ++i) {
        Value key = keys->Get(i, arena);
        Value va, vb;
        if (!a.map().Find(key, arena, &va) || !b.map().Find(key, arena, &vb)) {
          return false;
        }
        if (!SameValue(va, vb, arena)) return false;
      }
      return true;
    }
    default:
      return ValueEquals(a, b, arena);
  }
}

std::string TypeOfDecl(const JsonValue& decl) {
  return decl.struct_value().fields().at("ident").string_value();
}

enum class Outcome { kPassed, kFailed };

struct Result {
  Outcome outcome;
  std::string detail;
};

Result RunVector(const Struct& vector) {
  const auto& f = vector.fields();
  const std::string& expr = f.at("expr").string_value();
  const Struct& expect = f.at("expect").struct_value();
  bool expect_error = expect.fields().contains("error");

  Environment env;
  for (const JsonValue& decl : f.at("type_env").list_value().values()) {
    const auto& d = decl.struct_value().fields();
    if (!d.contains("ident")) return {Outcome::kFailed, "function decl"};
    absl::Status declared =
        env.DeclareVariable(d.at("name").string_value(), TypeOfDecl(decl));
    if (!declared.ok()) return {Outcome::kFailed, declared.ToString()};
  }
  bool unchecked = f.at("disable_check").bool_value();
  absl::StatusOr<std::shared_ptr<const Program>> program =
      unchecked ? env.CompileUnchecked(expr) : env.Compile(expr);
  if (!program.ok()) {
    if (expect_error) return {Outcome::kPassed, ""};
    return {Outcome::kFailed, std::string(program.status().message())};
  }
  if (expect.fields().contains("deduced_type")) {
    const std::string& want = expect.fields().at("deduced_type").string_value();
    if ((*program)->result_type() != want) {
      return {Outcome::kFailed, absl::StrCat("deduced type ",
                                             (*program)->result_type(),
                                             ", want ", want)};
    }
  }

  Activation activation(**program);
  Arena* arena = activation.arena();
  if (f.contains("bindings")) {
    for (const auto& [name, binding] : f.at("bindings").struct_value().fields()) {
      absl::StatusOr<Value> value = ToValue(binding, arena);
      if (!value.ok()) return {Outcome::kFailed, value.status().ToString()};
      activation.Bind(name, *value);
    }
  }
  Value result = (*program)->Evaluate(activation);
  if (expect_error) {
    if (result.IsError()) return {Outcome::kPassed, ""};
    return {Outcome::kFailed, absl::StrCat("want an error, got ",
                                           DebugString(result))};
  }
  absl::StatusOr<Value> want = ToValue(expect.fields().at("value"), arena);
  if (!want.ok()) return {Outcome::kFailed, want.status().ToString()};
  if (result.IsError()) {
    return {Outcome::kFailed,
            absl::StrCat("error: ", result.error().status().message())};
  }
  if (!SameValue(result, *want, arena)) {
    return {Outcome::kFailed, absl::StrCat("got ", DebugString(result),
                                           ", want ", DebugString(*want))};
  }
  return {Outcome::kPassed, ""};
}

TEST(CelConformanceTest, PolicySubsetPasses) {
  std::ifstream in(VectorsPath("policy_subset.jsonl"));
  ASSERT_TRUE(in) << "cannot open the conformance vectors";
  absl::flat_hash_map<std::string, std::string> skips = ReadSkipList();
  int passed = 0, failed = 0, skipped = 0;
  std::string line;
  while (std::getline(in, line)) {
    Struct vector;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &vector).ok());
    const std::string& id = vector.fields().at("id").string_value();
    if (auto skip = skips.find(id); skip != skips.end()) {
      ASSERT_FALSE(skip->second.empty()) << id << " is skipped without a reason";
      ++skipped;
      continue;
    }
    Result result = RunVector(vector);
    if (result.outcome == Outcome::kPassed) {
      ++passed;
    } else {
      ++failed;
      std::cout << "FAILED " << id << ": "
                << vector.fields().at("expr").string_value() << " -> "
                << result.detail << "\n";
    }
  }
  int total = passed + failed + skipped;
  std::cout << "conformance: " << passed << " passed, " << failed
            << " failed, " << skipped << " skipped\n";
  EXPECT_EQ(total, 834);
  EXPECT_GE(passed * 100, total * 98)
      << "at least 98% of the vectors must pass";
}

}  // namespace
}  // namespace divert::cel
