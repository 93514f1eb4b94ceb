// Privacy canaries for eligibility: every field of an encounter marked
// `[(divert.v1.identifying) = true]` is filled with a unique canary, and no
// canary may appear in a decision (in any output format), in a summary, or
// in an error message, on every path a decision can take through the C ABI
// — the door county systems and vendors call.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "divert/divert.h"
#include "divert/v1/decision.pb.h"
#include "divert/v1/encounter.pb.h"
#include "divert/v1/privacy.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace divert {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// A date of birth no summary, id or date in a decision spells by chance.
constexpr int kBirthYear = 1903;

// Fills every identifying field of `message` and of the messages inside it
// with a canary, recording each canary's text in `canaries`.
void FillCanaries(Message* message, std::vector<std::string>* canaries) {
  const Descriptor* type = message->GetDescriptor();
  const Reflection* reflection = message->GetReflection();
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    if (field->is_repeated()) continue;
    const bool identifying = field->options().GetExtension(v1::identifying);
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING && identifying) {
      const std::string canary =
          absl::StrCat("Canary", canaries->size(), "Zq", field->name());
      reflection->SetString(message, field, canary);
      canaries->push_back(canary);
    } else if (field->message_type() == v1::Date::descriptor() &&
               identifying) {
      auto* date =
          static_cast<v1::Date*>(reflection->MutableMessage(message, field));
      date->set_year(kBirthYear);
      date->set_month(4);
      date->set_day(27);
      canaries->push_back(absl::StrCat(kBirthYear));
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
               field->message_type()->file()->package() == "divert.v1") {
      FillCanaries(reflection->MutableMessage(message, field), canaries);
    }
  }
}

std::string ReadPolicy() {
  std::ifstream in(std::string(DIVERT_SOURCE_DIR) +
                   "/examples/policies/example1_new_york.textproto");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class PrivacyCanaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string text = ReadPolicy();
    ASSERT_EQ(divert_policy_compile(text.data(), text.size(),
                                    DIVERT_FORMAT_TEXT, &policy_),
              DIVERT_OK)
        << divert_last_error();
  }
  void TearDown() override { divert_policy_destroy(policy_); }

  // An eligible petit larceny with every identifying field a canary.
  v1::Encounter Encounter() {
    v1::Encounter e;
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(R"pb(
      encounter_id: "enc-1"
      occurred_at { seconds: 1513264800 }
      pathway: ARREST_DIVERSION
      place { precinct: "14" area: "Manhattan" }
      person { age: 41 needs { drugs: true } }
      charges { statute_code: "PL 155.25" }
      circumstances {
        victim_present: false able_to_consent: true imminent_danger: false
        on_supervision: false outstanding_warrants: false
        exploits_minors_or_others: false sale_for_profit: false
        offense_related_to_needs: true
      }
    )pb", &e));
    canaries_.clear();
    FillCanaries(&e, &canaries_);
    return e;
  }

  // Fails when `text` holds any canary.
  void ExpectNoCanary(absl::string_view text, absl::string_view where) {
    for (const std::string& canary : canaries_) {
      EXPECT_EQ(text.find(canary), absl::string_view::npos)
          << where << " repeats the identifying value " << canary << ":\n"
          << text;
    }
  }

  // Decides `encounter` through the C ABI in JSON and in binary, and checks
  // the decisions or the errors.
  void DecideAndCheck(const v1::Encounter& encounter, absl::string_view name) {
    SCOPED_TRACE(name);
    std::string json;
    ASSERT_TRUE(
        google::protobuf::util::MessageToJsonString(encounter, &json).ok());
    const std::string binary = encounter.SerializeAsString();
    const struct {
      const std::string* input;
      int format;
    } inputs[] = {{&json, DIVERT_FORMAT_JSON}, {&binary, DIVERT_FORMAT_BINARY}};
    for (const auto& input : inputs) {
      for (int out_format : {DIVERT_FORMAT_JSON, DIVERT_FORMAT_BINARY}) {
        char* decision = nullptr;
        size_t decision_len = 0;
        const int status = divert_policy_evaluate(
            policy_, input.input->data(), input.input->size(), input.format,
            out_format, &decision, &decision_len);
        if (status != DIVERT_OK) {
          ExpectNoCanary(divert_last_error(), "the error");
          errors_.push_back(divert_last_error());
          continue;
        }
        std::string out(decision, decision_len);
        divert_buffer_free(decision);
        if (out_format == DIVERT_FORMAT_BINARY) {
          v1::Decision parsed;
          ASSERT_TRUE(parsed.ParseFromString(out));
          out = parsed.DebugString();
        }
        ExpectNoCanary(out, "the decision");
        ++decisions_checked_;
      }
    }
  }

  divert_policy* policy_ = nullptr;
  std::vector<std::string> canaries_;
  int decisions_checked_ = 0;
  std::vector<std::string> errors_;
};

TEST_F(PrivacyCanaryTest, EveryIdentifyingFieldGetsACanary) {
  Encounter();
  // person_key, given and family names, date of birth, SSN, the person's
  // address and the place's address.
  EXPECT_GE(canaries_.size(), 7u);
}

TEST_F(PrivacyCanaryTest, DecisionsNeverRepeatThem) {
  DecideAndCheck(Encounter(), "eligible");

  v1::Encounter excluded = Encounter();
  excluded.add_charges()->set_statute_code("PL 120.00");
  DecideAndCheck(excluded, "excluded, two charges");

  v1::Encounter unknown_facts = Encounter();
  unknown_facts.mutable_circumstances()->clear_able_to_consent();
  unknown_facts.mutable_person()->clear_needs();
  DecideAndCheck(unknown_facts, "needs information");

  v1::Encounter review = Encounter();
  review.mutable_circumstances()->set_on_supervision(true);
  DecideAndCheck(review, "needs review");

  v1::Encounter not_in_catalog = Encounter();
  not_in_catalog.mutable_charges(0)->set_statute_code("XX 999.99");
  DecideAndCheck(not_in_catalog, "a charge outside the catalog");

  v1::Encounter social_contact = Encounter();
  social_contact.set_pathway(v1::SOCIAL_CONTACT);
  social_contact.clear_charges();
  DecideAndCheck(social_contact, "social contact referral");

  EXPECT_EQ(decisions_checked_, 6 * 2 * 2) << absl::StrJoin(errors_, "\n");
}

TEST_F(PrivacyCanaryTest, ErrorsNeverRepeatThem) {
  v1::Encounter no_date = Encounter();
  no_date.clear_occurred_at();
  DecideAndCheck(no_date, "no date");

  v1::Encounter no_pathway = Encounter();
  no_pathway.clear_pathway();
  DecideAndCheck(no_pathway, "no pathway");

  v1::Encounter before_policy = Encounter();
  before_policy.mutable_occurred_at()->set_seconds(0);  // 1970
  DecideAndCheck(before_policy, "before any version");
  EXPECT_EQ(decisions_checked_, 0) << "each of these is an error";
  EXPECT_EQ(errors_.size(), 3u * 2u * 2u);
}

TEST_F(PrivacyCanaryTest, MalformedJsonErrorsNeverRepeatThem) {
  Encounter();
  const std::string given = canaries_[1];
  // Identifying values of the wrong type, in the wrong place, or cut off.
  const std::string inputs[] = {
      absl::StrCat(R"({"person": {"age": ")", given, R"("}})"),
      absl::StrCat(R"({"pathway": ")", given, R"("})"),
      absl::StrCat(R"({"person": {"dateOfBirth": ")", given, R"("}})"),
      absl::StrCat(R"({"occurredAt": ")", given, R"("})"),
      absl::StrCat(R"({"person": {"givenName": ")", given),
      absl::StrCat(R"({"person": {"givenName": [")", given, R"("]}})"),
  };
  for (const std::string& input : inputs) {
    char* decision = nullptr;
    size_t decision_len = 0;
    ASSERT_NE(divert_policy_evaluate(policy_, input.data(), input.size(),
                                     DIVERT_FORMAT_JSON, DIVERT_FORMAT_JSON,
                                     &decision, &decision_len),
              DIVERT_OK)
        << input;
    ExpectNoCanary(divert_last_error(), input);
  }
}

}  // namespace
}  // namespace divert
