// The CEL parser: a hand-written recursive descent parser for the grammar of
// the CEL language definition (langdef.md):
//
//   Expr           = ConditionalOr ["?" ConditionalOr ":" Expr] ;
//   ConditionalOr  = [ConditionalOr "||"] ConditionalAnd ;
//   ConditionalAnd = [ConditionalAnd "&&"] Relation ;
//   Relation       = [Relation Relop] Addition ;
//   Relop          = "<" | "<=" | ">=" | ">" | "==" | "!=" | "in" ;
//   Addition       = [Addition ("+" | "-")] Multiplication ;
//   Multiplication = [Multiplication ("*" | "/" | "%")] Unary ;
//   Unary          = Member | "!" {"!"} Member | "-" {"-"} Member ;
//   Member         = Primary | Member "." SELECTOR ["(" [ExprList] ")"]
//                  | Member "[" Expr "]" ;
//   Primary        = ["."] IDENT ["(" [ExprList] ")"] | "(" Expr ")"
//                  | "[" [ExprList] [","] "]" | "{" [MapInits] [","] "}"
//                  | ["."] SELECTOR {"." SELECTOR} "{" [FieldInits] [","] "}"
//                  | LITERAL ;
//
// The tree it builds:
// - Operators are calls of CEL's internal function names (`_+_`, `_&&_`,
//   `!_`, `-_`, `_[_]`, `@in`, `_?_:_`, ...). A `-` written directly before
//   an int or double literal is part of the literal (`-9223372036854775808`
//   is the int64 minimum); `--x` is two calls of `-_`.
// - Chains of `&&` and of `||` are balanced trees, so a chain of n terms is
//   about log2(n) deep. Other binary operators associate to the left.
// - Macros are expanded (the expansion table is in macros.h).
// - Positions (code point offsets) are those of cel-go: a literal or
//   identifier is at its first character; a binary or unary operator, or a
//   ternary (`?`), at its operator; a select at its '.'; an index at its
//   '['; a call, global (`f(x)`) or receiver-style (`e.f(x)`), at its '(';
//   a list at its '[', a map at its '{' and a map entry at its ':'. Nodes
//   added by a macro expansion are at the macro call's '('.
//
// Limits (see cel.h): the source is rejected before lexing when longer than
// max_expression_length code points. Every production that can nest
// without bound goes through ParseNested (parentheses, arguments, list and
// map elements, index, ternary branches), which counts the depth and stops
// at max_nesting_depth; runs of unary operators are read in a loop and
// limited the same way, and operator, select and index chains are loops.
// The resulting tree is also limited: a node more than max_nesting_depth
// levels above a leaf (e.g. a 1000-term `a + a + ... + a`, which is a
// left-deep tree) is a kLimit issue at that node's operator, so that later
// passes that recurse over the tree are bounded by the same limit. So are
// more than max_nodes nodes. Limit issues stop the parse.
//
// Syntax errors are reported with ANTLR-like messages (as cel-go does) and
// recovery at the token level: after an error further errors are suppressed
// until a token is matched; a stray token where an operand is expected is
// skipped when the next token can start one.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/charconv.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "divert/cel/cel.h"
#include "divert/v1/expr.pb.h"
#include "expr/lexer.h"
#include "expr/macros.h"
#include "expr/parser.h"
#include "expr/source_position.h"

namespace divert::cel {
namespace {

constexpr absl::string_view kExpectOperand =
    "{'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, "
    "NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}";

bool IsReservedWord(absl::string_view name) {
  static constexpr absl::string_view kReserved[] = {
      "as",     "break",   "const",     "continue", "else",
      "for",    "function", "if",       "import",   "let",
      "loop",   "package", "namespace", "return",   "var",
      "void",   "while"};
  for (absl::string_view word : kReserved) {
    if (word == name) return true;
  }
  return false;
}

bool CanStartOperand(TokenKind kind) {
  switch (kind) {
    case TokenKind::kIdent:
    case TokenKind::kInt:
    case TokenKind::kUint:
    case TokenKind::kDouble:
    case TokenKind::kString:
    case TokenKind::kBytes:
    case TokenKind::kTrue:
    case TokenKind::kFalse:
    case TokenKind::kNull:
    case TokenKind::kLParen:
    case TokenKind::kLBracket:
    case TokenKind::kLBrace:
    case TokenKind::kDot:
    case TokenKind::kMinus:
    case TokenKind::kNot:
      return true;
    default:
      return false;
  }
}

// Tokens that close or separate something an enclosing production is
// waiting for; recovery never skips them.
bool IsCloser(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEof:
    case TokenKind::kRParen:
    case TokenKind::kRBracket:
    case TokenKind::kRBrace:
    case TokenKind::kComma:
    case TokenKind::kColon:
      return true;
    default:
      return false;
  }
}

// Binary operators other than && and ||: precedence (higher binds
// tighter) and function name.
bool BinaryOperator(TokenKind kind, int* precedence, absl::string_view* fn) {
  switch (kind) {
    case TokenKind::kEq: *precedence = 1; *fn = "_==_"; return true;
    case TokenKind::kNe: *precedence = 1; *fn = "_!=_"; return true;
    case TokenKind::kLt: *precedence = 1; *fn = "_<_"; return true;
    case TokenKind::kLe: *precedence = 1; *fn = "_<=_"; return true;
    case TokenKind::kGt: *precedence = 1; *fn = "_>_"; return true;
    case TokenKind::kGe: *precedence = 1; *fn = "_>=_"; return true;
    case TokenKind::kIn: *precedence = 1; *fn = "@in"; return true;
    case TokenKind::kPlus: *precedence = 2; *fn = "_+_"; return true;
    case TokenKind::kMinus: *precedence = 2; *fn = "_-_"; return true;
    case TokenKind::kStar: *precedence = 3; *fn = "_*_"; return true;
    case TokenKind::kSlash: *precedence = 3; *fn = "_/_"; return true;
    case TokenKind::kPercent: *precedence = 3; *fn = "_%_"; return true;
    default: return false;
  }
}

// Parses the digits of an int or uint literal (no sign, no suffix) as a
// magnitude; false on overflow of uint64.
bool ParseMagnitude(absl::string_view digits, uint64_t* out) {
  uint64_t value = 0;
  if (digits.size() > 2 && digits[0] == '0' && digits[1] == 'x') {
    for (char c : digits.substr(2)) {
      int d = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
      if (value > (std::numeric_limits<uint64_t>::max() >> 4)) return false;
      value = value * 16 + static_cast<uint64_t>(d);
    }
  } else {
    for (char c : digits) {
      uint64_t d = static_cast<uint64_t>(c - '0');
      if (value > (std::numeric_limits<uint64_t>::max() - d) / 10) {
        return false;
      }
      value = value * 10 + d;
    }
  }
  *out = value;
  return true;
}

// The source, validated as UTF-8, with its line starts, and the mapping
// from byte offsets to code point offsets.
class SourceText {
 public:
  // Scans `text`. Stops early, with ok() false, at invalid UTF-8 or at the
  // first code point beyond `max_code_points`.
  SourceText(absl::string_view text, int max_code_points) : text_(text) {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    int32_t cp = 0;
    size_t i = 0;
    while (i < n) {
      if (cp >= max_code_points) {
        too_long_ = true;
        stop_offset_ = cp;
        return;
      }
      unsigned char c = s[i];
      size_t length = 0;
      if (c < 0x80) {
        length = 1;
        if (c == '\n') line_offsets_.push_back(cp + 1);
      } else {
        uint32_t min = 0;
        uint32_t value = 0;
        if ((c & 0xE0) == 0xC0) {
          length = 2; min = 0x80; value = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
          length = 3; min = 0x800; value = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
          length = 4; min = 0x10000; value = c & 0x07;
        }
        bool valid = length != 0 && i + length <= n;
        for (size_t k = 1; valid && k < length; ++k) {
          valid = (s[i + k] & 0xC0) == 0x80;
          value = (value << 6) | (s[i + k] & 0x3F);
        }
        valid = valid && value >= min && value <= 0x10FFFF &&
                !(value >= 0xD800 && value <= 0xDFFF);
        if (!valid) {
          invalid_utf8_ = true;
          stop_offset_ = cp;
          return;
        }
        if (byte_to_cp_.empty()) {
          byte_to_cp_.resize(n + 1);
          for (size_t k = 0; k < i; ++k) {
            byte_to_cp_[k] = static_cast<int32_t>(k);
          }
        }
      }
      if (!byte_to_cp_.empty()) {
        for (size_t k = 0; k < length; ++k) byte_to_cp_[i + k] = cp;
      }
      i += length;
      ++cp;
    }
    if (!byte_to_cp_.empty()) byte_to_cp_[n] = cp;
    code_points_ = cp;
  }

  bool ok() const { return !too_long_ && !invalid_utf8_; }
  bool too_long() const { return too_long_; }
  bool invalid_utf8() const { return invalid_utf8_; }
  // Code point offset where scanning stopped (when !ok()).
  int32_t stop_offset() const { return stop_offset_; }
  int32_t code_points() const { return code_points_; }
  const std::vector<int32_t>& line_offsets() const { return line_offsets_; }

  int32_t CodePointOffset(int32_t byte_offset) const {
    return byte_to_cp_.empty() ? byte_offset : byte_to_cp_[byte_offset];
  }

 private:
  absl::string_view text_;
  bool too_long_ = false;
  bool invalid_utf8_ = false;
  int32_t stop_offset_ = 0;
  int32_t code_points_ = 0;
  std::vector<int32_t> line_offsets_;
  // Empty when the source is ASCII (byte offsets are code point offsets).
  std::vector<int32_t> byte_to_cp_;
};

class Parser final : public LexErrorSink {
 public:
  Parser(absl::string_view source, const SourceText& text,
         const Limits& limits, TreeBuilder* builder)
      : source_(source),
        text_(text),
        max_depth_(limits.max_nesting_depth),
        b_(*builder),
        lexer_(source, this) {
    tok_ = lexer_.Next();
    next_ = lexer_.Next();
  }

  ExprPtr ParseAll() {
    ExprPtr expr = ParseExpr();
    if (tok().kind != TokenKind::kEof) {
      SyntaxError(tok(), "mismatched", "<EOF>");
    }
    return expr;
  }

  void LexError(int32_t offset, std::string message) override {
    b_.AddSyntaxError(Cp(offset), std::move(message));
  }

 private:
  // --- Tokens ---------------------------------------------------------------

  // The current token; kEof once the parse is aborted.
  const Token& tok() const { return b_.aborted() ? eof_ : tok_; }
  // The token after it.
  const Token& peek() const { return b_.aborted() ? eof_ : next_; }

  // Consumes the current token as matched: error recovery ends.
  void Advance() {
    recovering_ = false;
    Skip();
  }
  // Consumes the current token without matching it (error recovery).
  void Skip() {
    tok_ = next_;
    if (tok_.kind != TokenKind::kEof) next_ = lexer_.Next();
  }
  bool Accept(TokenKind kind) {
    if (tok().kind != kind) return false;
    Advance();
    return true;
  }
  // Consumes a `kind` token, or reports that `expected` was expected.
  void Expect(TokenKind kind, absl::string_view expected) {
    if (Accept(kind)) return;
    SyntaxError(tok(), "mismatched", expected);
  }

  int32_t Cp(int32_t byte_offset) const {
    return text_.CodePointOffset(byte_offset);
  }
  int32_t Pos(const Token& t) const { return Cp(t.begin); }
  absl::string_view Text(const Token& t) const { return TokenText(source_, t); }

  // The token as error messages show it.
  std::string Describe(const Token& t) const {
    if (t.kind == TokenKind::kEof) return "'<EOF>'";
    return QuoteSourceText(Text(t));
  }

  // Reports "Syntax error: <what> input 'X' expecting <expected>" at `at`.
  // The error paths are out of line, to keep string temporaries off the
  // stack frames of the recursive productions.
  ABSL_ATTRIBUTE_NOINLINE void SyntaxError(const Token& at,
                                           absl::string_view what,
                                           absl::string_view expected) {
    if (recovering_ || b_.aborted()) return;
    Error(at, absl::StrCat("Syntax error: ", what, " input ", Describe(at),
                           " expecting ", expected));
  }

  ABSL_ATTRIBUTE_NOINLINE ExprPtr NestingLimit(const Token& at) {
    b_.AddLimitError(Pos(at),
                     absl::StrCat("expression nested too deeply (limit ",
                                  max_depth_, ")"));
    return b_.NewError(Pos(at));
  }

  // Reports a syntax error at `at`, unless recovering from an earlier one.
  void Error(const Token& at, std::string message) {
    if (recovering_ || b_.aborted()) return;
    recovering_ = true;
    const int32_t offset = Pos(at);
    if (offset == last_error_offset_) return;
    last_error_offset_ = offset;
    b_.AddSyntaxError(offset, std::move(message));
  }

  // --- Productions ----------------------------------------------------------

  // The productions below keep their stack frames small: every level of
  // nesting passes through ParseExpr, ParseBinary, ParseMember and
  // ParsePrimary, so whatever needs more room (operator chains, unary runs,
  // calls, literals, error messages) is in functions of its own.

  // Expr = ConditionalOr ["?" ConditionalOr ":" Expr]
  ExprPtr ParseExpr() {
    ExprPtr condition = ParseOr();
    if (tok().kind != TokenKind::kQuestion) return condition;
    return ParseConditional(std::move(condition));
  }

  ABSL_ATTRIBUTE_NOINLINE ExprPtr ParseConditional(ExprPtr condition) {
    const Token question = tok();
    Advance();
    ExprPtr if_true = ParseOr();
    Expect(TokenKind::kColon, "':'");
    ExprPtr if_false = ParseNested(question);
    return b_.NewCall(Pos(question), "_?_:_", std::move(condition),
                      std::move(if_true), std::move(if_false));
  }

  // A sub-expression nested inside `opener`: depth-limited.
  ExprPtr ParseNested(const Token& opener) {
    if (depth_ >= max_depth_) return NestingLimit(opener);
    ++depth_;
    ExprPtr expr = ParseExpr();
    --depth_;
    return expr;
  }

  // ConditionalOr and ConditionalAnd: chains become balanced trees.
  ExprPtr ParseOr() {
    ExprPtr first = ParseAnd();
    if (tok().kind != TokenKind::kOr) return first;
    return ParseChain(TokenKind::kOr, std::move(first));
  }

  ExprPtr ParseAnd() {
    ExprPtr first = ParseBinary(1);
    if (tok().kind != TokenKind::kAnd) return first;
    return ParseChain(TokenKind::kAnd, std::move(first));
  }

  // `first` op term op term ..., for op && or ||.
  ABSL_ATTRIBUTE_NOINLINE ExprPtr ParseChain(TokenKind op, ExprPtr first) {
    absl::InlinedVector<ExprPtr, 4> terms;
    absl::InlinedVector<int32_t, 4> ops;
    terms.push_back(std::move(first));
    while (tok().kind == op) {
      ops.push_back(Pos(tok()));
      Advance();
      terms.push_back(op == TokenKind::kOr ? ParseAnd() : ParseBinary(1));
    }
    const absl::string_view fn = op == TokenKind::kOr ? "_||_" : "_&&_";
    return Balance(fn, absl::MakeSpan(terms), absl::MakeConstSpan(ops));
  }

  // terms[0] op[0] terms[1] op[1] ... as a balanced tree.
  ExprPtr Balance(absl::string_view fn, absl::Span<ExprPtr> terms,
                  absl::Span<const int32_t> ops) {
    if (terms.size() == 1) return std::move(terms[0]);
    const size_t mid = (terms.size() - 1) / 2;  // the operator at the root
    ExprPtr left = Balance(fn, terms.subspan(0, mid + 1), ops.subspan(0, mid));
    ExprPtr right =
        Balance(fn, terms.subspan(mid + 1), ops.subspan(mid + 1));
    return b_.NewCall(ops[mid], fn, std::move(left), std::move(right));
  }

  // Relation, Addition and Multiplication by precedence climbing: the
  // recursion is at most three levels deep; operator chains are loops.
  ExprPtr ParseBinary(int min_precedence) {
    const TokenKind kind = tok().kind;
    ExprPtr lhs = kind == TokenKind::kNot || kind == TokenKind::kMinus
                      ? ParseUnary()
                      : ParseMember();
    int precedence;
    absl::string_view fn;
    while (BinaryOperator(tok().kind, &precedence, &fn) &&
           precedence >= min_precedence) {
      lhs = ParseBinaryRhs(std::move(lhs), precedence, fn);
    }
    return lhs;
  }

  ABSL_ATTRIBUTE_NOINLINE ExprPtr ParseBinaryRhs(ExprPtr lhs, int precedence,
                                                 absl::string_view fn) {
    const int32_t pos = Pos(tok());
    Advance();
    ExprPtr rhs = ParseBinary(precedence + 1);
    return b_.NewCall(pos, fn, std::move(lhs), std::move(rhs));
  }

  // Unary = Member | "!" {"!"} Member | "-" {"-"} Member
  ABSL_ATTRIBUTE_NOINLINE ExprPtr ParseUnary() {
    const TokenKind kind = tok().kind;
    // `-1` is a literal (parsed in ParsePrimary), `--1` is -(-(1)).
    if (kind == TokenKind::kMinus && (peek().kind == TokenKind::kInt ||
                                      peek().kind == TokenKind::kDouble)) {
      return ParseMember();
    }
    absl::InlinedVector<int32_t, 4> ops;
    while (tok().kind == kind) {
      if (static_cast<int>(ops.size()) >= max_depth_) {
        return NestingLimit(tok());
      }
      ops.push_back(Pos(tok()));
      Advance();
    }
    ExprPtr expr = ParseMember();
    const absl::string_view fn = kind == TokenKind::kNot ? "!_" : "-_";
    for (size_t i = ops.size(); i-- > 0;) {
      expr = b_.NewCall(ops[i], fn, std::move(expr));
    }
    return expr;
  }

  // Member = Primary {"." SELECTOR ["(" args ")"] | "[" Expr "]"}
  ExprPtr ParseMember() {
    const TokenKind first = tok().kind;
    ExprPtr expr = ParsePrimary();
    // Whether `expr` is a (qualified) name so far, as in `a.b.C{...}`.
    bool is_name = (first == TokenKind::kIdent || first == TokenKind::kDot) &&
                   expr->has_ident_expr();
    while (true) {
      switch (tok().kind) {
        case TokenKind::kDot:
          if (!ParseSelector(&expr, &is_name)) return expr;
          break;
        case TokenKind::kLBracket:
          expr = ParseIndex(std::move(expr));
          is_name = false;
          break;
        case TokenKind::kLBrace:
          if (!is_name) return expr;
          expr = ParseMessageConstruction();
          is_name = false;
          break;
        default:
          return expr;
      }
    }
  }

  // "." SELECTOR ["(" args ")"] applied to `*expr`. False after a syntax
  // error that ends the member chain.
  ABSL_ATTRIBUTE_NOINLINE bool ParseSelector(ExprPtr* expr, bool* is_name) {
    const Token dot = tok();
    Advance();
    const Token name = tok();
    if (name.kind == TokenKind::kIdent) {
      Advance();
      if (tok().kind == TokenKind::kLParen) {
        const Token open = tok();
        Advance();
        ExprPtr call = b_.NewCall(Pos(open), Text(name));
        b_.SetTarget(call.get(), std::move(*expr));
        ParseArgs(call.get(), open);
        *expr = ExpandMacro(b_, std::move(call));
        *is_name = false;
      } else {
        *expr = b_.NewSelect(Pos(dot), std::move(*expr), Text(name),
                             /*test_only=*/false);
      }
      return true;
    }
    if (name.kind == TokenKind::kQuotedIdent) {
      Advance();
      absl::string_view field = Text(name);
      field = field.substr(1, field.size() - 2);
      *expr = b_.NewSelect(Pos(dot), std::move(*expr), field,
                           /*test_only=*/false);
      *is_name = false;
      return true;
    }
    SyntaxError(name, "mismatched", "IDENTIFIER");
    if (!IsCloser(name.kind)) Skip();
    return false;
  }

  // "[" Expr "]" applied to `operand`.
  ABSL_ATTRIBUTE_NOINLINE ExprPtr ParseIndex(ExprPtr operand) {
    const Token open = tok();
    Advance();
    ExprPtr index = ParseNested(open);
    Expect(TokenKind::kRBracket, "']'");
    return b_.NewCall(Pos(open), "_[_]", std::move(operand), std::move(index));
  }

  // `Name{field: value, ...}`: valid CEL, but divert's expression tree has
  // no message construction. Reported, and read past.
  ABSL_ATTRIBUTE_NOINLINE ExprPtr ParseMessageConstruction() {
    const Token open = tok();
    Advance();
    b_.AddSyntaxError(Pos(open),
                      "message construction (Name{field: value}) is not "
                      "supported");
    recovering_ = true;
    while (tok().kind != TokenKind::kRBrace && tok().kind != TokenKind::kEof) {
      if (tok().kind == TokenKind::kIdent) Advance();
      Expect(TokenKind::kColon, "':'");
      ExprPtr value = ParseNested(open);
      if (!Accept(TokenKind::kComma)) break;
    }
    Expect(TokenKind::kRBrace, "'}'");
    return b_.NewError(Pos(open));
  }

  // The arguments of a call, after its '(' (`open`), through the ')'.
  void ParseArgs(v1::Expr* call, const Token& open) {
    if (Accept(TokenKind::kRParen)) return;
    do {
      b_.AddArg(call, ParseNested(open));
    } while (Accept(TokenKind::kComma));
    Expect(TokenKind::kRParen, "{')', ','}");
  }

  ABSL_ATTRIBUTE_NOINLINE ExprPtr ParsePrimary() {
    while (true) {
      const Token t = tok();
      switch (t.kind) {
        case TokenKind::kInt:
        case TokenKind::kUint:
        case TokenKind::kDouble:
          Advance();
          return ParseNumber(t, /*negative=*/false, Pos(t));
        case TokenKind::kMinus:
          if (peek().kind == TokenKind::kInt ||
              peek().kind == TokenKind::kDouble) {
            Advance();
            const Token number = tok();
            Advance();
            return ParseNumber(number, /*negative=*/true, Pos(t));
          }
          break;
        case TokenKind::kString:
        case TokenKind::kBytes:
          Advance();
          return ParseQuoted(t);
        case TokenKind::kTrue:
          Advance();
          return b_.NewBool(Pos(t), true);
        case TokenKind::kFalse:
          Advance();
          return b_.NewBool(Pos(t), false);
        case TokenKind::kNull:
          Advance();
          return b_.NewNull(Pos(t));
        case TokenKind::kDot: {
          Advance();
          const Token name = tok();
          if (name.kind != TokenKind::kIdent) {
            SyntaxError(name, "mismatched", "IDENTIFIER");
            return b_.NewError(Pos(t));
          }
          return ParseIdentOrCall(/*leading_dot=*/true);
        }
        case TokenKind::kIdent:
          return ParseIdentOrCall(/*leading_dot=*/false);
        case TokenKind::kLParen: {
          Advance();
          ExprPtr expr = ParseNested(t);
          Expect(TokenKind::kRParen, "')'");
          return expr;
        }
        case TokenKind::kLBracket:
          return ParseList();
        case TokenKind::kLBrace:
          return ParseMap();
        default:
          break;
      }
      // No operand here. A stray token is skipped when an operand follows
      // it (like ANTLR's single token deletion).
      const bool skip = !IsCloser(t.kind) && CanStartOperand(peek().kind);
      SyntaxError(t, skip ? "extraneous" : "mismatched", kExpectOperand);
      if (!skip) return b_.NewError(Pos(t));
      Skip();
    }
  }

  // ["."] IDENT ["(" args ")"], at the IDENT.
  ABSL_ATTRIBUTE_NOINLINE ExprPtr ParseIdentOrCall(bool leading_dot) {
    const Token id = tok();
    Advance();
    absl::string_view name = Text(id);
    std::string dotted;
    if (leading_dot) {
      dotted.reserve(name.size() + 1);
      dotted.push_back('.');
      dotted.append(name.data(), name.size());
      name = dotted;
    }
    const bool reserved = IsReservedWord(Text(id));
    if (reserved) ReportReserved(id);
    if (tok().kind == TokenKind::kLParen) {
      const Token open = tok();
      Advance();
      ExprPtr call = b_.NewCall(Pos(open), name);
      ParseArgs(call.get(), open);
      if (reserved) return b_.NewError(Pos(id));
      return ExpandMacro(b_, std::move(call));
    }
    if (reserved) return b_.NewError(Pos(id));
    return b_.NewIdent(Pos(id), name);
  }

  ABSL_ATTRIBUTE_NOINLINE void ReportReserved(const Token& id) {
    b_.AddSyntaxError(Pos(id), absl::StrCat("reserved identifier: ", Text(id)));
  }

  // "[" [Expr {"," Expr}] [","] "]"
  ABSL_ATTRIBUTE_NOINLINE ExprPtr ParseList() {
    const Token open = tok();
    Advance();
    ExprPtr list = b_.NewList(Pos(open));
    if (!Accept(TokenKind::kComma)) {  // `[,]` is allowed by the grammar
      while (tok().kind != TokenKind::kRBracket) {
        b_.AddElement(list.get(), ParseNested(open));
        if (!Accept(TokenKind::kComma)) break;
      }
    }
    Expect(TokenKind::kRBracket, "{',', ']'}");
    return list;
  }

  // "{" [Expr ":" Expr {"," Expr ":" Expr}] [","] "}"
  ABSL_ATTRIBUTE_NOINLINE ExprPtr ParseMap() {
    const Token open = tok();
    Advance();
    ExprPtr map = b_.NewMap(Pos(open));
    if (!Accept(TokenKind::kComma)) {  // `{,}` is allowed by the grammar
      while (tok().kind != TokenKind::kRBrace) {
        ExprPtr key = ParseNested(open);
        const Token colon = tok();
        Expect(TokenKind::kColon, "':'");
        ExprPtr value = ParseNested(open);
        b_.AddEntry(map.get(), Pos(colon), std::move(key), std::move(value));
        if (!Accept(TokenKind::kComma)) break;
      }
    }
    Expect(TokenKind::kRBrace, "{',', '}'}");
    return map;
  }

  // An int, uint or double literal; `negative` when a '-' (at `pos`)
  // precedes it.
  ABSL_ATTRIBUTE_NOINLINE ExprPtr ParseNumber(const Token& t, bool negative,
                                              int32_t pos) {
    absl::string_view text = Text(t);
    if (t.kind == TokenKind::kDouble) {
      double value = 0;
      auto result = absl::from_chars(text.data(), text.data() + text.size(),
                                     value);
      if (result.ec == std::errc::result_out_of_range &&
          std::abs(value) > 1.0) {
        b_.AddSyntaxError(pos, "invalid double literal");
        return b_.NewError(pos);
      }
      return b_.NewDouble(pos, negative ? -value : value);
    }
    uint64_t magnitude = 0;
    if (t.kind == TokenKind::kUint) {
      if (!ParseMagnitude(text.substr(0, text.size() - 1), &magnitude)) {
        b_.AddSyntaxError(pos, "invalid uint literal");
        return b_.NewError(pos);
      }
      return b_.NewUint(pos, magnitude);
    }
    const uint64_t limit =
        static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) +
        (negative ? 1 : 0);
    if (!ParseMagnitude(text, &magnitude) || magnitude > limit) {
      b_.AddSyntaxError(pos, "invalid int literal");
      return b_.NewError(pos);
    }
    int64_t value = negative ? static_cast<int64_t>(0 - magnitude)
                             : static_cast<int64_t>(magnitude);
    return b_.NewInt(pos, value);
  }

  ABSL_ATTRIBUTE_NOINLINE ExprPtr ParseQuoted(const Token& t) {
    const bool bytes = t.kind == TokenKind::kBytes;
    std::string value;
    if (!t.malformed) {  // an unterminated literal is already reported
      int32_t error_offset = 0;
      std::string error;
      if (!DecodeQuotedLiteral(Text(t), &value, &error_offset, &error)) {
        b_.AddSyntaxError(Cp(t.begin + error_offset), std::move(error));
        return b_.NewError(Pos(t));
      }
    }
    return bytes ? b_.NewBytes(Pos(t), std::move(value))
                 : b_.NewString(Pos(t), std::move(value));
  }

  absl::string_view source_;
  const SourceText& text_;
  const int max_depth_;
  TreeBuilder& b_;
  Lexer lexer_;
  Token tok_;
  Token next_;
  const Token eof_{TokenKind::kEof, 0, 0, false};
  int depth_ = 0;
  bool recovering_ = false;
  int32_t last_error_offset_ = -1;
};

CompileIssue ToCompileIssue(const v1::SourceInfo& info,
                            const ParseIssue& issue) {
  CompileIssue out;
  out.kind = issue.kind;
  LineColumn lc = PositionOfOffset(info, issue.offset);
  out.line = lc.line;
  out.column = lc.column;
  out.message = issue.message;
  return out;
}

absl::Status Failure(const std::vector<CompileIssue>& issues) {
  const CompileIssue& first = issues.front();
  std::string message =
      absl::StrCat(first.line, ":", first.column, ": ", first.message);
  if (issues.size() > 1) {
    absl::StrAppend(&message, " (and ", issues.size() - 1, " more)");
  }
  return absl::InvalidArgumentError(message);
}

}  // namespace

absl::StatusOr<v1::ParsedExpr> Parse(absl::string_view source,
                                     const Limits& limits,
                                     std::vector<CompileIssue>* issues) {
  std::vector<CompileIssue> found;
  v1::ParsedExpr parsed;
  v1::SourceInfo* info = parsed.mutable_source_info();

  if (source.size() >
      static_cast<size_t>(std::numeric_limits<int32_t>::max() / 2)) {
    found.push_back({CompileIssue::Kind::kLimit, 0, 0,
                     absl::StrCat("expression is longer than ",
                                  limits.max_expression_length,
                                  " code points")});
  } else {
    SourceText text(source, limits.max_expression_length);
    info->mutable_line_offsets()->Add(text.line_offsets().begin(),
                                      text.line_offsets().end());
    if (text.too_long()) {
      LineColumn lc = PositionOfOffset(*info, text.stop_offset());
      found.push_back({CompileIssue::Kind::kLimit, lc.line, lc.column,
                       absl::StrCat("expression is longer than ",
                                    limits.max_expression_length,
                                    " code points")});
    } else if (text.invalid_utf8()) {
      LineColumn lc = PositionOfOffset(*info, text.stop_offset());
      found.push_back({CompileIssue::Kind::kSyntax, lc.line, lc.column,
                       "Syntax error: invalid UTF-8"});
    } else {
      TreeBuilder builder(limits, source.size() / 2 + 8);
      Parser parser(source, text, limits, &builder);
      ExprPtr root = parser.ParseAll();
      if (builder.issues().empty()) {
        builder.WritePositions(info);
        parsed.set_allocated_expr(root.release());
        return parsed;
      }
      std::vector<ParseIssue> sorted = builder.issues();
      std::stable_sort(sorted.begin(), sorted.end(),
                       [](const ParseIssue& a, const ParseIssue& b) {
                         return a.offset < b.offset;
                       });
      for (const ParseIssue& issue : sorted) {
        found.push_back(ToCompileIssue(*info, issue));
      }
    }
  }
  absl::Status status = Failure(found);
  if (issues != nullptr) {
    issues->insert(issues->end(), found.begin(), found.end());
  }
  return status;
}

}  // namespace divert::cel
