#include "eligibility/condition_table.h"

#include <cstdint>
#include <utility>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace divert::eligibility {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Deeper expressions are left to their programs.
constexpr int kMaxDepth = 64;

// A field chain as written: the root variable and the field names.
struct Chain {
  std::string root;
  std::vector<std::string> fields;
};

// `expr` as a chain of field selections on a variable, or false.
bool ChainOf(const v1::CheckedExpr& checked, const v1::Expr& expr,
             Chain* chain) {
  const v1::Expr* e = &expr;
  std::vector<std::string> reversed;
  while (e->has_select_expr()) {
    if (e->select_expr().test_only()) return false;
    reversed.push_back(e->select_expr().field());
    e = &e->select_expr().operand();
  }
  if (!e->has_ident_expr() || reversed.empty()) return false;
  // A name the checker resolved to a constant (an enum value) is no field.
  auto reference = checked.reference_map().find(e->id());
  if (reference != checked.reference_map().end() &&
      reference->second.has_value()) {
    return false;
  }
  chain->root = e->ident_expr().name();
  chain->fields.assign(reversed.rbegin(), reversed.rend());
  return true;
}

}  // namespace

// Reads a condition's tree, collecting the facts it reads; fails on
// anything that is not a fact, a constant or a call over those.
class FactCollector {
 public:
  FactCollector(const v1::CheckedExpr& checked, bool charge_scope)
      : checked_(checked), charge_scope_(charge_scope) {}

  bool Collect(const v1::Expr& expr, int depth) {
    if (depth > kMaxDepth) return false;
    switch (expr.expr_kind_case()) {
      case v1::Expr::kConstExpr:
        return true;
      case v1::Expr::kSelectExpr: {
        Chain chain;
        return ChainOf(checked_, expr, &chain) && AddFact(chain);
      }
      case v1::Expr::kCallExpr: {
        const v1::Expr::Call& call = expr.call_expr();
        if (call.has_target() && !Collect(call.target(), depth + 1)) {
          return false;
        }
        for (const v1::Expr& arg : call.args()) {
          if (!Collect(arg, depth + 1)) return false;
        }
        return true;
      }
      default:
        return false;
    }
  }

  std::vector<ConditionTable::Fact>* facts() { return &facts_; }

 private:
  bool AddFact(const Chain& chain) {
    ConditionTable::Fact fact;
    const Descriptor* type;
    if (chain.root == "encounter") {
      type = v1::Encounter::descriptor();
    } else if (chain.root == "charge" && charge_scope_) {
      type = v1::Charge::descriptor();
      fact.from_charge = true;
    } else {
      return false;
    }
    for (const std::string& name : chain.fields) {
      if (type == nullptr) return false;
      const FieldDescriptor* field = type->FindFieldByName(name);
      if (field == nullptr || field->is_repeated()) return false;
      fact.path.push_back(field);
      type = field->message_type();
    }
    fact.slot = FactSlot(fact.from_charge, fact.path);
    if (fact.slot < 0) return false;
    for (const ConditionTable::Fact& seen : facts_) {
      if (seen.from_charge == fact.from_charge && seen.path == fact.path) {
        return true;
      }
    }
    if (facts_.size() == ConditionTable::kMaxFacts) return false;
    facts_.push_back(std::move(fact));
    return true;
  }

  const v1::CheckedExpr& checked_;
  const bool charge_scope_;
  std::vector<ConditionTable::Fact> facts_;
};

void ConditionTable::SetFact(const Fact& fact, int state, Message* encounter,
                             Message* charge) {
  Message* message = fact.from_charge ? charge : encounter;
  for (size_t i = 0; i + 1 < fact.path.size(); ++i) {
    message = message->GetReflection()->MutableMessage(message, fact.path[i]);
  }
  const FieldDescriptor* field = fact.path.back();
  const Reflection* reflection = message->GetReflection();
  if (state == 0) {
    reflection->ClearField(message, field);
  } else {
    reflection->SetBool(message, field, state == 2);
  }
}

ConditionTable::~ConditionTable() = default;

std::unique_ptr<ConditionTable> ConditionTable::Build(
    const v1::CheckedExpr& checked, const cel::Program& program,
    const std::vector<std::pair<std::string, cel::Value>>& parameters,
    bool charge_scope) {
  FactCollector collector(checked, charge_scope);
  if (!collector.Collect(checked.expr(), 0) || collector.facts()->empty()) {
    return nullptr;
  }
  std::unique_ptr<ConditionTable> table(new ConditionTable);
  table->facts_ = std::move(*collector.facts());
  table->fact_count_ = static_cast<int>(table->facts_.size());
  for (int i = 0; i < table->fact_count_; ++i) {
    table->slots_[i] = static_cast<uint8_t>(table->facts_[i].slot);
    table->reads_charge_ |= table->facts_[i].from_charge;
  }

  cel::Activation activation(program);
  activation.set_unset_fields_are_unknown(true);
  for (const auto& [name, value] : parameters) activation.Bind(name, value);
  v1::Encounter encounter;
  v1::Charge charge;
  const int facts = static_cast<int>(table->facts_.size());
  int combinations = 1;
  for (int i = 0; i < facts; ++i) combinations *= 3;
  table->results_.resize(combinations);
  // The combinations in reflected Gray code order: from one to the next,
  // one fact changes state, so each probe costs one SetFact. All facts
  // start unset (their messages on the way present).
  int state[kMaxFacts] = {};
  int direction[kMaxFacts];
  int weight[kMaxFacts];
  for (int i = 0; i < facts; ++i) {
    SetFact(table->facts_[i], 0, &encounter, &charge);
    direction[i] = 1;
    weight[i] = i == 0 ? 1 : weight[i - 1] * 3;
  }
  int index = 0;
  for (int probe = 0; probe < combinations; ++probe) {
    if (probe > 0) {
      // The lowest fact that can move on in its direction moves; those
      // below it, at an end, turn around.
      int i = 0;
      while (state[i] + direction[i] < 0 || state[i] + direction[i] > 2) {
        direction[i] = -direction[i];
        ++i;
      }
      state[i] += direction[i];
      index += direction[i] * weight[i];
      SetFact(table->facts_[i], state[i], &encounter, &charge);
    }
    activation.BindMessage("encounter", encounter);
    if (charge_scope) activation.BindMessage("charge", charge);
    const cel::Value value = program.Evaluate(activation);
    Result& result = table->results_[index];
    switch (value.kind()) {
      case cel::ValueKind::kBool:
        result.truth =
            value.bool_value() ? Result::Truth::kTrue : Result::Truth::kFalse;
        break;
      case cel::ValueKind::kUnknown:
        result.truth = Result::Truth::kUnknown;
        result.unknown_attributes.assign(value.unknown().attributes().begin(),
                                         value.unknown().attributes().end());
        break;
      default:
        return nullptr;
    }
  }
  return table;
}

}  // namespace divert::eligibility
