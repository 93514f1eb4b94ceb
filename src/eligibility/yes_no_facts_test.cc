// Every optional bool field of the contract has a slot, and reading an
// encounter or a charge puts each field's state in it.
#include "eligibility/yes_no_facts.h"

#include <set>
#include <string>
#include <vector>

#include "divert/v1/charge.pb.h"
#include "divert/v1/encounter.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "gtest/gtest.h"

namespace divert::eligibility {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using Path = std::vector<const FieldDescriptor*>;

// Every optional bool reachable from `type` through singular message
// fields.
void CollectYesNoFields(const Descriptor* type, Path* prefix,
                        std::vector<Path>* out) {
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    if (field->is_repeated()) continue;
    prefix->push_back(field);
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_BOOL &&
        field->has_presence()) {
      out->push_back(*prefix);
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      CollectYesNoFields(field->message_type(), prefix, out);
    }
    prefix->pop_back();
  }
}

std::vector<Path> YesNoFields(const Descriptor* root) {
  std::vector<Path> paths;
  Path prefix;
  CollectYesNoFields(root, &prefix, &paths);
  return paths;
}

std::string Name(const Path& path) {
  std::string name;
  for (const FieldDescriptor* field : path) name += "." + field->name();
  return name;
}

// Sets the field at `path` in `root` to `state`, creating the messages on
// the way.
void Set(const Path& path, FactState state, Message* root) {
  Message* message = root;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    message = message->GetReflection()->MutableMessage(message, path[i]);
  }
  if (state == kUnset) {
    message->GetReflection()->ClearField(message, path.back());
  } else {
    message->GetReflection()->SetBool(message, path.back(), state == kTrue);
  }
}

// Every yes/no field of message type M has its own slot in [first, end),
// and reading a message with the field unset, false or true puts that
// state there and leaves the other slots unset (or without a message).
template <typename M>
void ExpectEveryFactInItsOwnSlot(bool from_charge, int first, int end,
                                 void (YesNoFacts::*read)(const M&)) {
  const std::vector<Path> paths = YesNoFields(M::descriptor());
  ASSERT_EQ(static_cast<int>(paths.size()), end - first)
      << "a yes/no field was added to or removed from "
      << M::descriptor()->name() << ": give it a slot in yes_no_facts.*";
  std::set<int> slots;
  for (const Path& path : paths) {
    const int slot = FactSlot(from_charge, path);
    ASSERT_GE(slot, first) << Name(path);
    ASSERT_LT(slot, end) << Name(path);
    EXPECT_TRUE(slots.insert(slot).second) << Name(path) << " shares a slot";
    for (FactState state : {kUnset, kFalse, kTrue}) {
      M message;
      Set(path, state, &message);
      YesNoFacts facts;
      (facts.*read)(message);
      EXPECT_EQ(facts.states[slot], state) << Name(path);
      for (int other = first; other < end; ++other) {
        if (other == slot) continue;
        EXPECT_TRUE(facts.states[other] == kUnset ||
                    facts.states[other] == kNoMessage)
            << Name(path) << " moved slot " << other;
      }
    }
  }
}

TEST(YesNoFactsTest, EveryEncounterFactHasItsOwnSlotAndIsRead) {
  ExpectEveryFactInItsOwnSlot<v1::Encounter>(
      false, 0, YesNoFacts::kFirstChargeSlot, &YesNoFacts::ReadEncounter);
}

TEST(YesNoFactsTest, EveryChargeFlagHasItsOwnSlotAndIsRead) {
  ExpectEveryFactInItsOwnSlot<v1::Charge>(true, YesNoFacts::kFirstChargeSlot,
                                          YesNoFacts::kSlots,
                                          &YesNoFacts::ReadCharge);
}

TEST(YesNoFactsTest, AFactBehindAnAbsentMessageSaysSo) {
  v1::Encounter encounter;
  encounter.mutable_person();  // a person without needs
  YesNoFacts facts;
  facts.ReadEncounter(encounter);
  for (int slot = 0; slot < YesNoFacts::kFirstChargeSlot; ++slot) {
    EXPECT_EQ(facts.states[slot], kNoMessage) << slot;
  }
  encounter.mutable_circumstances()->set_on_supervision(false);
  encounter.mutable_person()->mutable_needs();
  facts.ReadEncounter(encounter);
  for (int slot = 0; slot < YesNoFacts::kFirstChargeSlot; ++slot) {
    EXPECT_NE(facts.states[slot], kNoMessage) << slot;
  }
}

TEST(YesNoFactsTest, OnlyYesNoFieldsOfTheRightRootHaveSlots) {
  const Descriptor* encounter = v1::Encounter::descriptor();
  const FieldDescriptor* pathway = encounter->FindFieldByName("pathway");
  const FieldDescriptor* circumstances =
      encounter->FindFieldByName("circumstances");
  const FieldDescriptor* on_supervision =
      circumstances->message_type()->FindFieldByName("on_supervision");
  const FieldDescriptor* violent =
      v1::Charge::descriptor()->FindFieldByName("violent");
  EXPECT_EQ(FactSlot(false, Path{pathway}), -1);
  EXPECT_EQ(FactSlot(false, Path{circumstances}), -1);
  EXPECT_EQ(FactSlot(false, Path{on_supervision}), -1) << "not from the root";
  EXPECT_EQ(FactSlot(true, Path{circumstances, on_supervision}), -1);
  EXPECT_EQ(FactSlot(false, Path{violent}), -1);
  EXPECT_GE(FactSlot(false, Path{circumstances, on_supervision}), 0);
  EXPECT_GE(FactSlot(true, Path{violent}), 0);
}

}  // namespace
}  // namespace divert::eligibility
