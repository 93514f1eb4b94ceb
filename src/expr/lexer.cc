#include "expr/lexer.h"

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace divert::cel {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool IsLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsIdentStart(char c) { return IsLetter(c) || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c); }
bool IsQuote(char c) { return c == '"' || c == '\''; }
bool IsRawPrefix(char c) { return c == 'r' || c == 'R'; }
bool IsBytesPrefix(char c) { return c == 'b' || c == 'B'; }
// Characters allowed between back-quotes in a field name.
bool IsQuotedIdentChar(char c) {
  return IsIdentChar(c) || c == '.' || c == '-' || c == '/' || c == ' ';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// Length in bytes of the UTF-8 sequence that starts with `lead` (the source
// has been validated, so the sequence is complete).
int Utf8Length(char lead) {
  auto b = static_cast<unsigned char>(lead);
  if (b < 0x80) return 1;
  if (b < 0xE0) return 2;
  if (b < 0xF0) return 3;
  return 4;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace

Token Lexer::Next() {
  const int32_t n = static_cast<int32_t>(source_.size());
  const char* s = source_.data();
  while (true) {
    // Whitespace and comments.
    while (pos_ < n) {
      char c = s[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        ++pos_;
      } else if (c == '/' && pos_ + 1 < n && s[pos_ + 1] == '/') {
        while (pos_ < n && s[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
    if (pos_ >= n) return Token{TokenKind::kEof, n, n, false};

    const int32_t begin = pos_;
    const char c = s[pos_];
    const char next = pos_ + 1 < n ? s[pos_ + 1] : '\0';
    auto single = [&](TokenKind kind, int32_t length) {
      pos_ += length;
      return Token{kind, begin, pos_, false};
    };
    switch (c) {
      case '(': return single(TokenKind::kLParen, 1);
      case ')': return single(TokenKind::kRParen, 1);
      case '[': return single(TokenKind::kLBracket, 1);
      case ']': return single(TokenKind::kRBracket, 1);
      case '{': return single(TokenKind::kLBrace, 1);
      case '}': return single(TokenKind::kRBrace, 1);
      case ',': return single(TokenKind::kComma, 1);
      case ':': return single(TokenKind::kColon, 1);
      case '?': return single(TokenKind::kQuestion, 1);
      case '+': return single(TokenKind::kPlus, 1);
      case '-': return single(TokenKind::kMinus, 1);
      case '*': return single(TokenKind::kStar, 1);
      case '/': return single(TokenKind::kSlash, 1);
      case '%': return single(TokenKind::kPercent, 1);
      case '.':
        if (IsDigit(next)) return LexNumber(begin);
        return single(TokenKind::kDot, 1);
      case '!':
        if (next == '=') return single(TokenKind::kNe, 2);
        return single(TokenKind::kNot, 1);
      case '<':
        if (next == '=') return single(TokenKind::kLe, 2);
        return single(TokenKind::kLt, 1);
      case '>':
        if (next == '=') return single(TokenKind::kGe, 2);
        return single(TokenKind::kGt, 1);
      case '=':
        if (next == '=') return single(TokenKind::kEq, 2);
        break;
      case '&':
        if (next == '&') return single(TokenKind::kAnd, 2);
        break;
      case '|':
        if (next == '|') return single(TokenKind::kOr, 2);
        break;
      case '"':
      case '\'':
        return LexQuoted(begin, begin, /*bytes=*/false);
      case '`': {
        Token token;
        if (LexQuotedIdent(begin, &token)) return token;
        continue;  // reported; lex on after the bad text
      }
      default:
        if (IsDigit(c)) return LexNumber(begin);
        if (IsIdentStart(c)) {
          // String and bytes prefixes: r, b, br, rb (any case).
          if ((IsRawPrefix(c) || IsBytesPrefix(c)) && IsQuote(next)) {
            return LexQuoted(begin, begin + 1, IsBytesPrefix(c));
          }
          if (pos_ + 2 < n && IsQuote(s[pos_ + 2]) &&
              ((IsRawPrefix(c) && IsBytesPrefix(next)) ||
               (IsBytesPrefix(c) && IsRawPrefix(next)))) {
            return LexQuoted(begin, begin + 2, /*bytes=*/true);
          }
          int32_t p = pos_ + 1;
          while (p < n && IsIdentChar(s[p])) ++p;
          pos_ = p;
          absl::string_view word(s + begin, p - begin);
          TokenKind kind = TokenKind::kIdent;
          if (word == "true") {
            kind = TokenKind::kTrue;
          } else if (word == "false") {
            kind = TokenKind::kFalse;
          } else if (word == "null") {
            kind = TokenKind::kNull;
          } else if (word == "in") {
            kind = TokenKind::kIn;
          }
          return Token{kind, begin, p, false};
        }
        break;
    }
    // No token starts here: report the character and skip it.
    int32_t length = Utf8Length(c);
    if (begin + length > n) length = n - begin;
    sink_->LexError(
        begin, absl::StrCat("Syntax error: token recognition error at: ",
                            QuoteSourceText(source_.substr(begin, length))));
    pos_ = begin + length;
  }
}

Token Lexer::LexNumber(int32_t begin) {
  const int32_t n = static_cast<int32_t>(source_.size());
  const char* s = source_.data();
  int32_t p = begin;
  auto at = [&](int32_t i) { return i < n ? s[i] : '\0'; };
  auto uint_suffix = [&](int32_t i) { return at(i) == 'u' || at(i) == 'U'; };

  if (at(p) == '0' && at(p + 1) == 'x' && IsHexDigit(at(p + 2))) {
    p += 2;
    while (IsHexDigit(at(p))) ++p;
    TokenKind kind = TokenKind::kInt;
    if (uint_suffix(p)) {
      ++p;
      kind = TokenKind::kUint;
    }
    pos_ = p;
    return Token{kind, begin, p, false};
  }
  bool is_double = false;
  while (IsDigit(at(p))) ++p;
  if (at(p) == '.' && IsDigit(at(p + 1))) {
    p += 1;
    while (IsDigit(at(p))) ++p;
    is_double = true;
  }
  if (at(p) == 'e' || at(p) == 'E') {
    int32_t q = p + 1;
    if (at(q) == '+' || at(q) == '-') ++q;
    if (IsDigit(at(q))) {
      p = q;
      while (IsDigit(at(p))) ++p;
      is_double = true;
    }
  }
  TokenKind kind = is_double ? TokenKind::kDouble : TokenKind::kInt;
  if (!is_double && uint_suffix(p)) {
    ++p;
    kind = TokenKind::kUint;
  }
  pos_ = p;
  return Token{kind, begin, p, false};
}

Token Lexer::LexQuoted(int32_t begin, int32_t quote_at, bool bytes) {
  const int32_t n = static_cast<int32_t>(source_.size());
  const char* s = source_.data();
  bool raw = false;
  for (int32_t i = begin; i < quote_at; ++i) raw |= IsRawPrefix(s[i]);
  const char q = s[quote_at];
  const bool triple =
      quote_at + 2 < n && s[quote_at + 1] == q && s[quote_at + 2] == q;
  const TokenKind kind = bytes ? TokenKind::kBytes : TokenKind::kString;
  int32_t p = quote_at + (triple ? 3 : 1);
  while (p < n) {
    const char c = s[p];
    if (c == '\\' && !raw) {
      // The escape is checked when the literal is decoded; here it only
      // must not end the literal.
      p += 2;
      continue;
    }
    if (triple) {
      if (c == q && p + 2 < n && s[p + 1] == q && s[p + 2] == q) {
        pos_ = p + 3;
        return Token{kind, begin, pos_, false};
      }
    } else if (c == q) {
      pos_ = p + 1;
      return Token{kind, begin, pos_, false};
    } else if (c == '\n' || c == '\r') {
      break;
    }
    ++p;
  }
  if (p > n) p = n;
  sink_->LexError(begin, bytes ? "Syntax error: unterminated bytes literal"
                               : "Syntax error: unterminated string literal");
  pos_ = p;
  return Token{kind, begin, p, true};
}

bool Lexer::LexQuotedIdent(int32_t begin, Token* token) {
  const int32_t n = static_cast<int32_t>(source_.size());
  const char* s = source_.data();
  int32_t p = begin + 1;
  while (p < n && IsQuotedIdentChar(s[p])) ++p;
  if (p < n && s[p] == '`' && p > begin + 1) {
    pos_ = p + 1;
    *token = Token{TokenKind::kQuotedIdent, begin, pos_, false};
    return true;
  }
  sink_->LexError(
      begin, absl::StrCat("Syntax error: token recognition error at: ",
                          QuoteSourceText(source_.substr(begin, p - begin))));
  pos_ = p;
  return false;
}

std::string QuoteSourceText(absl::string_view text, size_t max_bytes) {
  bool cut = false;
  if (text.size() > max_bytes) {
    size_t end = max_bytes;
    // Do not cut a UTF-8 sequence.
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;
    }
    text = text.substr(0, end);
    cut = true;
  }
  std::string out = "'";
  for (char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (b < 0x20 || b == 0x7F) {
      absl::StrAppend(&out, "\\x", absl::Hex(b, absl::kZeroPad2));
    } else {
      out.push_back(c);
    }
  }
  if (cut) out += "...";
  out.push_back('\'');
  return out;
}

bool DecodeQuotedLiteral(absl::string_view text, std::string* out,
                         int32_t* error_offset, std::string* error) {
  size_t p = 0;
  bool bytes = false;
  bool raw = false;
  while (p < text.size() && !IsQuote(text[p])) {
    if (IsBytesPrefix(text[p])) bytes = true;
    if (IsRawPrefix(text[p])) raw = true;
    ++p;
  }
  const char q = text[p];
  const bool triple = text.size() - p >= 6 && text[p + 1] == q &&
                      text[p + 2] == q;
  const size_t quote = triple ? 3 : 1;
  const size_t body_begin = p + quote;
  const size_t body_end = text.size() - quote;
  out->clear();
  out->reserve(body_end - body_begin);

  auto fail = [&](size_t at, size_t length, absl::string_view what) {
    *error_offset = static_cast<int32_t>(at);
    *error = absl::StrCat("Syntax error: ", what, " ",
                          QuoteSourceText(text.substr(at, length)));
    return false;
  };

  size_t i = body_begin;
  while (i < body_end) {
    const char c = text[i];
    if (c == '\r') {
      // Line breaks inside a literal are normalized to \n.
      out->push_back('\n');
      i += (i + 1 < body_end && text[i + 1] == '\n') ? 2 : 1;
      continue;
    }
    if (raw || c != '\\') {
      out->push_back(c);
      ++i;
      continue;
    }
    if (i + 1 >= body_end) return fail(i, 1, "invalid escape sequence");
    const char e = text[i + 1];
    char simple = 0;
    switch (e) {
      case 'a': simple = '\a'; break;
      case 'b': simple = '\b'; break;
      case 'f': simple = '\f'; break;
      case 'n': simple = '\n'; break;
      case 'r': simple = '\r'; break;
      case 't': simple = '\t'; break;
      case 'v': simple = '\v'; break;
      case '\\': simple = '\\'; break;
      case '\'': simple = '\''; break;
      case '"': simple = '"'; break;
      case '`': simple = '`'; break;
      case '?': simple = '?'; break;
      default: break;
    }
    if (simple != 0) {
      out->push_back(simple);
      i += 2;
      continue;
    }
    if (e == 'x' || e == 'X' || e == 'u' || e == 'U') {
      const size_t digits = (e == 'x' || e == 'X') ? 2 : (e == 'u' ? 4 : 8);
      uint32_t value = 0;
      for (size_t k = 0; k < digits; ++k) {
        size_t at = i + 2 + k;
        if (at >= body_end || !IsHexDigit(text[at])) {
          return fail(i, at - i + (at < body_end ? 1 : 0),
                      "invalid escape sequence");
        }
        value = value * 16 + HexValue(text[at]);
      }
      const size_t length = 2 + digits;
      if (e == 'x' || e == 'X') {
        if (bytes) {
          out->push_back(static_cast<char>(value));
        } else {
          AppendUtf8(value, out);
        }
      } else {
        if (bytes) {
          return fail(i, length,
                      "unicode escape sequence in bytes literal");
        }
        if ((value >= 0xD800 && value <= 0xDFFF) || value > 0x10FFFF) {
          return fail(i, length, "invalid code point in escape sequence");
        }
        AppendUtf8(value, out);
      }
      i += length;
      continue;
    }
    if (e >= '0' && e <= '3') {
      uint32_t value = e - '0';
      for (size_t k = 0; k < 2; ++k) {
        size_t at = i + 2 + k;
        if (at >= body_end || text[at] < '0' || text[at] > '7') {
          return fail(i, at - i + (at < body_end ? 1 : 0),
                      "invalid escape sequence");
        }
        value = value * 8 + (text[at] - '0');
      }
      if (bytes) {
        out->push_back(static_cast<char>(value));
      } else {
        AppendUtf8(value, out);
      }
      i += 4;
      continue;
    }
    return fail(i, 1 + Utf8Length(e), "invalid escape sequence");
  }
  return true;
}

}  // namespace divert::cel
