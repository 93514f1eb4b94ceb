#include "eligibility/render_markdown.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace divert::eligibility {
namespace {

// Where the text goes: inside a table cell, a `|` ends the cell even in a
// code span, so it is escaped there too.
enum class Context { kBlock, kTableCell };

std::string OneLine(absl::string_view text) {
  return absl::StrReplaceAll(text, {{"\r\n", " "}, {"\n", " "}, {"\r", " "}});
}

std::string RenderSpan(const Span& span, Context context) {
  switch (span.style) {
    case Span::Style::kCode: {
      if (span.text.empty()) return "*(empty)*";
      std::string code = MarkdownCodeSpan(span.text);
      if (context == Context::kTableCell) {
        code = absl::StrReplaceAll(code, {{"|", "\\|"}});
      }
      return code;
    }
    case Span::Style::kStrong:
      return span.text.empty() ? ""
                               : absl::StrCat("**", EscapeMarkdown(span.text), "**");
    case Span::Style::kEmphasis:
      return span.text.empty() ? ""
                               : absl::StrCat("*", EscapeMarkdown(span.text), "*");
    case Span::Style::kPlain:
    default:
      return EscapeMarkdown(span.text);
  }
}

std::string RenderInline(const Inline& text, Context context) {
  std::string out;
  for (const Span& span : text) absl::StrAppend(&out, RenderSpan(span, context));
  // A line that starts like a list item or a numbered list must not become
  // one: "1. x" → "1\. x", "- x" → "\- x" ("2.0" and "-3" are fine).
  auto ends_marker = [&](size_t i) { return i >= out.size() || out[i] == ' '; };
  if (!out.empty() && (out[0] == '-' || out[0] == '+') && ends_marker(1)) {
    out.insert(0, "\\");
  } else {
    size_t digits = 0;
    while (digits < out.size() &&
           absl::ascii_isdigit(static_cast<unsigned char>(out[digits]))) {
      ++digits;
    }
    if (digits > 0 && digits < out.size() &&
        (out[digits] == '.' || out[digits] == ')') && ends_marker(digits + 1)) {
      out.insert(digits, "\\");
    }
  }
  return out;
}

}  // namespace

std::string EscapeMarkdown(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : OneLine(text)) {
    switch (c) {
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '<':
      case '>':
      case '|':
      case '~':
      case '#':
      case '&':
        out.push_back('\\');
        break;
      default:
        break;
    }
    out.push_back(c);
  }
  return out;
}

std::string MarkdownCodeSpan(absl::string_view text) {
  const std::string content = OneLine(text);
  // The fence is one backtick longer than the longest run inside.
  size_t longest = 0, run = 0;
  for (char c : content) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(longest + 1, '`');
  // A space on each side is stripped by the reader; it keeps a backtick at
  // either end from joining the fence.
  const bool pad = content.front() == '`' || content.back() == '`' ||
                   (content.front() == ' ' && content.back() == ' ');
  return absl::StrCat(fence, pad ? " " : "", content, pad ? " " : "", fence);
}

std::string ToMarkdown(const Document& document) {
  std::string out;
  for (const Block& block : document.blocks) {
    switch (block.kind) {
      case Block::Kind::kHeading:
        absl::StrAppend(&out, std::string(std::clamp(block.level, 1, 6), '#'),
                        " ", RenderInline(block.text, Context::kBlock), "\n\n");
        break;
      case Block::Kind::kParagraph:
        absl::StrAppend(&out, RenderInline(block.text, Context::kBlock), "\n\n");
        break;
      case Block::Kind::kList:
        for (size_t i = 0; i < block.items.size(); ++i) {
          absl::StrAppend(&out, std::string(2 * block.Depth(i), ' '), "- ",
                          RenderInline(block.items[i], Context::kBlock), "\n");
        }
        absl::StrAppend(&out, "\n");
        break;
      case Block::Kind::kTable: {
        absl::StrAppend(&out, "|");
        for (const Inline& cell : block.header) {
          absl::StrAppend(&out, " ", RenderInline(cell, Context::kTableCell), " |");
        }
        absl::StrAppend(&out, "\n|");
        for (size_t i = 0; i < block.header.size(); ++i) {
          absl::StrAppend(&out, " --- |");
        }
        absl::StrAppend(&out, "\n");
        for (const auto& row : block.rows) {
          absl::StrAppend(&out, "|");
          for (const Inline& cell : row) {
            absl::StrAppend(&out, " ", RenderInline(cell, Context::kTableCell),
                            " |");
          }
          absl::StrAppend(&out, "\n");
        }
        absl::StrAppend(&out, "\n");
        break;
      }
    }
  }
  // One newline at the end, not two.
  while (out.size() >= 2 && out[out.size() - 1] == '\n' &&
         out[out.size() - 2] == '\n') {
    out.pop_back();
  }
  return out;
}

}  // namespace divert::eligibility
