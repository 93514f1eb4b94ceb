// A rendered policy version as a small document model — headings,
// paragraphs, bullet lists and tables of styled text — built once and
// printed as Markdown (render_markdown.h) or HTML (render_html.h), so both
// say exactly the same thing.
#ifndef DIVERT_SRC_ELIGIBILITY_POLICY_DOCUMENT_H_
#define DIVERT_SRC_ELIGIBILITY_POLICY_DOCUMENT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "divert/v1/policy.pb.h"

namespace divert::eligibility {

// A run of text in one style. Printers escape it; builders never do.
struct Span {
  enum class Style { kPlain, kCode, kStrong, kEmphasis };
  Style style = Style::kPlain;
  std::string text;
};

using Inline = std::vector<Span>;

Span Plain(std::string text);
Span Code(std::string text);
Span Strong(std::string text);
Span Emphasis(std::string text);

struct Block {
  enum class Kind { kHeading, kParagraph, kList, kTable };
  Kind kind = Kind::kParagraph;
  // Headings: 1 (the title) to 4.
  int level = 0;
  // Headings and paragraphs.
  Inline text;
  // Lists: one entry per item, and each item's nesting (0 for the outer
  // list, 1 for a list inside the item before it); empty means all 0.
  std::vector<Inline> items;
  std::vector<int> item_depths;
  // Tables.
  std::vector<Inline> header;
  std::vector<std::vector<Inline>> rows;

  int Depth(size_t item) const {
    return item < item_depths.size() ? item_depths[item] : 0;
  }
};

struct Document {
  // The plain title, for an HTML page's <title>.
  std::string title;
  std::vector<Block> blocks;
};

// The document of `version` of `policy` (the newest when empty): title
// with site and version, approval and effective dates, change note, the
// criteria, exclusions and review triggers in plain language with their
// conditions, citations and pathways, parameters, program settings, the
// offense catalog grouped by level (entries to verify marked), and what
// changed from the previous version. NotFound for an unknown version.
absl::StatusOr<Document> BuildPolicyDocument(const v1::SitePolicy& policy,
                                             absl::string_view version);

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_POLICY_DOCUMENT_H_
