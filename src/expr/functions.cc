// The registry of standard functions: (name, arity, call style) to
// implementation, built once from the families' tables.
#include "expr/functions.h"

#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "expr/functions_internal.h"
#include "expr/time_functions.h"

namespace divert::cel {
namespace {

struct Key {
  std::string name;
  int arity;
  bool receiver_style;

  bool operator==(const Key& other) const {
    return arity == other.arity && receiver_style == other.receiver_style &&
           name == other.name;
  }
  template <typename H>
  friend H AbslHashValue(H h, const Key& key) {
    return H::combine(std::move(h), key.name, key.arity, key.receiver_style);
  }
};

using Registry = absl::flat_hash_map<Key, FunctionImpl>;

void AddAll(absl::Span<const FunctionEntry> entries, Registry* registry) {
  for (const FunctionEntry& e : entries) {
    const std::string name(e.name);
    if (e.style != CallStyle::kReceiver) {
      registry->emplace(Key{name, e.arity, false}, e.impl);
    }
    if (e.style != CallStyle::kGlobal) {
      registry->emplace(Key{name, e.arity, true}, e.impl);
    }
  }
}

const Registry& GetRegistry() {
  static const Registry* registry = [] {
    auto* r = new Registry();
    AddAll(ArithmeticFunctions(), r);
    AddAll(ComparisonFunctions(), r);
    AddAll(StringFunctions(), r);
    AddAll(ConversionFunctions(), r);
    AddAll(ContainerFunctions(), r);
    AddAll(TimeFunctions(), r);
    return r;
  }();
  return *registry;
}

}  // namespace

FunctionImpl FindFunction(absl::string_view name, int arity,
                          bool receiver_style) {
  const Registry& registry = GetRegistry();
  auto it = registry.find(Key{std::string(name), arity, receiver_style});
  return it == registry.end() ? nullptr : it->second;
}

}  // namespace divert::cel
