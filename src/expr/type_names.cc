// CEL type notation: a small recursive-descent parser and its inverse.
//
//   type   := name [ '(' type { ',' type } ')' ]
//   name   := ident { '.' ident }
//
// Only `list` and `map` take parameters. Spaces are allowed between tokens.
#include "expr/type_names.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace divert::cel {
namespace {

// Deeper nesting than this is surely a mistake, and it bounds recursion.
constexpr int kMaxTypeNesting = 32;

bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }

class TypeNameParser {
 public:
  TypeNameParser(absl::string_view text,
                 const google::protobuf::DescriptorPool& pool)
      : text_(text), pool_(pool) {}

  absl::StatusOr<v1::Type> ParseAll() {
    v1::Type type;
    absl::Status status = ParseType(0, &type);
    if (!status.ok()) return status;
    SkipSpaces();
    if (pos_ < text_.size()) {
      return Error(absl::StrCat("unexpected ", Describe(pos_),
                                " after the type"),
                   pos_);
    }
    return type;
  }

 private:
  void SkipSpaces() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
            text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  // 1-based column, counted in code points, of byte offset `offset`.
  int Column(size_t offset) const {
    int column = 1;
    for (size_t i = 0; i < offset && i < text_.size(); ++i) {
      // Count every byte that is not a UTF-8 continuation byte.
      if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
    }
    return column;
  }

  absl::Status Error(absl::string_view what, size_t offset) const {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " at column ", Column(offset)));
  }

  // What is at `offset`, for messages: "')'", "end of text", "character".
  std::string Describe(size_t offset) const {
    if (offset >= text_.size()) return "end of text";
    char c = text_[offset];
    if (c == '(' || c == ')' || c == ',' || c == '.' || IsIdentChar(c)) {
      return absl::StrCat("'", absl::string_view(&text_[offset], 1), "'");
    }
    return "character";
  }

  absl::Status Expect(char c) {
    SkipSpaces();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return absl::OkStatus();
    }
    return Error(absl::StrCat("expected '", absl::string_view(&c, 1),
                              "' but found ", Describe(pos_)),
                 pos_);
  }

  // Reads `ident { '.' ident }`; empty when there is no identifier here.
  absl::string_view ReadName() {
    size_t start = pos_;
    while (pos_ < text_.size() && IsIdentStart(text_[pos_])) {
      while (pos_ < text_.size() && IsIdentChar(text_[pos_])) ++pos_;
      if (pos_ + 1 < text_.size() && text_[pos_] == '.' &&
          IsIdentStart(text_[pos_ + 1])) {
        ++pos_;
      } else {
        break;
      }
    }
    return text_.substr(start, pos_ - start);
  }

  absl::Status ParseType(int depth, v1::Type* out) {
    SkipSpaces();
    size_t start = pos_;
    if (depth > kMaxTypeNesting) {
      return Error("type is nested too deeply", start);
    }
    absl::string_view name = ReadName();
    if (name.empty()) {
      return Error(absl::StrCat("expected a type name but found ",
                                Describe(start)),
                   start);
    }
    if (name == "list") return ParseList(depth, out);
    if (name == "map") return ParseMap(depth, out);

    if (name == "bool") {
      out->set_primitive(v1::Type::BOOL);
    } else if (name == "int") {
      out->set_primitive(v1::Type::INT64);
    } else if (name == "uint") {
      out->set_primitive(v1::Type::UINT64);
    } else if (name == "double") {
      out->set_primitive(v1::Type::DOUBLE);
    } else if (name == "string") {
      out->set_primitive(v1::Type::STRING);
    } else if (name == "bytes") {
      out->set_primitive(v1::Type::BYTES);
    } else if (name == "null_type") {
      out->set_null(v1::NULL_VALUE);
    } else if (name == "dyn") {
      out->mutable_dyn();
    } else if (name == "google.protobuf.Timestamp" || name == "timestamp") {
      out->set_well_known(v1::Type::TIMESTAMP);
    } else if (name == "google.protobuf.Duration" || name == "duration") {
      out->set_well_known(v1::Type::DURATION);
    } else if (pool_.FindMessageTypeByName(std::string(name)) != nullptr) {
      out->set_message_type(std::string(name));
    } else if (pool_.FindEnumTypeByName(std::string(name)) != nullptr) {
      out->set_enum_type(std::string(name));
    } else {
      return Error(absl::StrCat("unknown type '", name, "'"), start);
    }
    SkipSpaces();
    if (pos_ < text_.size() && text_[pos_] == '(') {
      return Error(absl::StrCat("type '", name, "' takes no parameters"),
                   pos_);
    }
    return absl::OkStatus();
  }

  absl::Status ParseList(int depth, v1::Type* out) {
    SkipSpaces();
    if (pos_ >= text_.size() || text_[pos_] != '(') {
      return Error("expected '(' and an element type after 'list'", pos_);
    }
    ++pos_;
    absl::Status status =
        ParseType(depth + 1, out->mutable_list_type()->mutable_elem_type());
    if (!status.ok()) return status;
    SkipSpaces();
    if (pos_ < text_.size() && text_[pos_] == ',') {
      return Error("'list' takes one type parameter", pos_);
    }
    return Expect(')');
  }

  absl::Status ParseMap(int depth, v1::Type* out) {
    SkipSpaces();
    if (pos_ >= text_.size() || text_[pos_] != '(') {
      return Error("expected '(' and key and value types after 'map'", pos_);
    }
    ++pos_;
    SkipSpaces();
    size_t key_start = pos_;
    v1::Type::MapType* map = out->mutable_map_type();
    absl::Status status = ParseType(depth + 1, map->mutable_key_type());
    if (!status.ok()) return status;
    if (!IsValidMapKey(map->key_type())) {
      return Error(absl::StrCat("unsupported map key type '",
                                FormatType(map->key_type()),
                                "' (use bool, int, uint, string or dyn)"),
                   key_start);
    }
    SkipSpaces();
    if (pos_ < text_.size() && text_[pos_] == ')') {
      return Error("'map' takes a key and a value type", pos_);
    }
    status = Expect(',');
    if (!status.ok()) return status;
    status = ParseType(depth + 1, map->mutable_value_type());
    if (!status.ok()) return status;
    SkipSpaces();
    if (pos_ < text_.size() && text_[pos_] == ',') {
      return Error("'map' takes two type parameters", pos_);
    }
    return Expect(')');
  }

  static bool IsValidMapKey(const v1::Type& type) {
    if (type.has_dyn()) return true;
    if (!type.has_primitive()) return false;
    switch (type.primitive()) {
      case v1::Type::BOOL:
      case v1::Type::INT64:
      case v1::Type::UINT64:
      case v1::Type::STRING:
        return true;
      default:
        return false;
    }
  }

  absl::string_view text_;
  const google::protobuf::DescriptorPool& pool_;
  size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<v1::Type> ParseTypeName(
    absl::string_view text, const google::protobuf::DescriptorPool& pool) {
  return TypeNameParser(text, pool).ParseAll();
}

std::string FormatType(const v1::Type& type) {
  switch (type.type_kind_case()) {
    case v1::Type::kDyn:
    case v1::Type::TYPE_KIND_NOT_SET:
      return "dyn";
    case v1::Type::kNull:
      return "null_type";
    case v1::Type::kPrimitive:
      switch (type.primitive()) {
        case v1::Type::BOOL:
          return "bool";
        case v1::Type::INT64:
          return "int";
        case v1::Type::UINT64:
          return "uint";
        case v1::Type::DOUBLE:
          return "double";
        case v1::Type::STRING:
          return "string";
        case v1::Type::BYTES:
          return "bytes";
        default:
          return "dyn";
      }
    case v1::Type::kWellKnown:
      switch (type.well_known()) {
        case v1::Type::TIMESTAMP:
          return "google.protobuf.Timestamp";
        case v1::Type::DURATION:
          return "google.protobuf.Duration";
        default:
          return "dyn";
      }
    case v1::Type::kListType:
      return absl::StrCat("list(", FormatType(type.list_type().elem_type()),
                          ")");
    case v1::Type::kMapType:
      return absl::StrCat("map(", FormatType(type.map_type().key_type()), ", ",
                          FormatType(type.map_type().value_type()), ")");
    case v1::Type::kMessageType:
      return type.message_type();
    case v1::Type::kTypeParam:
      return type.type_param();
    case v1::Type::kType:
      return absl::StrCat("type(", FormatType(type.type()), ")");
    case v1::Type::kError:
      return "*error*";
    case v1::Type::kEnumType:
      return type.enum_type();
  }
  return "dyn";
}

}  // namespace divert::cel
