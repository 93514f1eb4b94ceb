// Which inputs a compiled policy's decisions depend on, found by reading
// the type-checked conditions of every rule of every version. Screening
// decides each distinct combination of these inputs once: a column that
// feeds none of them cannot change a decision.
#ifndef DIVERT_SRC_SCREENING_POLICY_INPUTS_H_
#define DIVERT_SRC_SCREENING_POLICY_INPUTS_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "divert/eligibility/policy.h"
#include "google/protobuf/descriptor.h"

namespace divert::screening {

// A test of a text field against a constant text, as a condition writes
// it: `f == 'x'`, `f != 'x'`, `f in ['x', 'y']` (one test per element),
// `f.startsWith('x')`, `f.endsWith('x')`, `f.contains('x')`.
struct TextTest {
  enum class Kind { kEquals, kStartsWith, kEndsWith, kContains };
  Kind kind = Kind::kEquals;
  std::string literal;

  // Whether `text` passes, as divert's CEL functions and operators decide
  // it (byte by byte).
  bool Passes(absl::string_view text) const;

  bool operator==(const TextTest& other) const {
    return kind == other.kind && literal == other.literal;
  }
};

class PolicyInputs {
 public:
  // Reads every condition of `policy`. Fails only for a CompiledPolicy
  // that is not the library's own implementation.
  static absl::StatusOr<PolicyInputs> Of(const CompiledPolicy& policy);

  // True when a value at `path` (a chain of fields from Encounter, the
  // last being the one set) can change a decision: its field is read by
  // some condition, or a message on the way is observed as a whole (a
  // has() test, a comparison of the message itself).
  bool Matters(const std::vector<const google::protobuf::FieldDescriptor*>&
                   path) const;

  // How the text field at `path` is read, when every condition that reads
  // it only tests it against constant texts: those tests (none when no
  // condition reads it). Two values that pass the same tests are then
  // alike to every condition. Null when some condition reads the field
  // any other way, or observes a message on the path whole.
  const std::vector<TextTest>* TextTests(
      const std::vector<const google::protobuf::FieldDescriptor*>& path) const;

  // "divert.v1.Charge.level"-style names of the fields read, sorted.
  std::vector<std::string> FieldsRead() const;

 private:
  // "divert.v1.Circumstances.on_supervision".
  absl::flat_hash_set<std::string> read_;
  // Message-typed fields whose presence or whole value is observed.
  absl::flat_hash_set<std::string> observed_whole_;
  // Fields read only by tests against constant texts, and their tests;
  // fields read some other way.
  absl::flat_hash_map<std::string, std::vector<TextTest>> text_tests_;
  absl::flat_hash_set<std::string> read_otherwise_;
  // Some condition uses `encounter` or `charge` itself as a value.
  bool everything_ = false;
};

}  // namespace divert::screening

#endif  // DIVERT_SRC_SCREENING_POLICY_INPUTS_H_
