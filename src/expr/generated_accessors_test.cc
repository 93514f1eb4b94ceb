#include "expr/generated_accessors.h"

#include <string>

#include "divert/cel/value.h"
#include "divert/v1/encounter.pb.h"
#include "expr/proto_values.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "gtest/gtest.h"

namespace divert::cel {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Every message type an encounter is made of.
std::vector<const Descriptor*> ContractTypes() {
  return {v1::Encounter::descriptor(),     v1::Place::descriptor(),
          v1::Circumstances::descriptor(), v1::Person::descriptor(),
          v1::ContributingNeeds::descriptor(), v1::Date::descriptor(),
          v1::Charge::descriptor()};
}

bool IsWellKnown(const FieldDescriptor* field) {
  return field->message_type() != nullptr &&
         field->message_type()->file()->package() == "google.protobuf";
}

// Sets `field` to a value other than its default, different for each
// field so that reading the wrong one shows.
void SetDistinctValue(Message* message, const FieldDescriptor* field) {
  const Reflection* r = message->GetReflection();
  const int n = field->number();
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_BOOL:
      r->SetBool(message, field, true);
      break;
    case FieldDescriptor::CPPTYPE_INT32:
      r->SetInt32(message, field, 1000 + n);
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      r->SetDouble(message, field, 0.5 + n);
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      r->SetEnumValue(message, field, 1 + n % (field->enum_type()->value_count() - 1));
      break;
    case FieldDescriptor::CPPTYPE_STRING:
      r->SetString(message, field, "text of field " + field->name());
      break;
    case FieldDescriptor::CPPTYPE_MESSAGE:
      r->MutableMessage(message, field);
      break;
    default:
      FAIL() << field->full_name() << ": a field type the test does not set";
  }
}

TEST(GeneratedAccessorsTest, EverySingularContractFieldHasOne) {
  for (const Descriptor* type : ContractTypes()) {
    for (int i = 0; i < type->field_count(); ++i) {
      const FieldDescriptor* field = type->field(i);
      SCOPED_TRACE(field->full_name());
      const GeneratedAccessor* accessor = FindGeneratedAccessor(field);
      if (field == v1::Encounter::descriptor()->FindFieldByName("charges")) {
        ASSERT_NE(accessor, nullptr);  // the one repeated field conditions
        EXPECT_EQ(accessor->has, nullptr);  // walk on every decision
        continue;
      }
      if (field->is_repeated() || IsWellKnown(field)) {
        EXPECT_EQ(accessor, nullptr);  // read through reflection
        continue;
      }
      ASSERT_NE(accessor, nullptr);
      EXPECT_NE(accessor->read, nullptr);
      EXPECT_EQ(accessor->has != nullptr, HasExplicitPresence(field));
    }
  }
}

TEST(GeneratedAccessorsTest, ReadsWhatReflectionReads) {
  google::protobuf::Arena arena;
  const Message* factory_types[] = {
      &v1::Encounter::default_instance(), &v1::Place::default_instance(),
      &v1::Circumstances::default_instance(), &v1::Person::default_instance(),
      &v1::ContributingNeeds::default_instance(), &v1::Date::default_instance(),
      &v1::Charge::default_instance()};
  for (const Message* prototype : factory_types) {
    const Descriptor* type = prototype->GetDescriptor();
    for (bool set : {false, true}) {
      std::unique_ptr<Message> message(prototype->New());
      if (set) {
        for (int i = 0; i < type->field_count(); ++i) {
          if (!type->field(i)->is_repeated()) {
            SetDistinctValue(message.get(), type->field(i));
          }
        }
      }
      const Reflection* reflection = message->GetReflection();
      for (int i = 0; i < type->field_count(); ++i) {
        const FieldDescriptor* field = type->field(i);
        const GeneratedAccessor* accessor = FindGeneratedAccessor(field);
        if (accessor == nullptr) continue;
        SCOPED_TRACE(field->full_name() + (set ? " (set)" : " (unset)"));
        if (accessor->has != nullptr) {
          EXPECT_EQ(accessor->has(*message), reflection->HasField(*message, field));
        }
        const Value expected = ReadField(*message, reflection, field,
                                         ClassifyField(field), &arena);
        const Value actual = accessor->read(*message, &arena);
        if (field->is_repeated()) {
          ASSERT_EQ(actual.kind(), ValueKind::kList);
          EXPECT_EQ(actual.list().size(), expected.list().size());
        } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
          ASSERT_EQ(actual.kind(), ValueKind::kMessage);
          EXPECT_EQ(&actual.message(), &expected.message());
        } else {
          EXPECT_TRUE(ValueEquals(actual, expected, &arena))
              << DebugString(actual) << " vs " << DebugString(expected);
        }
      }
    }
  }
}

TEST(GeneratedAccessorsTest, ChargesAreReadInPlace) {
  google::protobuf::Arena arena;
  v1::Encounter encounter;
  encounter.add_charges()->set_statute_code("PL 155.25");
  encounter.add_charges()->set_statute_code("PL 221.05");
  const FieldDescriptor* field =
      v1::Encounter::descriptor()->FindFieldByName("charges");
  const Value charges = FindGeneratedAccessor(field)->read(encounter, &arena);
  ASSERT_EQ(charges.kind(), ValueKind::kList);
  ASSERT_EQ(charges.list().size(), 2u);
  for (int i = 0; i < 2; ++i) {
    const Value charge = charges.list().Get(i, &arena);
    ASSERT_EQ(charge.kind(), ValueKind::kMessage);
    EXPECT_EQ(&charge.message(), &encounter.charges(i));  // not a copy
  }
  encounter.add_charges();
  EXPECT_EQ(charges.list().size(), 3u) << "the list is a view, not a copy";
}

}  // namespace
}  // namespace divert::cel
