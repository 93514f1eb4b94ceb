#include "screening/statute_classes.h"

#include "absl/strings/str_cat.h"
#include "divert/v1/charge.pb.h"
#include "divert/v1/encounter.pb.h"
#include "eligibility/charge_enricher.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace divert::screening {

std::unique_ptr<StatuteClasses> StatuteClasses::For(
    const eligibility::CompiledPolicyImpl& policy, const PolicyInputs& inputs) {
  const google::protobuf::FieldDescriptor* charges =
      v1::Encounter::descriptor()->FindFieldByName("charges");
  const google::protobuf::Descriptor* charge = v1::Charge::descriptor();
  const google::protobuf::FieldDescriptor* code =
      charge->FindFieldByName("statute_code");
  if (inputs.TextTests({charges, code}) == nullptr) return nullptr;
  std::unique_ptr<StatuteClasses> classes(new StatuteClasses(policy));
  for (int i = 0; i < charge->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = charge->field(i);
    const std::vector<TextTest>* tests =
        field->type() == google::protobuf::FieldDescriptor::TYPE_STRING &&
                !field->is_repeated()
            ? inputs.TextTests({charges, field})
            : nullptr;
    if (tests != nullptr) {
      if (!tests->empty() || field == code) classes->tested_.emplace_back(field, tests);
    } else if (inputs.Matters({charges, field})) {
      classes->read_.push_back(field);
    }
  }
  return classes;
}

std::string StatuteClasses::Of(absl::string_view code) const {
  std::string out;
  v1::Charge charge;
  v1::Charge read;
  for (const auto& version : policy_.compiled().versions) {
    // The charge as the version's catalog completes a charge of this code
    // and nothing else.
    charge.Clear();
    charge.set_statute_code(std::string(code));
    const v1::Offense* offense = version->catalog.Find(code);
    if (offense != nullptr) eligibility::EnrichCharge(*offense, &charge);
    out.push_back(offense != nullptr ? 'C' : 'N');
    // The text fields read only through tests, as the tests see them (an
    // empty text is a missing fact).
    const google::protobuf::Reflection* reflection = charge.GetReflection();
    for (const auto& [field, tests] : tested_) {
      const std::string text = reflection->GetString(charge, field);
      out.push_back(text.empty() ? '0' : '1');
      for (const TextTest& test : *tests) out.push_back(test.Passes(text) ? '1' : '0');
    }
    // The other fields the policy reads, in a canonical encoding.
    read.Clear();
    reflection->SwapFields(&charge, &read, read_);
    std::string bytes;
    {
      google::protobuf::io::StringOutputStream stream(&bytes);
      google::protobuf::io::CodedOutputStream coded(&stream);
      coded.SetSerializationDeterministic(true);
      read.SerializeToCodedStream(&coded);
    }
    absl::StrAppend(&out, bytes.size(), ":", bytes);
  }
  return out;
}

}  // namespace divert::screening
