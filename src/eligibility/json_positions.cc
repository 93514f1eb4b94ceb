#include "eligibility/json_positions.h"

#include <cstddef>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace divert::eligibility {
namespace {

// Deeper nesting than this is reported as an error rather than recursed.
constexpr int kMaxDepth = 200;

// Keys compare without underscores and case: "effective_from" and
// "effectiveFrom" are the same member.
std::string KeyForm(absl::string_view key) {
  std::string out;
  for (char c : key) {
    if (c != '_') out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// A recursive-descent scan of JSON that records where each member is.
class Scanner {
 public:
  explicit Scanner(absl::string_view text) : text_(text) {}

  // Scans the whole text; false on the first syntax error.
  bool Scan() {
    SkipSpace();
    std::string path;
    if (!Value(&path, 0)) return false;
    SkipSpace();
    if (pos_ != text_.size()) return Fail("text after the JSON value");
    return true;
  }

  size_t error_offset() const { return pos_; }
  const std::string& error() const { return error_; }

  // Every member and element: its path in KeyForm ("versions[0].rules") and
  // the offset of its key (for elements, of the value).
  struct Member {
    std::string path;
    std::string key;
    size_t offset;
  };
  const std::vector<Member>& members() const { return members_; }

 private:
  bool Fail(absl::string_view message) {
    if (error_.empty()) error_ = std::string(message);
    return false;
  }

  void SkipSpace() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
            text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool Value(std::string* path, int depth) {
    if (depth > kMaxDepth) return Fail("the JSON is nested too deeply");
    if (pos_ >= text_.size()) return Fail("unexpected end of the text");
    switch (text_[pos_]) {
      case '{':
        return Object(path, depth);
      case '[':
        return Array(path, depth);
      case '"':
        return String(nullptr);
      case 't':
        return Literal("true");
      case 'f':
        return Literal("false");
      case 'n':
        return Literal("null");
      default:
        return Number();
    }
  }

  bool Object(std::string* path, int depth) {
    ++pos_;  // {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
      return true;
    }
    while (true) {
      SkipSpace();
      if (pos_ >= text_.size() || text_[pos_] != '"') {
        return Fail("expected a member name in double quotes");
      }
      const size_t key_offset = pos_;
      std::string key;
      if (!String(&key)) return false;
      const size_t length = path->size();
      if (!path->empty()) path->push_back('.');
      path->append(KeyForm(key));
      members_.push_back({*path, key, key_offset});
      SkipSpace();
      if (pos_ >= text_.size() || text_[pos_] != ':') {
        return Fail("expected ':' after the member name");
      }
      ++pos_;
      SkipSpace();
      if (!Value(path, depth + 1)) return false;
      path->resize(length);
      SkipSpace();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == '}') {
        ++pos_;
        return true;
      }
      if (pos_ >= text_.size()) return Fail("unexpected end of the text");
      return Fail("expected ',' or '}'");
    }
  }

  bool Array(std::string* path, int depth) {
    ++pos_;  // [
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      return true;
    }
    for (int index = 0;; ++index) {
      SkipSpace();
      const size_t length = path->size();
      absl::StrAppend(path, "[", index, "]");
      members_.push_back({*path, "", pos_});
      if (!Value(path, depth + 1)) return false;
      path->resize(length);
      SkipSpace();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == ']') {
        ++pos_;
        return true;
      }
      if (pos_ >= text_.size()) return Fail("unexpected end of the text");
      return Fail("expected ',' or ']'");
    }
  }

  bool String(std::string* out) {
    ++pos_;  // "
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20) {
        return Fail("a control character inside a string");
      }
      if (c == '\\') {
        ++pos_;
        if (pos_ >= text_.size()) break;
        const char e = text_[pos_];
        if (e == 'u') {
          for (int i = 1; i <= 4; ++i) {
            if (pos_ + i >= text_.size() ||
                !absl::ascii_isxdigit(static_cast<unsigned char>(text_[pos_ + i]))) {
              return Fail("a \\u escape needs four hex digits");
            }
          }
          pos_ += 4;
        } else if (absl::string_view("\"\\/bfnrt").find(e) ==
                   absl::string_view::npos) {
          return Fail("an unknown escape in a string");
        } else if (out != nullptr) {
          out->push_back(e);
        }
        ++pos_;
        continue;
      }
      if (out != nullptr) out->push_back(c);
      ++pos_;
    }
    return Fail("a string is not closed");
  }

  bool Literal(absl::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return Fail("unexpected token");
    pos_ += word.size();
    return true;
  }

  bool Number() {
    const size_t start = pos_;
    if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
    auto digits = [&] {
      const size_t from = pos_;
      while (pos_ < text_.size() &&
             absl::ascii_isdigit(static_cast<unsigned char>(text_[pos_]))) {
        ++pos_;
      }
      return pos_ > from;
    };
    if (!digits()) {
      pos_ = start;
      return Fail("unexpected token");
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (!digits()) return Fail("a number needs digits after '.'");
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) {
        ++pos_;
      }
      if (!digits()) return Fail("a number needs digits in its exponent");
    }
    return true;
  }

  absl::string_view text_;
  size_t pos_ = 0;
  std::string error_;
  std::vector<Member> members_;
};

JsonPosition PositionOf(absl::string_view text, size_t offset) {
  JsonPosition position{1, 1};
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++position.line;
      position.column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++position.column;  // count code points, not continuation bytes
    }
  }
  return position;
}

}  // namespace

bool FindJsonSyntaxError(absl::string_view json, JsonPosition* position,
                         std::string* message) {
  Scanner scanner(json);
  if (scanner.Scan()) return false;
  *position = PositionOf(json, scanner.error_offset());
  *message = scanner.error();
  return true;
}

JsonPosition FindJsonPath(absl::string_view json, absl::string_view path) {
  Scanner scanner(json);
  scanner.Scan();  // positions before a syntax error are still recorded
  const bool bare_name =
      path.find_first_of(".[") == absl::string_view::npos;
  const std::string wanted = bare_name ? KeyForm(path) : [&] {
    // KeyForm on each name of the path, leaving the indices alone.
    std::string out;
    std::string name;
    for (char c : path) {
      if (c == '.' || c == '[') {
        absl::StrAppend(&out, KeyForm(name), std::string(1, c));
        name.clear();
      } else {
        name.push_back(c);
      }
    }
    absl::StrAppend(&out, KeyForm(name));
    return out;
  }();
  for (const Scanner::Member& member : scanner.members()) {
    const bool match = bare_name ? KeyForm(member.key) == wanted
                                 : member.path == wanted;
    if (match) return PositionOf(json, member.offset);
  }
  return {};
}

}  // namespace divert::eligibility
