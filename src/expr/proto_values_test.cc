// Protobuf fields as CEL values: scalars, enums, strings read in place,
// well-known types, wrappers, repeated fields as lists and map fields as
// maps, and CEL's has() presence rules.
#include "expr/proto_values.h"

#include <memory>
#include <string>

#include "divert/cel/value.h"
#include "divert/v1/encounter.pb.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/wrappers.pb.h"
#include "gtest/gtest.h"

namespace divert::cel {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

const FieldDescriptor* Field(const Message& message, const std::string& name) {
  const FieldDescriptor* field =
      message.GetDescriptor()->FindFieldByName(name);
  EXPECT_NE(field, nullptr) << name;
  return field;
}

class ProtoValuesTest : public ::testing::Test {
 protected:
  Value Read(const Message& message, const std::string& field) {
    return FieldToValue(message, Field(message, field), &arena_);
  }
  google::protobuf::Arena arena_;
};

TEST_F(ProtoValuesTest, ScalarsAndEnums) {
  v1::Charge charge;
  charge.set_level(v1::FELONY);
  charge.set_violent(true);
  charge.set_drug_quantity_grams(2.5);
  charge.set_statute_code("PL 155.25");
  EXPECT_EQ(DebugString(Read(charge, "level")), "1");
  EXPECT_EQ(DebugString(Read(charge, "violent")), "true");
  EXPECT_EQ(DebugString(Read(charge, "drug_quantity_grams")), "2.5");
  Value code = Read(charge, "statute_code");
  ASSERT_EQ(code.kind(), ValueKind::kString);
  EXPECT_EQ(code.string_value(), "PL 155.25");
  EXPECT_EQ(code.string_value().data(), charge.statute_code().data())
      << "strings are read in place, not copied";
  EXPECT_EQ(DebugString(Read(charge, "prostitution")), "false")
      << "unset fields read as their default";
  v1::Person person;
  person.set_age(40);
  EXPECT_EQ(Read(person, "age").kind(), ValueKind::kInt);
}

TEST_F(ProtoValuesTest, NestedMessagesAndTimestamps) {
  v1::Encounter encounter;
  encounter.mutable_occurred_at()->set_seconds(1700000000);
  encounter.mutable_occurred_at()->set_nanos(5);
  encounter.mutable_person()->set_age(30);
  Value when = Read(encounter, "occurred_at");
  ASSERT_EQ(when.kind(), ValueKind::kTimestamp);
  EXPECT_EQ(when.timestamp(),
            absl::FromUnixSeconds(1700000000) + absl::Nanoseconds(5));
  Value person = Read(encounter, "person");
  ASSERT_EQ(person.kind(), ValueKind::kMessage);
  EXPECT_EQ(&person.message(), &encounter.person());
  Value place = Read(encounter, "place");
  ASSERT_EQ(place.kind(), ValueKind::kMessage)
      << "an unset message field reads as the default instance";
  EXPECT_EQ(&place.message(), &v1::Place::default_instance());
}

TEST_F(ProtoValuesTest, RepeatedFieldsAreListViews) {
  v1::Encounter encounter;
  encounter.add_charges()->set_offense_category("theft");
  encounter.add_charges()->set_offense_category("assault");
  encounter.mutable_person()->add_gender(v1::MAN);
  encounter.mutable_person()->add_gender(v1::TRANSGENDER);
  Value charges = Read(encounter, "charges");
  ASSERT_EQ(charges.kind(), ValueKind::kList);
  ASSERT_EQ(charges.list().size(), 2u);
  Value second = charges.list().Get(1, &arena_);
  ASSERT_EQ(second.kind(), ValueKind::kMessage);
  EXPECT_EQ(&second.message(), &encounter.charges(1));
  EXPECT_EQ(DebugString(Read(encounter.person(), "gender")), "[2, 4]");
  // A view: it sees elements added after it was made.
  encounter.add_charges();
  EXPECT_EQ(charges.list().size(), 3u);
}

TEST_F(ProtoValuesTest, WellKnownMessagesBecomeTheirValues) {
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(10);
  EXPECT_EQ(MessageToValue(timestamp, &arena_).timestamp(),
            absl::FromUnixSeconds(10));
  google::protobuf::Duration duration;
  duration.set_seconds(90);
  duration.set_nanos(1000);
  EXPECT_EQ(MessageToValue(duration, &arena_).duration(),
            absl::Seconds(90) + absl::Microseconds(1));
  google::protobuf::Int64Value wrapped;
  wrapped.set_value(-7);
  EXPECT_EQ(DebugString(MessageToValue(wrapped, &arena_)), "-7");
  google::protobuf::StringValue text;
  text.set_value("hi");
  EXPECT_EQ(DebugString(MessageToValue(text, &arena_)), "\"hi\"");
  v1::Place place;
  EXPECT_EQ(MessageToValue(place, &arena_).kind(), ValueKind::kMessage);
}

TEST_F(ProtoValuesTest, PresenceFollowsCelHasRules) {
  v1::Encounter encounter;
  EXPECT_FALSE(FieldIsPresent(encounter, Field(encounter, "agency")));
  encounter.set_agency("NYPD");
  EXPECT_TRUE(FieldIsPresent(encounter, Field(encounter, "agency")));
  EXPECT_FALSE(FieldIsPresent(encounter, Field(encounter, "charges")));
  v1::Charge* charge = encounter.add_charges();
  EXPECT_TRUE(FieldIsPresent(encounter, Field(encounter, "charges")));
  EXPECT_FALSE(FieldIsPresent(encounter, Field(encounter, "person")));
  encounter.mutable_person();
  EXPECT_TRUE(FieldIsPresent(encounter, Field(encounter, "person")));
  EXPECT_FALSE(FieldIsPresent(*charge, Field(*charge, "violent")));
  charge->set_violent(false);
  EXPECT_TRUE(FieldIsPresent(*charge, Field(*charge, "violent")))
      << "an optional field set to its default is present";

  EXPECT_TRUE(HasExplicitPresence(Field(*charge, "violent")));
  EXPECT_TRUE(HasExplicitPresence(Field(encounter, "person")));
  EXPECT_FALSE(HasExplicitPresence(Field(encounter, "agency")));
  EXPECT_FALSE(HasExplicitPresence(Field(encounter, "charges")));
}

// Message types that divert.v1 does not have: wrapper fields and maps.
class DynamicMessageTest : public ProtoValuesTest {
 protected:
  void SetUp() override {
    (void)google::protobuf::Int64Value::descriptor();
    google::protobuf::FileDescriptorProto file;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(R"pb(
      name: "sample.proto"
      package: "sample"
      syntax: "proto3"
      dependency: "google/protobuf/wrappers.proto"
      message_type {
        name: "Sample"
        field { name: "wrapped" number: 1 label: LABEL_OPTIONAL
                type: TYPE_MESSAGE type_name: ".google.protobuf.Int64Value" }
        field { name: "counts" number: 2 label: LABEL_REPEATED
                type: TYPE_MESSAGE type_name: ".sample.Sample.CountsEntry" }
        field { name: "names" number: 3 label: LABEL_REPEATED
                type: TYPE_MESSAGE type_name: ".sample.Sample.NamesEntry" }
        field { name: "blob" number: 4 label: LABEL_OPTIONAL type: TYPE_BYTES }
        field { name: "small" number: 5 label: LABEL_OPTIONAL type: TYPE_UINT32 }
        field { name: "ratio" number: 6 label: LABEL_OPTIONAL type: TYPE_FLOAT }
        nested_type {
          name: "CountsEntry"
          options { map_entry: true }
          field { name: "key" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING }
          field { name: "value" number: 2 label: LABEL_OPTIONAL type: TYPE_INT64 }
        }
        nested_type {
          name: "NamesEntry"
          options { map_entry: true }
          field { name: "key" number: 1 label: LABEL_OPTIONAL type: TYPE_INT64 }
          field { name: "value" number: 2 label: LABEL_OPTIONAL type: TYPE_STRING }
        }
      }
    )pb", &file));
    ASSERT_NE(pool_.BuildFile(file), nullptr);
    factory_.SetDelegateToGeneratedFactory(true);
    const auto* type = pool_.FindMessageTypeByName("sample.Sample");
    ASSERT_NE(type, nullptr);
    message_.reset(factory_.GetPrototype(type)->New());
  }

  void AddEntry(const std::string& map, const std::string& text_entry) {
    Message* entry = message_->GetReflection()->AddMessage(
        message_.get(), Field(*message_, map));
    ASSERT_TRUE(
        google::protobuf::TextFormat::ParseFromString(text_entry, entry));
  }

  google::protobuf::DescriptorPool pool_{
      google::protobuf::DescriptorPool::generated_pool()};
  google::protobuf::DynamicMessageFactory factory_{&pool_};
  std::unique_ptr<Message> message_;
};

TEST_F(DynamicMessageTest, WrapperFieldsAreNullWhenUnset) {
  EXPECT_EQ(Read(*message_, "wrapped").kind(), ValueKind::kNull);
  Message* wrapped = message_->GetReflection()->MutableMessage(
      message_.get(), Field(*message_, "wrapped"));
  wrapped->GetReflection()->SetInt64(wrapped, Field(*wrapped, "value"), 5);
  EXPECT_EQ(DebugString(Read(*message_, "wrapped")), "5");
}

TEST_F(DynamicMessageTest, OtherScalarKinds) {
  const auto* reflection = message_->GetReflection();
  reflection->SetString(message_.get(), Field(*message_, "blob"), "\x01\x02");
  reflection->SetUInt32(message_.get(), Field(*message_, "small"), 7);
  reflection->SetFloat(message_.get(), Field(*message_, "ratio"), 0.5f);
  EXPECT_EQ(Read(*message_, "blob").kind(), ValueKind::kBytes);
  EXPECT_EQ(Read(*message_, "blob").bytes_value(), "\x01\x02");
  EXPECT_EQ(Read(*message_, "small").kind(), ValueKind::kUint);
  EXPECT_EQ(Read(*message_, "ratio").double_value(), 0.5);
}

TEST_F(DynamicMessageTest, MapFieldsAreMapViews) {
  AddEntry("counts", "key: 'a' value: 1");
  AddEntry("counts", "key: 'b' value: 2");
  AddEntry("names", "key: 1 value: 'one'");
  Value counts = Read(*message_, "counts");
  ASSERT_EQ(counts.kind(), ValueKind::kMap);
  EXPECT_EQ(counts.map().size(), 2u);
  Value found;
  ASSERT_TRUE(counts.map().Find(Value::String("b"), &arena_, &found));
  EXPECT_EQ(DebugString(found), "2");
  EXPECT_FALSE(counts.map().Find(Value::String("c"), &arena_, &found));
  EXPECT_EQ(DebugString(Value::List(counts.map().Keys(&arena_))),
            "[\"a\", \"b\"]");

  Value names = Read(*message_, "names");
  ASSERT_TRUE(names.map().Find(Value::Uint(1), &arena_, &found))
      << "numeric keys match across int and uint";
  EXPECT_EQ(DebugString(found), "\"one\"");
  EXPECT_TRUE(names.map().Find(Value::Double(1.0), &arena_, &found));
  EXPECT_FALSE(names.map().Find(Value::Int(2), &arena_, &found));
  EXPECT_TRUE(FieldIsPresent(*message_, Field(*message_, "names")));
}

}  // namespace
}  // namespace divert::cel
