// The CEL lexer: splits source text into tokens for the parser, and decodes
// the text of string and bytes literals.
//
// Tokens follow the lexical grammar of the CEL language definition
// (langdef.md): identifiers, the keywords `true false null in`, int / uint /
// double literals, quoted and raw string and bytes literals (single, double
// and triple quotes; prefixes r/R for raw and b/B for bytes, in either
// order), back-quoted field names, operators and punctuation. Whitespace and
// `//` comments are skipped. Offsets are byte offsets into the source; the
// parser converts them to code point offsets.
#ifndef DIVERT_SRC_EXPR_LEXER_H_
#define DIVERT_SRC_EXPR_LEXER_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace divert::cel {

enum class TokenKind : uint8_t {
  kEof,
  kIdent,         // foo
  kQuotedIdent,   // `foo-bar` (field names only)
  kInt,           // 42, 0x2A
  kUint,          // 42u, 0x2Au
  kDouble,        // 1.5, .5, 1e10
  kString,        // "abc", r'abc', '''abc'''
  kBytes,         // b"abc", br'abc'
  kTrue,
  kFalse,
  kNull,
  kIn,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kLBrace,
  kRBrace,
  kDot,
  kComma,
  kColon,
  kQuestion,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kPercent,
  kNot,           // !
  kEq,            // ==
  kNe,            // !=
  kLt,
  kLe,
  kGt,
  kGe,
  kAnd,           // &&
  kOr,            // ||
};

struct Token {
  TokenKind kind = TokenKind::kEof;
  // Byte offsets of the token's text: [begin, end).
  int32_t begin = 0;
  int32_t end = 0;
  // Set on a string or bytes literal that is not terminated; the lexer has
  // reported it, so the parser treats the token as a literal and moves on.
  bool malformed = false;
};

// Where the lexer reports text it cannot turn into a token. `offset` is a
// byte offset into the source.
class LexErrorSink {
 public:
  virtual void LexError(int32_t offset, std::string message) = 0;

 protected:
  ~LexErrorSink() = default;
};

class Lexer {
 public:
  // `source` must outlive the lexer. `sink` is not null.
  Lexer(absl::string_view source, LexErrorSink* sink)
      : source_(source), sink_(sink) {}

  // The next token; kEof (repeatedly) at the end. Characters that start no
  // token are reported ("token recognition error") and skipped.
  Token Next();

  absl::string_view source() const { return source_; }

 private:
  Token LexNumber(int32_t begin);
  Token LexQuoted(int32_t begin, int32_t quote_at, bool bytes);
  // False (reported, skipped) when the back-quoted name is malformed.
  bool LexQuotedIdent(int32_t begin, Token* token);
  int32_t pos_ = 0;
  absl::string_view source_;
  LexErrorSink* sink_;
};

// The text of a token.
inline absl::string_view TokenText(absl::string_view source, const Token& t) {
  return source.substr(t.begin, t.end - t.begin);
}

// Source text as error messages show it: in single quotes, line breaks,
// tabs and other control characters escaped, cut after `max_bytes` bytes
// (at a character boundary) with "...".
std::string QuoteSourceText(absl::string_view text, size_t max_bytes = 40);

// Decodes the text of a kString or kBytes token (prefix and quotes included)
// into `out`: escape sequences of non-raw literals are replaced by what they
// stand for (code points, UTF-8 encoded, in strings; raw bytes for `\x` and
// octal escapes in bytes) and line breaks inside the literal (`\r\n`, `\r`)
// become `\n`. On a malformed escape returns false, sets `*error_offset` to
// the byte offset (in the token text) of the escape and `*error` to a
// message.
bool DecodeQuotedLiteral(absl::string_view text, std::string* out,
                         int32_t* error_offset, std::string* error);

}  // namespace divert::cel

#endif  // DIVERT_SRC_EXPR_LEXER_H_
