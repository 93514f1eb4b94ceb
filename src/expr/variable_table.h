// The variables of an environment and the activation slot of each.
#ifndef DIVERT_SRC_EXPR_VARIABLE_TABLE_H_
#define DIVERT_SRC_EXPR_VARIABLE_TABLE_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "divert/cel/cel.h"
#include "divert/v1/expr.pb.h"

namespace divert::cel {

class VariableTable {
 public:
  // Adds a variable; returns its slot, or -1 when `name` is already there.
  int Add(absl::string_view name, const v1::Type& type);
  // The slot of `name`, or -1.
  int Find(absl::string_view name) const {
    auto it = slots_.find(name);
    return it == slots_.end() ? -1 : it->second;
  }
  int size() const { return static_cast<int>(names_.size()); }
  const std::string& name(int slot) const { return names_[slot]; }
  const v1::Type& type(int slot) const { return types_[slot]; }

 private:
  absl::flat_hash_map<std::string, int> slots_;
  std::vector<std::string> names_;
  std::vector<v1::Type> types_;
};

inline int VariableTable::Add(absl::string_view name, const v1::Type& type) {
  auto [it, inserted] = slots_.emplace(std::string(name), size());
  if (!inserted) return -1;
  names_.emplace_back(name);
  types_.push_back(type);
  return it->second;
}

}  // namespace divert::cel

#endif  // DIVERT_SRC_EXPR_VARIABLE_TABLE_H_
