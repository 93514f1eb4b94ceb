// Screening a table of arrests against a site policy, column by column.
//
// A Screener joins a compiled policy with a ColumnMapping
// (proto/divert/v1/screening.proto): which column feeds which Encounter
// field and how the publisher's values translate. It reads record batches
// through the Arrow C Data Interface (divert/screening/arrow_c.h; no Arrow
// library needed) and writes each batch back with result columns added:
//
//   outcome            ELIGIBLE, NOT_ELIGIBLE, EXCLUDED, NEEDS_REVIEW,
//                      NEEDS_INFORMATION (null when not decided)
//   policy_version     the version in force on the arrest's local date
//   decisive_rules     the ids of the rules that made the outcome
//   missing_facts      the field paths the decision still needs, "; "-joined
//   not_decided        why an arrest could not be decided (no date, no
//                      version in force), else null
//   rule:<id>          each rule's result: HOLDS, DOES_NOT_HOLD, UNKNOWN,
//                      ERROR, NOT_APPLICABLE (null when the version in
//                      force has no such rule)
//   charge_index       (one row per charge) the charge's place in its arrest
//
// all dictionary-encoded. Every arrest gets exactly the outcome and rule
// results CompiledPolicy::Evaluate gives the Encounter its row builds: the
// screener decides each distinct combination of the facts the policy reads
// once, with the per-record engine, and gives every arrest with that
// combination its answer.
//
//   auto screener = divert::Screener::Create(policy, mapping);
//   ArrowArrayStream results;
//   absl::Status status = (*screener)->Screen(&arrests, &results);
//   ... read `results` ...; (*screener)->summary() counts what was seen.
#ifndef DIVERT_SCREENING_SCREENER_H_
#define DIVERT_SCREENING_SCREENER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "divert/eligibility/policy.h"
#include "divert/screening/arrow_c.h"
#include "divert/v1/screening.pb.h"

namespace divert {

class Screener {
 public:
  // Joins `policy` and `mapping`. Fails with InvalidArgument naming the
  // mapping entry for a field path that Encounter does not have, a field
  // that cannot be fed, a translation that is not a value of its field, a
  // missing shape or arrest key column.
  static absl::StatusOr<std::unique_ptr<Screener>> Create(
      std::shared_ptr<const CompiledPolicy> policy,
      const v1::ColumnMapping& mapping);

  // A mapping from its text format (or proto3 JSON when it starts with
  // '{'); errors name the line and column.
  static absl::StatusOr<v1::ColumnMapping> ParseMapping(absl::string_view text);

  ~Screener();

  // Screens the record batches of `input` (taken: the screener releases
  // it) into `output`, a stream of the same batches with the result
  // columns added. Batches are read and screened as the consumer asks for
  // them, so memory stays bounded whatever the stream's length. Fails now
  // when the input's schema lacks a mapped column, has one of an unusable
  // type, or already has a result column; later failures come from
  // output->get_next with a message in get_last_error. `output` may
  // outlive the Screener. One stream at a time per Screener.
  absl::Status Screen(ArrowArrayStream* input, ArrowArrayStream* output);

  // What every stream screened so far contained: rows, arrests, outcomes,
  // values the mapping could not use (by column).
  v1::ScreeningSummary summary() const;

  // The names of the result columns, in order.
  std::vector<std::string> result_columns() const;

  // The fields the policy's conditions read, e.g.
  // "divert.v1.Charge.level": only columns feeding these (and the date
  // and the charge codes) can change a decision.
  std::vector<std::string> fields_read() const;

  struct State;

 private:
  explicit Screener(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace divert

#endif  // DIVERT_SCREENING_SCREENER_H_
