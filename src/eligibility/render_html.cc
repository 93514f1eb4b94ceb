#include "eligibility/render_html.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace divert::eligibility {
namespace {

constexpr absl::string_view kStyle = R"css(
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif;
       color: #1d1d1f; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.8rem; border-bottom: 2px solid #444; padding-bottom: .3rem; }
h2 { font-size: 1.35rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.1rem; margin-bottom: .3rem; }
code { font: .9em ui-monospace, "SFMono-Regular", Menlo, monospace;
       background: #f3f3f3; padding: .1em .3em; border-radius: 3px;
       overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: .3rem .5rem; text-align: left;
         vertical-align: top; }
th { background: #f0f0f0; }
strong { color: #a33; }
@media print { body { max-width: none; } }
)css";

std::string RenderInline(const Inline& text) {
  std::string out;
  for (const Span& span : text) {
    switch (span.style) {
      case Span::Style::kCode:
        absl::StrAppend(&out, "<code>", EscapeHtml(span.text), "</code>");
        break;
      case Span::Style::kStrong:
        absl::StrAppend(&out, "<strong>", EscapeHtml(span.text), "</strong>");
        break;
      case Span::Style::kEmphasis:
        absl::StrAppend(&out, "<em>", EscapeHtml(span.text), "</em>");
        break;
      case Span::Style::kPlain:
      default:
        absl::StrAppend(&out, EscapeHtml(span.text));
        break;
    }
  }
  return out;
}

}  // namespace

std::string EscapeHtml(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string ToHtml(const Document& document) {
  std::string out = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>",
      EscapeHtml(document.title), "</title>\n<style>", kStyle,
      "</style>\n</head>\n<body>\n");
  for (const Block& block : document.blocks) {
    switch (block.kind) {
      case Block::Kind::kHeading: {
        const int level = std::clamp(block.level, 1, 6);
        absl::StrAppend(&out, "<h", level, ">", RenderInline(block.text), "</h",
                        level, ">\n");
        break;
      }
      case Block::Kind::kParagraph:
        absl::StrAppend(&out, "<p>", RenderInline(block.text), "</p>\n");
        break;
      case Block::Kind::kList: {
        // An item stays open until the next item at its depth or above, so
        // that a deeper list nests inside it.
        int depth = 0;
        absl::StrAppend(&out, "<ul>\n");
        for (size_t i = 0; i < block.items.size(); ++i) {
          const int want = std::max(0, std::min(block.Depth(i), depth + 1));
          if (i > 0 && want <= depth) absl::StrAppend(&out, "</li>\n");
          for (; depth > want; --depth) absl::StrAppend(&out, "</ul></li>\n");
          if (want > depth) {
            absl::StrAppend(&out, "\n<ul>\n");
            depth = want;
          }
          absl::StrAppend(&out, "<li>", RenderInline(block.items[i]));
        }
        absl::StrAppend(&out, "</li>\n");
        for (; depth > 0; --depth) absl::StrAppend(&out, "</ul></li>\n");
        absl::StrAppend(&out, "</ul>\n");
        break;
      }
      case Block::Kind::kTable:
        absl::StrAppend(&out, "<table>\n<thead><tr>");
        for (const Inline& cell : block.header) {
          absl::StrAppend(&out, "<th>", RenderInline(cell), "</th>");
        }
        absl::StrAppend(&out, "</tr></thead>\n<tbody>\n");
        for (const auto& row : block.rows) {
          absl::StrAppend(&out, "<tr>");
          for (const Inline& cell : row) {
            absl::StrAppend(&out, "<td>", RenderInline(cell), "</td>");
          }
          absl::StrAppend(&out, "</tr>\n");
        }
        absl::StrAppend(&out, "</tbody>\n</table>\n");
        break;
    }
  }
  absl::StrAppend(&out, "</body>\n</html>\n");
  return out;
}

}  // namespace divert::eligibility
