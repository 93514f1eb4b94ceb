// Reports the Operations Work Group and the Policy Coordinating Group use,
// derived from a referral log: the OWG meeting agenda (toolkit Appendix
// E.iv) and the participant roster (toolkit V.B).
//
// Neither repeats a person's identifying values: the log holds none.
// Referrals are named by id, and the embedder adds the names it holds. The
// roster shares of each participant only what their release of
// information allows the recipient (divert/referral/disclosure.h).
#ifndef DIVERT_REFERRAL_REPORTS_H_
#define DIVERT_REFERRAL_REPORTS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "divert/referral/referrals.h"
#include "divert/v1/consent.pb.h"
#include "divert/v1/referral.pb.h"

namespace divert {

// The agenda of the OWG meeting on `meeting`: referrals pending vetting
// (with the reason), approved (approving sergeant) and denied (reason)
// since `previous_meeting`; referrals made since then; intakes,
// extensions and reviews due before `next_meeting` or overdue; arrests
// after enrolment and legacy cases awaiting the prosecutor's decision.
// InvalidArgument unless previous_meeting < meeting <= next_meeting.
absl::StatusOr<v1::OwgAgenda> BuildOwgAgenda(const Referrals& referrals,
                                             absl::CivilDay previous_meeting,
                                             absl::CivilDay meeting,
                                             absl::CivilDay next_meeting);

// The agenda as a Markdown document.
std::string RenderAgendaMarkdown(const v1::OwgAgenda& agenda);

// The roster of participants (referrals whose intake is open or complete)
// on `as_of`, each limited to what their consent allows `recipient` for
// `purpose`; participants about whom nothing may be shared are counted,
// not listed. InvalidArgument for a recipient without an agency or an
// unspecified purpose.
absl::StatusOr<v1::Roster> BuildRoster(const Referrals& referrals,
                                       const v1::Recipient& recipient,
                                       v1::DisclosurePurpose purpose,
                                       absl::CivilDay as_of);

// The roster as CSV (RFC 4180), one header line and a row per participant.
std::string RenderRosterCsv(const v1::Roster& roster);

}  // namespace divert

#endif  // DIVERT_REFERRAL_REPORTS_H_
