// Conditions over yes/no facts, decided by a table made when the policy is
// compiled.
//
// Most of a policy's conditions read nothing but optional bool fields of
// the encounter or the charge: `encounter.circumstances.on_supervision`,
// `!charge.violent`, `encounter.person.needs.alcohol ||
// encounter.person.needs.drugs`. Each such field is in one of three states
// -- unset (unknown), false, true -- so a condition over k of them has 3^k
// possible inputs. For small k the compiler runs the condition's program
// on every combination, with the CEL engine itself, and keeps what it
// gave; a decision then reads the k fields and looks the result up. The
// table holds the program's own results, unknowns with the attributes they
// name included, so a decision cannot tell the difference, except in time.
#ifndef DIVERT_SRC_ELIGIBILITY_CONDITION_TABLE_H_
#define DIVERT_SRC_ELIGIBILITY_CONDITION_TABLE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "divert/cel/cel.h"
#include "divert/cel/value.h"
#include "divert/v1/charge.pb.h"
#include "divert/v1/encounter.pb.h"
#include "divert/v1/expr.pb.h"
#include "eligibility/yes_no_facts.h"

namespace divert::eligibility {

class ConditionTable {
 public:
  // At most this many fields: 3^6 = 729 evaluations when compiling.
  static constexpr int kMaxFacts = 6;

  // What the program gives for one combination of the facts.
  struct Result {
    enum class Truth { kFalse, kTrue, kUnknown } truth = Truth::kFalse;
    // For kUnknown: the attributes the unknown names, as the program
    // names them ("encounter.person.needs.alcohol", "charge.violent").
    std::vector<std::string> unknown_attributes;
  };

  // A table for `program` (whose checked expression is `checked`), or null
  // when the condition reads anything but the yes/no facts of `encounter`
  // (and of `charge` when `charge_scope`; yes_no_facts.h), reads more than
  // kMaxFacts of them, or gives anything but a bool or an unknown for some
  // combination. `parameters` are bound as the decisions bind them.
  static std::unique_ptr<ConditionTable> Build(
      const v1::CheckedExpr& checked, const cel::Program& program,
      const std::vector<std::pair<std::string, cel::Value>>& parameters,
      bool charge_scope);

  // The program's result on the encounter and the charge whose facts are
  // in `facts` (`charge_bound`: whether a charge's are), or null when a
  // message on the way to a fact is absent, or the charge's facts are
  // needed and not bound (the program then decides).
  const Result* Find(const YesNoFacts& facts, bool charge_bound) const;

  ConditionTable(const ConditionTable&) = delete;
  ConditionTable& operator=(const ConditionTable&) = delete;
  ~ConditionTable();

 private:
  friend class FactCollector;

  // A field read by the condition: a chain of singular message fields from
  // the encounter or the charge, ending in a yes/no fact.
  struct Fact {
    bool from_charge = false;
    std::vector<const google::protobuf::FieldDescriptor*> path;
    // Its slot in YesNoFacts::encounter or ::charge.
    int slot = -1;
  };

  ConditionTable() = default;
  // Puts `fact` in `state` (0 unset, 1 false, 2 true) in the probes the
  // table is built with.
  static void SetFact(const Fact& fact, int state,
                      google::protobuf::Message* encounter,
                      google::protobuf::Message* charge);
  std::vector<Fact> facts_;
  // For Find: the facts' slots in YesNoFacts::states, in order, and
  // whether any is the charge's.
  int fact_count_ = 0;
  uint8_t slots_[kMaxFacts] = {};
  bool reads_charge_ = false;
  // Indexed by the facts' states as a base-3 number, the first fact the
  // lowest digit.
  std::vector<Result> results_;
};

inline const ConditionTable::Result* ConditionTable::Find(
    const YesNoFacts& facts, bool charge_bound) const {
  static constexpr int kWeights[kMaxFacts] = {1, 3, 9, 27, 81, 243};
  if (reads_charge_ && !charge_bound) return nullptr;
  int index = 0;
  int absent = 0;  // negative once a fact is kNoMessage (-1)
  for (int i = 0; i < fact_count_; ++i) {
    const int state = facts.states[slots_[i]];
    absent |= state;
    index += state * kWeights[i];
  }
  return absent < 0 ? nullptr : &results_[index];
}

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_CONDITION_TABLE_H_
