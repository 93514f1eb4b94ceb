// The CEL part of divert._core (see cel_bindings.h).
//
// Python values are converted straight to CEL values (no JSON in between),
// guided by the declared type of each variable; the values are copied onto
// the evaluation's arena first, so the GIL is released while the program
// runs. Results come back as Python values; messages travel as serialized
// bytes, rebuilt as divert.v1 Python messages by a factory the Python side
// passes in.
#include "cel_bindings.h"

// datetime.h defines a per-file PyDateTimeAPI; RegisterCel imports it.
#include <Python.h>
#include <datetime.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "divert/cel/cel.h"
#include "divert/cel/value.h"
#include "divert/v1/expr.pb.h"
#include "expr/proto_values.h"
#include "expr/type_names.h"
#include "expr/variable_table.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace py = pybind11;

namespace divert::python {
namespace {

using cel::Value;
using cel::ValueKind;

// Deeper nesting than this in bindings or results is refused.
constexpr int kMaxDepth = 100;
// CEL's timestamp range: the years 0001 to 9999.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;

// A compiled program and the environment it was compiled in.
struct PyProgram {
  std::unique_ptr<cel::Environment> environment;
  std::shared_ptr<const cel::Program> program;
  std::string result_type;
};

// --- Python to CEL -----------------------------------------------------------

// google.protobuf.message.Message, imported once (kept for the life of the
// process: Python objects must not be released after the interpreter ends).
py::handle ProtobufMessageClass() {
  static py::object* message_class = new py::object(
      py::module_::import("google.protobuf.message").attr("Message"));
  return *message_class;
}

bool IsProtobufMessage(py::handle obj) {
  return PyObject_IsInstance(obj.ptr(), ProtobufMessageClass().ptr()) == 1;
}

std::string PyTypeName(py::handle obj) {
  return std::string(py::str(py::type::handle_of(obj).attr("__qualname__")));
}

// "an int", "a str": the name of `obj`'s type with its article.
std::string PyTypeWithArticle(py::handle obj) {
  std::string name = PyTypeName(obj);
  bool vowel = !name.empty() &&
               std::string("aeiouAEIOU").find(name[0]) != std::string::npos;
  return absl::StrCat(vowel ? "an " : "a ", name);
}

bool IsTimestampType(const v1::Type& type) {
  return (type.type_kind_case() == v1::Type::kWellKnown &&
          type.well_known() == v1::Type::TIMESTAMP) ||
         (type.type_kind_case() == v1::Type::kMessageType &&
          type.message_type() == "google.protobuf.Timestamp");
}

bool IsDurationType(const v1::Type& type) {
  return (type.type_kind_case() == v1::Type::kWellKnown &&
          type.well_known() == v1::Type::DURATION) ||
         (type.type_kind_case() == v1::Type::kMessageType &&
          type.message_type() == "google.protobuf.Duration");
}

// Throws the Python exception `E` with "path: what".
template <typename E>
[[noreturn]] void Raise(const std::string& path, absl::string_view what) {
  throw E(absl::StrCat(path, ": ", what));
}

absl::Duration TimedeltaToDuration(py::handle delta) {
  return absl::Hours(24) * PyDateTime_DELTA_GET_DAYS(delta.ptr()) +
         absl::Seconds(PyDateTime_DELTA_GET_SECONDS(delta.ptr())) +
         absl::Microseconds(PyDateTime_DELTA_GET_MICROSECONDS(delta.ptr()));
}

class PythonToValue {
 public:
  explicit PythonToValue(cel::Arena* arena) : arena_(arena) {}

  Value Convert(py::handle obj, const v1::Type& type, std::string& path,
                int depth) {
    if (depth > kMaxDepth) {
      Raise<py::value_error>(
          path, absl::StrCat("nested more than ", kMaxDepth, " levels deep"));
    }
    if (IsTimestampType(type)) return Timestamp(obj, path);
    if (IsDurationType(type)) return Duration(obj, path);
    switch (type.type_kind_case()) {
      case v1::Type::kNull:
        if (obj.is_none()) return Value::Null();
        return Mismatch(obj, "None", path);
      case v1::Type::kPrimitive:
        return Primitive(obj, type.primitive(), path);
      case v1::Type::kListType:
        return List(obj, type.list_type().elem_type(), path, depth);
      case v1::Type::kMapType:
        return Map(obj, type.map_type().key_type(),
                   type.map_type().value_type(), path, depth);
      case v1::Type::kMessageType:
        return Message(obj, type.message_type(), path, depth);
      case v1::Type::kEnumType:
        return Enum(obj, type.enum_type(), path);
      default:
        return Dyn(obj, path, depth);
    }
  }

 private:
  [[noreturn]] static Value Mismatch(py::handle obj, absl::string_view expected,
                                     const std::string& path) {
    Raise<py::type_error>(path, absl::StrCat("expected ", expected, ", got ",
                                             obj.is_none() ? "None"
                                                           : PyTypeWithArticle(obj)));
  }

  static bool IsInt(py::handle obj) {
    return PyLong_Check(obj.ptr()) && !PyBool_Check(obj.ptr());
  }

  static int64_t ToInt64(py::handle obj, const std::string& path) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(obj.ptr(), &overflow);
    if (overflow != 0) {
      Raise<py::value_error>(path, "int out of the int64 range");
    }
    if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
    return v;
  }

  static uint64_t ToUint64(py::handle obj, const std::string& path) {
    int overflow = 0;
    long long small = PyLong_AsLongLongAndOverflow(obj.ptr(), &overflow);
    if (small == -1 && PyErr_Occurred()) throw py::error_already_set();
    if (overflow < 0 || (overflow == 0 && small < 0)) {
      Raise<py::value_error>(path, "expected a uint, got a negative int");
    }
    if (overflow == 0) return static_cast<uint64_t>(small);
    unsigned long long v = PyLong_AsUnsignedLongLong(obj.ptr());
    if (v == static_cast<unsigned long long>(-1) && PyErr_Occurred()) {
      PyErr_Clear();
      Raise<py::value_error>(path, "int out of the uint64 range");
    }
    return v;
  }

  Value String(py::handle obj, const std::string& path) {
    Py_ssize_t size = 0;
    const char* utf8 = PyUnicode_AsUTF8AndSize(obj.ptr(), &size);
    if (utf8 == nullptr) {
      PyErr_Clear();
      Raise<py::value_error>(path, "a str that is not valid Unicode "
                                   "(lone surrogates)");
    }
    return cel::ArenaString(arena_, absl::string_view(utf8, size));
  }

  // bytes, bytearray or memoryview; false when `obj` is none of them.
  bool Bytes(py::handle obj, Value* out) {
    if (PyBytes_Check(obj.ptr())) {
      *out = cel::ArenaBytes(
          arena_, absl::string_view(PyBytes_AS_STRING(obj.ptr()),
                                    PyBytes_GET_SIZE(obj.ptr())));
      return true;
    }
    if (PyByteArray_Check(obj.ptr())) {
      *out = cel::ArenaBytes(
          arena_, absl::string_view(PyByteArray_AS_STRING(obj.ptr()),
                                    PyByteArray_GET_SIZE(obj.ptr())));
      return true;
    }
    if (PyMemoryView_Check(obj.ptr())) {
      py::bytes copy = py::reinterpret_steal<py::bytes>(
          PyObject_CallMethod(obj.ptr(), "tobytes", nullptr));
      if (!copy) throw py::error_already_set();
      return Bytes(copy, out);
    }
    return false;
  }

  Value Primitive(py::handle obj, v1::Type::PrimitiveType primitive,
                  std::string& path) {
    switch (primitive) {
      case v1::Type::BOOL:
        if (PyBool_Check(obj.ptr())) return Value::Bool(obj.ptr() == Py_True);
        return Mismatch(obj, "a bool", path);
      case v1::Type::INT64:
        if (IsInt(obj)) return Value::Int(ToInt64(obj, path));
        return Mismatch(obj, "an int", path);
      case v1::Type::UINT64:
        if (IsInt(obj)) return Value::Uint(ToUint64(obj, path));
        return Mismatch(obj, "an int (uint)", path);
      case v1::Type::DOUBLE:
        if (PyFloat_Check(obj.ptr())) {
          return Value::Double(PyFloat_AS_DOUBLE(obj.ptr()));
        }
        if (IsInt(obj)) {
          double d = PyLong_AsDouble(obj.ptr());
          if (d == -1.0 && PyErr_Occurred()) {
            PyErr_Clear();
            Raise<py::value_error>(path, "int too large for a double");
          }
          return Value::Double(d);
        }
        return Mismatch(obj, "a float", path);
      case v1::Type::STRING:
        if (PyUnicode_Check(obj.ptr())) return String(obj, path);
        return Mismatch(obj, "a str", path);
      case v1::Type::BYTES: {
        Value bytes;
        if (Bytes(obj, &bytes)) return bytes;
        return Mismatch(obj, "bytes", path);
      }
      default:
        return Dyn(obj, path, 0);
    }
  }

  Value Enum(py::handle obj, const std::string& enum_name,
             const std::string& path) {
    if (IsInt(obj)) {
      int64_t v = ToInt64(obj, path);
      if (v < std::numeric_limits<int32_t>::min() ||
          v > std::numeric_limits<int32_t>::max()) {
        Raise<py::value_error>(path, "enum value out of the int32 range");
      }
      return Value::Int(v);
    }
    if (PyUnicode_Check(obj.ptr())) {
      const google::protobuf::EnumDescriptor* descriptor =
          google::protobuf::DescriptorPool::generated_pool()->FindEnumTypeByName(
              enum_name);
      const google::protobuf::EnumValueDescriptor* value =
          descriptor == nullptr
              ? nullptr
              : descriptor->FindValueByName(std::string(py::str(obj)));
      if (value == nullptr) {
        Raise<py::value_error>(path, absl::StrCat("expected a ", enum_name,
                                                  ", got a str that names "
                                                  "none of its values"));
      }
      return Value::Int(value->number());
    }
    return Mismatch(obj, absl::StrCat("a ", enum_name, " (an int or a name)"),
                    path);
  }

  Value Timestamp(py::handle obj, std::string& path) {
    if (PyDateTime_Check(obj.ptr())) {
      absl::Time t = absl::FromCivil(
          absl::CivilSecond(PyDateTime_GET_YEAR(obj.ptr()),
                            PyDateTime_GET_MONTH(obj.ptr()),
                            PyDateTime_GET_DAY(obj.ptr()),
                            PyDateTime_DATE_GET_HOUR(obj.ptr()),
                            PyDateTime_DATE_GET_MINUTE(obj.ptr()),
                            PyDateTime_DATE_GET_SECOND(obj.ptr())),
          absl::UTCTimeZone());
      t += absl::Microseconds(PyDateTime_DATE_GET_MICROSECOND(obj.ptr()));
      // Aware datetimes are converted to UTC; naive ones are taken as UTC.
      py::object offset = obj.attr("utcoffset")();
      if (!offset.is_none()) t -= TimedeltaToDuration(offset);
      if (t < absl::FromUnixSeconds(kMinTimestampSeconds) ||
          t >= absl::FromUnixSeconds(kMaxTimestampSeconds + 1)) {
        Raise<py::value_error>(path, "timestamp outside the years 0001 to 9999");
      }
      return Value::Timestamp(t);
    }
    if (IsProtobufMessage(obj)) {
      Value v = Message(obj, "google.protobuf.Timestamp", path, 0);
      if (v.kind() == ValueKind::kTimestamp) return v;
    }
    return Mismatch(obj, "a datetime.datetime", path);
  }

  Value Duration(py::handle obj, std::string& path) {
    if (PyDelta_Check(obj.ptr())) return Value::Duration(TimedeltaToDuration(obj));
    if (IsProtobufMessage(obj)) {
      Value v = Message(obj, "google.protobuf.Duration", path, 0);
      if (v.kind() == ValueKind::kDuration) return v;
    }
    return Mismatch(obj, "a datetime.timedelta", path);
  }

  Value List(py::handle obj, const v1::Type& elem_type, std::string& path,
             int depth) {
    bool is_list = PyList_Check(obj.ptr());
    if (!is_list && !PyTuple_Check(obj.ptr())) {
      return Mismatch(obj, "a list or tuple", path);
    }
    std::vector<Value> elements;
    size_t path_size = path.size();
    // By index, re-reading the size and holding each item: converting an
    // item may run Python code (a tzinfo, a message) that changes the list.
    for (Py_ssize_t i = 0;
         i < (is_list ? PyList_GET_SIZE(obj.ptr()) : PyTuple_GET_SIZE(obj.ptr()));
         ++i) {
      py::object item = py::reinterpret_borrow<py::object>(
          is_list ? PyList_GET_ITEM(obj.ptr(), i) : PyTuple_GET_ITEM(obj.ptr(), i));
      absl::StrAppend(&path, "[", i, "]");
      elements.push_back(Convert(item, elem_type, path, depth + 1));
      path.resize(path_size);
    }
    return cel::ArenaList(arena_, elements);
  }

  Value Key(py::handle key, const v1::Type& key_type, std::string& path) {
    if (key_type.type_kind_case() == v1::Type::kPrimitive) {
      switch (key_type.primitive()) {
        case v1::Type::BOOL:
        case v1::Type::INT64:
        case v1::Type::UINT64:
        case v1::Type::STRING:
          return Primitive(key, key_type.primitive(), path);
        default:
          Raise<py::type_error>(path,
                                "map keys must be bool, int, uint or string");
      }
    }
    // dyn keys
    if (PyBool_Check(key.ptr())) return Value::Bool(key.ptr() == Py_True);
    if (IsInt(key)) return IntOrUint(key, path);
    if (PyUnicode_Check(key.ptr())) return String(key, path);
    Raise<py::type_error>(
        path, absl::StrCat("a map key must be a str, int or bool, not ",
                           PyTypeWithArticle(key)));
  }

  Value Map(py::handle obj, const v1::Type& key_type,
            const v1::Type& value_type, std::string& path, int depth) {
    if (!PyDict_Check(obj.ptr())) return Mismatch(obj, "a dict", path);
    // A list of (key, value) pairs that holds its items, so that Python code
    // run while converting cannot free them.
    py::list items =
        py::reinterpret_steal<py::list>(PyDict_Items(obj.ptr()));
    if (!items) throw py::error_already_set();
    auto* entries =
        cel::Arena::Create<std::vector<std::pair<Value, Value>>>(arena_);
    entries->reserve(items.size());
    size_t path_size = path.size();
    size_t index = 0;
    for (py::handle pair : items) {
      py::handle key = PyTuple_GET_ITEM(pair.ptr(), 0);
      py::handle value = PyTuple_GET_ITEM(pair.ptr(), 1);
      // Keys are data (they could be names), so paths number the entries.
      absl::StrAppend(&path, "[key #", ++index, "]");
      Value k = Key(key, key_type, path);
      Value v = Convert(value, value_type, path, depth + 1);
      path.resize(path_size);
      entries->emplace_back(k, v);
    }
    return Value::Map(cel::Arena::Create<cel::ArrayMapValue>(
        arena_, absl::MakeConstSpan(*entries), arena_));
  }

  Value IntOrUint(py::handle obj, const std::string& path) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(obj.ptr(), &overflow);
    if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
    if (overflow == 0) return Value::Int(v);
    if (overflow > 0) {
      unsigned long long u = PyLong_AsUnsignedLongLong(obj.ptr());
      if (!(u == static_cast<unsigned long long>(-1) && PyErr_Occurred())) {
        return Value::Uint(u);
      }
      PyErr_Clear();
    }
    Raise<py::value_error>(path, "int out of the int64 and uint64 ranges");
  }

  // A Python protobuf message, copied into a C++ message of the same type
  // on the arena. `expected` is the declared message type ("" for dyn).
  Value Message(py::handle obj, const std::string& expected, std::string& path,
                int depth) {
    if (obj.is_none()) return Value::Null();
    if (!IsProtobufMessage(obj)) {
      // Wrapper types (google.protobuf.Int64Value, ...) take plain values.
      static const auto* const kWrappers =
          new std::vector<std::pair<std::string, v1::Type::PrimitiveType>>{
              {"google.protobuf.BoolValue", v1::Type::BOOL},
              {"google.protobuf.Int64Value", v1::Type::INT64},
              {"google.protobuf.Int32Value", v1::Type::INT64},
              {"google.protobuf.UInt64Value", v1::Type::UINT64},
              {"google.protobuf.UInt32Value", v1::Type::UINT64},
              {"google.protobuf.DoubleValue", v1::Type::DOUBLE},
              {"google.protobuf.FloatValue", v1::Type::DOUBLE},
              {"google.protobuf.StringValue", v1::Type::STRING},
              {"google.protobuf.BytesValue", v1::Type::BYTES}};
      for (const auto& [name, primitive] : *kWrappers) {
        if (name == expected) return Primitive(obj, primitive, path);
      }
      if (expected == "google.protobuf.Value" ||
          expected == "google.protobuf.Struct" ||
          expected == "google.protobuf.ListValue") {
        return Dyn(obj, path, depth);
      }
      return Mismatch(obj, absl::StrCat("a ", expected, " message"), path);
    }
    std::string full_name =
        py::str(obj.attr("DESCRIPTOR").attr("full_name"));
    if (!expected.empty() && full_name != expected) {
      Raise<py::type_error>(path, absl::StrCat("expected a ", expected,
                                               " message, got a ", full_name));
    }
    const google::protobuf::Descriptor* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(
            full_name);
    const google::protobuf::Message* prototype =
        descriptor == nullptr
            ? nullptr
            : google::protobuf::MessageFactory::generated_factory()->GetPrototype(
                  descriptor);
    if (prototype == nullptr) {
      Raise<py::type_error>(path, absl::StrCat("message type ", full_name,
                                               " is not compiled into the "
                                               "divert library"));
    }
    py::bytes wire = obj.attr("SerializePartialToString")();
    char* data = nullptr;
    Py_ssize_t size = 0;
    if (PyBytes_AsStringAndSize(wire.ptr(), &data, &size) != 0) {
      throw py::error_already_set();
    }
    google::protobuf::Message* message = prototype->New(arena_);
    if (!message->ParsePartialFromArray(data, static_cast<int>(size))) {
      Raise<py::value_error>(path, absl::StrCat("the ", full_name,
                                                " message could not be read "
                                                "by the library"));
    }
    return cel::MessageToValue(*message, arena_);
  }

  Value Dyn(py::handle obj, std::string& path, int depth) {
    PyObject* p = obj.ptr();
    if (obj.is_none()) return Value::Null();
    if (PyBool_Check(p)) return Value::Bool(p == Py_True);
    if (PyLong_Check(p)) return IntOrUint(obj, path);
    if (PyFloat_Check(p)) return Value::Double(PyFloat_AS_DOUBLE(p));
    if (PyUnicode_Check(p)) return String(obj, path);
    Value bytes;
    if (Bytes(obj, &bytes)) return bytes;
    if (PyList_Check(p) || PyTuple_Check(p)) {
      static const v1::Type* const kDyn = [] {
        auto* type = new v1::Type;
        type->mutable_dyn();
        return type;
      }();
      return List(obj, *kDyn, path, depth);
    }
    if (PyDict_Check(p)) {
      static const v1::Type* const kDyn = [] {
        auto* type = new v1::Type;
        type->mutable_dyn();
        return type;
      }();
      return Map(obj, *kDyn, *kDyn, path, depth);
    }
    if (PyDateTime_Check(p)) return Timestamp(obj, path);
    if (PyDelta_Check(p)) return Duration(obj, path);
    if (IsProtobufMessage(obj)) return Message(obj, "", path, depth);
    Raise<py::type_error>(path, absl::StrCat(PyTypeWithArticle(obj),
                                             " has no CEL value"));
  }

  cel::Arena* arena_;
};

// --- CEL to Python -----------------------------------------------------------

// Thrown while converting a result that holds an error value.
struct ErrorInResult {
  std::string message;
};

class ValueToPython {
 public:
  ValueToPython(cel::Arena* arena, py::handle message_factory)
      : arena_(arena), message_factory_(message_factory) {}

  py::object Convert(const Value& value, int depth) {
    if (depth > kMaxDepth) {
      throw ErrorInResult{absl::StrCat("the result is nested more than ",
                                       kMaxDepth, " levels deep")};
    }
    switch (value.kind()) {
      case ValueKind::kNull:
        return py::none();
      case ValueKind::kBool:
        return py::bool_(value.bool_value());
      case ValueKind::kInt:
        return py::reinterpret_steal<py::object>(
            PyLong_FromLongLong(value.int_value()));
      case ValueKind::kUint:
        return py::reinterpret_steal<py::object>(
            PyLong_FromUnsignedLongLong(value.uint_value()));
      case ValueKind::kDouble:
        return py::float_(value.double_value());
      case ValueKind::kString: {
        absl::string_view s = value.string_value();
        PyObject* str =
            PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()),
                                 "surrogateescape");
        if (str == nullptr) throw py::error_already_set();
        return py::reinterpret_steal<py::object>(str);
      }
      case ValueKind::kBytes: {
        absl::string_view b = value.bytes_value();
        return py::bytes(b.data(), b.size());
      }
      case ValueKind::kList: {
        const cel::ListValue& list = value.list();
        py::list out(list.size());
        for (size_t i = 0; i < list.size(); ++i) {
          out[i] = Convert(list.Get(i, arena_), depth + 1);
        }
        return std::move(out);
      }
      case ValueKind::kMap: {
        const cel::MapValue& map = value.map();
        const cel::ListValue* keys = map.Keys(arena_);
        py::dict out;
        for (size_t i = 0; i < keys->size(); ++i) {
          Value key = keys->Get(i, arena_);
          Value entry;
          if (!map.Find(key, arena_, &entry)) {
            throw ErrorInResult{"a map key lists no value"};
          }
          out[Convert(key, depth + 1)] = Convert(entry, depth + 1);
        }
        return std::move(out);
      }
      case ValueKind::kTimestamp:
        return Datetime(value.timestamp());
      case ValueKind::kDuration:
        return Timedelta(value.duration());
      case ValueKind::kMessage: {
        const google::protobuf::Message& message = value.message();
        std::string wire;
        message.SerializePartialToString(&wire);
        return message_factory_(message.GetDescriptor()->full_name(),
                                py::bytes(wire));
      }
      case ValueKind::kError:
        throw ErrorInResult{std::string(value.error().status().message())};
      case ValueKind::kUnknown:
        throw ErrorInResult{"an unknown value inside a list or map"};
    }
    throw ErrorInResult{"a value of an unexpected kind"};
  }

 private:
  // An aware datetime in UTC (microseconds: finer digits are dropped).
  static py::object Datetime(absl::Time t) {
    absl::CivilSecond civil = absl::ToCivilSecond(t, absl::UTCTimeZone());
    int64_t micros = absl::ToInt64Microseconds(
        t - absl::FromCivil(civil, absl::UTCTimeZone()));
    if (civil.year() < 1 || civil.year() > 9999) {
      throw ErrorInResult{"a timestamp outside the years 1 to 9999"};
    }
    PyObject* dt = PyDateTimeAPI->DateTime_FromDateAndTime(
        static_cast<int>(civil.year()), civil.month(), civil.day(),
        civil.hour(), civil.minute(), civil.second(), static_cast<int>(micros),
        PyDateTime_TimeZone_UTC, PyDateTimeAPI->DateTimeType);
    if (dt == nullptr) throw py::error_already_set();
    return py::reinterpret_steal<py::object>(dt);
  }

  // A timedelta (microseconds: finer digits are dropped, toward zero).
  static py::object Timedelta(absl::Duration d) {
    int64_t micros = absl::ToInt64Microseconds(d);
    constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;
    int64_t days = micros / kMicrosPerDay;
    int64_t rest = micros % kMicrosPerDay;
    if (rest < 0) {
      rest += kMicrosPerDay;
      --days;
    }
    PyObject* delta = PyDelta_FromDSU(static_cast<int>(days),
                                      static_cast<int>(rest / 1000000),
                                      static_cast<int>(rest % 1000000));
    if (delta == nullptr) throw py::error_already_set();
    return py::reinterpret_steal<py::object>(delta);
  }

  cel::Arena* arena_;
  py::handle message_factory_;
};

// --- The module's functions ----------------------------------------------------

const char* IssueKindName(cel::CompileIssue::Kind kind) {
  switch (kind) {
    case cel::CompileIssue::Kind::kSyntax:
      return "syntax";
    case cel::CompileIssue::Kind::kType:
      return "type";
    case cel::CompileIssue::Kind::kLimit:
      return "limit";
  }
  return "unknown";
}

// Compiles `expr`. Returns (program, "", []) or (None, formatted message,
// [(kind, line, column, message), ...]). Raises ValueError for malformed
// declarations.
py::tuple Compile(const std::string& expr, const py::object& declarations,
                  const std::string& container, bool checked) {
  auto environment = std::make_unique<cel::Environment>();
  if (!container.empty()) environment->set_container(container);
  if (!declarations.is_none()) {
    for (auto [name, type] : py::reinterpret_borrow<py::dict>(declarations)) {
      if (!PyUnicode_Check(name.ptr()) || !PyUnicode_Check(type.ptr())) {
        throw py::type_error(
            "declarations map variable names (str) to CEL type names (str), "
            "e.g. {\"age\": \"int\"}");
      }
      absl::Status declared = environment->DeclareVariable(
          std::string(py::str(name)), std::string(py::str(type)));
      if (!declared.ok()) throw py::value_error(std::string(declared.message()));
    }
  }
  std::vector<cel::CompileIssue> issues;
  absl::StatusOr<std::shared_ptr<const cel::Program>> program;
  {
    py::gil_scoped_release release;
    program = checked ? environment->Compile(expr, &issues)
                      : environment->CompileUnchecked(expr, &issues);
  }
  if (!program.ok()) {
    py::list issue_list;
    for (const cel::CompileIssue& issue : issues) {
      issue_list.append(py::make_tuple(IssueKindName(issue.kind), issue.line,
                                       issue.column, issue.message));
    }
    if (issues.empty() &&
        program.status().code() != absl::StatusCode::kInvalidArgument) {
      // Not a problem with the expression: a failure of the library.
      throw std::runtime_error(std::string(program.status().message()));
    }
    return py::make_tuple(py::none(),
                          std::string(program.status().message()), issue_list);
  }
  auto result = std::make_shared<PyProgram>();
  result->environment = std::move(environment);
  result->program = *std::move(program);
  result->result_type = result->program->result_type();
  return py::make_tuple(result, "", py::list());
}

// Evaluates `program`. Returns (0, value), (1, [attribute, ...]) for an
// unknown result, or (2, message) for an evaluation error. Raises TypeError
// or ValueError for bindings that do not fit.
py::tuple Evaluate(const PyProgram& self, const py::object& bindings,
                   const std::vector<std::string>& unknown,
                   bool unset_fields_are_unknown,
                   const py::object& message_factory) {
  const cel::Program& program = *self.program;
  cel::Activation activation(program);
  activation.set_unset_fields_are_unknown(unset_fields_are_unknown);
  for (const std::string& attribute : unknown) {
    absl::Status marked = activation.MarkUnknown(attribute);
    if (!marked.ok()) throw py::value_error(std::string(marked.message()));
  }
  if (!bindings.is_none()) {
    const cel::VariableTable& variables = *program.variables();
    PythonToValue converter(activation.arena());
    v1::Type dyn;
    dyn.mutable_dyn();
    for (auto [key, value] : py::reinterpret_borrow<py::dict>(bindings)) {
      if (!PyUnicode_Check(key.ptr())) {
        throw py::type_error("binding names must be str");
      }
      std::string name = py::str(key);
      int slot = variables.Find(name);
      if (slot < 0) continue;  // no program of this environment reads it
      std::string path = absl::StrCat("bindings.", name);
      activation.Bind(name, converter.Convert(value, variables.type(slot), path, 0));
    }
  }
  Value result;
  {
    py::gil_scoped_release release;
    result = program.Evaluate(activation);
  }
  if (result.IsError()) {
    return py::make_tuple(2, std::string(result.error().status().message()));
  }
  if (result.IsUnknown()) {
    py::list attributes;
    for (const std::string& attribute : result.unknown().attributes()) {
      attributes.append(attribute);
    }
    return py::make_tuple(1, attributes);
  }
  try {
    ValueToPython converter(activation.arena(), message_factory);
    return py::make_tuple(0, converter.Convert(result, 0));
  } catch (const ErrorInResult& error) {
    return py::make_tuple(2, error.message);
  }
}

}  // namespace

void RegisterCel(py::module_& m) {
  PyDateTime_IMPORT;
  if (PyDateTimeAPI == nullptr) throw py::error_already_set();

  py::class_<PyProgram, std::shared_ptr<PyProgram>>(
      m, "CelProgram",
      "A compiled CEL expression (internal: use divert.cel.compile).")
      .def_property_readonly(
          "result_type",
          [](const PyProgram& self) { return self.result_type; },
          "The type of the result in CEL's notation, e.g. 'bool'.")
      .def("evaluate", &Evaluate, py::arg("bindings"), py::arg("unknown"),
           py::arg("unset_fields_are_unknown"), py::arg("message_factory"),
           "Evaluates the program: (0, value), (1, unknown attributes) or "
           "(2, error message).");

  m.def("cel_compile", &Compile, py::arg("expr"), py::arg("declarations"),
        py::arg("container"), py::arg("checked"),
        "Compiles a CEL expression: (program, '', []) or (None, message, "
        "issues) (internal: use divert.cel.compile).");
}

}  // namespace divert::python
