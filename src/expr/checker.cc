// The CEL type checker.
//
// Types live in a TypeStore for the duration of one Check: a node per type,
// addressed by index, with type variables ("params") bound through a
// substitution table. Every binding is recorded on a trail so that a failed
// attempt (an overload that does not match) can be undone exactly. The
// assignability rules follow CEL's checker: dyn and error are assignable
// to and from everything, null to messages; type variables bind, widening
// to the more general type when a later use is less specific
// (`true ? 1 : dyn_value` is dyn). Aggregate literals of mixed element
// types are list(dyn) / map(dyn, dyn). Overloads flagged
// numeric_equivalence (==, !=, in, map index) accept int, uint and double
// interchangeably when nothing matches exactly.
//
// What the CheckedExpr records:
// - type_map: every node, with type variables substituted (unbound ones
//   become dyn). Enum values are ints (CEL's legacy enum semantics).
// - reference_map: every identifier that names a declared variable
//   (`name` is the declared name) or an enum constant (`name` is the fully
//   qualified value name, `value` its number); comprehension variables get
//   no reference. Every call gets the ids of the overloads that may apply.
// - expr: the parsed tree, except that an identifier or a Select chain that
//   names a variable or constant as a whole (`Pathway.SOCIAL_CONTACT`,
//   `divert.v1.Pathway.SOCIAL_CONTACT`) becomes one Ident node holding the
//   resolved name, with the id of the outermost node it replaces.
#include "expr/checker.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/strings/string_view.h"
#include "expr/source_position.h"
#include "expr/standard_declarations.h"
#include "expr/type_names.h"
#include "google/protobuf/descriptor.h"

namespace divert::cel {
namespace {

using TypeRef = int32_t;

enum class Kind : uint8_t {
  kDyn,
  kError,
  kNull,
  kBool,
  kInt,
  kUint,
  kDouble,
  kString,
  kBytes,
  kTimestamp,
  kDuration,
  kList,     // a = element
  kMap,      // a = key, b = value
  kMessage,  // index = message name
  kTypeOf,   // a = the type whose values are types
  kParam,    // index = substitution slot
};

struct TypeNode {
  Kind kind;
  TypeRef a = -1;
  TypeRef b = -1;
  int32_t index = -1;
};

bool IsNumeric(Kind kind) {
  return kind == Kind::kInt || kind == Kind::kUint || kind == Kind::kDouble;
}

class TypeStore {
 public:
  // The types without parameters have fixed indices, in Kind order.
  static constexpr TypeRef kDyn = 0;
  static constexpr TypeRef kError = 1;
  static constexpr TypeRef kNull = 2;
  static constexpr TypeRef kBool = 3;
  static constexpr TypeRef kInt = 4;
  static constexpr TypeRef kUint = 5;
  static constexpr TypeRef kDouble = 6;
  static constexpr TypeRef kString = 7;
  static constexpr TypeRef kBytes = 8;
  static constexpr TypeRef kTimestamp = 9;
  static constexpr TypeRef kDuration = 10;

  TypeStore() {
    for (Kind kind :
         {Kind::kDyn, Kind::kError, Kind::kNull, Kind::kBool, Kind::kInt,
          Kind::kUint, Kind::kDouble, Kind::kString, Kind::kBytes,
          Kind::kTimestamp, Kind::kDuration}) {
      nodes_.push_back(TypeNode{kind});
    }
  }

  Kind kind(TypeRef t) const { return nodes_[t].kind; }
  TypeRef elem(TypeRef t) const { return nodes_[t].a; }
  TypeRef key(TypeRef t) const { return nodes_[t].a; }
  TypeRef value(TypeRef t) const { return nodes_[t].b; }
  const std::string& message_name(TypeRef t) const {
    return message_names_[nodes_[t].index];
  }

  TypeRef List(TypeRef elem) { return Add(TypeNode{Kind::kList, elem}); }
  TypeRef Map(TypeRef key, TypeRef value) {
    return Add(TypeNode{Kind::kMap, key, value});
  }
  TypeRef TypeOf(TypeRef type) { return Add(TypeNode{Kind::kTypeOf, type}); }
  TypeRef Message(absl::string_view name) {
    auto it = messages_.find(name);
    if (it != messages_.end()) return it->second;
    message_names_.emplace_back(name);
    TypeRef t = Add(TypeNode{Kind::kMessage, -1, -1,
                             static_cast<int32_t>(message_names_.size() - 1)});
    messages_.emplace(std::string(name), t);
    return t;
  }
  TypeRef NewParam() {
    subst_.push_back(-1);
    return Add(TypeNode{Kind::kParam, -1, -1,
                        static_cast<int32_t>(subst_.size() - 1)});
  }

  // `t` with bound type variables followed (at the top level only).
  TypeRef Prune(TypeRef t) const {
    while (kind(t) == Kind::kParam && subst_[nodes_[t].index] >= 0) {
      t = subst_[nodes_[t].index];
    }
    return t;
  }

  // Bindings made after Mark() are undone by Rollback(mark).
  size_t Mark() const { return trail_.size(); }
  void Rollback(size_t mark) {
    while (trail_.size() > mark) {
      subst_[trail_.back().first] = trail_.back().second;
      trail_.pop_back();
    }
  }

  // Whether values of `a` and `b` may meet (an argument of type `b` for a
  // parameter of type `a`, two branches of a conditional, two elements of
  // a list), binding type variables as needed. When false, some bindings
  // may have been made: callers Mark() before and Rollback() after.
  // With `numeric_equivalence`, int, uint and double are interchangeable.
  bool Assign(TypeRef a, TypeRef b, bool numeric_equivalence) {
    if (a == b) return true;
    if (kind(b) == Kind::kParam) return AssignParam(b, a, numeric_equivalence);
    if (kind(a) == Kind::kParam) return AssignParam(a, b, numeric_equivalence);
    Kind ka = kind(a);
    Kind kb = kind(b);
    if (ka == Kind::kDyn || ka == Kind::kError || kb == Kind::kDyn ||
        kb == Kind::kError) {
      return true;
    }
    if (ka == Kind::kNull) return IsNullable(kb);
    if (kb == Kind::kNull) return IsNullable(ka);
    if (numeric_equivalence && IsNumeric(ka) && IsNumeric(kb)) return true;
    if (ka != kb) return false;
    switch (ka) {
      case Kind::kList:
      case Kind::kTypeOf:
        return Assign(elem(a), elem(b), numeric_equivalence);
      case Kind::kMap:
        return Assign(key(a), key(b), numeric_equivalence) &&
               Assign(value(a), value(b), numeric_equivalence);
      case Kind::kMessage:
        return false;  // names are interned: a != b means different names
      default:
        return true;
    }
  }

  // Assign(), undoing its bindings when it fails.
  bool TryAssign(TypeRef a, TypeRef b, bool numeric_equivalence = false) {
    size_t mark = Mark();
    if (Assign(a, b, numeric_equivalence)) return true;
    Rollback(mark);
    return false;
  }

  // Of two assignable types, the one that says less (dyn over int,
  // list(dyn) over list(int)).
  TypeRef MostGeneral(TypeRef a, TypeRef b) const {
    return EqualOrLessSpecific(a, b) ? Prune(a) : Prune(b);
  }

  // Whether `a` and `b` are the same type under the current bindings.
  bool Equivalent(TypeRef a, TypeRef b) const {
    a = Prune(a);
    b = Prune(b);
    if (a == b) return true;
    if (kind(a) != kind(b)) return false;
    switch (kind(a)) {
      case Kind::kList:
      case Kind::kTypeOf:
        return Equivalent(elem(a), elem(b));
      case Kind::kMap:
        return Equivalent(key(a), key(b)) && Equivalent(value(a), value(b));
      case Kind::kMessage:
      case Kind::kParam:
        return false;
      default:
        return true;
    }
  }

  // `t` fully substituted; unbound type variables become dyn.
  void ToProto(TypeRef t, v1::Type* out) const {
    t = Prune(t);
    switch (kind(t)) {
      case Kind::kDyn:
      case Kind::kParam:
        out->mutable_dyn();
        return;
      case Kind::kError:
        out->mutable_error();
        return;
      case Kind::kNull:
        out->set_null(v1::NULL_VALUE);
        return;
      case Kind::kBool:
        out->set_primitive(v1::Type::BOOL);
        return;
      case Kind::kInt:
        out->set_primitive(v1::Type::INT64);
        return;
      case Kind::kUint:
        out->set_primitive(v1::Type::UINT64);
        return;
      case Kind::kDouble:
        out->set_primitive(v1::Type::DOUBLE);
        return;
      case Kind::kString:
        out->set_primitive(v1::Type::STRING);
        return;
      case Kind::kBytes:
        out->set_primitive(v1::Type::BYTES);
        return;
      case Kind::kTimestamp:
        out->set_well_known(v1::Type::TIMESTAMP);
        return;
      case Kind::kDuration:
        out->set_well_known(v1::Type::DURATION);
        return;
      case Kind::kList:
        ToProto(elem(t), out->mutable_list_type()->mutable_elem_type());
        return;
      case Kind::kMap:
        ToProto(key(t), out->mutable_map_type()->mutable_key_type());
        ToProto(value(t), out->mutable_map_type()->mutable_value_type());
        return;
      case Kind::kMessage:
        out->set_message_type(message_name(t));
        return;
      case Kind::kTypeOf:
        ToProto(elem(t), out->mutable_type());
        return;
    }
  }

  // CEL notation, for messages ("list(int)"); unbound variables read dyn.
  std::string Format(TypeRef t) const {
    v1::Type type;
    ToProto(t, &type);
    return FormatType(type);
  }

 private:
  TypeRef Add(TypeNode node) {
    nodes_.push_back(node);
    return static_cast<TypeRef>(nodes_.size() - 1);
  }

  // Messages may be null; timestamps and durations are values in CEL (an
  // unset Timestamp field reads as the epoch), so they are never null.
  static bool IsNullable(Kind kind) {
    return kind == Kind::kNull || kind == Kind::kMessage;
  }

  void Bind(TypeRef param, TypeRef t) {
    int32_t slot = nodes_[param].index;
    trail_.emplace_back(slot, subst_[slot]);
    subst_[slot] = t;
  }

  // Assign() where `param` is a type variable.
  bool AssignParam(TypeRef param, TypeRef t, bool numeric_equivalence) {
    TypeRef bound = subst_[nodes_[param].index];
    if (bound < 0) {
      TypeRef target = Prune(t);
      if (target == param) return true;
      if (Occurs(param, target)) return false;
      Bind(param, target);
      return true;
    }
    if (!Assign(bound, t, numeric_equivalence)) return false;
    // Both fit; keep the more general one so that later uses see it.
    TypeRef general = MostGeneral(t, bound);
    if (general != Prune(bound) && !Occurs(param, general)) {
      Bind(param, general);
    }
    return true;
  }

  // Whether type variable `param` occurs in `t`.
  bool Occurs(TypeRef param, TypeRef t) const {
    t = Prune(t);
    if (t == param) return true;
    switch (kind(t)) {
      case Kind::kList:
      case Kind::kTypeOf:
        return Occurs(param, elem(t));
      case Kind::kMap:
        return Occurs(param, key(t)) || Occurs(param, value(t));
      default:
        return false;
    }
  }

  bool EqualOrLessSpecific(TypeRef a, TypeRef b) const {
    a = Prune(a);
    b = Prune(b);
    if (kind(a) == Kind::kDyn || kind(a) == Kind::kParam) return true;
    if (kind(b) == Kind::kDyn || kind(b) == Kind::kParam) return false;
    if (kind(a) != kind(b)) return false;
    switch (kind(a)) {
      case Kind::kList:
      case Kind::kTypeOf:
        return EqualOrLessSpecific(elem(a), elem(b));
      case Kind::kMap:
        return EqualOrLessSpecific(key(a), key(b)) &&
               EqualOrLessSpecific(value(a), value(b));
      default:
        return true;
    }
  }

  std::vector<TypeNode> nodes_;
  std::vector<std::string> message_names_;
  absl::flat_hash_map<std::string, TypeRef> messages_;
  // By substitution slot: the bound type, or -1.
  std::vector<TypeRef> subst_;
  // (slot, previous binding) for every Bind, for Rollback.
  std::vector<std::pair<int32_t, TypeRef>> trail_;
};

// What a name resolved to.
struct Resolution {
  std::string name;
  TypeRef type = TypeStore::kDyn;
  bool is_constant = false;
  int64_t value = 0;
};

class Checker {
 public:
  Checker(const CheckerOptions& options, v1::CheckedExpr* checked)
      : options_(options), checked_(checked) {}

  void Visit(v1::Expr* e) {
    switch (e->expr_kind_case()) {
      case v1::Expr::kConstExpr:
        VisitConst(e);
        return;
      case v1::Expr::kIdentExpr:
      case v1::Expr::kSelectExpr:
        VisitNameOrSelect(e);
        return;
      case v1::Expr::kCallExpr:
        VisitCall(e);
        return;
      case v1::Expr::kListExpr:
        VisitList(e);
        return;
      case v1::Expr::kMapExpr:
        VisitMap(e);
        return;
      case v1::Expr::kComprehensionExpr:
        VisitComprehension(e);
        return;
      case v1::Expr::EXPR_KIND_NOT_SET:
        break;
    }
    Error(e->id(), "expression node has no kind");
    SetType(*e, TypeStore::kError);
  }

  // Writes the substituted type of every node into checked_->type_map.
  void WriteTypes() {
    auto& type_map = *checked_->mutable_type_map();
    for (const auto& [id, type] : types_) {
      store_.ToProto(type, &type_map[id]);
    }
  }

  std::vector<CompileIssue>& issues() { return issues_; }

 private:
  // --- Bookkeeping -------------------------------------------------------

  void SetType(const v1::Expr& e, TypeRef type) { types_[e.id()] = type; }

  TypeRef TypeOfExpr(const v1::Expr& e) const {
    auto it = types_.find(e.id());
    return it == types_.end() ? TypeStore::kError : it->second;
  }

  ABSL_ATTRIBUTE_NOINLINE void Error(int64_t id, std::string message) {
    LineColumn position = PositionOfExpr(checked_->source_info(), id);
    issues_.push_back(CompileIssue{CompileIssue::Kind::kType, position.line,
                                   position.column, std::move(message)});
  }

  std::string UndeclaredReference(absl::string_view name) const {
    return absl::StrCat("undeclared reference to '", name,
                        "' (in container '", options_.container, "')");
  }

  // --- Types from declarations and descriptors ---------------------------

  // Type parameters of one overload instantiation, by name.
  using ParamMap = absl::flat_hash_map<std::string, TypeRef>;

  TypeRef FromProto(const v1::Type& type, ParamMap* params) {
    switch (type.type_kind_case()) {
      case v1::Type::kDyn:
      case v1::Type::TYPE_KIND_NOT_SET:
        return TypeStore::kDyn;
      case v1::Type::kNull:
        return TypeStore::kNull;
      case v1::Type::kPrimitive:
        switch (type.primitive()) {
          case v1::Type::BOOL:
            return TypeStore::kBool;
          case v1::Type::INT64:
            return TypeStore::kInt;
          case v1::Type::UINT64:
            return TypeStore::kUint;
          case v1::Type::DOUBLE:
            return TypeStore::kDouble;
          case v1::Type::STRING:
            return TypeStore::kString;
          case v1::Type::BYTES:
            return TypeStore::kBytes;
          default:
            return TypeStore::kDyn;
        }
      case v1::Type::kWellKnown:
        switch (type.well_known()) {
          case v1::Type::TIMESTAMP:
            return TypeStore::kTimestamp;
          case v1::Type::DURATION:
            return TypeStore::kDuration;
          default:
            return TypeStore::kDyn;
        }
      case v1::Type::kListType:
        return store_.List(FromProto(type.list_type().elem_type(), params));
      case v1::Type::kMapType: {
        TypeRef key = FromProto(type.map_type().key_type(), params);
        return store_.Map(key,
                          FromProto(type.map_type().value_type(), params));
      }
      case v1::Type::kMessageType:
        return MessageOrWellKnown(type.message_type());
      case v1::Type::kTypeParam: {
        if (params == nullptr) return TypeStore::kDyn;
        auto [it, inserted] = params->emplace(type.type_param(), -1);
        if (inserted) it->second = store_.NewParam();
        return it->second;
      }
      case v1::Type::kType:
        return store_.TypeOf(FromProto(type.type(), params));
      case v1::Type::kError:
        return TypeStore::kError;
      case v1::Type::kEnumType:
        return TypeStore::kInt;  // enums are ints in CEL
    }
    return TypeStore::kDyn;
  }

  // A message type by full name; the well-known types that CEL treats as
  // its own types map to those (wrappers to their primitive, Struct to
  // map(string, dyn), Value and Any to dyn).
  TypeRef MessageOrWellKnown(absl::string_view name) {
    if (absl::StartsWith(name, "google.protobuf.")) {
      absl::string_view short_name = name.substr(16);
      if (short_name == "Timestamp") return TypeStore::kTimestamp;
      if (short_name == "Duration") return TypeStore::kDuration;
      if (short_name == "BoolValue") return TypeStore::kBool;
      if (short_name == "Int32Value" || short_name == "Int64Value") {
        return TypeStore::kInt;
      }
      if (short_name == "UInt32Value" || short_name == "UInt64Value") {
        return TypeStore::kUint;
      }
      if (short_name == "FloatValue" || short_name == "DoubleValue") {
        return TypeStore::kDouble;
      }
      if (short_name == "StringValue") return TypeStore::kString;
      if (short_name == "BytesValue") return TypeStore::kBytes;
      if (short_name == "Value" || short_name == "Any") return TypeStore::kDyn;
      if (short_name == "Struct") {
        return store_.Map(TypeStore::kString, TypeStore::kDyn);
      }
      if (short_name == "ListValue") return store_.List(TypeStore::kDyn);
    }
    return store_.Message(name);
  }

  // The CEL type of one value of `field` (an element, for a repeated one).
  TypeRef FieldValueType(const google::protobuf::FieldDescriptor* field) {
    using FD = google::protobuf::FieldDescriptor;
    switch (field->type()) {
      case FD::TYPE_DOUBLE:
      case FD::TYPE_FLOAT:
        return TypeStore::kDouble;
      case FD::TYPE_INT32:
      case FD::TYPE_INT64:
      case FD::TYPE_SINT32:
      case FD::TYPE_SINT64:
      case FD::TYPE_SFIXED32:
      case FD::TYPE_SFIXED64:
        return TypeStore::kInt;
      case FD::TYPE_UINT32:
      case FD::TYPE_UINT64:
      case FD::TYPE_FIXED32:
      case FD::TYPE_FIXED64:
        return TypeStore::kUint;
      case FD::TYPE_BOOL:
        return TypeStore::kBool;
      case FD::TYPE_STRING:
        return TypeStore::kString;
      case FD::TYPE_BYTES:
        return TypeStore::kBytes;
      case FD::TYPE_ENUM:
        if (field->enum_type()->full_name() == "google.protobuf.NullValue") {
          return TypeStore::kNull;
        }
        return TypeStore::kInt;
      case FD::TYPE_MESSAGE:
      case FD::TYPE_GROUP:
        return MessageOrWellKnown(field->message_type()->full_name());
    }
    return TypeStore::kDyn;
  }

  TypeRef FieldType(const google::protobuf::FieldDescriptor* field) {
    if (field->is_map()) {
      const google::protobuf::Descriptor* entry = field->message_type();
      TypeRef key = FieldValueType(entry->map_key());
      return store_.Map(key, FieldValueType(entry->map_value()));
    }
    if (field->is_repeated()) return store_.List(FieldValueType(field));
    return FieldValueType(field);
  }

  // --- Names -------------------------------------------------------------

  bool FindLocal(absl::string_view name, TypeRef* type) const {
    for (auto it = locals_.rbegin(); it != locals_.rend(); ++it) {
      if (it->first == name) {
        *type = it->second;
        return true;
      }
    }
    return false;
  }

  // Whether `candidate` (fully qualified) names a variable or an enum value.
  bool ResolveExact(absl::string_view candidate, Resolution* out) {
    if (options_.variables != nullptr) {
      int slot = options_.variables->Find(candidate);
      if (slot >= 0) {
        auto [it, inserted] = variable_types_.emplace(slot, TypeStore::kDyn);
        if (inserted) {
          it->second = FromProto(options_.variables->type(slot), nullptr);
        }
        out->name = std::string(candidate);
        out->type = it->second;
        out->is_constant = false;
        return true;
      }
    }
    size_t dot = candidate.rfind('.');
    if (dot == absl::string_view::npos) return false;
    const google::protobuf::EnumDescriptor* enum_type =
        options_.pool->FindEnumTypeByName(
            std::string(candidate.substr(0, dot)));
    if (enum_type == nullptr) return false;
    const google::protobuf::EnumValueDescriptor* value =
        enum_type->FindValueByName(std::string(candidate.substr(dot + 1)));
    if (value == nullptr) return false;
    out->name = std::string(candidate);
    out->type = TypeStore::kInt;
    out->is_constant = true;
    out->value = value->number();
    return true;
  }

  // The names `name` may stand for in the container, most specific first:
  // in container "a.b", `x` is tried as "a.b.x", "a.x" and "x". A leading
  // dot (`.x`) means "x" only.
  std::vector<std::string> Candidates(absl::string_view name) const {
    std::vector<std::string> candidates;
    if (absl::ConsumePrefix(&name, ".")) {
      candidates.emplace_back(name);
      return candidates;
    }
    absl::string_view container = options_.container;
    while (!container.empty()) {
      candidates.push_back(absl::StrCat(container, ".", name));
      size_t dot = container.rfind('.');
      container = dot == absl::string_view::npos ? absl::string_view()
                                                 : container.substr(0, dot);
    }
    candidates.emplace_back(name);
    return candidates;
  }

  bool Resolve(absl::string_view name, Resolution* out) {
    for (const std::string& candidate : Candidates(name)) {
      if (ResolveExact(candidate, out)) return true;
    }
    return false;
  }

  // Whether `name` names an enum type in the container.
  bool IsEnumTypeName(absl::string_view name) const {
    for (const std::string& candidate : Candidates(name)) {
      if (options_.pool->FindEnumTypeByName(candidate) != nullptr) return true;
    }
    return false;
  }

  // --- Nodes -------------------------------------------------------------

  ABSL_ATTRIBUTE_NOINLINE void VisitConst(v1::Expr* e) {
    TypeRef type = TypeStore::kError;
    switch (e->const_expr().constant_kind_case()) {
      case v1::Constant::kNullValue:
        type = TypeStore::kNull;
        break;
      case v1::Constant::kBoolValue:
        type = TypeStore::kBool;
        break;
      case v1::Constant::kInt64Value:
        type = TypeStore::kInt;
        break;
      case v1::Constant::kUint64Value:
        type = TypeStore::kUint;
        break;
      case v1::Constant::kDoubleValue:
        type = TypeStore::kDouble;
        break;
      case v1::Constant::kStringValue:
        type = TypeStore::kString;
        break;
      case v1::Constant::kBytesValue:
        type = TypeStore::kBytes;
        break;
      case v1::Constant::CONSTANT_KIND_NOT_SET:
        Error(e->id(), "constant has no value");
        break;
    }
    SetType(*e, type);
  }

  // An identifier, or a chain of field selections `x.f.g`. The longest
  // prefix of the chain that names a variable or an enum constant as a
  // whole (`a.b.c`, then `a.b`, then `a`) becomes one identifier; the
  // remaining selections are field selections. Walks the chain iteratively.
  ABSL_ATTRIBUTE_NOINLINE void VisitNameOrSelect(v1::Expr* e) {
    // selects[0] is the innermost selection, selects.back() is `e`.
    std::vector<v1::Expr*> selects;
    v1::Expr* root = e;
    while (root->has_select_expr()) {
      selects.push_back(root);
      root = root->mutable_select_expr()->mutable_operand();
    }
    std::reverse(selects.begin(), selects.end());

    size_t next = 0;  // the first selection still to check
    TypeRef type;
    if (root->has_ident_expr()) {
      next = ResolveNamePrefix(root, selects, &type);
    } else {
      Visit(root);
      type = TypeOfExpr(*root);
    }
    for (size_t i = next; i < selects.size(); ++i) {
      type = SelectField(*selects[i], type);
      SetType(*selects[i], type);
    }
  }

  // For identifier `root` selected by `selects`: resolves the longest
  // prefix of the chain that names something, replaces it with an
  // identifier, and returns how many selections it took (their types are
  // set, the last one's in `type`). Not on the recursive path, so its
  // locals do not add to the stack depth.
  ABSL_ATTRIBUTE_NOINLINE size_t ResolveNamePrefix(
      v1::Expr* root, const std::vector<v1::Expr*>& selects, TypeRef* type) {
    if (FindLocal(root->ident_expr().name(), type)) {
      SetType(*root, *type);
      return 0;
    }
    // qualified[0, ends[j]) is the name made of the root and the first j
    // selections; a has() test ends the chain of names.
    std::string qualified = root->ident_expr().name();
    std::vector<size_t> ends = {qualified.size()};
    for (v1::Expr* select : selects) {
      if (select->select_expr().test_only()) break;
      absl::StrAppend(&qualified, ".", select->select_expr().field());
      ends.push_back(qualified.size());
    }
    Resolution resolution;
    bool found = false;
    size_t j = ends.size();
    while (!found && j > 0) {
      --j;
      found = Resolve(absl::string_view(qualified).substr(0, ends[j]),
                      &resolution);
    }
    if (!found) {
      ReportUndeclared(root, selects, qualified, ends);
      *type = TypeStore::kError;
      SetType(*root, *type);
      return 0;
    }
    // Replace the node that ends the name with an identifier.
    v1::Expr* named = j == 0 ? root : selects[j - 1];
    named->mutable_ident_expr()->set_name(resolution.name);
    v1::Reference& reference =
        (*checked_->mutable_reference_map())[named->id()];
    reference.set_name(resolution.name);
    if (resolution.is_constant) {
      reference.mutable_value()->set_int64_value(resolution.value);
    }
    *type = resolution.type;
    SetType(*named, *type);
    return j;
  }

  void ReportUndeclared(const v1::Expr* root,
                        const std::vector<v1::Expr*>& selects,
                        absl::string_view qualified,
                        const std::vector<size_t>& ends) {
    // `OffenseLevel.FELONI`: name the whole reference, at the bad value.
    for (size_t j = ends.size() - 1; j > 0; --j) {
      if (IsEnumTypeName(qualified.substr(0, ends[j - 1]))) {
        Error(selects[j - 1]->id(),
              UndeclaredReference(qualified.substr(0, ends[j])));
        return;
      }
    }
    Error(root->id(), UndeclaredReference(root->ident_expr().name()));
  }

  ABSL_ATTRIBUTE_NOINLINE TypeRef SelectField(const v1::Expr& e,
                                              TypeRef operand) {
    const v1::Expr::Select& select = e.select_expr();
    TypeRef t = store_.Prune(operand);
    TypeRef result;
    switch (store_.kind(t)) {
      case Kind::kMessage: {
        const google::protobuf::Descriptor* descriptor =
            options_.pool->FindMessageTypeByName(store_.message_name(t));
        const google::protobuf::FieldDescriptor* field =
            descriptor == nullptr ? nullptr
                                  : descriptor->FindFieldByName(select.field());
        if (field == nullptr) {
          Error(e.id(), absl::StrCat("undefined field '", select.field(), "'"));
          return TypeStore::kError;
        }
        result = FieldType(field);
        break;
      }
      case Kind::kMap:
        result = store_.value(t);
        break;
      case Kind::kDyn:
        result = TypeStore::kDyn;
        break;
      case Kind::kError:
        return TypeStore::kError;
      case Kind::kParam:
        // Not known yet: from now on it is dyn.
        store_.TryAssign(TypeStore::kDyn, t);
        result = TypeStore::kDyn;
        break;
      default:
        Error(e.id(), absl::StrCat("type '", store_.Format(t),
                                   "' does not support field selection"));
        return TypeStore::kError;
    }
    return select.test_only() ? TypeStore::kBool : result;
  }

  ABSL_ATTRIBUTE_NOINLINE void VisitCall(v1::Expr* e) {
    v1::Expr::Call* call = e->mutable_call_expr();
    std::vector<TypeRef> args;
    args.reserve(call->args_size() + 1);
    bool receiver_style = call->has_target();
    if (receiver_style) {
      Visit(call->mutable_target());
      args.push_back(TypeOfExpr(call->target()));
    }
    for (v1::Expr& arg : *call->mutable_args()) {
      Visit(&arg);
      args.push_back(TypeOfExpr(arg));
    }
    SetType(*e, ResolveCall(*e, args));
  }

  // The result type of call `e` with argument types `args` (the target's
  // first), recording the matching overloads; error when none match.
  ABSL_ATTRIBUTE_NOINLINE TypeRef
  ResolveCall(const v1::Expr& e, const std::vector<TypeRef>& args) {
    const v1::Expr::Call& call = e.call_expr();
    const FunctionDecl* function = FindStandardFunction(call.function());
    if (function == nullptr) {
      Error(e.id(), UndeclaredReference(call.function()));
      return TypeStore::kError;
    }
    bool receiver_style = call.has_target();
    TypeRef result = -1;
    v1::Reference reference;
    // First exact matches; failing those, numbers of any type where the
    // overload compares by value.
    for (bool numeric_equivalence : {false, true}) {
      for (const OverloadDecl& overload : function->overloads) {
        if (overload.receiver_style != receiver_style ||
            overload.params.size() != args.size() ||
            (numeric_equivalence && !overload.numeric_equivalence)) {
          continue;
        }
        size_t mark = store_.Mark();
        ParamMap params;
        bool matches = true;
        for (size_t i = 0; i < args.size() && matches; ++i) {
          matches = store_.Assign(FromProto(overload.params[i], &params),
                                  args[i], numeric_equivalence);
        }
        if (!matches) {
          store_.Rollback(mark);
          continue;
        }
        reference.add_overload_id(overload.id);
        TypeRef overload_result = FromProto(overload.result, &params);
        if (result < 0) {
          result = overload_result;
        } else if (!store_.Equivalent(result, overload_result)) {
          result = TypeStore::kDyn;
        }
      }
      if (result >= 0) break;
    }
    if (result < 0) {
      // An argument that failed to check has been reported already.
      if (std::find(args.begin(), args.end(), TypeStore::kError) ==
          args.end()) {
        Error(e.id(), NoMatchingOverload(call.function(), args,
                                         receiver_style));
      }
      return TypeStore::kError;
    }
    (*checked_->mutable_reference_map())[e.id()] = std::move(reference);
    return result;
  }

  std::string NoMatchingOverload(absl::string_view function,
                                 const std::vector<TypeRef>& args,
                                 bool receiver_style) const {
    std::string signature;
    size_t first = 0;
    if (receiver_style) {
      absl::StrAppend(&signature, store_.Format(args[0]), ".");
      first = 1;
    }
    signature += "(";
    for (size_t i = first; i < args.size(); ++i) {
      if (i > first) signature += ", ";
      signature += store_.Format(args[i]);
    }
    signature += ")";
    return absl::StrCat("found no matching overload for '", function,
                        "' applied to '", signature, "'");
  }

  // Folds `type` into the join of an aggregate literal's element types:
  // the more general of the two when they agree, otherwise dyn.
  TypeRef Join(TypeRef joined, TypeRef type) {
    if (joined < 0) return type;
    if (joined == TypeStore::kDyn) return joined;
    if (store_.TryAssign(joined, type)) return store_.MostGeneral(joined, type);
    return TypeStore::kDyn;
  }

  ABSL_ATTRIBUTE_NOINLINE void VisitList(v1::Expr* e) {
    TypeRef elem = -1;
    for (v1::Expr& element : *e->mutable_list_expr()->mutable_elements()) {
      Visit(&element);
      elem = Join(elem, TypeOfExpr(element));
    }
    if (elem < 0) elem = store_.NewParam();  // `[]`: to be inferred
    SetType(*e, store_.List(elem));
  }

  // Folds the type of map key `key_expr` into `joined`, the keys' type so
  // far; a key of a type CEL maps cannot have is an error.
  ABSL_ATTRIBUTE_NOINLINE TypeRef JoinMapKey(TypeRef joined,
                                             const v1::Expr& key_expr) {
    TypeRef key_type = TypeOfExpr(key_expr);
    switch (store_.kind(store_.Prune(key_type))) {
      case Kind::kBool:
      case Kind::kInt:
      case Kind::kUint:
      case Kind::kString:
      case Kind::kDyn:
      case Kind::kParam:
        return Join(joined, key_type);
      case Kind::kError:
        return joined;
      default:
        Error(key_expr.id(), absl::StrCat("unsupported map key type '",
                                          store_.Format(key_type), "'"));
        return joined;
    }
  }

  ABSL_ATTRIBUTE_NOINLINE void VisitMap(v1::Expr* e) {
    TypeRef key = -1;
    TypeRef value = -1;
    for (v1::Expr::CreateMap::Entry& entry :
         *e->mutable_map_expr()->mutable_entries()) {
      Visit(entry.mutable_key());
      key = JoinMapKey(key, entry.key());
      Visit(entry.mutable_value());
      value = Join(value, TypeOfExpr(entry.value()));
    }
    if (key < 0) key = store_.NewParam();
    if (value < 0) value = store_.NewParam();
    SetType(*e, store_.Map(key, value));
  }

  // The type of the variable of a comprehension over `range`.
  ABSL_ATTRIBUTE_NOINLINE TypeRef
  IterationVariableType(const v1::Expr& range_expr) {
    TypeRef range = store_.Prune(TypeOfExpr(range_expr));
    switch (store_.kind(range)) {
      case Kind::kList:
        return store_.elem(range);
      case Kind::kMap:
        return store_.key(range);  // maps are iterated over their keys
      case Kind::kDyn:
      case Kind::kError:
        return range;
      case Kind::kParam:
        store_.TryAssign(TypeStore::kDyn, range);
        return TypeStore::kDyn;
      default:
        Error(range_expr.id(),
              absl::StrCat("expression of type '", store_.Format(range),
                           "' cannot be the range of a comprehension (must "
                           "be list, map, or dynamic)"));
        return TypeStore::kError;
    }
  }

  ABSL_ATTRIBUTE_NOINLINE void VisitComprehension(v1::Expr* e) {
    v1::Expr::Comprehension* c = e->mutable_comprehension_expr();
    Visit(c->mutable_iter_range());
    Visit(c->mutable_accu_init());
    TypeRef accu = TypeOfExpr(c->accu_init());
    TypeRef var = IterationVariableType(c->iter_range());
    locals_.emplace_back(c->accu_var(), accu);
    locals_.emplace_back(c->iter_var(), var);
    Visit(c->mutable_loop_condition());
    ExpectType(c->loop_condition(), TypeStore::kBool);
    Visit(c->mutable_loop_step());
    ExpectType(c->loop_step(), accu);
    locals_.pop_back();  // the result sees the accumulator only
    Visit(c->mutable_result());
    locals_.pop_back();
    SetType(*e, TypeOfExpr(c->result()));
  }

  ABSL_ATTRIBUTE_NOINLINE void ExpectType(const v1::Expr& e,
                                          TypeRef expected) {
    TypeRef actual = TypeOfExpr(e);
    if (store_.TryAssign(expected, actual)) return;
    Error(e.id(), absl::StrCat("expected type '", store_.Format(expected),
                               "' but found '", store_.Format(actual), "'"));
  }

  const CheckerOptions& options_;
  v1::CheckedExpr* checked_;
  TypeStore store_;
  absl::flat_hash_map<int64_t, TypeRef> types_;
  // The types of declared variables, by slot, once converted.
  absl::flat_hash_map<int, TypeRef> variable_types_;
  // Comprehension variables in scope, innermost last.
  std::vector<std::pair<std::string, TypeRef>> locals_;
  std::vector<CompileIssue> issues_;
};

}  // namespace

absl::StatusOr<v1::CheckedExpr> Check(const v1::ParsedExpr& parsed,
                                      const CheckerOptions& options,
                                      std::vector<CompileIssue>* issues) {
  return Check(v1::ParsedExpr(parsed), options, issues);
}

absl::StatusOr<v1::CheckedExpr> Check(v1::ParsedExpr&& parsed,
                                      const CheckerOptions& options,
                                      std::vector<CompileIssue>* issues) {
  if (options.pool == nullptr) {
    return absl::InvalidArgumentError("the checker needs a descriptor pool");
  }
  v1::CheckedExpr checked;
  checked.mutable_expr()->Swap(parsed.mutable_expr());
  checked.mutable_source_info()->Swap(parsed.mutable_source_info());
  Checker checker(options, &checked);
  checker.Visit(checked.mutable_expr());

  std::vector<CompileIssue>& found = checker.issues();
  if (!found.empty()) {
    // In source order; issues without a position last.
    auto order = [](const CompileIssue& issue) {
      return std::make_pair(
          issue.line == 0 ? std::numeric_limits<int>::max() : issue.line,
          issue.column);
    };
    std::stable_sort(found.begin(), found.end(),
                     [&](const CompileIssue& a, const CompileIssue& b) {
                       return order(a) < order(b);
                     });
    std::string message = absl::StrJoin(
        found, "; ", [](std::string* out, const CompileIssue& issue) {
          absl::StrAppend(out, issue.line, ":", issue.column, ": ",
                          issue.message);
        });
    if (issues != nullptr) {
      issues->insert(issues->end(), found.begin(), found.end());
    }
    return absl::InvalidArgumentError(message);
  }
  checker.WriteTypes();
  return checked;
}

}  // namespace divert::cel
