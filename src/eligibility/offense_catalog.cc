#include "eligibility/offense_catalog.h"

#include <cstddef>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace divert::eligibility {
namespace {

// Writes the normalized form of `code` to `out` (room for code.size()
// characters) and returns its length.
size_t NormalizeInto(absl::string_view code, char* out) {
  size_t n = 0;
  bool pending_space = false;
  for (char c : code) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (absl::ascii_isspace(u)) {
      pending_space = n > 0;
      continue;
    }
    if (pending_space) {
      out[n++] = ' ';
      pending_space = false;
    }
    out[n++] = absl::ascii_toupper(u);
  }
  return n;
}

}  // namespace

std::string NormalizeOffenseCode(absl::string_view code) {
  std::string out(code.size(), '\0');
  out.resize(NormalizeInto(code, out.data()));
  return out;
}

void OffenseIndex::Build(const v1::OffenseCatalog& catalog,
                         std::vector<std::string>* problems) {
  catalog_ = &catalog;
  by_code_.clear();
  categories_.clear();
  size_t names = 0;
  for (const v1::Offense& offense : catalog.offenses()) {
    names += 1 + offense.aliases_size();
  }
  by_code_.reserve(names);
  for (int i = 0; i < catalog.offenses_size(); ++i) {
    const v1::Offense& offense = catalog.offenses(i);
    if (!offense.category().empty()) categories_.insert(offense.category());
    auto add = [&](absl::string_view code) {
      std::string key = NormalizeOffenseCode(code);
      if (key.empty()) {
        problems->push_back(absl::StrCat("offense catalog entry ", i + 1,
                                         " has an empty code or alias"));
        return;
      }
      auto [it, inserted] = by_code_.emplace(std::move(key), i);
      if (!inserted && it->second != i) {
        problems->push_back(absl::StrCat(
            "offense code '", code, "' names two catalog entries ('",
            catalog.offenses(it->second).code(), "' and '", offense.code(),
            "')"));
      }
    };
    add(offense.code());
    for (const std::string& alias : offense.aliases()) add(alias);
  }
}

const v1::Offense* OffenseIndex::Find(absl::string_view code) const {
  if (catalog_ == nullptr || by_code_.empty()) return nullptr;
  char stack_buffer[64];
  std::string heap_buffer;
  char* buffer = stack_buffer;
  if (code.size() > sizeof(stack_buffer)) {
    heap_buffer.resize(code.size());
    buffer = heap_buffer.data();
  }
  const size_t n = NormalizeInto(code, buffer);
  auto it = by_code_.find(absl::string_view(buffer, n));
  if (it == by_code_.end()) return nullptr;
  return &catalog_->offenses(it->second);
}

}  // namespace divert::eligibility
