// Serializing a decision without protobuf's generic serializer. A decision
// carries every rule's approved text, about 2 KB for Example 1, which the
// generic serializer copies into the message, measures and checks as UTF-8
// on every decision; here each rule's text is encoded once, when the policy
// is compiled, and copied into the output as bytes. The output is exactly
// what protobuf writes for the same decision.
#ifndef DIVERT_SRC_ELIGIBILITY_DECISION_WRITER_H_
#define DIVERT_SRC_ELIGIBILITY_DECISION_WRITER_H_

#include <string>

#include "divert/v1/decision.pb.h"
#include "divert/v1/policy.pb.h"
#include "eligibility/compiled_version.h"

namespace divert::eligibility {

// The wire encodings of a RuleOutcome's `rule_id` and `kind` fields, and of
// its `text` field, for `rule`: what CompiledRule's id_and_kind_fields and
// text_field hold.
std::string EncodeRuleIdAndKindFields(const v1::Rule& rule);
std::string EncodeRuleTextField(const v1::Rule& rule);

// Writes `decision`, decided under `version` and whose rules have no id,
// kind or text, to `*bytes` as the serialization of the same decision with
// each rule's id, kind and text filled in from `version`.
void WriteDecision(const CompiledVersion& version,
                   const v1::Decision& decision, std::string* bytes);

// Fills in each rule's id, kind and text from `version`: the decision as
// the message API returns it.
void AddRuleNames(const CompiledVersion& version, v1::Decision* decision);

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_DECISION_WRITER_H_
