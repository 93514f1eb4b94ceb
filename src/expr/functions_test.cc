#include "expr/functions.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "divert/cel/value.h"
#include "expr/functions_internal.h"
#include "google/protobuf/arena.h"
#include "gtest/gtest.h"

namespace divert::cel {
namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr uint64_t kUint64Max = std::numeric_limits<uint64_t>::max();
const double kNaN = std::nan("");
const double kInf = std::numeric_limits<double>::infinity();

// What a call should produce: a value, or an error whose message contains
// `error`.
struct Expected {
  static Expected Is(Value v) { return {v, ""}; }
  static Expected Fails(std::string message) {
    return {Value(), std::move(message)};
  }
  Value value;
  std::string error;
};

class FunctionsTest : public ::testing::Test {
 protected:
  // Calls `name` with `args` (global style, or receiver style when
  // `receiver`), failing the test when no such function is registered.
  Value Call(absl::string_view name, std::vector<Value> args,
             bool receiver = false) {
    FunctionImpl impl =
        FindFunction(name, static_cast<int>(args.size()), receiver);
    EXPECT_NE(impl, nullptr) << name << "/" << args.size();
    if (impl == nullptr) return Value();
    return impl(args, &arena_);
  }
  Value Method(absl::string_view name, std::vector<Value> args) {
    return Call(name, std::move(args), /*receiver=*/true);
  }

  void ExpectResult(const Value& actual, const Expected& expected) {
    if (!expected.error.empty()) {
      ASSERT_TRUE(actual.IsError()) << DebugString(actual);
      EXPECT_NE(actual.error().status().message().find(expected.error),
                absl::string_view::npos)
          << actual.error().status();
      return;
    }
    ASSERT_FALSE(actual.IsError()) << actual.error().status();
    ASSERT_EQ(actual.kind(), expected.value.kind()) << DebugString(actual);
    if (actual.kind() == ValueKind::kDouble &&
        std::isnan(expected.value.double_value())) {
      EXPECT_TRUE(std::isnan(actual.double_value()));
      return;
    }
    EXPECT_TRUE(ValueEquals(actual, expected.value, &arena_))
        << DebugString(actual) << " != " << DebugString(expected.value);
    if (actual.kind() == ValueKind::kDouble) {
      // Distinguish -0.0 from 0.0.
      EXPECT_EQ(std::signbit(actual.double_value()),
                std::signbit(expected.value.double_value()));
    }
  }

  Value List(std::vector<Value> elements) {
    return ArenaList(&arena_, elements);
  }
  Value Map(std::vector<std::pair<Value, Value>> entries) {
    auto* stored = google::protobuf::Arena::Create<
        std::vector<std::pair<Value, Value>>>(&arena_, std::move(entries));
    return Value::Map(google::protobuf::Arena::Create<ArrayMapValue>(
        &arena_, *stored, &arena_));
  }
  static Value Time(int64_t unix_seconds, int64_t nanos = 0) {
    return Value::Timestamp(absl::FromUnixSeconds(unix_seconds) +
                            absl::Nanoseconds(nanos));
  }
  static Value Dur(absl::Duration d) { return Value::Duration(d); }

  google::protobuf::Arena arena_;
};

struct CallCase {
  std::string function;
  std::vector<Value> args;
  Expected expected;
};

std::string Describe(const CallCase& c) {
  std::vector<std::string> args;
  for (const Value& v : c.args) args.push_back(DebugString(v));
  return absl::StrCat(c.function, "(", absl::StrJoin(args, ", "), ")");
}

// --- Registry ---

TEST_F(FunctionsTest, FindsFunctionsByNameArityAndStyle) {
  EXPECT_NE(FindFunction("_+_", 2, false), nullptr);
  EXPECT_NE(FindFunction("size", 1, false), nullptr);
  EXPECT_NE(FindFunction("size", 1, true), nullptr);
  EXPECT_NE(FindFunction("matches", 2, false), nullptr);
  EXPECT_NE(FindFunction("matches", 2, true), nullptr);
  EXPECT_NE(FindFunction("contains", 2, true), nullptr);
  EXPECT_NE(FindFunction("getHours", 1, true), nullptr);
  EXPECT_NE(FindFunction("getHours", 2, true), nullptr);
  EXPECT_NE(FindFunction("@in", 2, false), nullptr);
  EXPECT_NE(FindFunction("_[_]", 2, false), nullptr);

  EXPECT_EQ(FindFunction("contains", 2, false), nullptr);  // receiver only
  EXPECT_EQ(FindFunction("getHours", 1, false), nullptr);
  EXPECT_EQ(FindFunction("_+_", 3, false), nullptr);
  EXPECT_EQ(FindFunction("size", 2, false), nullptr);
  EXPECT_EQ(FindFunction("no_such_function", 1, false), nullptr);
  // The evaluator implements the non-strict operators itself.
  EXPECT_EQ(FindFunction("_&&_", 2, false), nullptr);
  EXPECT_EQ(FindFunction("_?_:_", 3, false), nullptr);
}

// --- Arithmetic ---

TEST_F(FunctionsTest, IntArithmetic) {
  const std::vector<CallCase> cases = {
      {"_+_", {Value::Int(40), Value::Int(2)}, Expected::Is(Value::Int(42))},
      {"_+_", {Value::Int(kInt64Max), Value::Int(1)},
       Expected::Fails("integer overflow")},
      {"_+_", {Value::Int(kInt64Min), Value::Int(-1)},
       Expected::Fails("integer overflow")},
      {"_-_", {Value::Int(kInt64Min), Value::Int(1)},
       Expected::Fails("integer overflow")},
      {"_-_", {Value::Int(1), Value::Int(-kInt64Max)},
       Expected::Fails("integer overflow")},
      {"_-_", {Value::Int(-42), Value::Int(-12)},
       Expected::Is(Value::Int(-30))},
      {"_*_", {Value::Int(-30), Value::Int(-2)}, Expected::Is(Value::Int(60))},
      {"_*_", {Value::Int(5000000000), Value::Int(5000000000)},
       Expected::Fails("integer overflow")},
      {"_*_", {Value::Int(kInt64Min), Value::Int(-1)},
       Expected::Fails("integer overflow")},
      {"_/_", {Value::Int(-80), Value::Int(-2)}, Expected::Is(Value::Int(40))},
      {"_/_", {Value::Int(7), Value::Int(-2)}, Expected::Is(Value::Int(-3))},
      {"_/_", {Value::Int(15), Value::Int(0)},
       Expected::Fails("division by zero")},
      {"_/_", {Value::Int(kInt64Min), Value::Int(-1)},
       Expected::Fails("integer overflow")},
      {"_%_", {Value::Int(43), Value::Int(-5)}, Expected::Is(Value::Int(3))},
      {"_%_", {Value::Int(-42), Value::Int(-5)}, Expected::Is(Value::Int(-2))},
      {"_%_", {Value::Int(-3), Value::Int(5)}, Expected::Is(Value::Int(-3))},
      {"_%_", {Value::Int(34), Value::Int(0)},
       Expected::Fails("modulus by zero")},
      {"_%_", {Value::Int(kInt64Min), Value::Int(-1)},
       Expected::Fails("integer overflow")},
      {"-_", {Value::Int(42)}, Expected::Is(Value::Int(-42))},
      {"-_", {Value::Int(kInt64Max)}, Expected::Is(Value::Int(-kInt64Max))},
      {"-_", {Value::Int(kInt64Min)}, Expected::Fails("integer overflow")},
  };
  for (const CallCase& c : cases) {
    SCOPED_TRACE(Describe(c));
    ExpectResult(Call(c.function, c.args), c.expected);
  }
}

TEST_F(FunctionsTest, UintArithmetic) {
  const std::vector<CallCase> cases = {
      {"_+_", {Value::Uint(42), Value::Uint(2)}, Expected::Is(Value::Uint(44))},
      {"_+_", {Value::Uint(kUint64Max), Value::Uint(1)},
       Expected::Fails("integer overflow")},
      {"_-_", {Value::Uint(42), Value::Uint(12)},
       Expected::Is(Value::Uint(30))},
      {"_-_", {Value::Uint(0), Value::Uint(1)},
       Expected::Fails("integer overflow")},
      {"_*_", {Value::Uint(5000000000), Value::Uint(5000000000)},
       Expected::Fails("integer overflow")},
      {"_*_", {Value::Uint(kUint64Max), Value::Uint(1)},
       Expected::Is(Value::Uint(kUint64Max))},
      {"_/_", {Value::Uint(60), Value::Uint(7)}, Expected::Is(Value::Uint(8))},
      {"_/_", {Value::Uint(15), Value::Uint(0)},
       Expected::Fails("division by zero")},
      {"_%_", {Value::Uint(42), Value::Uint(5)}, Expected::Is(Value::Uint(2))},
      {"_%_", {Value::Uint(34), Value::Uint(0)},
       Expected::Fails("modulus by zero")},
      {"-_", {Value::Uint(5)}, Expected::Fails("no matching overload")},
  };
  for (const CallCase& c : cases) {
    SCOPED_TRACE(Describe(c));
    ExpectResult(Call(c.function, c.args), c.expected);
  }
}

TEST_F(FunctionsTest, DoubleArithmeticFollowsIeee) {
  const std::vector<CallCase> cases = {
      {"_+_", {Value::Double(4.25), Value::Double(15.25)},
       Expected::Is(Value::Double(19.5))},
      {"_-_", {Value::Double(-4.875), Value::Double(-0.125)},
       Expected::Is(Value::Double(-4.75))},
      {"_*_", {Value::Double(40.75), Value::Double(-2.25)},
       Expected::Is(Value::Double(-91.6875))},
      {"_*_", {Value::Double(2.0), Value::Double(8.988466e+307)},
       Expected::Is(Value::Double(kInf))},
      {"_/_", {Value::Double(15.75), Value::Double(0.0)},
       Expected::Is(Value::Double(kInf))},
      {"_/_", {Value::Double(-1.0), Value::Double(0.0)},
       Expected::Is(Value::Double(-kInf))},
      {"_/_", {Value::Double(0.0), Value::Double(0.0)},
       Expected::Is(Value::Double(kNaN))},
      {"_/_", {Value::Double(std::numeric_limits<double>::denorm_min()),
        Value::Double(2.0)},
       Expected::Is(Value::Double(0.0))},
      {"-_", {Value::Double(0.0)}, Expected::Is(Value::Double(-0.0))},
      {"-_", {Value::Double(-1.25)}, Expected::Is(Value::Double(1.25))},
      {"_%_", {Value::Double(47.5), Value::Double(5.5)},
       Expected::Fails("no matching overload for '_%_' applied to "
                       "(double, double)")},
  };
  for (const CallCase& c : cases) {
    SCOPED_TRACE(Describe(c));
    ExpectResult(Call(c.function, c.args), c.expected);
  }
}

TEST_F(FunctionsTest, MixedNumericArithmeticHasNoOverload) {
  for (const char* op : {"_+_", "_-_", "_*_", "_/_", "_%_"}) {
    SCOPED_TRACE(op);
    ExpectResult(Call(op, {Value::Int(1), Value::Uint(1)}),
                 Expected::Fails("applied to (int, uint)"));
    ExpectResult(Call(op, {Value::Double(1), Value::Int(1)}),
                 Expected::Fails("applied to (double, int)"));
  }
  ExpectResult(Call("-_", {Value::Bool(false)}),
               Expected::Fails("no matching overload for '-_' applied to "
                               "(bool)"));
}

TEST_F(FunctionsTest, ConcatenatesStringsBytesAndLists) {
  std::string left = "he", right = "llo";
  const Value s = Call("_+_", {Value::String(left), Value::String(right)});
  left[0] = 'X';  // the result is a copy
  ASSERT_EQ(s.kind(), ValueKind::kString);
  EXPECT_EQ(s.string_value(), "hello");
  EXPECT_EQ(Call("_+_", {Value::String(""), Value::String("")}).string_value(),
            "");
  EXPECT_EQ(Call("_+_", {Value::String("\xc2\xa2"), Value::String("\xc3\xbf")})
                .string_value(),
            "\xc2\xa2\xc3\xbf");

  const Value b = Call("_+_", {Value::Bytes("abc"), Value::Bytes("\xff")});
  ASSERT_EQ(b.kind(), ValueKind::kBytes);
  EXPECT_EQ(b.bytes_value(), "abc\xff");
  ExpectResult(Call("_+_", {Value::String("a"), Value::Bytes("b")}),
               Expected::Fails("applied to (string, bytes)"));

  const Value l = Call("_+_", {List({Value::Int(0), Value::Int(1)}),
                               List({Value::String("x")})});
  ExpectResult(l, Expected::Is(List(
                      {Value::Int(0), Value::Int(1), Value::String("x")})));
  ExpectResult(Call("_+_", {List({}), List({})}), Expected::Is(List({})));
  ExpectResult(Call("_+_", {List({}), List({Value::Int(3)})}),
               Expected::Is(List({Value::Int(3)})));
}

TEST_F(FunctionsTest, TimestampAndDurationArithmetic) {
  const Value t = Time(1234567800);  // 2009-02-13T23:30:00Z
  ExpectResult(Call("_+_", {t, Dur(absl::Seconds(240))}),
               Expected::Is(Time(1234568040)));
  ExpectResult(Call("_+_", {Dur(absl::Seconds(120)), t}),
               Expected::Is(Time(1234567920)));
  ExpectResult(Call("_-_", {t, Dur(absl::Seconds(600))}),
               Expected::Is(Time(1234567200)));
  ExpectResult(Call("_-_", {Time(1234567860), t}),
               Expected::Is(Dur(absl::Seconds(60))));
  ExpectResult(Call("_+_", {Dur(absl::Seconds(600)), Dur(absl::Seconds(50))}),
               Expected::Is(Dur(absl::Seconds(650))));
  ExpectResult(Call("_-_", {Dur(absl::Seconds(900)), Dur(absl::Seconds(42))}),
               Expected::Is(Dur(absl::Seconds(858))));
  // Nanosecond carries across the second boundary.
  const int64_t kYear1 = -62135596800;  // 0001-01-01T00:00:00Z
  ExpectResult(Call("_+_", {Time(kYear1 + 1, 1), Dur(absl::Nanoseconds(-999999999))}),
               Expected::Is(Time(kYear1, 2)));
  ExpectResult(Call("_+_", {Time(kYear1 + 1, 999999999),
                            Dur(absl::Nanoseconds(999999999))}),
               Expected::Is(Time(kYear1 + 2, 999999998)));
  ExpectResult(Call("_-_", {t, t}), Expected::Is(Dur(absl::ZeroDuration())));
  ExpectResult(Call("_-_", {Dur(absl::Seconds(1)), t}),
               Expected::Fails("no matching overload"));
  ExpectResult(Call("_+_", {t, t}), Expected::Fails("no matching overload"));
}

TEST_F(FunctionsTest, TimestampAndDurationRanges) {
  const int64_t kYear1 = -62135596800;       // 0001-01-01T00:00:00Z
  const int64_t kYear9999 = 253402300799;    // 9999-12-31T23:59:59Z
  ExpectResult(Call("_+_", {Time(kYear1), Dur(absl::Seconds(-1))}),
               Expected::Fails("timestamp out of range"));
  ExpectResult(Call("_+_", {Time(kYear1), Dur(absl::Nanoseconds(-1))}),
               Expected::Fails("timestamp out of range"));
  ExpectResult(Call("_+_", {Time(kYear9999), Dur(absl::Seconds(1))}),
               Expected::Fails("timestamp out of range"));
  ExpectResult(Call("_+_", {Time(kYear9999, 999999999), Dur(absl::Nanoseconds(1))}),
               Expected::Fails("timestamp out of range"));
  ExpectResult(Call("_-_", {Time(kYear1), Dur(absl::Nanoseconds(1))}),
               Expected::Fails("timestamp out of range"));
  ExpectResult(Call("_+_", {Time(kYear9999, 999999999), Dur(absl::ZeroDuration())}),
               Expected::Is(Time(kYear9999, 999999999)));
  // Durations hold an int64 of nanoseconds (about 292 years).
  ExpectResult(Call("_-_", {Time(kYear9999), Time(kYear1)}),
               Expected::Fails("duration out of range"));
  ExpectResult(Call("_-_", {Time(kYear1), Time(kYear9999)}),
               Expected::Fails("duration out of range"));
  const Value max = Dur(absl::Nanoseconds(kInt64Max));
  const Value min = Dur(absl::Nanoseconds(kInt64Min));
  ExpectResult(Call("_+_", {max, Dur(absl::Nanoseconds(1))}),
               Expected::Fails("duration out of range"));
  ExpectResult(Call("_-_", {min, Dur(absl::Nanoseconds(1))}),
               Expected::Fails("duration out of range"));
  ExpectResult(Call("_-_", {Dur(absl::ZeroDuration()), min}),
               Expected::Fails("duration out of range"));
  ExpectResult(Call("_+_", {max, min}),
               Expected::Is(Dur(absl::Nanoseconds(-1))));
}

// --- Comparisons ---

TEST_F(FunctionsTest, OrderingOperators) {
  struct Case {
    Value a, b;
    bool lt, le, gt, ge;
  };
  const std::vector<Case> cases = {
      {Value::Int(-1), Value::Int(0), true, true, false, false},
      {Value::Uint(2), Value::Uint(2), false, true, false, true},
      {Value::Int(1), Value::Double(1.5), true, true, false, false},
      {Value::Uint(kUint64Max), Value::Int(-1), false, false, true, true},
      {Value::Int(kInt64Max), Value::Double(9223372036854775808.0), true, true,
       false, false},
      {Value::Double(-0.0), Value::Double(0.0), false, true, false, true},
      {Value::Double(kNaN), Value::Double(kNaN), false, false, false, false},
      {Value::Int(1), Value::Double(kNaN), false, false, false, false},
      {Value::String("a"), Value::String("\xc3\xa1"), true, true, false, false},
      {Value::String("Abc"), Value::String("aBC"), true, true, false, false},
      {Value::Bytes("\xc3\xa1"), Value::Bytes("b"), false, false, true, true},
      {Value::Bool(false), Value::Bool(true), true, true, false, false},
      {Time(5), Time(5), false, true, false, true},
      {Dur(absl::Seconds(300)), Dur(absl::Seconds(200)), false, false, true,
       true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrCat(DebugString(c.a), " vs ", DebugString(c.b)));
    ExpectResult(Call("_<_", {c.a, c.b}), Expected::Is(Value::Bool(c.lt)));
    ExpectResult(Call("_<=_", {c.a, c.b}), Expected::Is(Value::Bool(c.le)));
    ExpectResult(Call("_>_", {c.a, c.b}), Expected::Is(Value::Bool(c.gt)));
    ExpectResult(Call("_>=_", {c.a, c.b}), Expected::Is(Value::Bool(c.ge)));
  }
}

TEST_F(FunctionsTest, OrderingUnorderableKindsIsAnError) {
  ExpectResult(Call("_<_", {Value::Null(), Value::Null()}),
               Expected::Fails("no matching overload for '_<_' applied to "
                               "(null_type, null_type)"));
  ExpectResult(Call("_>=_", {Value::String("foo"), Value::Double(1.0)}),
               Expected::Fails("applied to (string, double)"));
  ExpectResult(Call("_>_", {List({Value::Int(1)}), List({Value::Int(0)})}),
               Expected::Fails("applied to (list, list)"));
  ExpectResult(Call("_<=_", {Time(1), Dur(absl::Seconds(1))}),
               Expected::Fails("no matching overload"));
}

TEST_F(FunctionsTest, EqualityIsHeterogeneousAndNeverFails) {
  ExpectResult(Call("_==_", {Value::Int(1), Value::Uint(1)}),
               Expected::Is(Value::Bool(true)));
  ExpectResult(Call("_==_", {Value::Double(1.0), Value::Int(1)}),
               Expected::Is(Value::Bool(true)));
  ExpectResult(Call("_!=_", {Value::Uint(2), Value::Int(2)}),
               Expected::Is(Value::Bool(false)));
  ExpectResult(Call("_==_", {Value::Double(kNaN), Value::Double(kNaN)}),
               Expected::Is(Value::Bool(false)));
  ExpectResult(Call("_!=_", {Value::Double(kNaN), Value::Double(kNaN)}),
               Expected::Is(Value::Bool(true)));
  ExpectResult(Call("_==_", {Value::String("1"), Value::Int(1)}),
               Expected::Is(Value::Bool(false)));
  ExpectResult(Call("_==_", {Value::Null(), Value::Null()}),
               Expected::Is(Value::Bool(true)));
  ExpectResult(
      Call("_==_", {List({Value::Double(1.0), Value::Int(2)}),
                    List({Value::Uint(1), Value::Double(2.0)})}),
      Expected::Is(Value::Bool(true)));
  ExpectResult(Call("_==_", {Map({{Value::Int(1), Value::Double(1.0)},
                                  {Value::Uint(2), Value::Uint(3)}}),
                             Map({{Value::Uint(1), Value::Int(1)},
                                  {Value::Int(2), Value::Double(3.0)}})}),
               Expected::Is(Value::Bool(true)));
}

TEST_F(FunctionsTest, LogicalNot) {
  ExpectResult(Call("!_", {Value::Bool(true)}),
               Expected::Is(Value::Bool(false)));
  ExpectResult(Call("!_", {Value::Bool(false)}),
               Expected::Is(Value::Bool(true)));
  ExpectResult(Call("!_", {Value::Int(0)}),
               Expected::Fails("no matching overload for '!_' applied to "
                               "(int)"));
}

// --- Containers ---

TEST_F(FunctionsTest, ListIndex) {
  const Value l = List({Value::Int(7), Value::Int(8), Value::Int(9)});
  const std::vector<std::pair<Value, Expected>> cases = {
      {Value::Int(0), Expected::Is(Value::Int(7))},
      {Value::Int(2), Expected::Is(Value::Int(9))},
      {Value::Uint(1), Expected::Is(Value::Int(8))},
      {Value::Double(0.0), Expected::Is(Value::Int(7))},
      {Value::Double(2.0), Expected::Is(Value::Int(9))},
      {Value::Int(3), Expected::Fails("index out of range")},
      {Value::Int(-1), Expected::Fails("index out of range")},
      {Value::Uint(kUint64Max), Expected::Fails("index out of range")},
      {Value::Double(-1.0), Expected::Fails("index out of range")},
      {Value::Double(1e300), Expected::Fails("index out of range")},
      {Value::Double(0.1), Expected::Fails("not an integer")},
      {Value::Double(kNaN), Expected::Fails("not an integer")},
      {Value::String("0"), Expected::Fails("no matching overload")},
  };
  for (const auto& [index, expected] : cases) {
    SCOPED_TRACE(DebugString(index));
    ExpectResult(Call("_[_]", {l, index}), expected);
  }
}

TEST_F(FunctionsTest, MapIndex) {
  const Value m = Map({{Value::Uint(1), Value::Double(1.0)},
                       {Value::Int(2), Value::Double(2.0)},
                       {Value::String("name"), Value::Uint(100)},
                       {Value::Bool(true), Value::Null()}});
  const std::vector<std::pair<Value, Expected>> cases = {
      {Value::Int(1), Expected::Is(Value::Double(1.0))},
      {Value::Uint(2), Expected::Is(Value::Double(2.0))},
      {Value::Double(2.0), Expected::Is(Value::Double(2.0))},
      {Value::String("name"), Expected::Is(Value::Uint(100))},
      {Value::Bool(true), Expected::Is(Value::Null())},
      {Value::Double(2.5), Expected::Fails("no such key")},
      {Value::Int(3), Expected::Fails("no such key")},
      {Value::String("Name"), Expected::Fails("no such key")},
      {Value::Bool(false), Expected::Fails("no such key")},
      {Value::Bytes(""), Expected::Fails("unsupported key type 'bytes'")},
      {Value::Null(), Expected::Fails("unsupported key type 'null_type'")},
  };
  for (const auto& [key, expected] : cases) {
    SCOPED_TRACE(DebugString(key));
    ExpectResult(Call("_[_]", {m, key}), expected);
  }
  ExpectResult(Call("_[_]", {Value::String("abc"), Value::Int(0)}),
               Expected::Fails("applied to (string, int)"));
}

TEST_F(FunctionsTest, Membership) {
  const Value ints = List({Value::Int(5), Value::Int(4), Value::Int(3)});
  ExpectResult(Call("@in", {Value::Int(3), ints}),
               Expected::Is(Value::Bool(true)));
  ExpectResult(Call("@in", {Value::Uint(4), ints}),
               Expected::Is(Value::Bool(true)));
  ExpectResult(Call("@in", {Value::Double(5.0), ints}),
               Expected::Is(Value::Bool(true)));
  ExpectResult(Call("@in", {Value::Double(5.5), ints}),
               Expected::Is(Value::Bool(false)));
  ExpectResult(Call("@in", {Value::String("3"), ints}),
               Expected::Is(Value::Bool(false)));
  ExpectResult(Call("@in", {Value::Int(7), List({})}),
               Expected::Is(Value::Bool(false)));

  const Value m = Map({{Value::Int(1), Value::Int(1)},
                       {Value::Uint(3), Value::Int(3)},
                       {Value::String("key"), Value::Int(2)}});
  ExpectResult(Call("@in", {Value::String("key"), m}),
               Expected::Is(Value::Bool(true)));
  ExpectResult(Call("@in", {Value::Double(3.0), m}),
               Expected::Is(Value::Bool(true)));
  ExpectResult(Call("@in", {Value::Uint(1), m}),
               Expected::Is(Value::Bool(true)));
  ExpectResult(Call("@in", {Value::Double(3.1), m}),
               Expected::Is(Value::Bool(false)));
  ExpectResult(Call("@in", {Value::Bytes("key"), m}),
               Expected::Is(Value::Bool(false)));
  ExpectResult(Call("@in", {Value::Int(1), Value::String("1")}),
               Expected::Fails("applied to (int, string)"));
}

TEST_F(FunctionsTest, SizeCountsCodePointsBytesElementsAndEntries) {
  const std::vector<std::pair<Value, int64_t>> cases = {
      {Value::String(""), 0},
      {Value::String("four"), 4},
      {Value::String("\xc3\xbf"), 1},                          // ÿ
      {Value::String("\xcf\x80\xce\xad\xce\xbd\xcf\x84\xce\xb5"), 5},  // πέντε
      {Value::String("\xf0\x9f\x90\xb1!"), 2},                 // 🐱!
      {Value::Bytes("\xc3\xbf"), 2},
      {List({Value::Int(1), Value::Int(2), Value::Int(3)}), 3},
      {Map({{Value::Int(1), Value::String("one")}}), 1},
  };
  for (const auto& [value, size] : cases) {
    SCOPED_TRACE(DebugString(value));
    ExpectResult(Call("size", {value}), Expected::Is(Value::Int(size)));
    ExpectResult(Method("size", {value}), Expected::Is(Value::Int(size)));
  }
  ExpectResult(Call("size", {Value::Int(3)}),
               Expected::Fails("no matching overload for 'size' applied to "
                               "(int)"));
}

// --- Strings ---

TEST_F(FunctionsTest, StringPredicates) {
  const std::vector<CallCase> cases = {
      {"contains", {Value::String("hello"), Value::String("he")},
       Expected::Is(Value::Bool(true))},
      {"contains", {Value::String("hello"), Value::String("ol")},
       Expected::Is(Value::Bool(false))},
      {"contains", {Value::String(""), Value::String("")},
       Expected::Is(Value::Bool(true))},
      {"contains", {Value::String("Stra\xc3\x9f" "e"), Value::String("a\xc3\x9f")},
       Expected::Is(Value::Bool(true))},
      {"startsWith", {Value::String("foobar"), Value::String("foo")},
       Expected::Is(Value::Bool(true))},
      {"startsWith", {Value::String(""), Value::String("foo")},
       Expected::Is(Value::Bool(false))},
      {"startsWith", {Value::String("foobar"), Value::String("")},
       Expected::Is(Value::Bool(true))},
      {"endsWith", {Value::String("fort\xc3\xa9"), Value::String("t\xc3\xa9")},
       Expected::Is(Value::Bool(true))},
      {"endsWith", {Value::String("foobar"), Value::String("foo")},
       Expected::Is(Value::Bool(false))},
      {"contains", {Value::String("abc"), Value::Bytes("a")},
       Expected::Fails("no matching overload for 'contains' applied to "
                       "(string, bytes)")},
      {"startsWith", {Value::Bytes("abc"), Value::String("a")},
       Expected::Fails("applied to (bytes, string)")},
  };
  for (const CallCase& c : cases) {
    SCOPED_TRACE(Describe(c));
    ExpectResult(Method(c.function, c.args), c.expected);
  }
}

TEST_F(FunctionsTest, MatchesFindsThePatternAnywhere) {
  const std::vector<std::tuple<std::string, std::string, bool>> cases = {
      {"hubba", "ubb", true},
      {"", "foo|bar", false},
      {"cows", "", true},
      {"grey", "gr(a|e)y", true},
      {"banana", "^ba(na)*$", true},
      {"bananas", "^ba(na)*$", false},
      {"ma\xc3\xb1" "ana", "a+\xc3\xb1+a+", true},
      // Code points, not bytes: the cat is one character.
      {"\xf0\x9f\x90\xb1\xf0\x9f\x98\x80\xf0\x9f\x98\x80",
       "(a|\xf0\x9f\x98\x80){2}", true},
      {"\xf0\x9f\x90\xb1", "^.$", true},
  };
  for (const auto& [text, pattern, expected] : cases) {
    SCOPED_TRACE(pattern);
    ExpectResult(Method("matches", {Value::String(text), Value::String(pattern)}),
                 Expected::Is(Value::Bool(expected)));
    ExpectResult(Call("matches", {Value::String(text), Value::String(pattern)}),
                 Expected::Is(Value::Bool(expected)));
  }
}

TEST_F(FunctionsTest, MatchesRejectsInvalidPatternsWithoutQuotingThem) {
  const Value result =
      Method("matches", {Value::String("Jane"), Value::String("(Jane")});
  ASSERT_TRUE(result.IsError());
  EXPECT_EQ(result.error().status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(result.error().status().message().find("Jane"),
            absl::string_view::npos);
  // A valid pattern after an invalid one still works (cache).
  ExpectResult(Method("matches", {Value::String("Jane"), Value::String("an")}),
               Expected::Is(Value::Bool(true)));
  ExpectResult(Method("matches", {Value::String("a"), Value::Int(1)}),
               Expected::Fails("applied to (string, int)"));
}

TEST_F(FunctionsTest, ManyDistinctPatternsStayCorrect) {
  // More patterns than the per-thread cache holds.
  for (int i = 0; i < 200; ++i) {
    const std::string pattern = absl::StrCat("^x", i, "$");
    const std::string text = absl::StrCat("x", i);
    ExpectResult(
        Method("matches", {Value::String(text), Value::String(pattern)}),
        Expected::Is(Value::Bool(true)));
  }
}

// --- Conversions ---

TEST_F(FunctionsTest, ToInt) {
  const std::vector<std::pair<Value, Expected>> cases = {
      {Value::Int(-5), Expected::Is(Value::Int(-5))},
      {Value::Uint(42), Expected::Is(Value::Int(42))},
      {Value::Uint(static_cast<uint64_t>(kInt64Max)),
       Expected::Is(Value::Int(kInt64Max))},
      {Value::Uint(uint64_t{1} << 63), Expected::Fails("out of range")},
      {Value::Double(1.9), Expected::Is(Value::Int(1))},
      {Value::Double(-7.9), Expected::Is(Value::Int(-7))},
      {Value::Double(-3.5), Expected::Is(Value::Int(-3))},
      {Value::Double(36028797018963968.0),
       Expected::Is(Value::Int(36028797018963968))},
      {Value::Double(9223372036854774784.0),  // largest double below 2^63
       Expected::Is(Value::Int(9223372036854774784))},
      {Value::Double(9223372036854775807.0), Expected::Fails("out of range")},
      {Value::Double(-9223372036854775808.0), Expected::Fails("out of range")},
      {Value::Double(-9223372036854774784.0),
       Expected::Is(Value::Int(-9223372036854774784))},
      {Value::Double(1e99), Expected::Fails("out of range")},
      {Value::Double(kNaN), Expected::Fails("out of range")},
      {Value::Double(-kInf), Expected::Fails("out of range")},
      {Value::String("987"), Expected::Is(Value::Int(987))},
      {Value::String("-987"), Expected::Is(Value::Int(-987))},
      {Value::String("+5"), Expected::Is(Value::Int(5))},
      {Value::String("9223372036854775807"),
       Expected::Is(Value::Int(kInt64Max))},
      {Value::String("-9223372036854775808"),
       Expected::Is(Value::Int(kInt64Min))},
      {Value::String("9223372036854775808"), Expected::Fails("out of range")},
      {Value::String("99999999999999999999999"),
       Expected::Fails("out of range")},
      {Value::String(""), Expected::Fails("not a decimal integer")},
      {Value::String("-"), Expected::Fails("not a decimal integer")},
      {Value::String("1.5"), Expected::Fails("not a decimal integer")},
      {Value::String(" 1"), Expected::Fails("not a decimal integer")},
      {Value::String("0x10"), Expected::Fails("not a decimal integer")},
      {Time(1095379199), Expected::Is(Value::Int(1095379199))},
      {Time(-1, 500000000), Expected::Is(Value::Int(-1))},
      {Value::Bool(true), Expected::Fails("no matching overload")},
  };
  for (const auto& [arg, expected] : cases) {
    SCOPED_TRACE(DebugString(arg));
    ExpectResult(Call("int", {arg}), expected);
  }
}

TEST_F(FunctionsTest, ToUint) {
  const std::vector<std::pair<Value, Expected>> cases = {
      {Value::Uint(7), Expected::Is(Value::Uint(7))},
      {Value::Int(1729), Expected::Is(Value::Uint(1729))},
      {Value::Int(kInt64Max), Expected::Is(Value::Uint(kInt64Max))},
      {Value::Int(-1), Expected::Fails("out of range")},
      {Value::Double(3.14159265), Expected::Is(Value::Uint(3))},
      {Value::Double(25.5), Expected::Is(Value::Uint(25))},
      {Value::Double(-0.0), Expected::Is(Value::Uint(0))},
      {Value::Double(18446744073709549568.0),  // largest double below 2^64
       Expected::Is(Value::Uint(18446744073709549568u))},
      {Value::Double(18446744073709551615.0), Expected::Fails("out of range")},
      {Value::Double(6.022e23), Expected::Fails("out of range")},
      {Value::Double(-0.5), Expected::Fails("out of range")},
      {Value::Double(kNaN), Expected::Fails("out of range")},
      {Value::String("300"), Expected::Is(Value::Uint(300))},
      {Value::String("18446744073709551615"),
       Expected::Is(Value::Uint(kUint64Max))},
      {Value::String("18446744073709551616"), Expected::Fails("out of range")},
      {Value::String("-1"), Expected::Fails("not an unsigned")},
      {Value::String("+1"), Expected::Fails("not an unsigned")},
      {Value::String("1u"), Expected::Fails("not an unsigned")},
      {Time(0), Expected::Fails("no matching overload")},
  };
  for (const auto& [arg, expected] : cases) {
    SCOPED_TRACE(DebugString(arg));
    ExpectResult(Call("uint", {arg}), expected);
  }
}

TEST_F(FunctionsTest, ToDouble) {
  const std::vector<std::pair<Value, Expected>> cases = {
      {Value::Double(5.5), Expected::Is(Value::Double(5.5))},
      {Value::Int(-1000000000000000), Expected::Is(Value::Double(-1e15))},
      {Value::Int(kInt64Max), Expected::Is(Value::Double(9.223372036854776e18))},
      {Value::Uint(kUint64Max),
       Expected::Is(Value::Double(1.8446744073709552e19))},
      {Value::String("0"), Expected::Is(Value::Double(0.0))},
      {Value::String("-0.0"), Expected::Is(Value::Double(-0.0))},
      {Value::String("123.456"), Expected::Is(Value::Double(123.456))},
      {Value::String("-84.32e7"), Expected::Is(Value::Double(-843200000.0))},
      {Value::String("6.02214e23"), Expected::Is(Value::Double(6.02214e23))},
      {Value::String("1.38e-23"), Expected::Is(Value::Double(1.38e-23))},
      {Value::String(".5"), Expected::Is(Value::Double(0.5))},
      {Value::String("+2"), Expected::Is(Value::Double(2.0))},
      {Value::String("1e-400"), Expected::Is(Value::Double(0.0))},
      {Value::String("NaN"), Expected::Is(Value::Double(kNaN))},
      {Value::String("nan"), Expected::Is(Value::Double(kNaN))},
      {Value::String("inf"), Expected::Is(Value::Double(kInf))},
      {Value::String("+Inf"), Expected::Is(Value::Double(kInf))},
      {Value::String("-Infinity"), Expected::Is(Value::Double(-kInf))},
      {Value::String("1e400"), Expected::Fails("not a floating point")},
      {Value::String("-nan"), Expected::Fails("not a floating point")},
      {Value::String(""), Expected::Fails("not a floating point")},
      {Value::String("1.5x"), Expected::Fails("not a floating point")},
      {Value::String(" 1.5"), Expected::Fails("not a floating point")},
      {Value::String("--1"), Expected::Fails("not a floating point")},
      {Value::String("infinit"), Expected::Fails("not a floating point")},
      {Value::Bool(false), Expected::Fails("no matching overload")},
  };
  for (const auto& [arg, expected] : cases) {
    SCOPED_TRACE(DebugString(arg));
    ExpectResult(Call("double", {arg}), expected);
  }
}

TEST_F(FunctionsTest, ToString) {
  const std::vector<std::pair<Value, Expected>> cases = {
      {Value::String("hello"), Expected::Is(Value::String("hello"))},
      {Value::Int(-456), Expected::Is(Value::String("-456"))},
      {Value::Int(kInt64Min), Expected::Is(Value::String("-9223372036854775808"))},
      {Value::Uint(9876), Expected::Is(Value::String("9876"))},
      {Value::Bool(true), Expected::Is(Value::String("true"))},
      {Value::Double(123.456), Expected::Is(Value::String("123.456"))},
      {Value::Double(-4.5e-3), Expected::Is(Value::String("-0.0045"))},
      {Value::Bytes("abc"), Expected::Is(Value::String("abc"))},
      {Value::Bytes("\xc3\xbf"), Expected::Is(Value::String("\xc3\xbf"))},
      {Value::Bytes(absl::string_view("\x00\xff", 2)),
       Expected::Fails("not valid UTF-8")},
      {Value::Bytes("\xc0\x80"), Expected::Fails("not valid UTF-8")},  // overlong
      {Value::Bytes("\xed\xa0\x80"), Expected::Fails("not valid UTF-8")},  // surrogate
      {Value::Bytes("\xf4\x90\x80\x80"), Expected::Fails("not valid UTF-8")},
      {Value::Bytes("\xe2\x82"), Expected::Fails("not valid UTF-8")},  // truncated
      {Time(1234567890), Expected::Is(Value::String("2009-02-13T23:31:30Z"))},
      {Time(253402300799, 999999999),
       Expected::Is(Value::String("9999-12-31T23:59:59.999999999Z"))},
      {Time(-62135596800, 120000000),
       Expected::Is(Value::String("0001-01-01T00:00:00.12Z"))},
      {Dur(absl::Seconds(1000000)), Expected::Is(Value::String("1000000s"))},
      {Dur(absl::Milliseconds(-1500)), Expected::Is(Value::String("-1.5s"))},
      {Dur(absl::Nanoseconds(1)), Expected::Is(Value::String("0.000000001s"))},
      {Dur(absl::ZeroDuration()), Expected::Is(Value::String("0s"))},
      {Value::Null(), Expected::Fails("no matching overload")},
      {List({}), Expected::Fails("no matching overload")},
  };
  for (const auto& [arg, expected] : cases) {
    SCOPED_TRACE(DebugString(arg));
    ExpectResult(Call("string", {arg}), expected);
  }
}

TEST_F(FunctionsTest, DoublesFormatAsGoDoes) {
  const std::vector<std::pair<double, std::string>> cases = {
      {0.0, "0"},
      {-0.0, "-0"},
      {1.0, "1"},
      {-2.5, "-2.5"},
      {0.1, "0.1"},
      {1.0 / 3, "0.3333333333333333"},
      {0.0001, "0.0001"},
      {0.00001, "1e-05"},
      {1.5e-7, "1.5e-07"},
      {123456.0, "123456"},
      {1e6, "1e+06"},
      {1234567.0, "1.234567e+06"},
      {9007199254740993.0, "9.007199254740992e+15"},
      {1e21, "1e+21"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
      {5e-324, "5e-324"},
      {kNaN, "NaN"},
      {kInf, "+Inf"},
      {-kInf, "-Inf"},
  };
  for (const auto& [d, text] : cases) {
    EXPECT_EQ(FormatDoubleForCel(d), text);
  }
}

TEST_F(FunctionsTest, ToBoolBytesAndDyn) {
  for (const char* t : {"1", "t", "true", "TRUE", "True"}) {
    ExpectResult(Call("bool", {Value::String(t)}),
                 Expected::Is(Value::Bool(true)));
  }
  for (const char* f : {"0", "f", "false", "FALSE", "False"}) {
    ExpectResult(Call("bool", {Value::String(f)}),
                 Expected::Is(Value::Bool(false)));
  }
  ExpectResult(Call("bool", {Value::String("TrUe")}),
               Expected::Fails("not a boolean"));
  ExpectResult(Call("bool", {Value::Bool(true)}),
               Expected::Is(Value::Bool(true)));
  ExpectResult(Call("bytes", {Value::String("\xc3\xbf")}),
               Expected::Is(Value::Bytes("\xc3\xbf")));
  ExpectResult(Call("bytes", {Value::Int(1)}),
               Expected::Fails("no matching overload"));
  ExpectResult(Call("dyn", {Value::Uint(3)}), Expected::Is(Value::Uint(3)));
}

TEST_F(FunctionsTest, ToTimestampAndDuration) {
  const std::vector<CallCase> cases = {
      {"timestamp", {Value::String("2009-02-13T23:31:30Z")},
       Expected::Is(Time(1234567890))},
      {"timestamp", {Value::Int(1000000000)}, Expected::Is(Time(1000000000))},
      {"timestamp", {Value::Int(-62135596800)}, Expected::Is(Time(-62135596800))},
      {"timestamp", {Value::Int(-62135596801)},
       Expected::Fails("timestamp out of range")},
      {"timestamp", {Value::Int(253402300799)}, Expected::Is(Time(253402300799))},
      {"timestamp", {Value::Int(253402300800)},
       Expected::Fails("timestamp out of range")},
      {"timestamp", {Value::Int(kInt64Min)},
       Expected::Fails("timestamp out of range")},
      {"timestamp", {Value::String("0000-01-01T00:00:00Z")},
       Expected::Fails("timestamp out of range")},
      {"timestamp", {Value::String("10000-01-01T00:00:00Z")},
       Expected::Fails("not an RFC 3339")},
      {"timestamp", {Time(5)}, Expected::Is(Time(5))},
      {"timestamp", {Value::Double(1.0)}, Expected::Fails("no matching overload")},
      {"duration", {Value::String("100s")}, Expected::Is(Dur(absl::Seconds(100)))},
      {"duration", {Value::String("-1.5s")},
       Expected::Is(Dur(absl::Milliseconds(-1500)))},
      {"duration", {Value::String("320000000000s")},
       Expected::Fails("duration out of range")},
      {"duration", {Value::String("1 s")}, Expected::Fails("not a duration")},
      {"duration", {Dur(absl::Hours(1))}, Expected::Is(Dur(absl::Hours(1)))},
      {"duration", {Value::Int(1)}, Expected::Fails("no matching overload")},
  };
  for (const CallCase& c : cases) {
    SCOPED_TRACE(Describe(c));
    ExpectResult(Call(c.function, c.args), c.expected);
  }
}

// --- Privacy and allocation ---

TEST_F(FunctionsTest, ErrorsNeverQuoteStringOrBytesArguments) {
  const Value name = Value::String("Jane Q. Doe");
  const Value raw = Value::Bytes("Jane Q. Doe");
  const std::vector<CallCase> calls = {
      {"int", {name}, {}},
      {"uint", {name}, {}},
      {"double", {name}, {}},
      {"bool", {name}, {}},
      {"timestamp", {name}, {}},
      {"duration", {name}, {}},
      {"string", {Value::Bytes("Jane Q. Doe\xff")}, {}},
      {"_+_", {name, raw}, {}},
      {"_<_", {name, raw}, {}},
      {"_[_]", {Map({}), raw}, {}},
      {"_[_]", {Map({}), name}, {}},
      {"matches", {name, Value::String("Jane Q. Doe(")}, {}},
  };
  for (const CallCase& c : calls) {
    SCOPED_TRACE(c.function);
    const Value result = Call(c.function, c.args);
    ASSERT_TRUE(result.IsError());
    EXPECT_EQ(result.error().status().message().find("Jane"),
              absl::string_view::npos)
        << result.error().status();
  }
}

TEST_F(FunctionsTest, ScalarOperationsDoNotTouchTheArena) {
  const uint64_t before = arena_.SpaceUsed();
  Call("_+_", {Value::Int(1), Value::Int(2)});
  Call("_*_", {Value::Double(1.5), Value::Double(2)});
  Call("_<_", {Value::Int(1), Value::Double(2)});
  Call("_==_", {Value::String("a"), Value::String("a")});
  Method("startsWith", {Value::String("abc"), Value::String("a")});
  Call("size", {Value::String("abc")});
  Call("_+_", {Time(0), Dur(absl::Seconds(1))});
  Method("getHours", {Time(0)});
  Call("int", {Value::Double(2.5)});
  EXPECT_EQ(arena_.SpaceUsed(), before);
}

}  // namespace
}  // namespace divert::cel
