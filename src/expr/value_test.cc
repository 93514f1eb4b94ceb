#include "divert/cel/value.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "divert/v1/encounter.pb.h"
#include "google/protobuf/arena.h"
#include "gtest/gtest.h"

namespace divert::cel {
namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr uint64_t kUint64Max = std::numeric_limits<uint64_t>::max();
const double kNaN = std::nan("");
const double kInf = std::numeric_limits<double>::infinity();

class ValueTest : public ::testing::Test {
 protected:
  Value List(std::vector<Value> elements) {
    return ArenaList(&arena_, elements);
  }
  Value Map(std::vector<std::pair<Value, Value>> entries) {
    auto* stored = google::protobuf::Arena::Create<
        std::vector<std::pair<Value, Value>>>(&arena_, std::move(entries));
    return Value::Map(
        google::protobuf::Arena::Create<ArrayMapValue>(&arena_, *stored,
                                                       &arena_));
  }
  bool Eq(const Value& a, const Value& b) {
    return ValueEquals(a, b, &arena_);
  }

  google::protobuf::Arena arena_;
};

TEST_F(ValueTest, ValueIsSmall) { EXPECT_EQ(sizeof(Value), 24u); }

TEST_F(ValueTest, KindNames) {
  EXPECT_EQ(KindName(ValueKind::kNull), "null_type");
  EXPECT_EQ(KindName(ValueKind::kInt), "int");
  EXPECT_EQ(KindName(ValueKind::kUint), "uint");
  EXPECT_EQ(KindName(ValueKind::kList), "list");
  EXPECT_EQ(KindName(ValueKind::kTimestamp), "google.protobuf.Timestamp");
  EXPECT_EQ(KindName(ValueKind::kDuration), "google.protobuf.Duration");
}

struct NumericCase {
  Value a;
  Value b;
  Ordering expected;
};

TEST_F(ValueTest, NumbersCompareByMathematicalValue) {
  const std::vector<NumericCase> cases = {
      {Value::Int(1), Value::Uint(1), Ordering::kEqual},
      {Value::Int(-1), Value::Uint(0), Ordering::kLess},
      {Value::Uint(kUint64Max), Value::Int(kInt64Max), Ordering::kGreater},
      {Value::Int(1), Value::Double(1.0), Ordering::kEqual},
      {Value::Int(1), Value::Double(1.5), Ordering::kLess},
      {Value::Int(2), Value::Double(1.5), Ordering::kGreater},
      {Value::Int(-2), Value::Double(-1.5), Ordering::kLess},
      {Value::Int(-1), Value::Double(-1.5), Ordering::kGreater},
      // 2^63 - 1 rounds to 2^63 as a double; compared exactly it is less.
      {Value::Int(kInt64Max), Value::Double(9223372036854775808.0),
       Ordering::kLess},
      {Value::Int(kInt64Min), Value::Double(-9223372036854775808.0),
       Ordering::kEqual},
      {Value::Int(kInt64Min), Value::Double(-1e19), Ordering::kGreater},
      // 2^53 + 1 is not a double; the nearest double is 2^53.
      {Value::Int((int64_t{1} << 53) + 1), Value::Double(9007199254740992.0),
       Ordering::kGreater},
      {Value::Uint(kUint64Max), Value::Double(18446744073709551616.0),
       Ordering::kLess},
      {Value::Uint(0), Value::Double(-0.5), Ordering::kGreater},
      {Value::Uint(3), Value::Double(3.25), Ordering::kLess},
      {Value::Double(-kInf), Value::Int(kInt64Min), Ordering::kLess},
      {Value::Double(kInf), Value::Uint(kUint64Max), Ordering::kGreater},
      {Value::Double(0.0), Value::Double(-0.0), Ordering::kEqual},
      {Value::Double(kNaN), Value::Int(1), Ordering::kUnordered},
      {Value::Uint(1), Value::Double(kNaN), Ordering::kUnordered},
      {Value::Double(kNaN), Value::Double(kNaN), Ordering::kUnordered},
  };
  for (const NumericCase& c : cases) {
    SCOPED_TRACE(absl::StrCat(DebugString(c.a), " vs ", DebugString(c.b)));
    EXPECT_EQ(CompareValues(c.a, c.b), c.expected);
    EXPECT_EQ(Eq(c.a, c.b), c.expected == Ordering::kEqual);
    EXPECT_EQ(Eq(c.b, c.a), c.expected == Ordering::kEqual);
  }
}

TEST_F(ValueTest, TwoToThe63AsUintEqualsNoInt) {
  const Value big = Value::Uint(uint64_t{1} << 63);
  EXPECT_FALSE(Eq(big, Value::Int(kInt64Min)));
  EXPECT_FALSE(Eq(big, Value::Int(kInt64Max)));
  EXPECT_EQ(CompareValues(big, Value::Int(kInt64Max)), Ordering::kGreater);
  EXPECT_TRUE(Eq(big, Value::Double(9223372036854775808.0)));
}

TEST_F(ValueTest, DifferentKindsAreUnequalNotErrors) {
  EXPECT_FALSE(Eq(Value::Int(1), Value::String("1")));
  EXPECT_FALSE(Eq(Value::Null(), Value::Bool(false)));
  EXPECT_FALSE(Eq(Value::String("a"), Value::Bytes("a")));
  EXPECT_FALSE(Eq(List({}), Map({})));
  EXPECT_TRUE(Eq(Value::Null(), Value::Null()));
}

TEST_F(ValueTest, ScalarEquality) {
  EXPECT_TRUE(Eq(Value::Bool(true), Value::Bool(true)));
  EXPECT_FALSE(Eq(Value::Bool(true), Value::Bool(false)));
  EXPECT_TRUE(Eq(Value::String("abc"), Value::String("abc")));
  EXPECT_FALSE(Eq(Value::String("abc"), Value::String("abd")));
  EXPECT_TRUE(Eq(Value::Bytes("\x00\x01"), Value::Bytes("\x00\x01")));
  EXPECT_TRUE(Eq(Value::Timestamp(absl::FromUnixSeconds(5)),
                 Value::Timestamp(absl::FromUnixSeconds(5))));
  EXPECT_FALSE(Eq(Value::Timestamp(absl::FromUnixSeconds(5)),
                  Value::Timestamp(absl::FromUnixNanos(5000000001))));
  EXPECT_TRUE(Eq(Value::Duration(absl::Seconds(90)),
                 Value::Duration(absl::Minutes(1.5))));
  EXPECT_FALSE(Eq(Value::Timestamp(absl::UnixEpoch()),
                  Value::Duration(absl::ZeroDuration())));
}

TEST_F(ValueTest, ListsCompareElementWise) {
  EXPECT_TRUE(Eq(List({Value::Int(1), Value::String("a")}),
                 List({Value::Double(1.0), Value::String("a")})));
  EXPECT_FALSE(Eq(List({Value::Int(1)}), List({Value::Int(1), Value::Int(2)})));
  EXPECT_FALSE(Eq(List({Value::Int(1), Value::Int(2)}),
                  List({Value::Int(2), Value::Int(1)})));
  EXPECT_FALSE(Eq(List({Value::Double(kNaN)}), List({Value::Double(kNaN)})));
  EXPECT_TRUE(Eq(List({}), List({})));
  EXPECT_TRUE(Eq(List({List({Value::Int(1)})}), List({List({Value::Uint(1)})})));
}

TEST_F(ValueTest, MapsCompareByKeysAndValuesInAnyOrder) {
  const Value a = Map({{Value::Int(1), Value::String("x")},
                       {Value::String("k"), Value::Bool(true)}});
  const Value b = Map({{Value::String("k"), Value::Bool(true)},
                       {Value::Uint(1), Value::String("x")}});
  EXPECT_TRUE(Eq(a, b));
  const Value c = Map({{Value::String("k"), Value::Bool(false)},
                       {Value::Uint(1), Value::String("x")}});
  EXPECT_FALSE(Eq(a, c));
  const Value d = Map({{Value::String("k"), Value::Bool(true)}});
  EXPECT_FALSE(Eq(a, d));
  const Value e = Map({{Value::String("k"), Value::Bool(true)},
                       {Value::Int(2), Value::String("x")}});
  EXPECT_FALSE(Eq(a, e));
}

TEST_F(ValueTest, MessagesCompareFieldWise) {
  v1::Encounter x, y, z;
  x.set_encounter_id("E1");
  x.set_agency("A");
  y.set_agency("A");
  y.set_encounter_id("E1");
  z.set_encounter_id("E2");
  EXPECT_TRUE(Eq(Value::Message(&x), Value::Message(&y)));
  EXPECT_FALSE(Eq(Value::Message(&x), Value::Message(&z)));
  EXPECT_FALSE(Eq(Value::Message(&x), Value::Message(&x.person())));
}

TEST_F(ValueTest, OrderingOfNonNumbers) {
  EXPECT_EQ(CompareValues(Value::Bool(false), Value::Bool(true)),
            Ordering::kLess);
  EXPECT_EQ(CompareValues(Value::String("a"), Value::String("ab")),
            Ordering::kLess);
  EXPECT_EQ(CompareValues(Value::String("b"), Value::String("ab")),
            Ordering::kGreater);
  // U+00E9 (2 bytes) sorts after 'z' and before U+1F600 (4 bytes).
  EXPECT_EQ(CompareValues(Value::String("\xc3\xa9"), Value::String("z")),
            Ordering::kGreater);
  EXPECT_EQ(CompareValues(Value::String("\xc3\xa9"),
                          Value::String("\xf0\x9f\x98\x80")),
            Ordering::kLess);
  EXPECT_EQ(CompareValues(Value::Bytes("\x01"), Value::Bytes("\xff")),
            Ordering::kLess);
  EXPECT_EQ(CompareValues(Value::Bytes("abc"), Value::Bytes("abc")),
            Ordering::kEqual);
  EXPECT_EQ(CompareValues(Value::Timestamp(absl::FromUnixSeconds(1)),
                          Value::Timestamp(absl::FromUnixSeconds(2))),
            Ordering::kLess);
  EXPECT_EQ(CompareValues(Value::Duration(absl::Seconds(-1)),
                          Value::Duration(absl::Seconds(-2))),
            Ordering::kGreater);
}

TEST_F(ValueTest, OrderingWithoutOverload) {
  EXPECT_EQ(CompareValues(Value::Int(1), Value::String("1")),
            Ordering::kNoOverload);
  EXPECT_EQ(CompareValues(Value::Null(), Value::Null()), Ordering::kNoOverload);
  EXPECT_EQ(CompareValues(List({}), List({})), Ordering::kNoOverload);
  EXPECT_EQ(CompareValues(Value::Bool(true), Value::Int(1)),
            Ordering::kNoOverload);
  EXPECT_EQ(CompareValues(Value::Timestamp(absl::UnixEpoch()),
                          Value::Duration(absl::ZeroDuration())),
            Ordering::kNoOverload);
}

TEST_F(ValueTest, SmallMapFindsNumericKeysAcrossKinds) {
  const Value m = Map({{Value::Int(1), Value::String("int")},
                       {Value::Uint(2), Value::String("uint")},
                       {Value::String("s"), Value::String("string")},
                       {Value::Bool(true), Value::String("bool")}});
  Value found;
  ASSERT_TRUE(m.map().Find(Value::Uint(1), &arena_, &found));
  EXPECT_EQ(found.string_value(), "int");
  ASSERT_TRUE(m.map().Find(Value::Double(1.0), &arena_, &found));
  EXPECT_EQ(found.string_value(), "int");
  ASSERT_TRUE(m.map().Find(Value::Int(2), &arena_, &found));
  EXPECT_EQ(found.string_value(), "uint");
  ASSERT_TRUE(m.map().Find(Value::Double(2.0), &arena_, &found));
  EXPECT_EQ(found.string_value(), "uint");
  ASSERT_TRUE(m.map().Find(Value::Bool(true), &arena_, &found));
  EXPECT_EQ(found.string_value(), "bool");
  ASSERT_TRUE(m.map().Find(Value::String("s"), &arena_, &found));
  EXPECT_EQ(found.string_value(), "string");
  EXPECT_FALSE(m.map().Find(Value::Double(1.5), &arena_, &found));
  EXPECT_FALSE(m.map().Find(Value::Double(kNaN), &arena_, &found));
  EXPECT_FALSE(m.map().Find(Value::Int(-1), &arena_, &found));
  EXPECT_FALSE(m.map().Find(Value::Bool(false), &arena_, &found));
  EXPECT_FALSE(m.map().Find(Value::String("t"), &arena_, &found));
  EXPECT_FALSE(m.map().Find(Value::Null(), &arena_, &found));
}

TEST_F(ValueTest, LargeMapUsesSortedIndex) {
  std::vector<std::pair<Value, Value>> entries;
  std::vector<std::string>* names =
      google::protobuf::Arena::Create<std::vector<std::string>>(&arena_);
  names->reserve(100);
  for (int i = 0; i < 100; ++i) {
    names->push_back(absl::StrCat("key", i));
  }
  for (int i = 0; i < 100; ++i) {
    // Mixed kinds, out of order.
    const int k = (i * 37) % 100;
    if (k % 3 == 0) {
      entries.emplace_back(Value::Int(k - 50), Value::Int(k));
    } else if (k % 3 == 1) {
      entries.emplace_back(Value::Uint(static_cast<uint64_t>(k) + 1000),
                           Value::Int(k));
    } else {
      entries.emplace_back(Value::String((*names)[k]), Value::Int(k));
    }
  }
  entries.emplace_back(Value::Bool(false), Value::Int(-1));
  entries.emplace_back(Value::Uint(kUint64Max), Value::Int(-2));
  entries.emplace_back(Value::Int(kInt64Min), Value::Int(-3));
  const Value m = Map(entries);
  ASSERT_EQ(m.map().size(), 103u);
  for (const auto& [key, value] : entries) {
    Value found;
    SCOPED_TRACE(DebugString(key));
    ASSERT_TRUE(m.map().Find(key, &arena_, &found));
    EXPECT_EQ(found.int_value(), value.int_value());
  }
  Value found;
  // k = 3 is stored as int -47; k = 4 as uint 1004.
  ASSERT_TRUE(m.map().Find(Value::Double(-47.0), &arena_, &found));
  EXPECT_EQ(found.int_value(), 3);
  ASSERT_TRUE(m.map().Find(Value::Int(1004), &arena_, &found));
  EXPECT_EQ(found.int_value(), 4);
  ASSERT_TRUE(m.map().Find(Value::Double(1004.0), &arena_, &found));
  EXPECT_EQ(found.int_value(), 4);
  ASSERT_TRUE(m.map().Find(Value::Double(18446744073709549568.0), &arena_,
                           &found) == false);
  EXPECT_FALSE(m.map().Find(Value::Double(1004.5), &arena_, &found));
  EXPECT_FALSE(m.map().Find(Value::Bool(true), &arena_, &found));
  EXPECT_FALSE(m.map().Find(Value::String("key0x"), &arena_, &found));
  EXPECT_FALSE(m.map().Find(Value::Int(-48), &arena_, &found));
}

TEST_F(ValueTest, MapKeysInEntryOrder) {
  const Value m = Map({{Value::String("b"), Value::Int(1)},
                       {Value::String("a"), Value::Int(2)}});
  const ListValue* keys = m.map().Keys(&arena_);
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ(keys->Get(0, &arena_).string_value(), "b");
  EXPECT_EQ(keys->Get(1, &arena_).string_value(), "a");
}

TEST_F(ValueTest, ValidMapKeys) {
  EXPECT_TRUE(ValidMapKey(Value::Bool(true)));
  EXPECT_TRUE(ValidMapKey(Value::Int(1)));
  EXPECT_TRUE(ValidMapKey(Value::Uint(1)));
  EXPECT_TRUE(ValidMapKey(Value::String("a")));
  EXPECT_FALSE(ValidMapKey(Value::Double(1.0)));
  EXPECT_FALSE(ValidMapKey(Value::Null()));
  EXPECT_FALSE(ValidMapKey(Value::Bytes("a")));
  EXPECT_FALSE(ValidMapKey(List({})));
}

TEST_F(ValueTest, ErrorsAndOverloadMessages) {
  const Value e = MakeError(&arena_, absl::OutOfRangeError("integer overflow"));
  ASSERT_TRUE(e.IsError());
  EXPECT_TRUE(e.IsErrorOrUnknown());
  EXPECT_EQ(e.error().status().message(), "integer overflow");

  const Value args[] = {Value::Int(1), Value::String("Jane Doe")};
  const Value n = NoMatchingOverload(&arena_, "_+_", args);
  ASSERT_TRUE(n.IsError());
  EXPECT_EQ(n.error().status().message(),
            "no matching overload for '_+_' applied to (int, string)");

  v1::Encounter encounter;
  const Value margs[] = {Value::Message(&encounter)};
  EXPECT_EQ(NoMatchingOverload(&arena_, "size", margs)
                .error()
                .status()
                .message(),
            "no matching overload for 'size' applied to (divert.v1.Encounter)");
}

TEST_F(ValueTest, UnknownsAreSortedAndMerged) {
  const Value a = MakeUnknown(&arena_, {"b", "a", "b"});
  ASSERT_TRUE(a.IsUnknown());
  EXPECT_EQ(std::vector<std::string>(a.unknown().attributes().begin(),
                                     a.unknown().attributes().end()),
            (std::vector<std::string>{"a", "b"}));
  const Value b = MakeUnknown(&arena_, {"c", "a"});
  const Value merged = MergeUnknowns(&arena_, a, b);
  EXPECT_EQ(std::vector<std::string>(merged.unknown().attributes().begin(),
                                     merged.unknown().attributes().end()),
            (std::vector<std::string>{"a", "b", "c"}));
  const Value err = MakeError(&arena_, absl::InternalError("x"));
  EXPECT_TRUE(MergeUnknowns(&arena_, a, err).IsUnknown());
  EXPECT_TRUE(MergeUnknowns(&arena_, err, b).IsUnknown());
}

TEST_F(ValueTest, ArenaCopiesOutliveTheirSource) {
  Value s, b, l;
  {
    std::string text = "temporary";
    s = ArenaString(&arena_, text);
    b = ArenaBytes(&arena_, text);
    std::vector<Value> elements = {Value::Int(1), Value::Int(2)};
    l = ArenaList(&arena_, elements);
    text.assign("overwritten");
    elements[0] = Value::Int(99);
  }
  EXPECT_EQ(s.kind(), ValueKind::kString);
  EXPECT_EQ(s.string_value(), "temporary");
  EXPECT_EQ(b.kind(), ValueKind::kBytes);
  EXPECT_EQ(b.bytes_value(), "temporary");
  ASSERT_EQ(l.list().size(), 2u);
  EXPECT_EQ(l.list().Get(0, &arena_).int_value(), 1);
  EXPECT_EQ(ArenaString(&arena_, "").string_value(), "");
  EXPECT_EQ(ArenaList(&arena_, {}).list().size(), 0u);
}

TEST_F(ValueTest, DebugStrings) {
  EXPECT_EQ(DebugString(Value::Null()), "null");
  EXPECT_EQ(DebugString(Value::Bool(true)), "true");
  EXPECT_EQ(DebugString(Value::Int(-3)), "-3");
  EXPECT_EQ(DebugString(Value::Uint(3)), "3u");
  EXPECT_EQ(DebugString(Value::Double(2.5)), "2.5");
  EXPECT_EQ(DebugString(Value::Double(1.0)), "1.0");
  EXPECT_EQ(DebugString(Value::Double(0.1)), "0.1");
  EXPECT_EQ(DebugString(Value::Double(1e100)), "1e+100");
  EXPECT_EQ(DebugString(Value::Double(kNaN)), "NaN");
  EXPECT_EQ(DebugString(Value::Double(-kInf)), "-Infinity");
  EXPECT_EQ(DebugString(Value::String("a\"b\n")), "\"a\\\"b\\n\"");
  EXPECT_EQ(DebugString(Value::Bytes("\xff" "a")), "b\"\\xffa\"");
  EXPECT_EQ(DebugString(List({Value::Int(1), Value::String("a"),
                              Value::Double(2.5)})),
            "[1, \"a\", 2.5]");
  EXPECT_EQ(DebugString(Map({{Value::String("k"), List({})}})),
            "{\"k\": []}");
  EXPECT_EQ(DebugString(Value::Timestamp(absl::FromUnixMillis(1500))),
            "timestamp(\"1970-01-01T00:00:01.5Z\")");
  EXPECT_EQ(DebugString(Value::Duration(absl::Milliseconds(-1500))),
            "duration(\"-1.5s\")");
  EXPECT_EQ(DebugString(Value::Duration(absl::Seconds(3600))),
            "duration(\"3600s\")");
  EXPECT_EQ(DebugString(MakeUnknown(&arena_, {"x", "a.b"})),
            "unknown(a.b, x)");
  EXPECT_EQ(DebugString(MakeError(&arena_, absl::OutOfRangeError("range"))),
            "error(OUT_OF_RANGE: range)");
}

}  // namespace
}  // namespace divert::cel
