// Serializing a decision straight from its DecisionRecord, without building
// the v1::Decision message. A decision carries every rule's approved text,
// about 2 KB for Example 1, which the generic serializer would copy into the
// message, measure and check as UTF-8 on every decision; here each rule's
// id, kind and text, and the decision's site and policy version, are encoded
// once, when the policy is compiled, and copied into the output as bytes.
// The output is exactly what protobuf writes for the same decision.
#ifndef DIVERT_SRC_ELIGIBILITY_DECISION_WRITER_H_
#define DIVERT_SRC_ELIGIBILITY_DECISION_WRITER_H_

#include <array>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "divert/v1/encounter.pb.h"
#include "divert/v1/policy.pb.h"
#include "eligibility/compiled_version.h"
#include "eligibility/decision_record.h"

namespace divert::eligibility {

// The wire encodings of a RuleOutcome's `rule_id`, `kind`, `result` and
// `text` fields for `rule`, one for each result: what CompiledRule's
// head_fields holds.
std::array<std::string, kRuleResultCount> EncodeRuleHeadFields(
    const v1::Rule& rule);

// The wire encodings of a Decision's `rules` field holding an outcome of
// `rule` with only its rule_id, kind, result, text and decisive fields, by
// result and decisive: what CompiledRule's plain_outcomes holds.
std::array<std::array<std::string, 2>, kRuleResultCount>
EncodePlainRuleOutcomes(const v1::Rule& rule);

// The wire encoding of a Decision's `site_id`, `policy_version` and
// `policy_approved_on` fields for `version` of site `site_id`: what
// CompiledVersion's decision_header_fields holds.
std::string EncodeDecisionHeaderFields(absl::string_view site_id,
                                       const v1::PolicyVersion& version);

// Writes the serialization of the decision that ToDecision
// (decision_record.h) builds from the same arguments into the memory
// `allocate` gives for its size; false when it gives null.
bool WriteDecision(const CompiledVersion& version,
                   const v1::Encounter& encounter,
                   const DecisionRecord& record,
                   absl::FunctionRef<char*(size_t size)> allocate);

// As above, replacing `*bytes`.
void WriteDecision(const CompiledVersion& version,
                   const v1::Encounter& encounter,
                   const DecisionRecord& record, std::string* bytes);

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_DECISION_WRITER_H_
