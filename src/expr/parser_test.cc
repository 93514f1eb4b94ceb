// Tests of the CEL parser (parser.cc, lexer.cc, macros.cc), written as
// examples: source text in, expression tree out, rendered as S-expressions:
//
//   a.b              select                a.b (test-only: a.b~test)
//   f(x, y)          global call           (f x y)
//   t.f(x)           receiver call         (t.f x)
//   a + b            operator call         (_+_ a b)
//   [1, 2]           list                  [1 2]
//   {k: v}           map                   {k:v}
//   e.all(x, p)      comprehension         (fold x e @result init cond step
//                                           result)
//   42 42u 1.5 "s" b"s" true null          constants
#include <pthread.h>

#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "divert/cel/cel.h"
#include "divert/v1/expr.pb.h"
#include "expr/parser.h"
#include "expr/source_position.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace divert::cel {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;

// --- Helpers -----------------------------------------------------------------

std::string Sexp(const v1::Expr& e);

std::string ConstantText(const v1::Constant& c) {
  switch (c.constant_kind_case()) {
    case v1::Constant::kNullValue: return "null";
    case v1::Constant::kBoolValue: return c.bool_value() ? "true" : "false";
    case v1::Constant::kInt64Value: return absl::StrCat(c.int64_value());
    case v1::Constant::kUint64Value: return absl::StrCat(c.uint64_value(), "u");
    case v1::Constant::kDoubleValue: return absl::StrCat(c.double_value());
    case v1::Constant::kStringValue:
      return absl::StrCat("\"", absl::CHexEscape(c.string_value()), "\"");
    case v1::Constant::kBytesValue:
      return absl::StrCat("b\"", absl::CHexEscape(c.bytes_value()), "\"");
    default: return "<no constant>";
  }
}

std::string Sexp(const v1::Expr& e) {
  switch (e.expr_kind_case()) {
    case v1::Expr::kConstExpr:
      return ConstantText(e.const_expr());
    case v1::Expr::kIdentExpr:
      return e.ident_expr().name();
    case v1::Expr::kSelectExpr:
      return absl::StrCat(Sexp(e.select_expr().operand()), ".",
                          e.select_expr().field(),
                          e.select_expr().test_only() ? "~test" : "");
    case v1::Expr::kCallExpr: {
      const auto& call = e.call_expr();
      std::string out = "(";
      if (call.has_target()) absl::StrAppend(&out, Sexp(call.target()), ".");
      absl::StrAppend(&out, call.function());
      for (const auto& arg : call.args()) absl::StrAppend(&out, " ", Sexp(arg));
      return out + ")";
    }
    case v1::Expr::kListExpr: {
      std::vector<std::string> elements;
      for (const auto& x : e.list_expr().elements()) {
        elements.push_back(Sexp(x));
      }
      return absl::StrCat("[", absl::StrJoin(elements, " "), "]");
    }
    case v1::Expr::kMapExpr: {
      std::vector<std::string> entries;
      for (const auto& entry : e.map_expr().entries()) {
        entries.push_back(
            absl::StrCat(Sexp(entry.key()), ":", Sexp(entry.value())));
      }
      return absl::StrCat("{", absl::StrJoin(entries, " "), "}");
    }
    case v1::Expr::kComprehensionExpr: {
      const auto& c = e.comprehension_expr();
      return absl::StrCat("(fold ", c.iter_var(), " ", Sexp(c.iter_range()),
                          " ", c.accu_var(), " ", Sexp(c.accu_init()), " ",
                          Sexp(c.loop_condition()), " ", Sexp(c.loop_step()),
                          " ", Sexp(c.result()), ")");
    }
    default:
      return "<error>";
  }
}

std::string IssueText(const CompileIssue& issue) {
  const char* kind = issue.kind == CompileIssue::Kind::kLimit ? "limit" : "";
  return absl::StrCat(kind, issue.kind == CompileIssue::Kind::kLimit ? " " : "",
                      issue.line, ":", issue.column, ": ", issue.message);
}

// The tree of `source` as an S-expression, or its issues ("line:col: msg",
// limit issues prefixed with "limit").
std::string P(absl::string_view source, const Limits& limits = Limits()) {
  std::vector<CompileIssue> issues;
  absl::StatusOr<v1::ParsedExpr> parsed = Parse(source, limits, &issues);
  if (parsed.ok()) {
    EXPECT_THAT(issues, SizeIs(0));
    return Sexp(parsed->expr());
  }
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(issues, Not(SizeIs(0)));
  std::vector<std::string> lines;
  for (const CompileIssue& issue : issues) lines.push_back(IssueText(issue));
  return absl::StrCat("ERROR ", absl::StrJoin(lines, " | "));
}

v1::ParsedExpr MustParse(absl::string_view source,
                         const Limits& limits = Limits()) {
  std::vector<CompileIssue> issues;
  absl::StatusOr<v1::ParsedExpr> parsed = Parse(source, limits, &issues);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() ? *parsed : v1::ParsedExpr();
}

std::vector<CompileIssue> Issues(absl::string_view source,
                                 const Limits& limits = Limits()) {
  std::vector<CompileIssue> issues;
  absl::StatusOr<v1::ParsedExpr> parsed = Parse(source, limits, &issues);
  EXPECT_FALSE(parsed.ok()) << source;
  return issues;
}

// Every node's id (map entries included), in pre-order.
void CollectIds(const v1::Expr& e, std::vector<int64_t>* ids) {
  ids->push_back(e.id());
  switch (e.expr_kind_case()) {
    case v1::Expr::kSelectExpr:
      CollectIds(e.select_expr().operand(), ids);
      break;
    case v1::Expr::kCallExpr:
      if (e.call_expr().has_target()) CollectIds(e.call_expr().target(), ids);
      for (const auto& arg : e.call_expr().args()) CollectIds(arg, ids);
      break;
    case v1::Expr::kListExpr:
      for (const auto& x : e.list_expr().elements()) CollectIds(x, ids);
      break;
    case v1::Expr::kMapExpr:
      for (const auto& entry : e.map_expr().entries()) {
        ids->push_back(entry.id());
        CollectIds(entry.key(), ids);
        CollectIds(entry.value(), ids);
      }
      break;
    case v1::Expr::kComprehensionExpr: {
      const auto& c = e.comprehension_expr();
      for (const v1::Expr* x : {&c.iter_range(), &c.accu_init(),
                                &c.loop_condition(), &c.loop_step(),
                                &c.result()}) {
        CollectIds(*x, ids);
      }
      break;
    }
    default:
      break;
  }
}

// Number of nodes on the longest root-to-leaf path.
int Height(const v1::Expr& e) {
  int below = 0;
  auto visit = [&below](const v1::Expr& child) {
    below = std::max(below, Height(child));
  };
  switch (e.expr_kind_case()) {
    case v1::Expr::kSelectExpr: visit(e.select_expr().operand()); break;
    case v1::Expr::kCallExpr:
      if (e.call_expr().has_target()) visit(e.call_expr().target());
      for (const auto& arg : e.call_expr().args()) visit(arg);
      break;
    case v1::Expr::kListExpr:
      for (const auto& x : e.list_expr().elements()) visit(x);
      break;
    case v1::Expr::kMapExpr:
      for (const auto& entry : e.map_expr().entries()) {
        visit(entry.key());
        visit(entry.value());
      }
      break;
    case v1::Expr::kComprehensionExpr: {
      const auto& c = e.comprehension_expr();
      visit(c.iter_range());
      visit(c.accu_init());
      visit(c.loop_condition());
      visit(c.loop_step());
      visit(c.result());
      break;
    }
    default:
      break;
  }
  return below + 1;
}

// The first node, in pre-order, whose S-expression is `text`.
const v1::Expr* Find(const v1::Expr& e, absl::string_view text) {
  if (Sexp(e) == text) return &e;
  const v1::Expr* found = nullptr;
  auto visit = [&](const v1::Expr& child) {
    if (found == nullptr) found = Find(child, text);
  };
  switch (e.expr_kind_case()) {
    case v1::Expr::kSelectExpr: visit(e.select_expr().operand()); break;
    case v1::Expr::kCallExpr:
      if (e.call_expr().has_target()) visit(e.call_expr().target());
      for (const auto& arg : e.call_expr().args()) visit(arg);
      break;
    case v1::Expr::kListExpr:
      for (const auto& x : e.list_expr().elements()) visit(x);
      break;
    case v1::Expr::kMapExpr:
      for (const auto& entry : e.map_expr().entries()) {
        visit(entry.key());
        visit(entry.value());
      }
      break;
    case v1::Expr::kComprehensionExpr: {
      const auto& c = e.comprehension_expr();
      visit(c.iter_range());
      visit(c.loop_step());
      break;
    }
    default:
      break;
  }
  return found;
}

// "line:column" of the node `text` of `parsed`.
std::string Where(const v1::ParsedExpr& parsed, absl::string_view text) {
  const v1::Expr* node = Find(parsed.expr(), text);
  if (node == nullptr) return absl::StrCat("no node ", text);
  LineColumn lc = PositionOfExpr(parsed.source_info(), node->id());
  return absl::StrCat(lc.line, ":", lc.column);
}

// --- Literals ----------------------------------------------------------------

TEST(ParserTest, IntLiterals) {
  EXPECT_EQ(P("0"), "0");
  EXPECT_EQ(P("42"), "42");
  EXPECT_EQ(P("0x2A"), "42");
  EXPECT_EQ(P("0xff"), "255");
  EXPECT_EQ(P("-7"), "-7");
  EXPECT_EQ(P("- 7"), "-7");
  EXPECT_EQ(P("-0x10"), "-16");
  EXPECT_EQ(P("9223372036854775807"), "9223372036854775807");
}

TEST(ParserTest, Int64MinimumIsOneNegativeConstant) {
  v1::ParsedExpr parsed = MustParse("-9223372036854775808");
  ASSERT_TRUE(parsed.expr().has_const_expr());
  EXPECT_EQ(parsed.expr().const_expr().int64_value(),
            std::numeric_limits<int64_t>::min());
  EXPECT_EQ(P("-0x8000000000000000"), "-9223372036854775808");
}

TEST(ParserTest, IntLiteralOutOfRangeIsSyntaxError) {
  EXPECT_EQ(P("9223372036854775808"), "ERROR 1:1: invalid int literal");
  EXPECT_EQ(P("-9223372036854775809"), "ERROR 1:1: invalid int literal");
  EXPECT_EQ(P("0x8000000000000000"), "ERROR 1:1: invalid int literal");
  EXPECT_EQ(P("1 + 99999999999999999999"), "ERROR 1:5: invalid int literal");
  // Only a '-' directly before the literal folds into it.
  EXPECT_EQ(P("-(9223372036854775808)"), "ERROR 1:3: invalid int literal");
}

TEST(ParserTest, UintLiterals) {
  EXPECT_EQ(P("0u"), "0u");
  EXPECT_EQ(P("42U"), "42u");
  EXPECT_EQ(P("0x2Au"), "42u");
  EXPECT_EQ(P("18446744073709551615u"), "18446744073709551615u");
  EXPECT_EQ(P("0xFFFFFFFFFFFFFFFFu"), "18446744073709551615u");
  EXPECT_EQ(P("18446744073709551616u"), "ERROR 1:1: invalid uint literal");
  // A uint literal has no sign: this is a call of -_.
  EXPECT_EQ(P("-1u"), "(-_ 1u)");
}

TEST(ParserTest, DoubleLiterals) {
  EXPECT_EQ(P("1.5"), "1.5");
  EXPECT_EQ(P(".5"), "0.5");
  EXPECT_EQ(P("1e10"), "1e+10");
  EXPECT_EQ(P("1.0e-3"), "0.001");
  EXPECT_EQ(P("1e+5"), "100000");
  EXPECT_EQ(P("2E2"), "200");
  EXPECT_EQ(P("-2.5"), "-2.5");
  EXPECT_EQ(P("1e-400"), "0");
  EXPECT_EQ(P("1e999"), "ERROR 1:1: invalid double literal");
  // `1.` is not a double: it is 1 followed by a '.'.
  EXPECT_EQ(P("1.size()"), "(1.size)");
}

TEST(ParserTest, NegationAndNot) {
  EXPECT_EQ(P("-x"), "(-_ x)");
  EXPECT_EQ(P("--x"), "(-_ (-_ x))");
  EXPECT_EQ(P("--1"), "(-_ (-_ 1))");
  EXPECT_EQ(P("-(1)"), "(-_ 1)");
  EXPECT_EQ(P("4--4"), "(_-_ 4 -4)");
  EXPECT_EQ(P("4--4.1"), "(_-_ 4 -4.1)");
  EXPECT_EQ(P("!a"), "(!_ a)");
  EXPECT_EQ(P("!!!a"), "(!_ (!_ (!_ a)))");
  EXPECT_EQ(P("!-1"), "(!_ -1)");  // `-1` is a literal
  // A run of one unary operator applies to a member expression (as in the
  // grammar), so operators cannot be mixed without parentheses.
  EXPECT_THAT(P("!-x"), HasSubstr("1:2: Syntax error: extraneous input '-'"));
  EXPECT_EQ(P("!(-x)"), "(!_ (-_ x))");
}

TEST(ParserTest, BoolAndNull) {
  EXPECT_EQ(P("true"), "true");
  EXPECT_EQ(P("false"), "false");
  EXPECT_EQ(P("null"), "null");
}

// --- Strings and bytes -------------------------------------------------------

struct LiteralCase {
  const char* source;
  std::string value;  // the decoded string or bytes
};

std::string DecodedValue(absl::string_view source) {
  v1::ParsedExpr parsed = MustParse(source);
  const v1::Constant& c = parsed.expr().const_expr();
  return c.has_bytes_value() ? c.bytes_value() : c.string_value();
}

TEST(ParserTest, StringQuotingForms) {
  const LiteralCase cases[] = {
      {R"('hello')", "hello"},
      {R"("hello")", "hello"},
      {R"('''hello''')", "hello"},
      {R"("""hello""")", "hello"},
      {R"('')", ""},
      {R"("""""")", ""},
      {"'''two\nlines'''", "two\nlines"},
      {"\"\"\"crlf\r\nline\"\"\"", "crlf\nline"},  // line breaks normalized
      {R"('''it's "quoted"''')", "it's \"quoted\""},
      {R"("it's")", "it's"},
      {R"('say "hi"')", "say \"hi\""},
      {"'h\xC3\xA9llo'", "h\xC3\xA9llo"},  // UTF-8 passes through
      {"\"a\tb\"", "a\tb"},
  };
  for (const LiteralCase& c : cases) {
    EXPECT_EQ(DecodedValue(c.source), c.value) << c.source;
  }
}

TEST(ParserTest, StringEscapes) {
  const LiteralCase cases[] = {
      {R"("\a\b\f\n\r\t\v")", "\a\b\f\n\r\t\v"},
      {R"("\\ \' \" \` \?")", "\\ ' \" ` ?"},
      {R"('\101\040\177')", "A \x7F"},
      {R"("\377")", "\xC3\xBF"},  // octal gives a code point: U+00FF
      {R"("\x41\X42")", "AB"},
      {R"("\xff")", "\xC3\xBF"},  // \x gives a code point too
      {R"("\u00e9")", "\xC3\xA9"},
      {R"("\U0001F600")", "\xF0\x9F\x98\x80"},
      {R"('''\'''')", "'"},
  };
  for (const LiteralCase& c : cases) {
    EXPECT_EQ(DecodedValue(c.source), c.value) << c.source;
  }
}

TEST(ParserTest, RawStringsKeepBackslashes) {
  EXPECT_EQ(DecodedValue(R"(r'\n\d+')"), "\\n\\d+");
  EXPECT_EQ(DecodedValue(R"(R"\x00")"), "\\x00");
  EXPECT_EQ(DecodedValue(R"(r'''a\''')"), "a\\");
  EXPECT_EQ(DecodedValue(R"(r"\")"), "\\");
}

TEST(ParserTest, BytesLiterals) {
  EXPECT_EQ(P(R"(b'abc')"), R"(b"abc")");
  EXPECT_EQ(P(R"(B"abc")"), R"(b"abc")");
  EXPECT_EQ(P(R"(b'''abc''')"), R"(b"abc")");
  // \x and octal escapes are single bytes in bytes literals.
  EXPECT_EQ(DecodedValue(R"(b'\xff\377\000')"), std::string("\xFF\xFF\0", 3));
  // Other characters are their UTF-8 encoding.
  EXPECT_EQ(DecodedValue("b'\xC3\xA9'"), "\xC3\xA9");
  // Raw bytes: the prefixes combine in either order and case.
  for (const char* source : {R"(br'\x')", R"(rb'\x')", R"(BR'\x')",
                             R"(Rb'\x')", R"(bR"""\x""")"}) {
    EXPECT_EQ(P(source), R"(b"\\x")") << source;
  }
}

TEST(ParserTest, MalformedStringLiterals) {
  EXPECT_EQ(P(R"("a\qb")"),
            R"(ERROR 1:3: Syntax error: invalid escape sequence '\q')");
  EXPECT_EQ(P(R"("\x4")"),
            R"(ERROR 1:2: Syntax error: invalid escape sequence '\x4')");
  EXPECT_EQ(P(R"("\400")"),
            R"(ERROR 1:2: Syntax error: invalid escape sequence '\4')");
  EXPECT_EQ(P(R"("\uD800")"),
            "ERROR 1:2: Syntax error: invalid code point in escape sequence "
            R"('\uD800')");
  EXPECT_EQ(P(R"("\U00110000")"),
            "ERROR 1:2: Syntax error: invalid code point in escape sequence "
            R"('\U00110000')");
  EXPECT_EQ(P(R"(b"\u0041")"),
            "ERROR 1:3: Syntax error: unicode escape sequence in bytes "
            R"(literal '\u0041')");
  EXPECT_EQ(P("x == 'abc"),
            "ERROR 1:6: Syntax error: unterminated string literal");
  EXPECT_EQ(P("'two\nlines'"),
            "ERROR 1:1: Syntax error: unterminated string literal | "
            "2:1: Syntax error: mismatched input 'lines' expecting <EOF> | "
            "2:6: Syntax error: unterminated string literal");
  EXPECT_EQ(P("b'''abc"),
            "ERROR 1:1: Syntax error: unterminated bytes literal");
}

// --- Operators and precedence ------------------------------------------------

TEST(ParserTest, OperatorNames) {
  EXPECT_EQ(P("a ? b : c"), "(_?_:_ a b c)");
  EXPECT_EQ(P("a || b"), "(_||_ a b)");
  EXPECT_EQ(P("a && b"), "(_&&_ a b)");
  EXPECT_EQ(P("a == b"), "(_==_ a b)");
  EXPECT_EQ(P("a != b"), "(_!=_ a b)");
  EXPECT_EQ(P("a < b"), "(_<_ a b)");
  EXPECT_EQ(P("a <= b"), "(_<=_ a b)");
  EXPECT_EQ(P("a > b"), "(_>_ a b)");
  EXPECT_EQ(P("a >= b"), "(_>=_ a b)");
  EXPECT_EQ(P("a in b"), "(@in a b)");
  EXPECT_EQ(P("a + b"), "(_+_ a b)");
  EXPECT_EQ(P("a - b"), "(_-_ a b)");
  EXPECT_EQ(P("a * b"), "(_*_ a b)");
  EXPECT_EQ(P("a / b"), "(_/_ a b)");
  EXPECT_EQ(P("a % b"), "(_%_ a b)");
  EXPECT_EQ(P("a[b]"), "(_[_] a b)");
}

TEST(ParserTest, Precedence) {
  EXPECT_EQ(P("a || b && c"), "(_||_ a (_&&_ b c))");
  EXPECT_EQ(P("a && b || c"), "(_||_ (_&&_ a b) c)");
  EXPECT_EQ(P("-x.y"), "(-_ x.y)");
  EXPECT_EQ(P("!a == b"), "(_==_ (!_ a) b)");
  EXPECT_EQ(P("a + b * c - d"), "(_-_ (_+_ a (_*_ b c)) d)");
  EXPECT_EQ(P("a - b - c"), "(_-_ (_-_ a b) c)");
  EXPECT_EQ(P("a / b * c % d"), "(_%_ (_*_ (_/_ a b) c) d)");
  EXPECT_EQ(P("a < b == c"), "(_==_ (_<_ a b) c)");
  EXPECT_EQ(P("a + 1 in b && c"), "(_&&_ (@in (_+_ a 1) b) c)");
  EXPECT_EQ(P("(a + b) * c"), "(_*_ (_+_ a b) c)");
  EXPECT_EQ(P("a ? b : c ? d : e"), "(_?_:_ a b (_?_:_ c d e))");
  EXPECT_EQ(P("a || b ? c && d : e"), "(_?_:_ (_||_ a b) (_&&_ c d) e)");
  EXPECT_EQ(P("x.y[0].z"), "(_[_] x.y 0).z");
  EXPECT_EQ(P("-a[0]"), "(-_ (_[_] a 0))");
}

TEST(ParserTest, AndOrChainsAreBalanced) {
  EXPECT_EQ(P("a && b && c && d"), "(_&&_ (_&&_ a b) (_&&_ c d))");
  EXPECT_EQ(P("a || b || c"), "(_||_ (_||_ a b) c)");
  EXPECT_EQ(P("a && b && c && d || e && f && g && h"),
            "(_||_ (_&&_ (_&&_ a b) (_&&_ c d)) (_&&_ (_&&_ e f) (_&&_ g h)))");

  std::vector<std::string> terms;
  for (int i = 0; i < 1000; ++i) terms.push_back(absl::StrCat("x", i, " > 0"));
  v1::ParsedExpr parsed = MustParse(absl::StrJoin(terms, " && "));
  // 1000 terms: log2(1000) ~ 10 levels of && above each `x > 0`.
  EXPECT_LE(Height(parsed.expr()), 13);
  EXPECT_EQ(parsed.expr().call_expr().function(), "_&&_");
}

// --- Identifiers, members, calls, literals of lists and maps -----------------

TEST(ParserTest, IdentifiersSelectsAndCalls) {
  EXPECT_EQ(P("a"), "a");
  EXPECT_EQ(P("_x1"), "_x1");
  EXPECT_EQ(P("a.b.c"), "a.b.c");
  EXPECT_EQ(P(".a.b"), ".a.b");  // a name from the root namespace
  EXPECT_EQ(P("f()"), "(f)");
  EXPECT_EQ(P("f(a, b)"), "(f a b)");
  EXPECT_EQ(P(".f(a)"), "(.f a)");
  EXPECT_EQ(P("a.f()"), "(a.f)");
  EXPECT_EQ(P("a.b.f(c, d)"), "(a.b.f c d)");
  EXPECT_EQ(P("name.startsWith('A')"), "(name.startsWith \"A\")");
  EXPECT_EQ(P("size(x) == x.size()"), "(_==_ (size x) (x.size))");
  EXPECT_EQ(P("a[0][1]"), "(_[_] (_[_] a 0) 1)");
  EXPECT_EQ(P("a.b[c].d"), "(_[_] a.b c).d");
  EXPECT_EQ(P("((a))"), "a");
  EXPECT_EQ(P("a.`field-name`"), "a.field-name");
  EXPECT_EQ(P("a.`b.c/d e`"), "a.b.c/d e");
}

TEST(ParserTest, ListAndMapLiterals) {
  EXPECT_EQ(P("[]"), "[]");
  EXPECT_EQ(P("[1, 2, 3]"), "[1 2 3]");
  EXPECT_EQ(P("[1, 2,]"), "[1 2]");
  EXPECT_EQ(P("[[1], []]"), "[[1] []]");
  EXPECT_EQ(P("{}"), "{}");
  EXPECT_EQ(P("{'a': 1, 'b': [2]}"), "{\"a\":1 \"b\":[2]}");
  EXPECT_EQ(P("{'a': 1,}"), "{\"a\":1}");
  EXPECT_EQ(P("{1: {2: 3}}[1]"), "(_[_] {1:{2:3}} 1)");
  EXPECT_EQ(P("[1, 2][0]"), "(_[_] [1 2] 0)");
  // Call arguments take no trailing comma.
  EXPECT_THAT(P("f(a,)"), HasSubstr("1:5: Syntax error: mismatched input ')'"));
}

TEST(ParserTest, ReservedWords) {
  for (const char* word :
       {"as", "break", "const", "continue", "else", "for", "function", "if",
        "import", "let", "loop", "package", "namespace", "return", "var",
        "void", "while"}) {
    EXPECT_EQ(P(word), absl::StrCat("ERROR 1:1: reserved identifier: ", word));
    EXPECT_EQ(P(absl::StrCat("1 + ", word, "(2)")),
              absl::StrCat("ERROR 1:5: reserved identifier: ", word));
    // They are fine as field and method names.
    EXPECT_EQ(P(absl::StrCat("m.", word)), absl::StrCat("m.", word));
    EXPECT_EQ(P(absl::StrCat("m.", word, "()")),
              absl::StrCat("(m.", word, ")"));
  }
  // The keywords are not identifiers at all.
  EXPECT_EQ(P("a.true"),
            "ERROR 1:3: Syntax error: mismatched input 'true' expecting "
            "IDENTIFIER");
  EXPECT_EQ(P("a.in"),
            "ERROR 1:3: Syntax error: mismatched input 'in' expecting "
            "IDENTIFIER");
}

TEST(ParserTest, WhitespaceAndComments) {
  EXPECT_EQ(P(" a\t+\r\n b // the rest is a comment\n + c\f"),
            "(_+_ (_+_ a b) c)");
  EXPECT_EQ(P("a // only a comment follows"), "a");
}

// --- Macros ------------------------------------------------------------------

TEST(ParserTest, HasMacro) {
  EXPECT_EQ(P("has(a.b)"), "a.b~test");
  EXPECT_EQ(P("has(a.b.c)"), "a.b.c~test");
  EXPECT_EQ(P("has(a.b) && a.b"), "(_&&_ a.b~test a.b)");
  EXPECT_EQ(P("has(a)"), "ERROR 1:5: invalid argument to has() macro");
  EXPECT_EQ(P("has(a[0])"), "ERROR 1:6: invalid argument to has() macro");
  EXPECT_EQ(P("has(has(a.b))"), "ERROR 1:8: invalid argument to has() macro");
  // Other shapes are ordinary calls.
  EXPECT_EQ(P("has(a.b, c)"), "(has a.b c)");
  EXPECT_EQ(P("x.has(a.b)"), "(x.has a.b)");
}

TEST(ParserTest, ComprehensionMacros) {
  EXPECT_EQ(P("e.all(x, p)"),
            "(fold x e @result true (@not_strictly_false @result) "
            "(_&&_ @result p) @result)");
  EXPECT_EQ(P("e.exists(x, p)"),
            "(fold x e @result false (@not_strictly_false (!_ @result)) "
            "(_||_ @result p) @result)");
  EXPECT_EQ(P("e.exists_one(x, p)"),
            "(fold x e @result 0 true (_?_:_ p (_+_ @result 1) @result) "
            "(_==_ @result 1))");
  EXPECT_EQ(P("e.map(x, t)"),
            "(fold x e @result [] true (_+_ @result [t]) @result)");
  EXPECT_EQ(P("e.map(x, p, t)"),
            "(fold x e @result [] true (_?_:_ p (_+_ @result [t]) @result) "
            "@result)");
  EXPECT_EQ(P("e.filter(x, p)"),
            "(fold x e @result [] true (_?_:_ p (_+_ @result [x]) @result) "
            "@result)");
  EXPECT_EQ(P("[1, 2].all(n, n > 0 && [n].exists(m, m == n))"),
            "(fold n [1 2] @result true (@not_strictly_false @result) "
            "(_&&_ @result (_&&_ (_>_ n 0) (fold m [n] @result false "
            "(@not_strictly_false (!_ @result)) (_||_ @result (_==_ m n)) "
            "@result))) @result)");
}

TEST(ParserTest, MacroShapesThatAreOrdinaryCalls) {
  EXPECT_EQ(P("all(a, b)"), "(all a b)");
  EXPECT_EQ(P("e.all(x)"), "(e.all x)");
  EXPECT_EQ(P("e.exists(x, y, z)"), "(e.exists x y z)");
  EXPECT_EQ(P("e.map(a, b, c, d)"), "(e.map a b c d)");
  EXPECT_EQ(P("e.filter()"), "(e.filter)");
}

TEST(ParserTest, MacroIterationVariableMustBeASimpleName) {
  EXPECT_EQ(P("e.all(x.y, p)"), "ERROR 1:8: argument must be a simple name");
  EXPECT_EQ(P("1.exists(2, 3)"), "ERROR 1:10: argument must be a simple name");
  EXPECT_EQ(P("e.exists_one(.x, p)"),
            "ERROR 1:15: argument must be a simple name");
  EXPECT_EQ(P("e.map(1, t)"), "ERROR 1:7: argument is not an identifier");
  EXPECT_EQ(P("e.filter(f(x), p)"),
            "ERROR 1:11: argument is not an identifier");
}

// --- Ids and positions -------------------------------------------------------

TEST(ParserTest, IdsAreUniqueAndEveryNodeHasAPosition) {
  for (const char* source :
       {"a.b(c) + -1 && !x[0] || {'k': [1, 2u, 3.0]}.size() > 2 ? y : z",
        "e.map(x, x > 0, x * 2).filter(y, has(y.z)).exists_one(w, w in [1])",
        "e.all(x, x.y) && e.exists(q, q)"}) {
    v1::ParsedExpr parsed = MustParse(source);
    std::vector<int64_t> ids;
    CollectIds(parsed.expr(), &ids);
    std::set<int64_t> unique(ids.begin(), ids.end());
    EXPECT_EQ(unique.size(), ids.size()) << source;
    EXPECT_GE(*unique.begin(), 1) << source;
    EXPECT_EQ(static_cast<size_t>(parsed.source_info().positions_size()),
              ids.size())
        << source;
    for (int64_t id : ids) {
      EXPECT_TRUE(parsed.source_info().positions().contains(id)) << source;
    }
  }
}

TEST(ParserTest, PositionsFollowCelGo) {
  //                                  0         1         2
  //                                  0123456789012345678901234567
  v1::ParsedExpr parsed = MustParse("a.b(c) + -1 == x[0] ? 'y' : f(z)");
  const auto& pos = parsed.source_info().positions();
  auto at = [&](absl::string_view text) {
    const v1::Expr* node = Find(parsed.expr(), text);
    return node == nullptr ? -1 : pos.at(node->id());
  };
  EXPECT_EQ(at("a"), 0);
  EXPECT_EQ(at("(a.b c)"), 3);               // receiver call: its '('
  EXPECT_EQ(at("(_+_ (a.b c) -1)"), 7);     // binary operator: the operator
  EXPECT_EQ(at("-1"), 9);                    // folded literal: its '-'
  EXPECT_EQ(at("(_[_] x 0)"), 16);           // index: its '['
  EXPECT_EQ(at("\"y\""), 22);
  EXPECT_EQ(at("(f z)"), 29);                // global call: its '('
  EXPECT_EQ(parsed.expr().call_expr().function(), "_?_:_");
  EXPECT_EQ(pos.at(parsed.expr().id()), 20);  // ternary: its '?'

  v1::ParsedExpr select = MustParse("msg.field");
  EXPECT_EQ(select.source_info().positions().at(select.expr().id()), 3);
}

TEST(ParserTest, MacroExpansionIsAtTheCallParenthesis) {
  v1::ParsedExpr parsed = MustParse("list.all(x, x > 0)");
  const auto& pos = parsed.source_info().positions();
  const auto& c = parsed.expr().comprehension_expr();
  EXPECT_EQ(pos.at(parsed.expr().id()), 8);
  EXPECT_EQ(pos.at(c.accu_init().id()), 8);
  EXPECT_EQ(pos.at(c.loop_step().id()), 8);
  EXPECT_EQ(pos.at(c.iter_range().id()), 0);  // `list` keeps its place
  EXPECT_EQ(pos.at(c.loop_step().call_expr().args(1).id()), 14);  // `>`

  v1::ParsedExpr has = MustParse("has(a.b)");
  EXPECT_EQ(has.source_info().positions().at(has.expr().id()), 3);
}

TEST(ParserTest, LinesAndColumnsOnMultiLineInput) {
  const char* source =
      "encounter.person.age >= 18 &&\n"
      "  encounter.charges.all(c,\n"
      "    c.level == 1)";
  v1::ParsedExpr parsed = MustParse(source);
  EXPECT_THAT(parsed.source_info().line_offsets(), ElementsAre(30, 57));
  EXPECT_EQ(Where(parsed, "encounter"), "1:1");
  EXPECT_EQ(Where(parsed, "encounter.person.age"), "1:17");
  EXPECT_EQ(Where(parsed, "encounter.charges"), "2:12");
  EXPECT_EQ(Where(parsed, "c.level"), "3:6");
  EXPECT_EQ(Where(parsed, "(_==_ c.level 1)"), "3:13");

  EXPECT_EQ(P("a &&\n  b +\n"),
            "ERROR 3:1: Syntax error: mismatched input '<EOF>' expecting "
            "{'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', "
            "NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}");
}

TEST(ParserTest, PositionsCountCodePointsNotBytes) {
  // 'é' is two bytes in UTF-8 but one code point.
  v1::ParsedExpr parsed = MustParse("'h\xC3\xA9llo' == x");
  EXPECT_EQ(Where(parsed, "x"), "1:12");
  EXPECT_EQ(P("'\xC3\xA9\xC3\xA9' + #"),
            "ERROR 1:8: Syntax error: token recognition error at: '#' | "
            "1:9: Syntax error: mismatched input '<EOF>' expecting {'[', "
            "'{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, "
            "NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}");
}

// --- Syntax errors -----------------------------------------------------------

TEST(ParserTest, TokenRecognitionErrors) {
  EXPECT_EQ(P("a # b"),
            "ERROR 1:3: Syntax error: token recognition error at: '#' | "
            "1:5: Syntax error: mismatched input 'b' expecting <EOF>");
  EXPECT_EQ(P("a = b"),
            "ERROR 1:3: Syntax error: token recognition error at: '=' | "
            "1:5: Syntax error: mismatched input 'b' expecting <EOF>");
  EXPECT_THAT(P("a | b"),
              HasSubstr("1:3: Syntax error: token recognition error at: '|'"));
  EXPECT_THAT(P("a & b"),
              HasSubstr("1:3: Syntax error: token recognition error at: '&'"));
  EXPECT_THAT(P("a + \xE2\x82\xAC"),
              HasSubstr("1:5: Syntax error: token recognition error at: "
                        "'\xE2\x82\xAC'"));
  EXPECT_THAT(P(absl::string_view("a \0 b", 5)),
              HasSubstr("1:3: Syntax error: token recognition error at: "
                        "'\\x00'"));
  EXPECT_THAT(P("a.`bad"),
              HasSubstr("1:3: Syntax error: token recognition error at: "
                        "'`bad'"));
}

TEST(ParserTest, MismatchedInput) {
  EXPECT_EQ(P("(a + b"),
            "ERROR 1:7: Syntax error: mismatched input '<EOF>' expecting ')'");
  EXPECT_EQ(P("a + b)"),
            "ERROR 1:6: Syntax error: mismatched input ')' expecting <EOF>");
  EXPECT_EQ(P("a b"),
            "ERROR 1:3: Syntax error: mismatched input 'b' expecting <EOF>");
  EXPECT_EQ(P("[1, 2"),
            "ERROR 1:6: Syntax error: mismatched input '<EOF>' expecting "
            "{',', ']'}");
  EXPECT_EQ(P("{1: 2"),
            "ERROR 1:6: Syntax error: mismatched input '<EOF>' expecting "
            "{',', '}'}");
  EXPECT_EQ(P("{1 2}"),
            "ERROR 1:4: Syntax error: mismatched input '2' expecting ':'");
  EXPECT_EQ(P("f(a b)"),
            "ERROR 1:5: Syntax error: mismatched input 'b' expecting "
            "{')', ','}");
  EXPECT_EQ(P("a."),
            "ERROR 1:3: Syntax error: mismatched input '<EOF>' expecting "
            "IDENTIFIER");
  EXPECT_EQ(P("a ? b"),
            "ERROR 1:6: Syntax error: mismatched input '<EOF>' expecting ':'");
  // The middle of a conditional is a ConditionalOr: nesting needs parens.
  EXPECT_THAT(P("a ? b ? c : d : e"),
              HasSubstr("1:7: Syntax error: mismatched input '?' expecting "
                        "':'"));
  EXPECT_EQ(P("a ? (b ? c : d) : e"), "(_?_:_ a (_?_:_ b c d) e)");
  EXPECT_EQ(P(""),
            "ERROR 1:1: Syntax error: mismatched input '<EOF>' expecting "
            "{'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', "
            "NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}");
  // Optional field syntax is not CEL's core grammar.
  EXPECT_THAT(P("a.?b"), HasSubstr("1:3: Syntax error: mismatched input '?'"));
}

TEST(ParserTest, StrayTokenIsSkippedAndParsingGoesOn) {
  EXPECT_EQ(P("1 + * 2 + )"),
            "ERROR 1:5: Syntax error: extraneous input '*' expecting {'[', "
            "'{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, "
            "NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER} | "
            "1:11: Syntax error: mismatched input ')' expecting {'[', '{', "
            "'(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, "
            "NUM_UINT, STRING, BYTES, IDENTIFIER}");
}

TEST(ParserTest, ReportsSeveralErrors) {
  std::vector<CompileIssue> issues = Issues("f(1 +, 2 +) && while && $ && x.");
  std::vector<std::string> texts;
  for (const CompileIssue& issue : issues) {
    EXPECT_EQ(issue.kind, CompileIssue::Kind::kSyntax);
    texts.push_back(absl::StrCat(issue.line, ":", issue.column));
  }
  // `,` `)` `while` `$` (then the second && in a row) and the end.
  EXPECT_THAT(texts,
              ElementsAre("1:6", "1:11", "1:16", "1:25", "1:27", "1:32"));
  EXPECT_EQ(issues[2].message, "reserved identifier: while");
}

TEST(ParserTest, ManySyntaxErrorsAreCapped) {
  std::string source;
  for (int i = 0; i < 500; ++i) source += "# ";
  std::vector<CompileIssue> issues = Issues(source);
  EXPECT_EQ(issues.size(), 101u);
  EXPECT_EQ(issues.back().message, "more than 100 syntax errors");
}

TEST(ParserTest, InvalidUtf8) {
  EXPECT_EQ(P("'ab\xFF'"), "ERROR 1:4: Syntax error: invalid UTF-8");
  EXPECT_EQ(P("a\n\xC0\x80"), "ERROR 2:1: Syntax error: invalid UTF-8");
  EXPECT_EQ(P("'\xED\xA0\x80'"), "ERROR 1:2: Syntax error: invalid UTF-8");
}

TEST(ParserTest, MessageConstructionIsNotSupported) {
  EXPECT_EQ(P("divert.v1.Person{age: 3}"),
            "ERROR 1:17: message construction (Name{field: value}) is not "
            "supported");
  EXPECT_EQ(P("Pathway{} == x"),
            "ERROR 1:8: message construction (Name{field: value}) is not "
            "supported");
  // After anything but a name, '{' is just unexpected.
  EXPECT_EQ(P("f(){}"),
            "ERROR 1:4: Syntax error: mismatched input '{' expecting <EOF>");
}

TEST(ParserTest, StatusIsInvalidArgumentWithTheFirstIssue) {
  std::vector<CompileIssue> issues;
  absl::StatusOr<v1::ParsedExpr> parsed = Parse("a +", Limits(), &issues);
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(parsed.status().message(),
              HasSubstr("1:4: Syntax error: mismatched input '<EOF>'"));
  // Issues are appended; a null vector is allowed.
  Parse("b +", Limits(), &issues).IgnoreError();
  EXPECT_THAT(issues, SizeIs(2));
  EXPECT_FALSE(Parse("c +", Limits(), nullptr).ok());
}

TEST(ParserTest, GarbageInputAlwaysTerminates) {
  const absl::string_view pieces[] = {
      "(", ")", "[", "]", "{", "}", ".", ",", ":", "?", "!", "-", "+", "*",
      "a", "1", "'s'", "&&", "||", "in", "has(", ".all(", "#", "\"", "'''",
      "b", "r", "`", "x.", " ", "\n", "1e", "0x", "while", "true"};
  uint32_t seed = 12345;
  for (int i = 0; i < 2000; ++i) {
    std::string source;
    for (int j = 0; j < 40; ++j) {
      seed = seed * 1103515245u + 12345u;
      const size_t count = sizeof(pieces) / sizeof(pieces[0]);
      absl::StrAppend(&source, pieces[(seed >> 16) % count]);
    }
    std::vector<CompileIssue> issues;
    absl::StatusOr<v1::ParsedExpr> parsed = Parse(source, Limits(), &issues);
    EXPECT_EQ(parsed.ok(), issues.empty()) << source;
  }
}

// --- Limits ------------------------------------------------------------------

std::string Repeat(absl::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) absl::StrAppend(&out, s);
  return out;
}

Limits Roomy() {
  Limits limits;
  limits.max_expression_length = 1 << 20;
  return limits;
}

TEST(ParserTest, SourceLengthLimitCountsCodePoints) {
  Limits limits;
  limits.max_expression_length = 10;
  EXPECT_EQ(P("a + b + c + d", limits),
            "ERROR limit 1:11: expression is longer than 10 code points");
  // 10 code points, 18 bytes.
  EXPECT_EQ(P("'\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
              "\xC3\xA9'",
              limits),
            "\"\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9"
            "\\xc3\\xa9\\xc3\\xa9\"");
}

TEST(ParserTest, NestingLimitOnDeepInput) {
  const std::string kLimitError =
      "expression nested too deeply (limit 128)";
  struct Case {
    std::string source;
    std::string where;
  };
  const Case cases[] = {
      {std::string(100000, '('), "1:129"},
      {std::string(100000, '-') + "x", "1:129"},
      {std::string(100000, '!') + "x", "1:129"},
      {std::string(100000, '['), "1:129"},
      {std::string(100000, '{') , "1:129"},
      {"f" + std::string(100000, '('), "1:130"},
      // Select and index chains are loops; the tree depth is limited.
      {"a" + Repeat(".b", 1000), "1:258"},
      {"a" + Repeat("[0]", 1000), "1:386"},
  };
  for (const Case& c : cases) {
    std::vector<CompileIssue> issues = Issues(c.source, Roomy());
    ASSERT_FALSE(issues.empty());
    const CompileIssue& last = issues.back();
    EXPECT_EQ(last.kind, CompileIssue::Kind::kLimit) << c.source.substr(0, 3);
    EXPECT_EQ(last.message, kLimitError);
    EXPECT_EQ(absl::StrCat(last.line, ":", last.column), c.where)
        << c.source.substr(0, 3);
  }
  // A run of dots is one syntax error, not a deep tree.
  EXPECT_EQ(P("a" + std::string(100000, '.'), Roomy()),
            "ERROR 1:3: Syntax error: mismatched input '.' expecting "
            "IDENTIFIER");
}

TEST(ParserTest, NestingLimitBoundary) {
  auto nested = [](int n, absl::string_view open, absl::string_view inner,
                   absl::string_view close) {
    std::string s;
    for (int i = 0; i < n; ++i) absl::StrAppend(&s, open);
    absl::StrAppend(&s, inner);
    for (int i = 0; i < n; ++i) absl::StrAppend(&s, close);
    return s;
  };
  EXPECT_EQ(P(nested(128, "(", "1", ")")), "1");
  EXPECT_THAT(P(nested(129, "(", "1", ")")),
              "ERROR limit 1:129: expression nested too deeply (limit 128)");
  EXPECT_TRUE(Parse(nested(128, "[", "1", "]"), Limits(), nullptr).ok());
  EXPECT_FALSE(Parse(nested(129, "[", "1", "]"), Limits(), nullptr).ok());
  EXPECT_TRUE(Parse(std::string(128, '-') + "x", Limits(), nullptr).ok());
  EXPECT_FALSE(Parse(std::string(129, '-') + "x", Limits(), nullptr).ok());

  Limits shallow;
  shallow.max_nesting_depth = 3;
  EXPECT_EQ(P("f(g(h(1)))", shallow), "(f (g (h 1)))");
  EXPECT_EQ(P("f(g(h(i(1))))", shallow),
            "ERROR limit 1:8: expression nested too deeply (limit 3)");
  EXPECT_EQ(P("a.b.c.d", shallow), "a.b.c.d");
  EXPECT_EQ(P("a.b.c.d.e", shallow),
            "ERROR limit 1:8: expression nested too deeply (limit 3)");
}

TEST(ParserTest, LongOperatorChainIsATreeDepthLimitNotADeepTree) {
  std::vector<std::string> terms(1000, "a");
  std::vector<CompileIssue> issues = Issues(absl::StrJoin(terms, " + "));
  ASSERT_THAT(issues, SizeIs(1));
  EXPECT_EQ(issues[0].kind, CompileIssue::Kind::kLimit);
  EXPECT_EQ(issues[0].message, "expression nested too deeply (limit 128)");
  // The 129th '+' (at offset 4 * 129 - 2) is where the tree got too deep.
  EXPECT_EQ(issues[0].column, 4 * 129 - 1);

  // 100 terms are fine; the same chain of && is balanced and fine at 1000.
  terms.resize(100);
  EXPECT_TRUE(Parse(absl::StrJoin(terms, " + "), Limits(), nullptr).ok());
  terms.assign(1000, "a");
  EXPECT_TRUE(Parse(absl::StrJoin(terms, " && "), Limits(), nullptr).ok());
}

TEST(ParserTest, NodeLimit) {
  Limits limits;
  limits.max_nodes = 10;
  EXPECT_EQ(P("a + b + c + d + e", limits),
            "(_+_ (_+_ (_+_ (_+_ a b) c) d) e)");
  EXPECT_EQ(P("a + b + c + d + e + f", limits),
            "ERROR limit 1:19: expression has too many nodes (limit 10)");
  // Macro expansions count with their expanded size (9 nodes here).
  limits.max_nodes = 8;
  EXPECT_EQ(P("e.all(x, p)", limits),
            "ERROR limit 1:6: expression has too many nodes (limit 8)");
}

// The deepest input the limits allow parses on a small thread stack
// (about 100 KiB are used in an optimized build; sanitizers need ~5x more).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr size_t kSmallStack = 4 << 20;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
constexpr size_t kSmallStack = 4 << 20;
#else
constexpr size_t kSmallStack = 512 << 10;
#endif
#else
constexpr size_t kSmallStack = 512 << 10;
#endif

TEST(ParserTest, DeepestAllowedInputFitsASmallStack) {
  struct Job {
    std::string source;
    bool ok = false;
  } job;
  for (int i = 0; i < 128; ++i) job.source += "f([{1: ";
  job.source += "x";
  for (int i = 0; i < 128; ++i) job.source += "}])";
  // Not all of that is allowed (each level nests 3 deep), but the parser
  // gets to the depth limit before it stops.
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, kSmallStack);
  pthread_t thread;
  auto run = [](void* arg) -> void* {
    Job* job = static_cast<Job*>(arg);
    std::vector<CompileIssue> issues;
    Parse(job->source, Limits(), &issues).IgnoreError();
    job->ok = issues.size() == 1 &&
              issues[0].kind == CompileIssue::Kind::kLimit;
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attr, run, &job), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  EXPECT_TRUE(job.ok);
}

// --- Conformance-style expressions -------------------------------------------

TEST(ParserTest, PolicyConditions) {
  EXPECT_EQ(
      P("encounter.pathway == Pathway.ARREST_DIVERSION && "
        "encounter.charges.all(c, c.level in [OffenseLevel.MISDEMEANOR, "
        "OffenseLevel.VIOLATION] && !c.violent) && encounter.person.age >= 18"),
      "(_&&_ (_&&_ (_==_ encounter.pathway Pathway.ARREST_DIVERSION) "
      "(fold c encounter.charges @result true (@not_strictly_false @result) "
      "(_&&_ @result (_&&_ (@in c.level [OffenseLevel.MISDEMEANOR "
      "OffenseLevel.VIOLATION]) (!_ c.violent))) @result)) "
      "(_>=_ encounter.person.age 18))");
  EXPECT_EQ(P("{'as': 1}.as"), "{\"as\":1}.as");
  EXPECT_EQ(P("-9223372036854775808 - 1"), "(_-_ -9223372036854775808 1)");
  EXPECT_EQ(P("-(42u)"), "(-_ 42u)");
}

}  // namespace
}  // namespace divert::cel
