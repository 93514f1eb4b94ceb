// A version's offense catalog, indexed once at compile time so that a
// charge's statute code (or any alias of it) is found with one hash lookup.
// Codes match ignoring case, surrounding spaces and runs of spaces:
// "pl  155.25" finds "PL 155.25".
#ifndef DIVERT_SRC_ELIGIBILITY_OFFENSE_CATALOG_H_
#define DIVERT_SRC_ELIGIBILITY_OFFENSE_CATALOG_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "divert/v1/policy.pb.h"

namespace divert::eligibility {

// The form codes are compared in: upper case, single spaces, trimmed.
std::string NormalizeOffenseCode(absl::string_view code);

class OffenseIndex {
 public:
  OffenseIndex() = default;
  OffenseIndex(OffenseIndex&&) = default;
  OffenseIndex& operator=(OffenseIndex&&) = default;

  // Indexes `catalog`, which must outlive the index. Appends a message to
  // `problems` for an entry without a code and for a code or alias that
  // names two entries (the first entry keeps it).
  void Build(const v1::OffenseCatalog& catalog,
             std::vector<std::string>* problems);

  // The entry whose code or alias matches `code`, or null.
  const v1::Offense* Find(absl::string_view code) const;
  // True when some entry has exactly this category.
  bool HasCategory(absl::string_view category) const {
    return categories_.contains(category);
  }
  bool empty() const { return by_code_.empty(); }

 private:
  const v1::OffenseCatalog* catalog_ = nullptr;
  absl::flat_hash_map<std::string, int> by_code_;
  absl::flat_hash_set<std::string> categories_;
};

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_OFFENSE_CATALOG_H_
