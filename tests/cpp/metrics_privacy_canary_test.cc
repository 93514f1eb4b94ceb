// Privacy canaries for published metric reports: every identifying field of
// a site's records (the person keys of people, referral subjects, decided
// encounters and arrests; dates of birth) holds a unique canary, and no
// canary may appear in a report — published or internal, in every
// breakdown, as a message, JSON or binary —, in a re-arrest evaluation, or
// in the error a bad record or a failing filter gives. Through the C++ API
// and the C ABI. (tests/python/test_privacy_canaries.py does the same at the
// Python door, with the quarterly report's Markdown and HTML.)
#include <map>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "divert/divert.h"
#include "divert/metrics/evaluation.h"
#include "divert/metrics/metrics.h"
#include "divert/metrics/synthetic_site.h"
#include "divert/v1/metrics.pb.h"
#include "divert/v1/privacy.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "metrics/testing/fixture.h"

namespace divert {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Every date of birth becomes one in this year (the people are then all
// over 65; age groups are computed, never the date itself reported).
constexpr int kBirthYear = 1903;

// Replaces every identifying value in `message` and the divert.v1 messages
// inside it (repeated ones too) with a canary: the same value gets the same
// canary everywhere, so the records still join on person_key.
class CanaryFiller {
 public:
  void Fill(Message* message) {
    const Descriptor* type = message->GetDescriptor();
    const Reflection* reflection = message->GetReflection();
    for (int i = 0; i < type->field_count(); ++i) {
      const FieldDescriptor* field = type->field(i);
      const bool identifying = field->options().GetExtension(v1::identifying);
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING && identifying &&
          !field->is_repeated()) {
        const std::string value = reflection->GetString(*message, field);
        if (!value.empty()) reflection->SetString(message, field, Canary(value));
      } else if (field->message_type() == v1::Date::descriptor() && identifying &&
                 !field->is_repeated()) {
        if (!reflection->HasField(*message, field)) continue;
        auto* date = static_cast<v1::Date*>(reflection->MutableMessage(message, field));
        date->set_year(kBirthYear);
        ++dates_;
      } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
                 field->message_type()->file()->package() == "divert.v1") {
        if (field->is_repeated()) {
          for (int j = 0; j < reflection->FieldSize(*message, field); ++j) {
            Fill(reflection->MutableRepeatedMessage(message, field, j));
          }
        } else if (reflection->HasField(*message, field)) {
          Fill(reflection->MutableMessage(message, field));
        }
      }
    }
  }

  const std::map<std::string, std::string>& canaries() const { return canaries_; }
  int dates() const { return dates_; }

 private:
  std::string Canary(const std::string& value) {
    auto [it, inserted] = canaries_.try_emplace(value);
    if (inserted) it->second = absl::StrCat("Canary", canaries_.size(), "ZqKey");
    return it->second;
  }

  std::map<std::string, std::string> canaries_;  // value -> canary
  int dates_ = 0;
};

// Whether `text` spells the birth year as a number of its own (not as the
// digits of a larger number or of a fraction).
bool SpellsBirthYear(absl::string_view text) {
  const std::string year = absl::StrCat(kBirthYear);
  for (size_t at = text.find(year); at != absl::string_view::npos;
       at = text.find(year, at + 1)) {
    const bool digit_before =
        at > 0 && (absl::ascii_isdigit(text[at - 1]) || text[at - 1] == '.');
    const size_t end = at + year.size();
    const bool digit_after = end < text.size() && absl::ascii_isdigit(text[end]);
    if (!digit_before && !digit_after) return true;
  }
  return false;
}

class MetricsPrivacyCanaryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto* records = new v1::MetricRecords();
    metrics::SyntheticSiteOptions options;
    options.seed = 5;
    options.referrals = 800;
    metrics::GenerateSyntheticSite(options, records);
    filler_ = new CanaryFiller();
    filler_->Fill(records);
    records_ = records;
  }
  static void TearDownTestSuite() {
    delete records_;
    delete filler_;
  }

  // Fails when `text` holds a canary or the canary birth year.
  static void ExpectNoCanary(absl::string_view text, absl::string_view where) {
    ASSERT_FALSE(text.empty()) << where;
    for (const auto& [value, canary] : filler_->canaries()) {
      ASSERT_EQ(text.find(canary), absl::string_view::npos)
          << where << " repeats the identifying value " << canary << ":\n"
          << text.substr(0, 2000);
    }
    EXPECT_FALSE(SpellsBirthYear(text))
        << where << " spells a date of birth's year " << kBirthYear;
  }

  // `message` as text, as JSON and in binary.
  static void ExpectNoCanaryIn(const Message& message, absl::string_view where) {
    ExpectNoCanary(message.DebugString(), where);
    std::string json;
    ASSERT_TRUE(google::protobuf::util::MessageToJsonString(message, &json).ok());
    ExpectNoCanary(json, absl::StrCat(where, " as JSON"));
    ExpectNoCanary(message.SerializeAsString(), absl::StrCat(where, " in binary"));
  }

  static const v1::MetricRecords& records() { return *records_; }
  static const CanaryFiller& filler() { return *filler_; }

 private:
  static const v1::MetricRecords* records_;
  static CanaryFiller* filler_;
};

const v1::MetricRecords* MetricsPrivacyCanaryTest::records_ = nullptr;
CanaryFiller* MetricsPrivacyCanaryTest::filler_ = nullptr;

v1::MetricRequest Request(v1::DisclosureMode mode, std::vector<v1::Breakdown> by) {
  v1::MetricRequest request;
  *request.mutable_period()->mutable_start() = testing::MakeDate(2023, 7, 1);
  *request.mutable_period()->mutable_end() = testing::MakeDate(2024, 6, 30);
  request.set_disclosure(mode);
  for (v1::Breakdown b : by) request.add_breakdowns(b);
  return request;
}

// Every breakdown, three at a time at most.
const std::vector<std::vector<v1::Breakdown>>& Breakdowns() {
  static const auto* all = new std::vector<std::vector<v1::Breakdown>>{
      {},
      {v1::RACE_ETHNICITY, v1::GENDER, v1::AGE_GROUP},
      {v1::PATHWAY, v1::REFERRAL_SOURCE, v1::AREA},
      {v1::PRECINCT, v1::CASE_MANAGER, v1::NEED},
  };
  return *all;
}

v1::EvaluationRequest RearrestRequest() {
  v1::EvaluationRequest request;
  *request.mutable_window()->mutable_start() = testing::MakeDate(2023, 1, 1);
  *request.mutable_window()->mutable_end() = testing::MakeDate(2023, 12, 31);
  return request;
}

// A catalog whose filters read the person's key and fail on it: a key that
// is not a number, a date or a pattern.
constexpr char kFailingCatalog[] = R"pb(
  metrics { id: "key_as_number" records: PARTICIPANTS kind: COUNT
            filter: "int(participant.person_key) > 0" }
  metrics { id: "key_as_date" records: ARRESTS kind: COUNT
            filter: "timestamp(arrest.person_key) > timestamp(0)" }
  metrics { id: "key_as_pattern" records: DECISIONS kind: COUNT
            filter: "decision.person_key.matches(decision.person_key + '((')" }
  metrics { id: "key_as_duration" records: REFERRALS kind: COUNT
            filter: "duration(referral.person_key) > duration('1s')" }
)pb";

// Records that do not fold, each with a canary where a person's key goes.
std::vector<std::pair<std::string, v1::MetricRecords>> BadRecords(
    const v1::MetricRecords& good) {
  std::vector<std::pair<std::string, v1::MetricRecords>> bad;
  v1::MetricRecords twice = good;
  *twice.add_people() = good.people(0);
  bad.emplace_back("a person listed twice", twice);
  v1::MetricRecords no_date = good;
  no_date.mutable_events(3)->clear_occurred_at();
  bad.emplace_back("an event without a date", no_date);
  v1::MetricRecords subject_twice = good;
  *subject_twice.add_subjects() = good.subjects(0);
  bad.emplace_back("a referral subject listed twice", subject_twice);
  v1::MetricRecords orphan = good;
  *orphan.add_events() = good.events(good.events_size() - 1);
  orphan.mutable_events(orphan.events_size() - 1)->set_referral_id("no-such-referral");
  orphan.mutable_events(orphan.events_size() - 1)->clear_eligibility_recorded();
  orphan.mutable_events(orphan.events_size() - 1)->clear_social_contact_referred();
  bad.emplace_back("an event of a referral that never started", orphan);
  return bad;
}

TEST_F(MetricsPrivacyCanaryTest, EveryIdentifyingFieldGetsACanary) {
  // A canary per person, and each person's date of birth.
  EXPECT_GE(filler().canaries().size(), static_cast<size_t>(records().people_size()));
  EXPECT_EQ(filler().dates(), records().people_size());
  EXPECT_GT(records().arrests_size(), 0);
  EXPECT_GT(records().encounters_size(), 0);
  for (const v1::ReferralSubject& subject : records().subjects()) {
    ASSERT_EQ(subject.person_key().rfind("Canary", 0), 0u) << subject.person_key();
  }
}

TEST_F(MetricsPrivacyCanaryTest, ReportsNeverRepeatThem) {
  auto catalog = metrics::CompiledCatalog::Compile(testing::LeadCatalog());
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  for (v1::DisclosureMode mode : {v1::PUBLISHED, v1::INTERNAL}) {
    for (const std::vector<v1::Breakdown>& by : Breakdowns()) {
      const v1::MetricRequest request = Request(mode, by);
      SCOPED_TRACE(request.ShortDebugString());
      absl::StatusOr<v1::MetricReport> report = (*catalog)->Compute(records(), request);
      ASSERT_TRUE(report.ok()) << report.status();
      ASSERT_EQ(report->results_size(), (*catalog)->catalog().metrics_size());
      ExpectNoCanaryIn(*report, "the report");
    }
  }
}

TEST_F(MetricsPrivacyCanaryTest, RearrestEvaluationsNeverRepeatThem) {
  absl::StatusOr<v1::RearrestEvaluation> evaluation =
      metrics::EvaluateRearrest(records(), RearrestRequest());
  ASSERT_TRUE(evaluation.ok()) << evaluation.status();
  EXPECT_TRUE(evaluation->reportable());
  ExpectNoCanaryIn(*evaluation, "the evaluation");

  // Too small to report: only the group sizes.
  v1::EvaluationRequest small = RearrestRequest();
  small.set_min_group_size(1000000);
  evaluation = metrics::EvaluateRearrest(records(), small);
  ASSERT_TRUE(evaluation.ok()) << evaluation.status();
  EXPECT_FALSE(evaluation->reportable());
  ExpectNoCanaryIn(*evaluation, "the unreportable evaluation");
}

TEST_F(MetricsPrivacyCanaryTest, ErrorsFromBadRecordsNeverRepeatThem) {
  auto catalog = metrics::CompiledCatalog::Compile(testing::LeadCatalog());
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  const v1::MetricRequest request = Request(v1::PUBLISHED, {v1::RACE_ETHNICITY});
  for (const auto& [what, bad] : BadRecords(records())) {
    SCOPED_TRACE(what);
    absl::StatusOr<v1::MetricReport> report = (*catalog)->Compute(bad, request);
    ASSERT_FALSE(report.ok());
    ExpectNoCanary(report.status().message(), "the report's error");
    absl::StatusOr<v1::RearrestEvaluation> evaluation =
        metrics::EvaluateRearrest(bad, RearrestRequest());
    ASSERT_FALSE(evaluation.ok());
    ExpectNoCanary(evaluation.status().message(), "the evaluation's error");
  }
}

TEST_F(MetricsPrivacyCanaryTest, FiltersFailingOnAKeyNeverRepeatIt) {
  auto parsed = metrics::ParseCatalogText(kFailingCatalog);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  for (const v1::MetricDefinition& metric : parsed->metrics()) {
    SCOPED_TRACE(metric.id());
    v1::MetricCatalog one;
    *one.add_metrics() = metric;
    auto catalog = metrics::CompiledCatalog::Compile(one);
    ASSERT_TRUE(catalog.ok()) << catalog.status();
    absl::StatusOr<v1::MetricReport> report =
        (*catalog)->Compute(records(), Request(v1::INTERNAL, {}));
    ASSERT_FALSE(report.ok()) << "the filter fails on every record";
    EXPECT_NE(report.status().message().find(metric.filter()), std::string::npos)
        << report.status();
    ExpectNoCanary(report.status().message(), "the filter's error");
  }
}

// The same through the C ABI, in JSON and in binary.
class MetricsPrivacyCanaryCapiTest : public MetricsPrivacyCanaryTest {
 protected:
  void SetUp() override {
    const std::string text = testing::ReadSourceFile("examples/metrics/lead_catalog.textproto");
    ASSERT_EQ(divert_metric_catalog_compile(text.data(), text.size(), DIVERT_FORMAT_TEXT,
                                            &catalog_),
              DIVERT_OK)
        << divert_last_error();
  }
  void TearDown() override { divert_metric_catalog_destroy(catalog_); }

  // The records in `format`, as given to the C ABI.
  static std::string Encode(const v1::MetricRecords& records, int format) {
    std::string bytes;
    if (format == DIVERT_FORMAT_BINARY) return records.SerializeAsString();
    EXPECT_TRUE(google::protobuf::util::MessageToJsonString(records, &bytes).ok());
    return bytes;
  }

  divert_metric_catalog* catalog_ = nullptr;
};

TEST_F(MetricsPrivacyCanaryCapiTest, ReportsAndEvaluationsNeverRepeatThem) {
  for (int in_format : {DIVERT_FORMAT_JSON, DIVERT_FORMAT_BINARY}) {
    const std::string input = Encode(records(), in_format);
    for (int out_format : {DIVERT_FORMAT_JSON, DIVERT_FORMAT_BINARY}) {
      SCOPED_TRACE(absl::StrCat("records ", in_format, ", out ", out_format));
      for (v1::DisclosureMode mode : {v1::PUBLISHED, v1::INTERNAL}) {
        const std::string request =
            Request(mode, {v1::RACE_ETHNICITY, v1::AGE_GROUP, v1::PRECINCT})
                .SerializeAsString();
        char* report = nullptr;
        size_t report_len = 0;
        ASSERT_EQ(divert_metric_catalog_compute(catalog_, input.data(), input.size(),
                                                in_format, request.data(), request.size(),
                                                DIVERT_FORMAT_BINARY, out_format, &report,
                                                &report_len),
                  DIVERT_OK)
            << divert_last_error();
        ExpectNoCanary(absl::string_view(report, report_len), "the report");
        divert_buffer_free(report);
      }
      const std::string request = RearrestRequest().SerializeAsString();
      char* evaluation = nullptr;
      size_t evaluation_len = 0;
      ASSERT_EQ(divert_metrics_evaluate_rearrest(input.data(), input.size(), in_format,
                                                 request.data(), request.size(),
                                                 DIVERT_FORMAT_BINARY, out_format,
                                                 &evaluation, &evaluation_len),
                DIVERT_OK)
          << divert_last_error();
      ExpectNoCanary(absl::string_view(evaluation, evaluation_len), "the evaluation");
      divert_buffer_free(evaluation);
    }
  }
}

TEST_F(MetricsPrivacyCanaryCapiTest, ErrorsNeverRepeatThem) {
  const std::string request = Request(v1::PUBLISHED, {}).SerializeAsString();
  const std::string window = RearrestRequest().SerializeAsString();
  for (const auto& [what, bad] : BadRecords(records())) {
    for (int format : {DIVERT_FORMAT_JSON, DIVERT_FORMAT_BINARY}) {
      SCOPED_TRACE(absl::StrCat(what, ", format ", format));
      const std::string input = Encode(bad, format);
      char* out = nullptr;
      size_t out_len = 0;
      ASSERT_EQ(divert_metric_catalog_compute(catalog_, input.data(), input.size(), format,
                                              request.data(), request.size(),
                                              DIVERT_FORMAT_BINARY, DIVERT_FORMAT_JSON,
                                              &out, &out_len),
                DIVERT_ERROR_INVALID_ARGUMENT);
      EXPECT_EQ(out, nullptr);
      ExpectNoCanary(divert_last_error(), "the report's error");
      ASSERT_EQ(divert_metrics_evaluate_rearrest(input.data(), input.size(), format,
                                                 window.data(), window.size(),
                                                 DIVERT_FORMAT_BINARY, DIVERT_FORMAT_JSON,
                                                 &out, &out_len),
                DIVERT_ERROR_INVALID_ARGUMENT);
      ExpectNoCanary(divert_last_error(), "the evaluation's error");
    }
  }
}

TEST_F(MetricsPrivacyCanaryCapiTest, MalformedRecordsNeverRepeatThem) {
  // A canary key of the wrong type, cut off, in the wrong place, or next to
  // a syntax error (the JSON parser's own message shows the text around it).
  const std::string key = filler().canaries().begin()->second;
  const std::string inputs[] = {
      absl::StrCat(R"({"people": [{"personKey": )", "[\"", key, "\"]}]}"),
      absl::StrCat(R"({"people": [{"personKey": ")", key),
      absl::StrCat(R"({"people": [{"dateOfBirth": ")", key, "\"}]}"),
      absl::StrCat(R"({"arrests": [{"personKey": ")", key, R"(", "jailDays": ")", key,
                   "\"}]}"),
      absl::StrCat(R"({"people": [{"personKey": ")", key, R"(" "x"}]})"),
      absl::StrCat(R"({"people": [{"personKey": )", key, "}]}"),
      absl::StrCat(R"({"people": [{"personKey": ")", key, R"("}]])"),
      absl::StrCat(R"({"arrests": [{"personKey": ")", key, R"(", x}]})"),
  };
  const std::string request = Request(v1::PUBLISHED, {}).SerializeAsString();
  for (const std::string& input : inputs) {
    SCOPED_TRACE(input);
    char* out = nullptr;
    size_t out_len = 0;
    ASSERT_EQ(divert_metric_catalog_compute(catalog_, input.data(), input.size(),
                                            DIVERT_FORMAT_JSON, request.data(),
                                            request.size(), DIVERT_FORMAT_BINARY,
                                            DIVERT_FORMAT_JSON, &out, &out_len),
              DIVERT_ERROR_INVALID_ARGUMENT);
    ExpectNoCanary(divert_last_error(), "the parse error");
  }
}

}  // namespace
}  // namespace divert
