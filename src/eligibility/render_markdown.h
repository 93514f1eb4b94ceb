// Prints a policy document (policy_document.h) as CommonMark with GitHub
// tables. Every character that Markdown would read as markup is escaped;
// conditions become code spans long enough to hold any backticks.
#ifndef DIVERT_SRC_ELIGIBILITY_RENDER_MARKDOWN_H_
#define DIVERT_SRC_ELIGIBILITY_RENDER_MARKDOWN_H_

#include <string>

#include "absl/strings/string_view.h"
#include "eligibility/policy_document.h"

namespace divert::eligibility {

std::string ToMarkdown(const Document& document);

// Plain text with Markdown's punctuation backslash-escaped.
std::string EscapeMarkdown(absl::string_view text);
// A code span holding `text` exactly (newlines become spaces).
std::string MarkdownCodeSpan(absl::string_view text);

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_RENDER_MARKDOWN_H_
