// The C ABI's screening functions (divert/divert.h, "SCREENING"): a screener
// made from a mapping in each format screens a stream and sums it up in each
// format; every bad argument is refused with a message that says which, and
// the input stream is always taken (released), whatever the result.
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "divert/divert.h"
#include "divert/screening/screener.h"
#include "divert/v1/screening.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "screening/arrow_build.h"

namespace divert {
namespace {

using google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string ReadSourceFile(const std::string& path) {
  std::ifstream in(std::string(DIVERT_SOURCE_DIR) + "/" + path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A stream of one record batch of `columns`.
void OneBatch(std::vector<screening::BuiltColumn> columns, int64_t rows,
              ArrowArrayStream* out) {
  screening::BuiltColumn batch = screening::RecordBatch(std::move(columns), rows);
  std::vector<ArrowArray> batches = {batch.array};
  const ArrowSchema schema = batch.schema;
  batch.schema.release = nullptr;  // both move into the stream
  batch.array.release = nullptr;
  screening::MakeStream(schema, std::move(batches), out);
}

// Three December 2017 arrests with the columns the NYPD mapping reads:
// petit larceny (eligible once the officer asks about needs and consent), a
// code outside the offense catalog (not eligible), and one without a date.
void Arrests(ArrowArrayStream* out) {
  namespace s = screening;
  std::vector<s::BuiltColumn> columns;
  columns.push_back(s::TextColumn("ARREST_KEY", {"1", "2", "3"}));
  columns.push_back(s::TextColumn("ARREST_DATE", {"12/14/2017", "12/15/2017", absl::nullopt}));
  columns.push_back(s::TextColumn("LAW_CODE", {"PL 1552500", "PL 1200500", "PL 1552500"}));
  columns.push_back(s::TextColumn("ARREST_PRECINCT", {"14", "75", "1"}));
  columns.push_back(s::TextColumn("ARREST_BORO", {"M", "K", "M"}));
  columns.push_back(s::TextColumn("PERP_RACE", {"BLACK", "WHITE", "BLACK"}));
  columns.push_back(s::TextColumn("PERP_SEX", {"M", "F", "M"}));
  OneBatch(std::move(columns), 3, out);
}

// Reads `results` to its end (releasing it); the number of rows.
int64_t Drain(ArrowArrayStream* results) {
  int64_t rows = 0;
  while (true) {
    ArrowArray batch;
    if (results->get_next(results, &batch) != 0 || batch.release == nullptr) break;
    rows += batch.length;
    batch.release(&batch);
  }
  results->release(results);
  return rows;
}

class CapiScreenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string policy = ReadSourceFile("examples/policies/example1_new_york.textproto");
    ASSERT_EQ(divert_policy_compile(policy.data(), policy.size(), DIVERT_FORMAT_TEXT, &policy_),
              DIVERT_OK)
        << divert_last_error();
    mapping_ = ReadSourceFile("examples/mappings/nypd_arrests.textproto");
  }
  void TearDown() override { divert_policy_destroy(policy_); }

  // The NYPD mapping in `format`.
  std::string Mapping(int format) const {
    auto parsed = Screener::ParseMapping(mapping_);
    EXPECT_TRUE(parsed.ok()) << parsed.status();
    std::string bytes;
    if (format == DIVERT_FORMAT_BINARY) return parsed->SerializeAsString();
    if (format == DIVERT_FORMAT_JSON) {
      EXPECT_TRUE(google::protobuf::util::MessageToJsonString(*parsed, &bytes).ok());
      return bytes;
    }
    return mapping_;
  }

  // A screener of the NYPD mapping in text format; NULL when it fails.
  divert_screener* TextScreener() const {
    divert_screener* screener = nullptr;
    EXPECT_EQ(divert_screener_create(policy_, mapping_.c_str(), DIVERT_NUL_TERMINATED,
                                     DIVERT_FORMAT_TEXT, &screener),
              DIVERT_OK)
        << divert_last_error();
    return screener;
  }

  divert_policy* policy_ = nullptr;
  std::string mapping_;
};

TEST_F(CapiScreenTest, AScreenerFromEachFormatScreensAndSumsUp) {
  for (int format : {DIVERT_FORMAT_TEXT, DIVERT_FORMAT_JSON, DIVERT_FORMAT_BINARY}) {
    SCOPED_TRACE(format);
    const std::string mapping = Mapping(format);
    divert_screener* screener = nullptr;
    ASSERT_EQ(divert_screener_create(policy_, mapping.data(), mapping.size(), format,
                                     &screener),
              DIVERT_OK)
        << divert_last_error();
    ArrowArrayStream input, output;
    Arrests(&input);
    ASSERT_EQ(divert_screener_screen(screener, &input, &output), DIVERT_OK)
        << divert_last_error();
    EXPECT_EQ(input.release, nullptr) << "the screener takes the input";
    EXPECT_EQ(Drain(&output), 3);

    char* binary = nullptr;
    size_t binary_len = 0;
    ASSERT_EQ(divert_screener_summary(screener, DIVERT_FORMAT_BINARY, &binary, &binary_len),
              DIVERT_OK);
    v1::ScreeningSummary summary;
    ASSERT_TRUE(summary.ParseFromArray(binary, static_cast<int>(binary_len)));
    divert_buffer_free(binary);
    EXPECT_EQ(summary.mapping_name(), "nypd-arrests-historic");
    EXPECT_EQ(summary.rows(), 3);
    EXPECT_EQ(summary.arrests(), 3);
    EXPECT_EQ(summary.arrests_not_decided(), 1);
    EXPECT_EQ(summary.arrests_by_outcome().at("NEEDS_INFORMATION"), 1);
    EXPECT_EQ(summary.arrests_by_outcome().at("NOT_ELIGIBLE"), 1);
    ASSERT_EQ(summary.issues_size(), 1);
    EXPECT_EQ(summary.issues(0).column(), "LAW_CODE");

    char* json = nullptr;
    ASSERT_EQ(divert_screener_summary(screener, DIVERT_FORMAT_JSON, &json, nullptr), DIVERT_OK);
    v1::ScreeningSummary from_json;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &from_json).ok()) << json;
    char* text = nullptr;
    size_t text_len = 0;
    ASSERT_EQ(divert_screener_summary(screener, DIVERT_FORMAT_TEXT, &text, &text_len),
              DIVERT_OK);
    v1::ScreeningSummary from_text;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(std::string(text, text_len),
                                                              &from_text));
    EXPECT_TRUE(MessageDifferencer::Equals(from_json, summary)) << json;
    EXPECT_TRUE(MessageDifferencer::Equals(from_text, summary)) << text;
    divert_buffer_free(json);
    divert_buffer_free(text);
    divert_screener_destroy(screener);
  }
}

TEST_F(CapiScreenTest, TheScreenerOutlivesItsPolicyAndItsResultsOutliveTheScreener) {
  divert_screener* screener = TextScreener();
  ASSERT_NE(screener, nullptr);
  divert_policy_destroy(policy_);
  policy_ = nullptr;
  ArrowArrayStream input, output;
  Arrests(&input);
  ASSERT_EQ(divert_screener_screen(screener, &input, &output), DIVERT_OK);
  divert_screener_destroy(screener);
  EXPECT_EQ(Drain(&output), 3);
}

TEST_F(CapiScreenTest, BadMappingsAreRefusedWithTheReason) {
  divert_screener* screener = reinterpret_cast<divert_screener*>(1);
  const struct {
    const char* name;
    std::string mapping;
    size_t len;
    int format;
    const char* error;
  } cases[] = {
      {"binary without a length", "x", DIVERT_NUL_TERMINATED, DIVERT_FORMAT_BINARY,
       "mapping: binary input needs its length in bytes"},
      {"bytes that are not a mapping", "\xff\xff\xff", 3, DIVERT_FORMAT_BINARY,
       "mapping: the bytes are not a divert.v1.ColumnMapping"},
      {"an unknown format", mapping_, mapping_.size(), 7,
       "mapping: format 7 is not one of 0 (text), 1 (JSON), 2 (binary)"},
      {"text that does not parse", "columns { column: }", DIVERT_NUL_TERMINATED,
       DIVERT_FORMAT_TEXT, "1:"},
      {"a field an encounter does not have",
       "shape: ARREST_PER_ROW columns { column: \"K\" field: \"encounter_id\" }"
       " columns { column: \"X\" field: \"person.no_such_field\" }",
       DIVERT_NUL_TERMINATED, DIVERT_FORMAT_TEXT, "person.no_such_field"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(divert_screener_create(policy_, c.mapping.c_str(), c.len, c.format, &screener),
              DIVERT_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(screener, nullptr);
    EXPECT_THAT(divert_last_error(), HasSubstr(c.error));

    // divert_policy_screen refuses it the same way, and still takes the input.
    ArrowArrayStream input, output;
    Arrests(&input);
    EXPECT_EQ(divert_policy_screen(policy_, c.mapping.c_str(), c.len, c.format, &input,
                                   &output),
              DIVERT_ERROR_INVALID_ARGUMENT);
    EXPECT_THAT(divert_last_error(), HasSubstr(c.error));
    EXPECT_EQ(input.release, nullptr);
  }
}

TEST_F(CapiScreenTest, NullArgumentsAreRefusedAndTheInputIsStillTaken) {
  divert_screener* screener = nullptr;
  EXPECT_EQ(divert_screener_create(nullptr, mapping_.c_str(), DIVERT_NUL_TERMINATED,
                                   DIVERT_FORMAT_TEXT, &screener),
            DIVERT_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(divert_last_error(), "policy is NULL");
  EXPECT_EQ(divert_screener_create(policy_, nullptr, 0, DIVERT_FORMAT_TEXT, &screener),
            DIVERT_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(divert_last_error(), "mapping is NULL");
  EXPECT_EQ(divert_screener_create(policy_, mapping_.c_str(), DIVERT_NUL_TERMINATED,
                                   DIVERT_FORMAT_TEXT, nullptr),
            DIVERT_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(divert_last_error(), "out is NULL");

  ArrowArrayStream input, output;
  Arrests(&input);
  EXPECT_EQ(divert_screener_screen(nullptr, &input, &output), DIVERT_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(divert_last_error(), "screener is NULL");
  EXPECT_EQ(input.release, nullptr);

  screener = TextScreener();
  ASSERT_NE(screener, nullptr);
  Arrests(&input);
  EXPECT_EQ(divert_screener_screen(screener, &input, nullptr), DIVERT_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(divert_last_error(), "input or output stream is NULL");
  EXPECT_EQ(input.release, nullptr);
  EXPECT_EQ(divert_screener_screen(screener, nullptr, &output), DIVERT_ERROR_INVALID_ARGUMENT);

  char* summary = reinterpret_cast<char*>(1);
  size_t summary_len = 1;
  EXPECT_EQ(divert_screener_summary(nullptr, DIVERT_FORMAT_JSON, &summary, &summary_len),
            DIVERT_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(summary, nullptr);
  EXPECT_STREQ(divert_last_error(), "screener or summary is NULL");
  EXPECT_EQ(divert_screener_summary(screener, DIVERT_FORMAT_BINARY, &summary, nullptr),
            DIVERT_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(divert_last_error(), "summary_len is NULL (required for binary output)");
  EXPECT_EQ(divert_screener_summary(screener, 9, &summary, &summary_len),
            DIVERT_ERROR_INVALID_ARGUMENT);
  EXPECT_THAT(divert_last_error(), StartsWith("summary: format 9 is not one of"));
  divert_screener_destroy(screener);
  divert_screener_destroy(nullptr);
}

TEST_F(CapiScreenTest, AnInputWithoutTheMappedColumnsIsRefused) {
  divert_screener* screener = TextScreener();
  ASSERT_NE(screener, nullptr);
  std::vector<screening::BuiltColumn> columns;
  columns.push_back(screening::TextColumn("SOMETHING_ELSE", {"1"}));
  ArrowArrayStream input, output;
  OneBatch(std::move(columns), 1, &input);
  EXPECT_EQ(divert_screener_screen(screener, &input, &output), DIVERT_ERROR_INVALID_ARGUMENT);
  EXPECT_THAT(divert_last_error(), HasSubstr("ARREST_KEY"));
  EXPECT_EQ(input.release, nullptr);
  divert_screener_destroy(screener);
}

}  // namespace
}  // namespace divert
