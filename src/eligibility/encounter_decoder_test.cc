// Decoding canonical encounters directly, and declining every other
// encoding so that protobuf's parser decides it.
#include "eligibility/encounter_decoder.h"

#include <cstdint>
#include <random>
#include <string>

#include "divert/v1/encounter.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace divert::eligibility {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using google::protobuf::util::MessageDifferencer;

std::string Deterministic(const v1::Encounter& encounter) {
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  encounter.SerializeToCodedStream(&coded);
  coded.Trim();
  return out;
}

v1::Encounter Full() {
  v1::Encounter e;
  e.set_encounter_id("e-1");
  e.mutable_occurred_at()->set_seconds(1513264800);
  e.mutable_place()->set_precinct("14");
  e.set_pathway(v1::ARREST_DIVERSION);
  v1::Person* person = e.mutable_person();
  person->set_person_key("P-1");
  person->set_given_name("Zoë");  // not ASCII
  person->set_age(41);
  person->add_race_ethnicity(v1::BLACK_AFRICAN_AMERICAN_OR_AFRICAN);
  person->add_race_ethnicity(v1::HISPANIC_LATINA_E_O);
  person->mutable_needs()->set_drugs(true);
  person->mutable_needs()->set_alcohol(false);  // a known "no" is written
  v1::Charge* charge = e.add_charges();
  charge->set_statute_code("PL 220.03");
  charge->set_drug_quantity_grams(0.5);
  e.add_charges()->set_statute_code("PL 155.25");
  e.mutable_circumstances()->set_able_to_consent(true);
  e.set_agency("NYPD");
  return e;
}

// Appends a varint in as many bytes as asked (more than it needs makes a
// valid but not canonical encoding).
void AppendVarint(uint64_t value, int bytes, std::string* out) {
  for (int i = 0; i < bytes; ++i) {
    uint8_t byte = value & 0x7f;
    value >>= 7;
    if (i + 1 < bytes) byte |= 0x80;
    out->push_back(static_cast<char>(byte));
  }
}

// Decodes `bytes`, and checks what is accepted against protobuf: the same
// message, whose deterministic serialization is the bytes.
bool DecodesAsProtobufParses(EncounterDecoder* decoder,
                             const std::string& bytes) {
  const v1::Encounter* decoded = decoder->DecodeCanonical(bytes);
  if (decoded == nullptr) return false;
  v1::Encounter parsed;
  EXPECT_TRUE(parsed.ParseFromString(bytes));
  EXPECT_TRUE(MessageDifferencer::Equals(*decoded, parsed))
      << decoded->ShortDebugString() << "\nvs\n" << parsed.ShortDebugString();
  EXPECT_EQ(Deterministic(*decoded), bytes);
  return true;
}

TEST(EncounterDecoderTest, DecodesWhatProtobufWrites) {
  EncounterDecoder decoder;
  EXPECT_TRUE(DecodesAsProtobufParses(&decoder, ""));
  EXPECT_TRUE(DecodesAsProtobufParses(&decoder, Full().SerializeAsString()));
  v1::Encounter e = Full();
  e.mutable_person()->set_age(-1);  // a negative int32: ten bytes
  e.set_pathway(static_cast<v1::Pathway>(77));  // an enum value from later
  e.mutable_occurred_at()->set_nanos(-5);
  e.mutable_occurred_at()->set_seconds(-86400);
  e.mutable_person()->add_gender(static_cast<v1::Gender>(-3));
  EXPECT_TRUE(DecodesAsProtobufParses(&decoder, e.SerializeAsString()));
}

// Sets every field of `message` (and of its submessages, recursively) to a
// value that is not its default.
void SetEveryField(Message* message, int depth = 0) {
  const Descriptor* type = message->GetDescriptor();
  const Reflection* reflection = message->GetReflection();
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    const std::string text = "x-" + field->name();
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_MESSAGE:
        ASSERT_LT(depth, 4);
        SetEveryField(field->is_repeated()
                          ? reflection->AddMessage(message, field)
                          : reflection->MutableMessage(message, field),
                      depth + 1);
        break;
      case FieldDescriptor::CPPTYPE_STRING:
        ASSERT_FALSE(field->is_repeated()) << field->full_name();
        reflection->SetString(message, field, text);
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        ASSERT_FALSE(field->is_repeated()) << field->full_name();
        reflection->SetBool(message, field, true);
        break;
      case FieldDescriptor::CPPTYPE_INT32:
        ASSERT_FALSE(field->is_repeated()) << field->full_name();
        reflection->SetInt32(message, field, 7);
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        ASSERT_FALSE(field->is_repeated()) << field->full_name();
        reflection->SetInt64(message, field, 1700000000);
        break;
      case FieldDescriptor::CPPTYPE_DOUBLE:
        ASSERT_FALSE(field->is_repeated()) << field->full_name();
        reflection->SetDouble(message, field, 2.5);
        break;
      case FieldDescriptor::CPPTYPE_ENUM:
        if (field->is_repeated()) {
          reflection->AddEnumValue(message, field, 1);
          reflection->AddEnumValue(message, field, 2);
        } else {
          reflection->SetEnumValue(message, field, 1);
        }
        break;
      default:
        FAIL() << field->full_name()
               << ": a kind of field the decoder does not know";
    }
  }
}

// A field added to the contract and not to the decoder would send every
// encounter that sets it through the slow path: this test names it.
TEST(EncounterDecoderTest, DecodesEveryFieldOfTheContract) {
  v1::Encounter e;
  SetEveryField(&e);
  EncounterDecoder decoder;
  EXPECT_TRUE(DecodesAsProtobufParses(&decoder, e.SerializeAsString()))
      << e.ShortDebugString();
}

TEST(EncounterDecoderTest, ReusesItsMessageWithoutStaleFields) {
  EncounterDecoder decoder;
  v1::Encounter big;
  SetEveryField(&big);
  ASSERT_TRUE(DecodesAsProtobufParses(&decoder, big.SerializeAsString()));
  // The caller may change the message (enrichment does).
  decoder.DecodeCanonical(big.SerializeAsString())
      ->mutable_person()
      ->mutable_needs()
      ->set_poverty(false);
  v1::Encounter small;
  small.set_pathway(v1::SOCIAL_CONTACT);
  small.add_charges()->set_statute_code("PL 240.20");
  EXPECT_TRUE(DecodesAsProtobufParses(&decoder, small.SerializeAsString()));
  EXPECT_TRUE(DecodesAsProtobufParses(&decoder, big.SerializeAsString()));
  EXPECT_TRUE(DecodesAsProtobufParses(&decoder, ""));
}

TEST(EncounterDecoderTest, DeclinesOtherEncodingsOfTheSameEncounter) {
  EncounterDecoder decoder;
  const v1::Encounter e = Full();
  v1::Encounter head, tail;
  head.set_pathway(e.pathway());
  tail = e;
  tail.clear_pathway();
  EXPECT_EQ(decoder.DecodeCanonical(head.SerializeAsString() +
                                    tail.SerializeAsString()),
            nullptr)
      << "fields out of order";

  std::string twice = e.SerializeAsString();
  twice.append("\x20\x01");  // pathway (4) again, after the charges
  EXPECT_EQ(decoder.DecodeCanonical(twice), nullptr);

  std::string zero_pathway;
  AppendVarint((4 << 3) | 0, 1, &zero_pathway);
  AppendVarint(0, 1, &zero_pathway);  // a default written out
  EXPECT_EQ(decoder.DecodeCanonical(zero_pathway), nullptr);

  std::string long_varint;
  AppendVarint((4 << 3) | 0, 1, &long_varint);
  AppendVarint(1, 2, &long_varint);  // 1 in two bytes
  EXPECT_EQ(decoder.DecodeCanonical(long_varint), nullptr);

  std::string long_tag;
  AppendVarint((4 << 3) | 0, 2, &long_tag);
  AppendVarint(1, 1, &long_tag);
  EXPECT_EQ(decoder.DecodeCanonical(long_tag), nullptr);

  std::string unknown_field;
  AppendVarint((99 << 3) | 0, 2, &unknown_field);
  AppendVarint(1, 1, &unknown_field);
  EXPECT_EQ(decoder.DecodeCanonical(unknown_field), nullptr);

  std::string bool_two;  // circumstances { victim_present: 2 } reads as true
  AppendVarint((7 << 3) | 2, 1, &bool_two);
  AppendVarint(2, 1, &bool_two);
  AppendVarint((1 << 3) | 0, 1, &bool_two);
  AppendVarint(2, 1, &bool_two);
  EXPECT_EQ(decoder.DecodeCanonical(bool_two), nullptr);

  std::string unpacked;  // person { race_ethnicity: 1 } without packing
  AppendVarint((5 << 3) | 2, 1, &unpacked);
  AppendVarint(2, 1, &unpacked);
  AppendVarint((8 << 3) | 0, 1, &unpacked);
  AppendVarint(1, 1, &unpacked);
  v1::Encounter parsed;
  ASSERT_TRUE(parsed.ParseFromString(unpacked));
  EXPECT_EQ(parsed.person().race_ethnicity_size(), 1);
  EXPECT_EQ(decoder.DecodeCanonical(unpacked), nullptr);
}

TEST(EncounterDecoderTest, DeclinesANegativeInt32InFiveBytes) {
  // person { age: -1 } written as 32 bits, which protobuf reads but writes
  // back in ten bytes.
  std::string person;
  AppendVarint((7 << 3) | 0, 1, &person);
  AppendVarint(0xffffffffu, 5, &person);
  std::string bytes;
  AppendVarint((5 << 3) | 2, 1, &bytes);
  AppendVarint(person.size(), 1, &bytes);
  bytes += person;
  v1::Encounter parsed;
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  EXPECT_EQ(parsed.person().age(), -1);
  EncounterDecoder decoder;
  EXPECT_EQ(decoder.DecodeCanonical(bytes), nullptr);
}

TEST(EncounterDecoderTest, DeclinesWhatProtobufRejects) {
  EncounterDecoder decoder;
  std::string bad_utf8;  // encounter_id: "\xff"
  AppendVarint((1 << 3) | 2, 1, &bad_utf8);
  AppendVarint(1, 1, &bad_utf8);
  bad_utf8.push_back('\xff');
  v1::Encounter parsed;
  EXPECT_FALSE(parsed.ParseFromString(bad_utf8));
  EXPECT_EQ(decoder.DecodeCanonical(bad_utf8), nullptr);

  const std::string full = Full().SerializeAsString();
  for (size_t cut = 1; cut < full.size(); ++cut) {
    const std::string truncated = full.substr(0, cut);
    if (decoder.DecodeCanonical(truncated) != nullptr) {
      EXPECT_TRUE(parsed.ParseFromString(truncated)) << "cut at " << cut;
      EXPECT_EQ(Deterministic(parsed), truncated) << "cut at " << cut;
    }
  }
}

// The property the decision id relies on, checked on mutations of a real
// encounter: whatever the decoder accepts is protobuf's message, and its
// deterministic serialization.
TEST(EncounterDecoderTest, AcceptsOnlyTheSerializationOfWhatParses) {
  const std::string seed = Full().SerializeAsString();
  std::mt19937 random(20261123);
  EncounterDecoder decoder;
  int parsed = 0, decoded = 0;
  for (int trial = 0; trial < 200000; ++trial) {
    std::string bytes = seed;
    const int edits = 1 + static_cast<int>(random() % 3);
    for (int k = 0; k < edits && !bytes.empty(); ++k) {
      const size_t at = random() % bytes.size();
      switch (random() % 4) {
        case 0:
          bytes[at] = static_cast<char>(random());
          break;
        case 1:
          bytes[at] ^= static_cast<char>(1 << (random() % 8));
          break;
        case 2:
          bytes.insert(at, 1, static_cast<char>(random() % 4));
          break;
        default:
          bytes.erase(at, 1);
          break;
      }
    }
    const v1::Encounter* mine = decoder.DecodeCanonical(bytes);
    v1::Encounter e;
    if (!e.ParseFromString(bytes)) {
      ASSERT_EQ(mine, nullptr) << "trial " << trial;
      continue;
    }
    ++parsed;
    if (mine == nullptr) continue;
    ++decoded;
    // (Serializations, not MessageDifferencer: a mutated double may be NaN.)
    ASSERT_EQ(Deterministic(*mine), bytes) << "trial " << trial;
    ASSERT_EQ(Deterministic(e), bytes) << "trial " << trial;
  }
  // The mutations must exercise both answers.
  EXPECT_GT(parsed, 10000);
  EXPECT_GT(decoded, 1000);
  EXPECT_LT(decoded, parsed);
}

}  // namespace
}  // namespace divert::eligibility
