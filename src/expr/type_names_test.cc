#include "expr/type_names.h"

#include <string>

#include "absl/status/status.h"
#include "divert/v1/encounter.pb.h"
#include "google/protobuf/descriptor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace divert::cel {
namespace {

using ::testing::HasSubstr;

const google::protobuf::DescriptorPool& Pool() {
  // Linking encounter.pb.cc puts all of divert.v1 into the generated pool.
  static const bool linked = v1::Encounter::descriptor() != nullptr;
  (void)linked;
  return *google::protobuf::DescriptorPool::generated_pool();
}

// The message of the error that parsing `text` gives.
std::string ErrorOf(const std::string& text) {
  absl::StatusOr<v1::Type> type = ParseTypeName(text, Pool());
  if (type.ok()) return "parsed as " + FormatType(*type);
  EXPECT_EQ(type.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(type.status().message());
}

TEST(ParseTypeNameTest, Primitives) {
  EXPECT_EQ(ParseTypeName("int", Pool())->primitive(), v1::Type::INT64);
  EXPECT_EQ(ParseTypeName("uint", Pool())->primitive(), v1::Type::UINT64);
  EXPECT_EQ(ParseTypeName("double", Pool())->primitive(), v1::Type::DOUBLE);
  EXPECT_EQ(ParseTypeName("bool", Pool())->primitive(), v1::Type::BOOL);
  EXPECT_EQ(ParseTypeName("string", Pool())->primitive(), v1::Type::STRING);
  EXPECT_EQ(ParseTypeName("bytes", Pool())->primitive(), v1::Type::BYTES);
  EXPECT_TRUE(ParseTypeName("dyn", Pool())->has_dyn());
  EXPECT_TRUE(ParseTypeName("null_type", Pool())->has_null());
}

TEST(ParseTypeNameTest, TimestampAndDurationAreWellKnown) {
  EXPECT_EQ(ParseTypeName("google.protobuf.Timestamp", Pool())->well_known(),
            v1::Type::TIMESTAMP);
  EXPECT_EQ(ParseTypeName("google.protobuf.Duration", Pool())->well_known(),
            v1::Type::DURATION);
  // The short names CEL uses for the same types.
  EXPECT_EQ(ParseTypeName("timestamp", Pool())->well_known(),
            v1::Type::TIMESTAMP);
  EXPECT_EQ(ParseTypeName("list(duration)", Pool())->list_type().elem_type()
                .well_known(),
            v1::Type::DURATION);
}

TEST(ParseTypeNameTest, MessagesAndEnumsFromThePool) {
  absl::StatusOr<v1::Type> encounter =
      ParseTypeName("divert.v1.Encounter", Pool());
  ASSERT_TRUE(encounter.ok()) << encounter.status();
  EXPECT_EQ(encounter->message_type(), "divert.v1.Encounter");

  absl::StatusOr<v1::Type> level = ParseTypeName("divert.v1.OffenseLevel",
                                                 Pool());
  ASSERT_TRUE(level.ok()) << level.status();
  EXPECT_EQ(level->enum_type(), "divert.v1.OffenseLevel");
}

TEST(ParseTypeNameTest, ListsAndMapsNest) {
  absl::StatusOr<v1::Type> type =
      ParseTypeName("map(string, list(divert.v1.Charge))", Pool());
  ASSERT_TRUE(type.ok()) << type.status();
  EXPECT_EQ(type->map_type().key_type().primitive(), v1::Type::STRING);
  EXPECT_EQ(type->map_type().value_type().list_type().elem_type()
                .message_type(),
            "divert.v1.Charge");
}

TEST(ParseTypeNameTest, SpacesBetweenTokensAreAllowed) {
  absl::StatusOr<v1::Type> type =
      ParseTypeName("  map ( int ,list( bool ) )  ", Pool());
  ASSERT_TRUE(type.ok()) << type.status();
  EXPECT_EQ(FormatType(*type), "map(int, list(bool))");
}

TEST(ParseTypeNameTest, FormatTypeIsTheInverse) {
  for (const char* text :
       {"bool", "int", "uint", "double", "string", "bytes", "dyn", "null_type",
        "google.protobuf.Timestamp", "google.protobuf.Duration",
        "divert.v1.Encounter", "divert.v1.Pathway", "list(int)",
        "list(list(string))", "map(string, int)", "map(bool, dyn)",
        "map(uint, list(divert.v1.Charge))", "map(dyn, map(int, bytes))"}) {
    absl::StatusOr<v1::Type> type = ParseTypeName(text, Pool());
    ASSERT_TRUE(type.ok()) << text << ": " << type.status();
    EXPECT_EQ(FormatType(*type), text);
  }
}

TEST(ParseTypeNameTest, UnknownNamesSayWhichAndWhere) {
  EXPECT_EQ(ErrorOf("lst"), "unknown type 'lst' at column 1");
  EXPECT_EQ(ErrorOf("list(strng)"), "unknown type 'strng' at column 6");
  EXPECT_EQ(ErrorOf("divert.v1.Encountr"),
            "unknown type 'divert.v1.Encountr' at column 1");
}

TEST(ParseTypeNameTest, MalformedTextSaysWhatIsExpectedWhere) {
  EXPECT_EQ(ErrorOf(""),
            "expected a type name but found end of text at column 1");
  EXPECT_EQ(ErrorOf("list(int"),
            "expected ')' but found end of text at column 9");
  EXPECT_EQ(ErrorOf("list"),
            "expected '(' and an element type after 'list' at column 5");
  EXPECT_EQ(ErrorOf("list()"),
            "expected a type name but found ')' at column 6");
  EXPECT_EQ(ErrorOf("list(int, int)"),
            "'list' takes one type parameter at column 9");
  EXPECT_EQ(ErrorOf("map(string)"),
            "'map' takes a key and a value type at column 11");
  EXPECT_EQ(ErrorOf("map(string int)"),
            "expected ',' but found 'i' at column 12");
  EXPECT_EQ(ErrorOf("map(string, int, int)"),
            "'map' takes two type parameters at column 16");
  EXPECT_EQ(ErrorOf("int(string)"),
            "type 'int' takes no parameters at column 4");
  EXPECT_EQ(ErrorOf("list(int) x"),
            "unexpected 'x' after the type at column 11");
  EXPECT_EQ(ErrorOf("int?"), "unexpected character after the type at column 4");
}

TEST(ParseTypeNameTest, ColumnsCountCodePoints) {
  // 'é' is two bytes in UTF-8 but one column.
  EXPECT_EQ(ErrorOf("map(é"),
            "expected a type name but found character at column 5");
  EXPECT_EQ(ErrorOf("list(dyn)é"),
            "unexpected character after the type at column 10");
}

TEST(ParseTypeNameTest, MapKeysMustBeComparableScalars) {
  EXPECT_EQ(ErrorOf("map(double, int)"),
            "unsupported map key type 'double' (use bool, int, uint, string "
            "or dyn) at column 5");
  EXPECT_THAT(ErrorOf("map(list(int), int)"),
              HasSubstr("unsupported map key type 'list(int)'"));
  EXPECT_TRUE(ParseTypeName("map(dyn, int)", Pool()).ok());
  EXPECT_TRUE(ParseTypeName("map(bool, int)", Pool()).ok());
  EXPECT_TRUE(ParseTypeName("map(uint, int)", Pool()).ok());
}

TEST(ParseTypeNameTest, DeepNestingIsRefused) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "list(";
  text += "int";
  for (int i = 0; i < 40; ++i) text += ")";
  EXPECT_THAT(ErrorOf(text), HasSubstr("type is nested too deeply at column"));
}

TEST(FormatTypeTest, EveryKind) {
  v1::Type type;
  EXPECT_EQ(FormatType(type), "dyn");  // unset reads as dyn
  type.set_type_param("A");
  EXPECT_EQ(FormatType(type), "A");
  type.mutable_type()->set_primitive(v1::Type::INT64);
  EXPECT_EQ(FormatType(type), "type(int)");
  type.mutable_error();
  EXPECT_EQ(FormatType(type), "*error*");
  type.set_enum_type("divert.v1.Gender");
  EXPECT_EQ(FormatType(type), "divert.v1.Gender");
  type.set_null(v1::NULL_VALUE);
  EXPECT_EQ(FormatType(type), "null_type");
  type.mutable_map_type()->mutable_key_type()->set_primitive(v1::Type::STRING);
  type.mutable_map_type()->mutable_value_type()->set_well_known(
      v1::Type::DURATION);
  EXPECT_EQ(FormatType(type), "map(string, google.protobuf.Duration)");
}

}  // namespace
}  // namespace divert::cel
