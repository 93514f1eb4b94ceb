// Decodes serialized Encounters that are in canonical form -- the bytes
// protobuf's deterministic serialization writes, which is what every
// protobuf library writes for an Encounter of known fields -- straight into
// a message reused from one decision to the next.
//
// Canonical bytes are the serialization the decision id is defined over, so
// they are hashed as they came instead of being serialized again, and
// decoding them needs none of a general parser's bookkeeping. Anything else
// -- fields out of order or repeated, a default value written out, a varint
// longer than it needs, unpacked enums, unknown fields, invalid UTF-8,
// truncation -- is declined, and the caller parses with protobuf as before.
// The decoder is sound, not complete: what it accepts parses, with protobuf,
// into exactly the message it decodes, whose deterministic serialization is
// the bytes themselves.
#ifndef DIVERT_SRC_ELIGIBILITY_ENCOUNTER_DECODER_H_
#define DIVERT_SRC_ELIGIBILITY_ENCOUNTER_DECODER_H_

#include <memory>

#include "absl/strings/string_view.h"
#include "divert/v1/encounter.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace divert::eligibility {

class EncounterDecoder {
 public:
  EncounterDecoder() = default;
  EncounterDecoder(const EncounterDecoder&) = delete;
  EncounterDecoder& operator=(const EncounterDecoder&) = delete;

  // The encounter `bytes` encode when they are canonical; null when they
  // are not (they may still be a valid encoding: parse them with protobuf).
  // The message is this decoder's, valid until the next call, and may be
  // modified by the caller.
  v1::Encounter* DecodeCanonical(absl::string_view bytes);

 private:
  // Submessages kept aside for reuse while the encounter is cleared (Clear()
  // on a message without an arena would delete them).
  struct Spares {
    std::unique_ptr<google::protobuf::Timestamp> occurred_at;
    std::unique_ptr<v1::Place> place;
    std::unique_ptr<v1::Person> person;
    std::unique_ptr<v1::Date> date_of_birth;
    std::unique_ptr<v1::ContributingNeeds> needs;
    std::unique_ptr<v1::Circumstances> circumstances;
  };

  // Clears the encounter, moving its submessages to `spares_`.
  void Reset();

  v1::Encounter encounter_;
  Spares spares_;
};

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_ENCOUNTER_DECODER_H_
