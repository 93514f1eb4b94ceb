#include "expr/eval_specialized.h"

#include <cstring>
#include <string>
#include <utility>

#include "re2/re2.h"

namespace divert::cel {
namespace {

// Reads an operand, inlining the common case of a bound plain variable.
class OperandReader {
 public:
  explicit OperandReader(const Node* operand)
      : operand_(operand),
        slot_(dynamic_cast<const VariableNode*>(operand) != nullptr
                  ? static_cast<const VariableNode*>(operand)->slot()
                  : -1) {}
  // The bound value of the variable operand, read in place; null when the
  // operand must be evaluated.
  const Value* Peek(const Frame& frame) const {
    if (slot_ >= 0 && frame.slot_flags[slot_] == kSlotBound) {
      return &frame.slots[slot_];
    }
    return nullptr;
  }
  Value Eval(Frame& frame) const { return operand_->Eval(frame); }
  int slot() const { return slot_; }

 private:
  const Node* operand_;
  int slot_;
};

Truth ClassifyResult(const Value& result, Value* other) {
  if (result.IsBool()) return TruthOf(result.bool_value());
  *other = result;
  return Truth::kOther;
}

// Calls the general function with the operands in source order.
Value CallGeneric(FunctionImpl generic, const Value& operand,
                  const Value& constant, bool constant_on_left,
                  Arena* arena) {
  if (operand.IsErrorOrUnknown()) return operand;
  const Value args[2] = {constant_on_left ? constant : operand,
                         constant_on_left ? operand : constant};
  return generic(absl::MakeConstSpan(args), arena);
}

// CompareWith with the operator fixed at compile time.
template <CompareOp op, typename T>
bool Compare(const T& a, const T& b) {
  return CompareWith(op, a, b);
}

template <>
bool Compare<CompareOp::kEq, absl::string_view>(const absl::string_view& a,
                                               const absl::string_view& b) {
  return SameBytes(a, b);
}

template <>
bool Compare<CompareOp::kNe, absl::string_view>(const absl::string_view& a,
                                               const absl::string_view& b) {
  return !SameBytes(a, b);
}

struct IntTraits {
  static constexpr ValueKind kKind = ValueKind::kInt;
  using Type = int64_t;
  static Type Get(const Value& v) { return v.int_value(); }
};
struct UintTraits {
  static constexpr ValueKind kKind = ValueKind::kUint;
  using Type = uint64_t;
  static Type Get(const Value& v) { return v.uint_value(); }
};
struct DoubleTraits {
  static constexpr ValueKind kKind = ValueKind::kDouble;
  using Type = double;
  static Type Get(const Value& v) { return v.double_value(); }
};
struct StringTraits {
  static constexpr ValueKind kKind = ValueKind::kString;
  using Type = absl::string_view;
  static Type Get(const Value& v) { return v.string_value(); }
};
struct BoolTraits {
  static constexpr ValueKind kKind = ValueKind::kBool;
  using Type = bool;
  static Type Get(const Value& v) { return v.bool_value(); }
};

// What every comparison with a constant shares, for VariableTestOf.
class CompareConstBase : public ConditionNode {
 public:
  CompareConstBase(const Node* operand, const Value& constant, CompareOp op,
                   bool constant_on_left, FunctionImpl generic)
      : operand_(operand),
        constant_(constant),
        op_(op),
        constant_on_left_(constant_on_left),
        generic_(generic) {}

  bool Describe(VariableTest* test) const {
    if (operand_.slot() < 0) return false;
    test->slot = operand_.slot();
    test->op = op_;
    test->constant = constant_;
    return true;
  }

 protected:
  Truth Slow(const Value& v, Frame& frame, Value* other) const {
    return ClassifyResult(
        CallGeneric(generic_, v, constant_, constant_on_left_, frame.arena),
        other);
  }

  OperandReader operand_;
  Value constant_;
  CompareOp op_;  // variable op constant
  bool constant_on_left_;
  FunctionImpl generic_;
};

// `operand op constant` (with op already mirrored when the constant is on
// the left in the source).
template <typename Traits, CompareOp op>
class CompareConstNode final : public CompareConstBase {
 public:
  CompareConstNode(const Node* operand, const Value& constant,
                   bool constant_on_left, FunctionImpl generic)
      : CompareConstBase(operand, constant, op, constant_on_left, generic),
        fast_constant_(Traits::Get(constant)) {}

  Truth EvalTruth(Frame& frame, Value* other) const override {
    if (const Value* v = operand_.Peek(frame)) {
      if (v->kind() == Traits::kKind) {
        return TruthOf(Compare<op>(Traits::Get(*v), fast_constant_));
      }
      return Slow(*v, frame, other);
    }
    const Value v = operand_.Eval(frame);
    if (v.kind() == Traits::kKind) {
      return TruthOf(Compare<op>(Traits::Get(v), fast_constant_));
    }
    return Slow(v, frame, other);
  }

 private:
  typename Traits::Type fast_constant_;
};

template <typename Traits>
std::unique_ptr<Node> MakeForKind(CompareOp op, const Node* operand,
                                  const Value& constant, bool left,
                                  FunctionImpl generic) {
  switch (op) {
    case CompareOp::kEq:
      return std::make_unique<CompareConstNode<Traits, CompareOp::kEq>>(
          operand, constant, left, generic);
    case CompareOp::kNe:
      return std::make_unique<CompareConstNode<Traits, CompareOp::kNe>>(
          operand, constant, left, generic);
    case CompareOp::kLt:
      return std::make_unique<CompareConstNode<Traits, CompareOp::kLt>>(
          operand, constant, left, generic);
    case CompareOp::kLe:
      return std::make_unique<CompareConstNode<Traits, CompareOp::kLe>>(
          operand, constant, left, generic);
    case CompareOp::kGt:
      return std::make_unique<CompareConstNode<Traits, CompareOp::kGt>>(
          operand, constant, left, generic);
    case CompareOp::kGe:
      return std::make_unique<CompareConstNode<Traits, CompareOp::kGe>>(
          operand, constant, left, generic);
  }
  return nullptr;
}

CompareOp Mirror(CompareOp op) {
  switch (op) {
    case CompareOp::kLt:
      return CompareOp::kGt;
    case CompareOp::kLe:
      return CompareOp::kGe;
    case CompareOp::kGt:
      return CompareOp::kLt;
    case CompareOp::kGe:
      return CompareOp::kLe;
    default:
      return op;
  }
}

// `operand in [c1, c2, ...]` for string or int constants.
template <typename Traits, typename Set>
class InConstListNode final : public ConditionNode {
 public:
  InConstListNode(const Node* operand, const Value& list, Set set,
                  FunctionImpl generic)
      : operand_(operand),
        list_(list),
        set_(std::move(set)),
        generic_(generic) {}

  Truth EvalTruth(Frame& frame, Value* other) const override {
    const Value* peeked = operand_.Peek(frame);
    const Value v = peeked != nullptr ? *peeked : operand_.Eval(frame);
    if (v.kind() == Traits::kKind) {
      return TruthOf(set_.contains(Traits::Get(v)));
    }
    return ClassifyResult(CallGeneric(generic_, v, list_,
                                      /*constant_on_left=*/false, frame.arena),
                          other);
  }

 private:
  OperandReader operand_;
  Value list_;
  Set set_;
  FunctionImpl generic_;
};

class MatchesConstNode final : public ConditionNode {
 public:
  MatchesConstNode(const Node* operand, const Value& pattern,
                   std::unique_ptr<re2::RE2> re, FunctionImpl generic)
      : operand_(operand),
        pattern_(pattern),
        re_(std::move(re)),
        generic_(generic) {}

  Truth EvalTruth(Frame& frame, Value* other) const override {
    const Value* peeked = operand_.Peek(frame);
    const Value v = peeked != nullptr ? *peeked : operand_.Eval(frame);
    if (v.kind() == ValueKind::kString) {
      const absl::string_view text = v.string_value();
      return TruthOf(re2::RE2::PartialMatch(
          re2::StringPiece(text.data(), text.size()), *re_));
    }
    return ClassifyResult(CallGeneric(generic_, v, pattern_,
                                      /*constant_on_left=*/false, frame.arena),
                          other);
  }

 private:
  OperandReader operand_;
  Value pattern_;
  std::unique_ptr<re2::RE2> re_;
  FunctionImpl generic_;
};

}  // namespace

bool VariableTestOf(const Node* node, VariableTest* test) {
  const auto* compare = dynamic_cast<const CompareConstBase*>(node);
  return compare != nullptr && compare->Describe(test);
}

bool CompareOpOf(absl::string_view function, CompareOp* op) {
  if (function == "_==_") {
    *op = CompareOp::kEq;
  } else if (function == "_!=_") {
    *op = CompareOp::kNe;
  } else if (function == "_<_") {
    *op = CompareOp::kLt;
  } else if (function == "_<=_") {
    *op = CompareOp::kLe;
  } else if (function == "_>_") {
    *op = CompareOp::kGt;
  } else if (function == "_>=_") {
    *op = CompareOp::kGe;
  } else {
    return false;
  }
  return true;
}

std::unique_ptr<Node> MakeCompareConstNode(CompareOp op, const Node* operand,
                                           const Value& constant,
                                           bool constant_on_left,
                                           FunctionImpl generic) {
  const CompareOp effective = constant_on_left ? Mirror(op) : op;
  switch (constant.kind()) {
    case ValueKind::kInt:
      return MakeForKind<IntTraits>(effective, operand, constant,
                                    constant_on_left, generic);
    case ValueKind::kUint:
      return MakeForKind<UintTraits>(effective, operand, constant,
                                     constant_on_left, generic);
    case ValueKind::kDouble:
      return MakeForKind<DoubleTraits>(effective, operand, constant,
                                       constant_on_left, generic);
    case ValueKind::kString:
      return MakeForKind<StringTraits>(effective, operand, constant,
                                       constant_on_left, generic);
    case ValueKind::kBool:
      return MakeForKind<BoolTraits>(effective, operand, constant,
                                     constant_on_left, generic);
    default:
      return nullptr;
  }
}

std::unique_ptr<Node> MakeInConstListNode(const Node* operand,
                                          const Value& list,
                                          FunctionImpl generic) {
  if (list.kind() != ValueKind::kList || list.list().size() == 0) {
    return nullptr;
  }
  const ListValue& elements = list.list();
  const ValueKind kind = elements.Get(0, nullptr).kind();
  for (size_t i = 1; i < elements.size(); ++i) {
    if (elements.Get(i, nullptr).kind() != kind) return nullptr;
  }
  if (kind == ValueKind::kString) {
    absl::flat_hash_set<std::string> set;
    for (size_t i = 0; i < elements.size(); ++i) {
      set.emplace(elements.Get(i, nullptr).string_value());
    }
    return std::make_unique<
        InConstListNode<StringTraits, absl::flat_hash_set<std::string>>>(
        operand, list, std::move(set), generic);
  }
  if (kind == ValueKind::kInt) {
    absl::flat_hash_set<int64_t> set;
    for (size_t i = 0; i < elements.size(); ++i) {
      set.insert(elements.Get(i, nullptr).int_value());
    }
    return std::make_unique<
        InConstListNode<IntTraits, absl::flat_hash_set<int64_t>>>(
        operand, list, std::move(set), generic);
  }
  return nullptr;
}

std::unique_ptr<Node> MakeMatchesConstNode(const Node* operand,
                                           const Value& pattern,
                                           FunctionImpl generic) {
  if (pattern.kind() != ValueKind::kString) return nullptr;
  const absl::string_view text = pattern.string_value();
  auto re = std::make_unique<re2::RE2>(
      re2::StringPiece(text.data(), text.size()), re2::RE2::Quiet);
  if (!re->ok()) return nullptr;
  return std::make_unique<MatchesConstNode>(operand, pattern, std::move(re),
                                            generic);
}

}  // namespace divert::cel
