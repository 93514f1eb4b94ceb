// Prints a policy document (policy_document.h) as a standalone HTML page
// with a small inline stylesheet. All text is escaped.
#ifndef DIVERT_SRC_ELIGIBILITY_RENDER_HTML_H_
#define DIVERT_SRC_ELIGIBILITY_RENDER_HTML_H_

#include <string>

#include "absl/strings/string_view.h"
#include "eligibility/policy_document.h"

namespace divert::eligibility {

std::string ToHtml(const Document& document);

// `text` with &, <, >, " and ' as character references.
std::string EscapeHtml(absl::string_view text);

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_RENDER_HTML_H_
