// The declarations of CEL's standard library (langdef.md, "Standard
// Definitions"), restricted to what divert's conditions use.
#include "expr/standard_declarations.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace divert::cel {
namespace {

v1::Type Primitive(v1::Type::PrimitiveType primitive) {
  v1::Type type;
  type.set_primitive(primitive);
  return type;
}

v1::Type Bool() { return Primitive(v1::Type::BOOL); }
v1::Type Int() { return Primitive(v1::Type::INT64); }
v1::Type Uint() { return Primitive(v1::Type::UINT64); }
v1::Type Double() { return Primitive(v1::Type::DOUBLE); }
v1::Type String() { return Primitive(v1::Type::STRING); }
v1::Type Bytes() { return Primitive(v1::Type::BYTES); }

v1::Type Timestamp() {
  v1::Type type;
  type.set_well_known(v1::Type::TIMESTAMP);
  return type;
}

v1::Type Duration() {
  v1::Type type;
  type.set_well_known(v1::Type::DURATION);
  return type;
}

v1::Type Dyn() {
  v1::Type type;
  type.mutable_dyn();
  return type;
}

v1::Type Param(absl::string_view name) {
  v1::Type type;
  type.set_type_param(std::string(name));
  return type;
}

v1::Type List(v1::Type elem) {
  v1::Type type;
  *type.mutable_list_type()->mutable_elem_type() = std::move(elem);
  return type;
}

v1::Type Map(v1::Type key, v1::Type value) {
  v1::Type type;
  *type.mutable_map_type()->mutable_key_type() = std::move(key);
  *type.mutable_map_type()->mutable_value_type() = std::move(value);
  return type;
}

// The numeric types with the spelling overload ids use for them.
struct Numeric {
  const char* id;
  v1::Type (*type)();
};
constexpr Numeric kNumerics[] = {
    {"int64", Int}, {"uint64", Uint}, {"double", Double}};

class Declarations {
 public:
  Declarations() {
    DeclareArithmetic();
    DeclareLogic();
    DeclareComparisons();
    DeclareContainers();
    DeclareStrings();
    DeclareConversions();
    DeclareTimeAccessors();
  }

  std::vector<FunctionDecl> functions;
  absl::flat_hash_map<std::string, size_t> index;

 private:
  OverloadDecl& Add(absl::string_view function, absl::string_view id,
                    bool receiver_style, std::vector<v1::Type> params,
                    v1::Type result) {
    auto [it, inserted] =
        index.emplace(std::string(function), functions.size());
    if (inserted) functions.push_back(FunctionDecl{std::string(function), {}});
    std::vector<OverloadDecl>& overloads = functions[it->second].overloads;
    overloads.push_back(OverloadDecl{std::string(id), receiver_style,
                                     std::move(params), std::move(result),
                                     false});
    return overloads.back();
  }

  OverloadDecl& Global(absl::string_view function, absl::string_view id,
                       std::vector<v1::Type> params, v1::Type result) {
    return Add(function, id, false, std::move(params), std::move(result));
  }

  OverloadDecl& Member(absl::string_view function, absl::string_view id,
                       std::vector<v1::Type> params, v1::Type result) {
    return Add(function, id, true, std::move(params), std::move(result));
  }

  void DeclareArithmetic() {
    for (const Numeric& n : kNumerics) {
      Global("_+_", absl::StrCat("add_", n.id), {n.type(), n.type()}, n.type());
    }
    Global("_+_", "add_string", {String(), String()}, String());
    Global("_+_", "add_bytes", {Bytes(), Bytes()}, Bytes());
    Global("_+_", "add_list", {List(Param("A")), List(Param("A"))},
           List(Param("A")));
    Global("_+_", "add_timestamp_duration", {Timestamp(), Duration()},
           Timestamp());
    Global("_+_", "add_duration_timestamp", {Duration(), Timestamp()},
           Timestamp());
    Global("_+_", "add_duration_duration", {Duration(), Duration()},
           Duration());

    for (const Numeric& n : kNumerics) {
      Global("_-_", absl::StrCat("subtract_", n.id), {n.type(), n.type()},
             n.type());
    }
    Global("_-_", "subtract_timestamp_timestamp", {Timestamp(), Timestamp()},
           Duration());
    Global("_-_", "subtract_timestamp_duration", {Timestamp(), Duration()},
           Timestamp());
    Global("_-_", "subtract_duration_duration", {Duration(), Duration()},
           Duration());

    for (const Numeric& n : kNumerics) {
      Global("_*_", absl::StrCat("multiply_", n.id), {n.type(), n.type()},
             n.type());
    }
    for (const Numeric& n : kNumerics) {
      Global("_/_", absl::StrCat("divide_", n.id), {n.type(), n.type()},
             n.type());
    }
    Global("_%_", "modulo_int64", {Int(), Int()}, Int());
    Global("_%_", "modulo_uint64", {Uint(), Uint()}, Uint());

    Global("-_", "negate_int64", {Int()}, Int());
    Global("-_", "negate_double", {Double()}, Double());
  }

  void DeclareLogic() {
    Global("!_", "logical_not", {Bool()}, Bool());
    Global("_&&_", "logical_and", {Bool(), Bool()}, Bool());
    Global("_||_", "logical_or", {Bool(), Bool()}, Bool());
    Global("_?_:_", "conditional", {Bool(), Param("A"), Param("A")},
           Param("A"));
    Global("@not_strictly_false", "not_strictly_false", {Bool()}, Bool());
  }

  void DeclareComparisons() {
    Global("_==_", "equals", {Param("A"), Param("A")}, Bool())
        .numeric_equivalence = true;
    Global("_!=_", "not_equals", {Param("A"), Param("A")}, Bool())
        .numeric_equivalence = true;

    struct Ordering {
      const char* function;
      const char* id;
    };
    constexpr Ordering kOrderings[] = {{"_<_", "less"},
                                       {"_<=_", "less_equals"},
                                       {"_>_", "greater"},
                                       {"_>=_", "greater_equals"}};
    struct Ordered {
      const char* id;
      v1::Type (*type)();
    };
    constexpr Ordered kSameType[] = {
        {"bool", Bool},     {"int64", Int},        {"uint64", Uint},
        {"double", Double}, {"string", String},    {"bytes", Bytes},
        {"timestamp", Timestamp}, {"duration", Duration}};
    for (const Ordering& op : kOrderings) {
      for (const Ordered& t : kSameType) {
        Global(op.function, absl::StrCat(op.id, "_", t.id),
               {t.type(), t.type()}, Bool());
      }
      // Numbers of different types compare by value: `age >= 17.5`.
      for (const Numeric& left : kNumerics) {
        for (const Numeric& right : kNumerics) {
          if (&left == &right) continue;
          Global(op.function, absl::StrCat(op.id, "_", left.id, "_", right.id),
                 {left.type(), right.type()}, Bool());
        }
      }
    }
  }

  void DeclareContainers() {
    Global("@in", "in_list", {Param("A"), List(Param("A"))}, Bool())
        .numeric_equivalence = true;
    Global("@in", "in_map", {Param("A"), Map(Param("A"), Param("B"))}, Bool())
        .numeric_equivalence = true;

    Global("_[_]", "index_list", {List(Param("A")), Int()}, Param("A"));
    Global("_[_]", "index_map", {Map(Param("A"), Param("B")), Param("A")},
           Param("B"))
        .numeric_equivalence = true;

    Global("size", "size_string", {String()}, Int());
    Global("size", "size_bytes", {Bytes()}, Int());
    Global("size", "size_list", {List(Param("A"))}, Int());
    Global("size", "size_map", {Map(Param("A"), Param("B"))}, Int());
    Member("size", "string_size", {String()}, Int());
    Member("size", "bytes_size", {Bytes()}, Int());
    Member("size", "list_size", {List(Param("A"))}, Int());
    Member("size", "map_size", {Map(Param("A"), Param("B"))}, Int());
  }

  void DeclareStrings() {
    Member("contains", "contains_string", {String(), String()}, Bool());
    Member("startsWith", "starts_with_string", {String(), String()}, Bool());
    Member("endsWith", "ends_with_string", {String(), String()}, Bool());
    Member("matches", "matches_string", {String(), String()}, Bool());
    Global("matches", "matches", {String(), String()}, Bool());
  }

  void DeclareConversions() {
    Global("int", "int64_to_int64", {Int()}, Int());
    Global("int", "uint64_to_int64", {Uint()}, Int());
    Global("int", "double_to_int64", {Double()}, Int());
    Global("int", "string_to_int64", {String()}, Int());
    Global("int", "timestamp_to_int64", {Timestamp()}, Int());

    Global("uint", "uint64_to_uint64", {Uint()}, Uint());
    Global("uint", "int64_to_uint64", {Int()}, Uint());
    Global("uint", "double_to_uint64", {Double()}, Uint());
    Global("uint", "string_to_uint64", {String()}, Uint());

    Global("double", "double_to_double", {Double()}, Double());
    Global("double", "int64_to_double", {Int()}, Double());
    Global("double", "uint64_to_double", {Uint()}, Double());
    Global("double", "string_to_double", {String()}, Double());

    Global("string", "string_to_string", {String()}, String());
    Global("string", "bool_to_string", {Bool()}, String());
    Global("string", "int64_to_string", {Int()}, String());
    Global("string", "uint64_to_string", {Uint()}, String());
    Global("string", "double_to_string", {Double()}, String());
    Global("string", "bytes_to_string", {Bytes()}, String());
    Global("string", "timestamp_to_string", {Timestamp()}, String());
    Global("string", "duration_to_string", {Duration()}, String());

    Global("bool", "bool_to_bool", {Bool()}, Bool());
    Global("bool", "string_to_bool", {String()}, Bool());

    Global("bytes", "bytes_to_bytes", {Bytes()}, Bytes());
    Global("bytes", "string_to_bytes", {String()}, Bytes());

    // dyn(x): x, with its static type forgotten.
    Global("dyn", "to_dyn", {Param("A")}, Dyn());

    Global("timestamp", "string_to_timestamp", {String()}, Timestamp());
    Global("timestamp", "int64_to_timestamp", {Int()}, Timestamp());
    Global("timestamp", "timestamp_to_timestamp", {Timestamp()}, Timestamp());

    Global("duration", "string_to_duration", {String()}, Duration());
    Global("duration", "duration_to_duration", {Duration()}, Duration());
  }

  void DeclareTimeAccessors() {
    // Each accessor takes an optional time zone ("America/New_York",
    // "-05:00"); without one it reads the timestamp in UTC.
    struct Accessor {
      const char* function;
      const char* id;          // timestamp_to_<id>
      const char* id_with_tz;  // timestamp_to_<id_with_tz>
    };
    constexpr Accessor kTimestampAccessors[] = {
        {"getFullYear", "year", "year_with_tz"},
        {"getMonth", "month", "month_with_tz"},
        {"getDayOfYear", "day_of_year", "day_of_year_with_tz"},
        // Zero-based day of the month (cel-go's ids).
        {"getDayOfMonth", "day_of_month", "day_of_month_with_tz"},
        // One-based day of the month.
        {"getDate", "day_of_month_1_based", "day_of_month_1_based_with_tz"},
        {"getDayOfWeek", "day_of_week", "day_of_week_with_tz"},
        {"getHours", "hours", "hours_with_tz"},
        {"getMinutes", "minutes", "minutes_with_tz"},
        // cel-go spells this one without "with".
        {"getSeconds", "seconds", "seconds_tz"},
        {"getMilliseconds", "milliseconds", "milliseconds_with_tz"},
    };
    for (const Accessor& a : kTimestampAccessors) {
      Member(a.function, absl::StrCat("timestamp_to_", a.id), {Timestamp()},
             Int());
      Member(a.function, absl::StrCat("timestamp_to_", a.id_with_tz),
             {Timestamp(), String()}, Int());
    }
    Member("getHours", "duration_to_hours", {Duration()}, Int());
    Member("getMinutes", "duration_to_minutes", {Duration()}, Int());
    Member("getSeconds", "duration_to_seconds", {Duration()}, Int());
    Member("getMilliseconds", "duration_to_milliseconds", {Duration()}, Int());
  }
};

const Declarations& TheDeclarations() {
  static const Declarations* const declarations = new Declarations();
  return *declarations;
}

}  // namespace

const std::vector<FunctionDecl>& StandardFunctions() {
  return TheDeclarations().functions;
}

const FunctionDecl* FindStandardFunction(absl::string_view name) {
  const Declarations& declarations = TheDeclarations();
  auto it = declarations.index.find(name);
  if (it == declarations.index.end()) return nullptr;
  return &declarations.functions[it->second];
}

}  // namespace divert::cel
