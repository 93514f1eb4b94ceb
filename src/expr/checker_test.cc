#include "expr/checker.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "divert/v1/encounter.pb.h"
#include "expr/parser.h"
#include "expr/standard_declarations.h"
#include "expr/type_names.h"
#include "expr/variable_table.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/text_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace divert::cel {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

class CheckerTest : public ::testing::Test {
 protected:
  CheckerTest() {
    // Linking encounter.pb.cc puts divert.v1 into the generated pool.
    (void)v1::Encounter::descriptor();
    options_.variables = &variables_;
    options_.pool = google::protobuf::DescriptorPool::generated_pool();
    Declare("encounter", "divert.v1.Encounter");
  }

  void Declare(absl::string_view name, absl::string_view type) {
    absl::StatusOr<v1::Type> parsed = ParseTypeName(type, *options_.pool);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    ASSERT_GE(variables_.Add(name, *parsed), 0) << name;
  }

  absl::StatusOr<v1::CheckedExpr> Check(absl::string_view source) {
    issues_.clear();
    std::vector<CompileIssue> syntax;
    absl::StatusOr<v1::ParsedExpr> parsed = Parse(source, Limits(), &syntax);
    EXPECT_TRUE(parsed.ok()) << source << ": " << parsed.status();
    if (!parsed.ok()) return parsed.status();
    return divert::cel::Check(*parsed, options_, &issues_);
  }

  // The type of the whole expression in CEL notation, or the error.
  std::string TypeOf(absl::string_view source) {
    absl::StatusOr<v1::CheckedExpr> checked = Check(source);
    if (!checked.ok()) return std::string(checked.status().message());
    return TypeAt(*checked, checked->expr());
  }

  static std::string TypeAt(const v1::CheckedExpr& checked,
                            const v1::Expr& node) {
    auto it = checked.type_map().find(node.id());
    return it == checked.type_map().end() ? "<none>" : FormatType(it->second);
  }

  // Every issue of a failed check as "line:column: message".
  std::vector<std::string> Errors(absl::string_view source) {
    absl::StatusOr<v1::CheckedExpr> checked = Check(source);
    EXPECT_FALSE(checked.ok()) << source << " checks as "
                               << (checked.ok() ? TypeAt(*checked,
                                                         checked->expr())
                                                : "");
    if (!checked.ok()) {
      EXPECT_EQ(checked.status().code(), absl::StatusCode::kInvalidArgument);
    }
    std::vector<std::string> messages;
    for (const CompileIssue& issue : issues_) {
      EXPECT_EQ(issue.kind, CompileIssue::Kind::kType);
      messages.push_back(
          absl::StrCat(issue.line, ":", issue.column, ": ", issue.message));
    }
    return messages;
  }

  // The overload ids recorded for the root call.
  std::vector<std::string> OverloadsOf(absl::string_view source) {
    absl::StatusOr<v1::CheckedExpr> checked = Check(source);
    if (!checked.ok()) return {std::string(checked.status().message())};
    auto it = checked->reference_map().find(checked->expr().id());
    if (it == checked->reference_map().end()) return {};
    return {it->second.overload_id().begin(), it->second.overload_id().end()};
  }

  VariableTable variables_;
  CheckerOptions options_;
  std::vector<CompileIssue> issues_;
};

// ---------------------------------------------------------------------------
// Conditions over divert.v1.Encounter
// ---------------------------------------------------------------------------

TEST_F(CheckerTest, ChargesExistWithEnumConstantInContainer) {
  options_.container = "divert.v1";
  absl::StatusOr<v1::CheckedExpr> checked =
      Check("encounter.charges.exists(c, c.level == OffenseLevel.FELONY)");
  ASSERT_TRUE(checked.ok()) << checked.status();
  EXPECT_EQ(TypeAt(*checked, checked->expr()), "bool");

  const v1::Expr::Comprehension& c = checked->expr().comprehension_expr();
  EXPECT_EQ(TypeAt(*checked, c.iter_range()), "list(divert.v1.Charge)");
  // The step is `@result || c.level == OffenseLevel.FELONY`.
  const v1::Expr& equals = c.loop_step().call_expr().args(1);
  EXPECT_THAT(checked->reference_map().at(equals.id()).overload_id(),
              ElementsAre("equals"));
  const v1::Expr& level = equals.call_expr().args(0);
  EXPECT_EQ(TypeAt(*checked, level), "int");
  // The enum constant became one identifier carrying its value.
  const v1::Expr& felony = equals.call_expr().args(1);
  ASSERT_TRUE(felony.has_ident_expr());
  EXPECT_EQ(felony.ident_expr().name(), "divert.v1.OffenseLevel.FELONY");
  const v1::Reference& reference = checked->reference_map().at(felony.id());
  EXPECT_EQ(reference.name(), "divert.v1.OffenseLevel.FELONY");
  EXPECT_EQ(reference.value().int64_value(), 1);
  EXPECT_EQ(TypeAt(*checked, felony), "int");
  // `encounter` names a declared variable; `c` is the comprehension's own.
  const v1::Expr& encounter = c.iter_range().select_expr().operand();
  EXPECT_EQ(checked->reference_map().at(encounter.id()).name(), "encounter");
  EXPECT_FALSE(checked->reference_map().contains(
      level.select_expr().operand().id()));
}

TEST_F(CheckerTest, AgeComparesWithIntsUintsAndDoubles) {
  EXPECT_THAT(OverloadsOf("encounter.person.age >= 18"),
              ElementsAre("greater_equals_int64"));
  EXPECT_THAT(OverloadsOf("encounter.person.age >= 17.5"),
              ElementsAre("greater_equals_int64_double"));
  EXPECT_THAT(OverloadsOf("18u <= encounter.person.age"),
              ElementsAre("less_equals_uint64_int64"));
}

TEST_F(CheckerTest, MisspelledFieldIsAnErrorAtItsDot) {
  EXPECT_THAT(Errors("encounter.person.agee >= 18"),
              ElementsAre("1:17: undefined field 'agee'"));
}

TEST_F(CheckerTest, HourOfTheEncounterInATimeZone) {
  absl::StatusOr<v1::CheckedExpr> checked =
      Check("encounter.occurred_at.getHours('America/New_York') < 6");
  ASSERT_TRUE(checked.ok()) << checked.status();
  EXPECT_EQ(TypeAt(*checked, checked->expr()), "bool");
  const v1::Expr& hours = checked->expr().call_expr().args(0);
  EXPECT_THAT(checked->reference_map().at(hours.id()).overload_id(),
              ElementsAre("timestamp_to_hours_with_tz"));
  EXPECT_EQ(TypeAt(*checked, hours.call_expr().target()),
            "google.protobuf.Timestamp");
}

TEST_F(CheckerTest, RepeatedEnumFieldIsAListOfInts) {
  options_.container = "divert.v1";
  absl::StatusOr<v1::CheckedExpr> checked =
      Check("RaceEthnicity.WHITE in encounter.person.race_ethnicity");
  ASSERT_TRUE(checked.ok()) << checked.status();
  const v1::Expr::Call& in = checked->expr().call_expr();
  EXPECT_EQ(TypeAt(*checked, in.args(1)), "list(int)");
  EXPECT_THAT(checked->reference_map().at(checked->expr().id()).overload_id(),
              ElementsAre("in_list"));
  EXPECT_EQ(
      checked->reference_map().at(in.args(0).id()).value().int64_value(), 7);
}

TEST_F(CheckerTest, FieldTypesOfTheDomainMessages) {
  EXPECT_EQ(TypeOf("encounter.person"), "divert.v1.Person");
  EXPECT_EQ(TypeOf("encounter.person.given_name"), "string");
  EXPECT_EQ(TypeOf("encounter.person.date_of_birth.year"), "int");
  EXPECT_EQ(TypeOf("encounter.person.needs.drugs"), "bool");
  EXPECT_EQ(TypeOf("encounter.pathway"), "int");
  EXPECT_EQ(TypeOf("encounter.person.gender"), "list(int)");
  EXPECT_EQ(TypeOf("encounter.occurred_at"), "google.protobuf.Timestamp");
  EXPECT_EQ(TypeOf("encounter.charges[0].drug_quantity_grams"), "double");
}

TEST_F(CheckerTest, MacrosOverCharges) {
  EXPECT_EQ(TypeOf("encounter.charges.filter(c, c.violent)"),
            "list(divert.v1.Charge)");
  EXPECT_EQ(TypeOf("encounter.charges.map(c, c.statute_code)"),
            "list(string)");
  EXPECT_EQ(TypeOf("encounter.charges.map(c, c.violent, c.level)"),
            "list(int)");
  EXPECT_EQ(TypeOf("encounter.charges.exists_one(c, c.level == 1)"), "bool");
  EXPECT_EQ(TypeOf("encounter.charges.all(c, c.drug_possession)"), "bool");
  EXPECT_EQ(TypeOf("size(encounter.charges.filter(c, c.drug_sale)) > 1"),
            "bool");
}

TEST_F(CheckerTest, HasTestsFieldsOfMessagesAndKeysOfMaps) {
  Declare("labels", "map(string, string)");
  EXPECT_EQ(TypeOf("has(encounter.person.age)"), "bool");
  EXPECT_EQ(TypeOf("has(labels.site)"), "bool");
  EXPECT_EQ(TypeOf("has({'a': 1}.b)"), "bool");
  // A has() test is where its macro call is (the '(').
  EXPECT_THAT(Errors("has(encounter.person.agee)"),
              ElementsAre("1:4: undefined field 'agee'"));
  EXPECT_THAT(Errors("has(encounter.person.age.years)"),
              ElementsAre("1:4: type 'int' does not support field selection"));
}

// ---------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------

TEST_F(CheckerTest, EnumConstantsByQualifiedName) {
  absl::StatusOr<v1::CheckedExpr> checked =
      Check("divert.v1.Pathway.SOCIAL_CONTACT");
  ASSERT_TRUE(checked.ok()) << checked.status();
  EXPECT_EQ(checked->expr().ident_expr().name(),
            "divert.v1.Pathway.SOCIAL_CONTACT");
  EXPECT_EQ(checked->reference_map().at(checked->expr().id()).value()
                .int64_value(),
            2);
  // The Select nodes the identifier replaced are gone.
  EXPECT_EQ(checked->type_map().size(), 1u);

  // A leading dot means "from the root", whatever the container.
  options_.container = "other";
  EXPECT_EQ(TypeOf(".divert.v1.Pathway.ARREST_DIVERSION"), "int");
  EXPECT_EQ(TypeOf("encounter.pathway == .divert.v1.Pathway.SOCIAL_CONTACT"),
            "bool");
}

TEST_F(CheckerTest, ContainerPrefixesAreTriedLongestFirst) {
  // In container "divert.v1.rules", `Pathway.SOCIAL_CONTACT` is tried as
  // divert.v1.rules.Pathway.SOCIAL_CONTACT, then divert.v1.Pathway... .
  options_.container = "divert.v1.rules";
  absl::StatusOr<v1::CheckedExpr> checked = Check("Pathway.SOCIAL_CONTACT");
  ASSERT_TRUE(checked.ok()) << checked.status();
  EXPECT_EQ(checked->expr().ident_expr().name(),
            "divert.v1.Pathway.SOCIAL_CONTACT");

  // A variable named with the container's prefix wins over a shorter one.
  Declare("divert.limit", "int");
  Declare("limit", "string");
  options_.container = "divert";
  checked = Check("limit");
  ASSERT_TRUE(checked.ok()) << checked.status();
  EXPECT_EQ(checked->reference_map().at(checked->expr().id()).name(),
            "divert.limit");
  EXPECT_EQ(TypeAt(*checked, checked->expr()), "int");
}

TEST_F(CheckerTest, DottedVariableNamesResolveAsAWhole) {
  Declare("request.auth", "map(string, int)");
  // `request.auth` is the variable, `.level` a key of it.
  absl::StatusOr<v1::CheckedExpr> checked = Check("request.auth.level");
  ASSERT_TRUE(checked.ok()) << checked.status();
  const v1::Expr& operand = checked->expr().select_expr().operand();
  EXPECT_EQ(operand.ident_expr().name(), "request.auth");
  EXPECT_EQ(checked->reference_map().at(operand.id()).name(), "request.auth");
  EXPECT_EQ(TypeAt(*checked, checked->expr()), "int");
}

TEST_F(CheckerTest, ComprehensionVariablesShadowDeclaredOnes) {
  absl::StatusOr<v1::CheckedExpr> checked =
      Check("[1, 2].exists(encounter, encounter > 1)");
  ASSERT_TRUE(checked.ok()) << checked.status();
  const v1::Expr& inner = checked->expr()
                              .comprehension_expr()
                              .loop_step()
                              .call_expr()
                              .args(1)
                              .call_expr()
                              .args(0);
  EXPECT_EQ(TypeAt(*checked, inner), "int");
  EXPECT_FALSE(checked->reference_map().contains(inner.id()));
  // ... and qualified names that start with them.
  options_.container = "divert.v1";
  EXPECT_THAT(Errors("[1].exists(Pathway, Pathway.SOCIAL_CONTACT == 2)"),
              ElementsAre("1:28: type 'int' does not support field "
                          "selection"));
}

TEST_F(CheckerTest, UndeclaredReferencesNameTheContainer) {
  EXPECT_THAT(Errors("x"),
              ElementsAre("1:1: undeclared reference to 'x' (in container "
                          "'')"));
  options_.container = "divert.v1";
  // The enum exists, its value does not: name the whole reference.
  EXPECT_THAT(Errors("encounter.charges[0].level == OffenseLevel.FELONI"),
              ElementsAre("1:43: undeclared reference to "
                          "'OffenseLevel.FELONI' (in container 'divert.v1')"));
  EXPECT_THAT(Errors("encounterr.person.age"),
              ElementsAre("1:1: undeclared reference to 'encounterr' (in "
                          "container 'divert.v1')"));
  EXPECT_THAT(Errors("lookup(1)"),
              ElementsAre("1:7: undeclared reference to 'lookup' (in "
                          "container 'divert.v1')"));
  EXPECT_THAT(Errors("encounter.person.lookup(1)"),
              ElementsAre("1:24: undeclared reference to 'lookup' (in "
                          "container 'divert.v1')"));
}

// ---------------------------------------------------------------------------
// Literals
// ---------------------------------------------------------------------------

TEST_F(CheckerTest, ConstantTypes) {
  EXPECT_EQ(TypeOf("null"), "null_type");
  EXPECT_EQ(TypeOf("true"), "bool");
  EXPECT_EQ(TypeOf("42"), "int");
  EXPECT_EQ(TypeOf("42u"), "uint");
  EXPECT_EQ(TypeOf("0.1"), "double");
  EXPECT_EQ(TypeOf("'test'"), "string");
  EXPECT_EQ(TypeOf("b'test'"), "bytes");
}

TEST_F(CheckerTest, ListLiteralsJoinTheirElementTypes) {
  EXPECT_EQ(TypeOf("[1]"), "list(int)");
  EXPECT_EQ(TypeOf("[1, 'a']"), "list(dyn)");
  EXPECT_EQ(TypeOf("[1.0, 2u]"), "list(dyn)");
  EXPECT_EQ(TypeOf("[[], [1]]"), "list(list(int))");
  EXPECT_EQ(TypeOf("[[1], ['a']]"), "list(dyn)");
  // `[]` stays open until something decides; if nothing does, dyn.
  EXPECT_EQ(TypeOf("[]"), "list(dyn)");
  EXPECT_EQ(TypeOf("[] + [1]"), "list(int)");
  EXPECT_EQ(TypeOf("[null, encounter.person]"), "list(divert.v1.Person)");
}

TEST_F(CheckerTest, MapLiteralsJoinKeysAndValues) {
  EXPECT_EQ(TypeOf("{'abc': 123}"), "map(string, int)");
  EXPECT_EQ(TypeOf("{}"), "map(dyn, dyn)");
  EXPECT_EQ(TypeOf("{1: 'a', 'b': 2u}"), "map(dyn, dyn)");
  EXPECT_EQ(TypeOf("{true: 1, false: 2}"), "map(bool, int)");
  EXPECT_EQ(TypeOf("{'abc': 123}['abc']"), "int");
  EXPECT_EQ(TypeOf("['foo'][0]"), "string");
}

TEST_F(CheckerTest, MapKeysMustBeBoolIntUintOrString) {
  EXPECT_THAT(Errors("{1.5: 'a', 2.5: 'b'}"),
              ElementsAre("1:2: unsupported map key type 'double'",
                          "1:12: unsupported map key type 'double'"));
  EXPECT_THAT(Errors("{null: false}"),
              ElementsAre("1:2: unsupported map key type 'null_type'"));
  EXPECT_THAT(Errors("{encounter.person: 1}"),
              ElementsAre("1:11: unsupported map key type "
                          "'divert.v1.Person'"));
}

TEST_F(CheckerTest, SelectingFromMapsDynAndOtherTypes) {
  Declare("x", "map(string, int)");
  EXPECT_EQ(TypeOf("x.name"), "int");
  Declare("d", "dyn");
  EXPECT_EQ(TypeOf("d.any.thing"), "dyn");
  EXPECT_THAT(Errors("1.f"),
              ElementsAre("1:2: type 'int' does not support field selection"));
  EXPECT_THAT(Errors("encounter.charges.level"),
              ElementsAre("1:18: type 'list(divert.v1.Charge)' does not "
                          "support field selection"));
}

// ---------------------------------------------------------------------------
// Standard declarations: every family
// ---------------------------------------------------------------------------

class StandardCallsTest : public CheckerTest {
 protected:
  StandardCallsTest() {
    Declare("i", "int");
    Declare("u", "uint");
    Declare("f", "double");
    Declare("s", "string");
    Declare("by", "bytes");
    Declare("t", "google.protobuf.Timestamp");
    Declare("d", "google.protobuf.Duration");
    Declare("li", "list(int)");
    Declare("m", "map(string, double)");
    Declare("ok", "bool");
    Declare("any", "dyn");
  }

  // `source` resolves to exactly `overload` and has type `type`.
  void Expect(absl::string_view source, absl::string_view overload,
              absl::string_view type) {
    SCOPED_TRACE(source);
    absl::StatusOr<v1::CheckedExpr> checked = Check(source);
    ASSERT_TRUE(checked.ok()) << checked.status();
    EXPECT_THAT(checked->reference_map().at(checked->expr().id()).overload_id(),
                ElementsAre(std::string(overload)));
    EXPECT_EQ(TypeAt(*checked, checked->expr()), type);
  }
};

TEST_F(StandardCallsTest, Arithmetic) {
  Expect("i + i", "add_int64", "int");
  Expect("u + u", "add_uint64", "uint");
  Expect("f + f", "add_double", "double");
  Expect("s + s", "add_string", "string");
  Expect("by + by", "add_bytes", "bytes");
  Expect("li + li", "add_list", "list(int)");
  Expect("t + d", "add_timestamp_duration", "google.protobuf.Timestamp");
  Expect("d + t", "add_duration_timestamp", "google.protobuf.Timestamp");
  Expect("d + d", "add_duration_duration", "google.protobuf.Duration");
  Expect("i - i", "subtract_int64", "int");
  Expect("u - u", "subtract_uint64", "uint");
  Expect("f - f", "subtract_double", "double");
  Expect("t - t", "subtract_timestamp_timestamp", "google.protobuf.Duration");
  Expect("t - d", "subtract_timestamp_duration", "google.protobuf.Timestamp");
  Expect("d - d", "subtract_duration_duration", "google.protobuf.Duration");
  Expect("i * i", "multiply_int64", "int");
  Expect("u * u", "multiply_uint64", "uint");
  Expect("f * f", "multiply_double", "double");
  Expect("i / i", "divide_int64", "int");
  Expect("u / u", "divide_uint64", "uint");
  Expect("f / f", "divide_double", "double");
  Expect("i % i", "modulo_int64", "int");
  Expect("u % u", "modulo_uint64", "uint");
  Expect("-i", "negate_int64", "int");
  Expect("-f", "negate_double", "double");
  // Errors at run time (division by zero, overflow) check fine.
  Expect("1 / 0", "divide_int64", "int");
}

TEST_F(StandardCallsTest, ArithmeticDoesNotMixTypes) {
  EXPECT_THAT(Errors("1 + 'a'"),
              ElementsAre("1:3: found no matching overload for '_+_' applied "
                          "to '(int, string)'"));
  EXPECT_THAT(Errors("i + u"),
              ElementsAre("1:3: found no matching overload for '_+_' applied "
                          "to '(int, uint)'"));
  EXPECT_THAT(Errors("47.5 % 5.5"),
              ElementsAre("1:6: found no matching overload for '_%_' applied "
                          "to '(double, double)'"));
  EXPECT_THAT(Errors("-(5u)"),
              ElementsAre("1:1: found no matching overload for '-_' applied "
                          "to '(uint)'"));
  EXPECT_THAT(Errors("t + t"),
              ElementsAre("1:3: found no matching overload for '_+_' applied "
                          "to '(google.protobuf.Timestamp, "
                          "google.protobuf.Timestamp)'"));
  EXPECT_THAT(Errors("li + ['a']"),
              ElementsAre("1:4: found no matching overload for '_+_' applied "
                          "to '(list(int), list(string))'"));
}

TEST_F(StandardCallsTest, Logic) {
  Expect("!ok", "logical_not", "bool");
  Expect("ok && ok", "logical_and", "bool");
  Expect("ok || ok", "logical_or", "bool");
  Expect("ok ? i : 2", "conditional", "int");
  EXPECT_THAT(Errors("'horses' && true"),
              ElementsAre("1:10: found no matching overload for '_&&_' "
                          "applied to '(string, bool)'"));
  EXPECT_THAT(Errors("!0"),
              ElementsAre("1:1: found no matching overload for '!_' applied "
                          "to '(int)'"));
  EXPECT_THAT(Errors("true ? 'cows' : 17"),
              ElementsAre("1:6: found no matching overload for '_?_:_' "
                          "applied to '(bool, string, int)'"));
  EXPECT_THAT(Errors("'cows' ? false : 17"),
              ElementsAre("1:8: found no matching overload for '_?_:_' "
                          "applied to '(string, bool, int)'"));
}

TEST_F(StandardCallsTest, NotStrictlyFalseGuardsTheMacros) {
  absl::StatusOr<v1::CheckedExpr> checked = Check("li.all(x, x > 0)");
  ASSERT_TRUE(checked.ok()) << checked.status();
  const v1::Expr& condition =
      checked->expr().comprehension_expr().loop_condition();
  EXPECT_EQ(condition.call_expr().function(), "@not_strictly_false");
  EXPECT_THAT(checked->reference_map().at(condition.id()).overload_id(),
              ElementsAre("not_strictly_false"));
}

TEST_F(StandardCallsTest, ConditionalWidensToTheMoreGeneralBranch) {
  EXPECT_EQ(TypeOf("ok ? 1 : any"), "dyn");
  EXPECT_EQ(TypeOf("ok ? [] : li"), "list(int)");
  EXPECT_EQ(TypeOf("ok ? encounter.person : null"), "divert.v1.Person");
}

TEST_F(StandardCallsTest, OrderingSameTypes) {
  Expect("ok < ok", "less_bool", "bool");
  Expect("i < i", "less_int64", "bool");
  Expect("u <= u", "less_equals_uint64", "bool");
  Expect("f > f", "greater_double", "bool");
  Expect("s >= s", "greater_equals_string", "bool");
  Expect("by < by", "less_bytes", "bool");
  Expect("t <= t", "less_equals_timestamp", "bool");
  Expect("d > d", "greater_duration", "bool");
}

TEST_F(StandardCallsTest, OrderingAcrossNumericTypes) {
  Expect("i < f", "less_int64_double", "bool");
  Expect("i <= u", "less_equals_int64_uint64", "bool");
  Expect("u > f", "greater_uint64_double", "bool");
  Expect("u >= i", "greater_equals_uint64_int64", "bool");
  Expect("f < i", "less_double_int64", "bool");
  Expect("f > u", "greater_double_uint64", "bool");
  EXPECT_THAT(Errors("'foo' < 1024"),
              ElementsAre("1:7: found no matching overload for '_<_' applied "
                          "to '(string, int)'"));
  EXPECT_THAT(Errors("null < null"),
              ElementsAre("1:6: found no matching overload for '_<_' applied "
                          "to '(null_type, null_type)'"));
  EXPECT_THAT(Errors("[0] < [1]"),
              ElementsAre("1:5: found no matching overload for '_<_' applied "
                          "to '(list(int), list(int))'"));
}

TEST_F(StandardCallsTest, EqualityComparesNumbersAcrossTypes) {
  Expect("i == i", "equals", "bool");
  Expect("1 == 1u", "equals", "bool");
  Expect("f != i", "not_equals", "bool");
  Expect("li == [1.0, 2.0]", "equals", "bool");
  Expect("{1: 1.0} == {1u: 1}", "equals", "bool");
  Expect("encounter.person == null", "equals", "bool");
  Expect("[1, 'dos'] == [1, 2]", "equals", "bool");
  EXPECT_THAT(Errors("'a' == 1"),
              ElementsAre("1:5: found no matching overload for '_==_' applied "
                          "to '(string, int)'"));
  EXPECT_THAT(Errors("['one'] == [2, 3]"),
              ElementsAre("1:9: found no matching overload for '_==_' applied "
                          "to '(list(string), list(int))'"));
  // Timestamps and durations are values, never null.
  EXPECT_THAT(Errors("encounter.occurred_at == null"),
              ElementsAre("1:23: found no matching overload for '_==_' "
                          "applied to '(google.protobuf.Timestamp, "
                          "null_type)'"));
}

TEST_F(StandardCallsTest, InAndIndex) {
  Expect("i in li", "in_list", "bool");
  Expect("s in m", "in_map", "bool");
  Expect("li[i]", "index_list", "int");
  Expect("m[s]", "index_map", "double");
  // Numbers compare by value.
  Expect("f in li", "in_list", "bool");
  Expect("2u in li", "in_list", "bool");
  Expect("3.0 in {1: 1, 2: 2, 3u: 3}", "in_map", "bool");
  Declare("m2", "map(int, string)");
  Expect("m2[1u]", "index_map", "string");
  // Lists are indexed by int only.
  EXPECT_THAT(Errors("li[s]"),
              ElementsAre("1:3: found no matching overload for '_[_]' applied "
                          "to '(list(int), string)'"));
  EXPECT_THAT(Errors("s in li"),
              ElementsAre("1:3: found no matching overload for '@in' applied "
                          "to '(string, list(int))'"));
}

TEST_F(StandardCallsTest, Size) {
  Expect("size(s)", "size_string", "int");
  Expect("size(by)", "size_bytes", "int");
  Expect("size(li)", "size_list", "int");
  Expect("size(m)", "size_map", "int");
  Expect("s.size()", "string_size", "int");
  Expect("by.size()", "bytes_size", "int");
  Expect("li.size()", "list_size", "int");
  Expect("m.size()", "map_size", "int");
  EXPECT_THAT(Errors("size(i)"),
              ElementsAre("1:5: found no matching overload for 'size' applied "
                          "to '(int)'"));
}

TEST_F(StandardCallsTest, StringFunctions) {
  Expect("s.contains('x')", "contains_string", "bool");
  Expect("s.startsWith('x')", "starts_with_string", "bool");
  Expect("s.endsWith('x')", "ends_with_string", "bool");
  Expect("s.matches('^P')", "matches_string", "bool");
  Expect("matches(s, '^P')", "matches", "bool");
  EXPECT_THAT(Errors("encounter.person.age.contains('1')"),
              ElementsAre("1:30: found no matching overload for 'contains' "
                          "applied to 'int.(string)'"));
  // contains is receiver-style only.
  EXPECT_THAT(Errors("contains(s, 'x')"),
              ElementsAre("1:9: found no matching overload for 'contains' "
                          "applied to '(string, string)'"));
}

TEST_F(StandardCallsTest, Conversions) {
  Expect("int(i)", "int64_to_int64", "int");
  Expect("int(u)", "uint64_to_int64", "int");
  Expect("int(f)", "double_to_int64", "int");
  Expect("int(s)", "string_to_int64", "int");
  Expect("int(t)", "timestamp_to_int64", "int");
  Expect("uint(u)", "uint64_to_uint64", "uint");
  Expect("uint(i)", "int64_to_uint64", "uint");
  Expect("uint(f)", "double_to_uint64", "uint");
  Expect("uint(s)", "string_to_uint64", "uint");
  Expect("double(f)", "double_to_double", "double");
  Expect("double(i)", "int64_to_double", "double");
  Expect("double(u)", "uint64_to_double", "double");
  Expect("double(s)", "string_to_double", "double");
  Expect("string(s)", "string_to_string", "string");
  Expect("string(ok)", "bool_to_string", "string");
  Expect("string(i)", "int64_to_string", "string");
  Expect("string(u)", "uint64_to_string", "string");
  Expect("string(f)", "double_to_string", "string");
  Expect("string(by)", "bytes_to_string", "string");
  Expect("string(t)", "timestamp_to_string", "string");
  Expect("string(d)", "duration_to_string", "string");
  Expect("bool(ok)", "bool_to_bool", "bool");
  Expect("bool(s)", "string_to_bool", "bool");
  Expect("bytes(by)", "bytes_to_bytes", "bytes");
  Expect("bytes(s)", "string_to_bytes", "bytes");
  Expect("dyn(li)", "to_dyn", "dyn");
  Expect("timestamp(s)", "string_to_timestamp", "google.protobuf.Timestamp");
  Expect("timestamp(i)", "int64_to_timestamp", "google.protobuf.Timestamp");
  Expect("timestamp(t)", "timestamp_to_timestamp",
         "google.protobuf.Timestamp");
  Expect("duration(s)", "string_to_duration", "google.protobuf.Duration");
  Expect("duration(d)", "duration_to_duration", "google.protobuf.Duration");
  EXPECT_THAT(Errors("int(d)"),
              ElementsAre("1:4: found no matching overload for 'int' applied "
                          "to '(google.protobuf.Duration)'"));
  EXPECT_THAT(Errors("duration(i)"),
              ElementsAre("1:9: found no matching overload for 'duration' "
                          "applied to '(int)'"));
}

TEST_F(StandardCallsTest, TimestampAccessorsWithAndWithoutTimeZone) {
  struct Accessor {
    const char* function;
    const char* overload;
    const char* overload_with_tz;
  };
  for (const Accessor& a : std::vector<Accessor>{
           {"getFullYear", "timestamp_to_year", "timestamp_to_year_with_tz"},
           {"getMonth", "timestamp_to_month", "timestamp_to_month_with_tz"},
           {"getDate", "timestamp_to_day_of_month_1_based",
            "timestamp_to_day_of_month_1_based_with_tz"},
           {"getDayOfMonth", "timestamp_to_day_of_month",
            "timestamp_to_day_of_month_with_tz"},
           {"getDayOfWeek", "timestamp_to_day_of_week",
            "timestamp_to_day_of_week_with_tz"},
           {"getDayOfYear", "timestamp_to_day_of_year",
            "timestamp_to_day_of_year_with_tz"},
           {"getHours", "timestamp_to_hours", "timestamp_to_hours_with_tz"},
           {"getMinutes", "timestamp_to_minutes",
            "timestamp_to_minutes_with_tz"},
           {"getSeconds", "timestamp_to_seconds", "timestamp_to_seconds_tz"},
           {"getMilliseconds", "timestamp_to_milliseconds",
            "timestamp_to_milliseconds_with_tz"},
       }) {
    Expect(absl::StrCat("t.", a.function, "()"), a.overload, "int");
    Expect(absl::StrCat("t.", a.function, "('America/New_York')"),
           a.overload_with_tz, "int");
  }
  EXPECT_THAT(Errors("t.getHours(5)"),
              ElementsAre("1:11: found no matching overload for 'getHours' "
                          "applied to 'google.protobuf.Timestamp.(int)'"));
}

TEST_F(StandardCallsTest, DurationAccessors) {
  Expect("d.getHours()", "duration_to_hours", "int");
  Expect("d.getMinutes()", "duration_to_minutes", "int");
  Expect("d.getSeconds()", "duration_to_seconds", "int");
  Expect("d.getMilliseconds()", "duration_to_milliseconds", "int");
  // Durations have no calendar and no time zone.
  EXPECT_THAT(Errors("d.getFullYear()"),
              ElementsAre("1:14: found no matching overload for "
                          "'getFullYear' applied to "
                          "'google.protobuf.Duration.()'"));
  EXPECT_THAT(Errors("d.getHours('UTC')"),
              ElementsAre("1:11: found no matching overload for 'getHours' "
                          "applied to 'google.protobuf.Duration.(string)'"));
}

TEST_F(StandardCallsTest, DynMatchesEveryOverloadThatFits) {
  // Every `<` whose right-hand side takes an int.
  EXPECT_THAT(OverloadsOf("any < 1"),
              UnorderedElementsAre("less_int64", "less_uint64_int64",
                                   "less_double_int64"));
  // All four sizes agree on int.
  EXPECT_EQ(TypeOf("size(any)"), "int");
  EXPECT_EQ(TypeOf("any + 1"), "int");
  // A list element or a map value: dyn.
  EXPECT_EQ(TypeOf("any[0]"), "dyn");
  EXPECT_EQ(TypeOf("any.exists(x, x == 1)"), "bool");
}

TEST(StandardDeclarationsTest, OverloadIdsAreUniqueAndFindable) {
  absl::flat_hash_set<std::string> ids;
  for (const FunctionDecl& function : StandardFunctions()) {
    EXPECT_EQ(FindStandardFunction(function.name), &function);
    for (const OverloadDecl& overload : function.overloads) {
      EXPECT_TRUE(ids.insert(overload.id).second) << overload.id;
      // A receiver-style overload's first parameter is the receiver.
      if (overload.receiver_style) {
        EXPECT_FALSE(overload.params.empty()) << overload.id;
      }
    }
  }
  EXPECT_TRUE(ids.contains("less_int64_double"));
  EXPECT_TRUE(ids.contains("timestamp_to_year_with_tz"));
  EXPECT_EQ(FindStandardFunction("no_such_function"), nullptr);
}

// ---------------------------------------------------------------------------
// Comprehensions
// ---------------------------------------------------------------------------

TEST_F(CheckerTest, MacrosOverListsMapsAndEmptyLists) {
  EXPECT_EQ(TypeOf("[1, 2].map(x, x * 2)"), "list(int)");
  // The element type of `[]` comes from `n / 2`.
  EXPECT_EQ(TypeOf("[].map(n, n / 2)"), "list(int)");
  EXPECT_EQ(TypeOf("[].exists(e, e == 2)"), "bool");
  // Maps iterate over their keys.
  EXPECT_EQ(TypeOf("{'a': 1}.filter(k, k == 'a')"), "list(string)");
  EXPECT_EQ(TypeOf("{'John': 'smart'}.map(key, key) == ['John']"), "bool");
  // Mixed elements are dyn, so any operator fits them.
  EXPECT_EQ(TypeOf("[1, 'foo', 3].all(e, e % 2 == 1)"), "bool");
  EXPECT_EQ(TypeOf("[[1], [2]].map(l, l.map(x, x + 1))"), "list(list(int))");
}

TEST_F(CheckerTest, NestedComprehensionsSeeOuterVariables) {
  EXPECT_EQ(TypeOf("encounter.charges.all(c, [1, 2].exists(n, n == c.level))"),
            "bool");
  EXPECT_THAT(Errors("[1].all(x, [2].all(y, x + y == 'three'))"),
              ElementsAre("1:29: found no matching overload for '_==_' "
                          "applied to '(int, string)'"));
}

TEST_F(CheckerTest, ComprehensionRangeMustBeAListOrAMap) {
  EXPECT_THAT(Errors("encounter.person.age.exists(a, true)"),
              ElementsAre("1:17: expression of type 'int' cannot be the range "
                          "of a comprehension (must be list, map, or "
                          "dynamic)"));
}

TEST_F(CheckerTest, ComprehensionConditionMustBeBoolAndStepFitTheAccumulator) {
  // No macro makes such a fold; build it by hand: fold x over [1] from 0,
  // while 1 (at offset 10), step 's' (at offset 20).
  v1::ParsedExpr parsed;
  v1::Expr* e = parsed.mutable_expr();
  e->set_id(1);
  v1::Expr::Comprehension* c = e->mutable_comprehension_expr();
  c->set_iter_var("x");
  c->set_accu_var("@result");
  c->mutable_iter_range()->set_id(2);
  c->mutable_iter_range()->mutable_list_expr()->add_elements()->set_id(3);
  c->mutable_iter_range()->mutable_list_expr()->mutable_elements(0)
      ->mutable_const_expr()->set_int64_value(1);
  c->mutable_accu_init()->set_id(4);
  c->mutable_accu_init()->mutable_const_expr()->set_int64_value(0);
  c->mutable_loop_condition()->set_id(5);
  c->mutable_loop_condition()->mutable_const_expr()->set_int64_value(1);
  c->mutable_loop_step()->set_id(6);
  c->mutable_loop_step()->mutable_const_expr()->set_string_value("s");
  c->mutable_result()->set_id(7);
  c->mutable_result()->mutable_ident_expr()->set_name("@result");
  (*parsed.mutable_source_info()->mutable_positions())[5] = 10;
  (*parsed.mutable_source_info()->mutable_positions())[6] = 20;

  EXPECT_FALSE(divert::cel::Check(parsed, options_, &issues_).ok());
  ASSERT_EQ(issues_.size(), 2u);
  EXPECT_EQ(issues_[0].message, "expected type 'bool' but found 'int'");
  EXPECT_EQ(issues_[0].column, 11);
  EXPECT_EQ(issues_[1].message, "expected type 'int' but found 'string'");
  EXPECT_EQ(issues_[1].column, 21);
}

// ---------------------------------------------------------------------------
// Errors and output
// ---------------------------------------------------------------------------

TEST_F(CheckerTest, ReportsEveryErrorInSourceOrder) {
  absl::StatusOr<v1::CheckedExpr> checked =
      Check("encounter.person.agee > 1 && foo == 2 || 'a' - 1 > 0");
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(issues_.size(), 3u);
  EXPECT_EQ(issues_[0].message, "undefined field 'agee'");
  EXPECT_EQ(issues_[0].column, 17);
  EXPECT_EQ(issues_[1].message,
            "undeclared reference to 'foo' (in container '')");
  EXPECT_EQ(issues_[1].column, 30);
  EXPECT_EQ(issues_[2].message,
            "found no matching overload for '_-_' applied to '(string, int)'");
  EXPECT_EQ(issues_[2].column, 46);
  // Each problem is reported once: `agee > 1` and `foo == 2` add nothing.
  EXPECT_THAT(checked.status().message(),
              HasSubstr("1:17: undefined field 'agee'"));
}

TEST_F(CheckerTest, PositionsOnLaterLines) {
  EXPECT_THAT(Errors("encounter.person.age >= 18 &&\n"
                     "  encounter.pathway.x"),
              ElementsAre("2:20: type 'int' does not support field "
                          "selection"));
}

TEST_F(CheckerTest, EveryNodeHasATypeAndEveryCallItsOverloads) {
  absl::StatusOr<v1::CheckedExpr> checked = Check(
      "encounter.charges.exists(c, c.level in [1, 2]) ? [] : "
      "[encounter.agency]");
  ASSERT_TRUE(checked.ok()) << checked.status();
  EXPECT_EQ(TypeAt(*checked, checked->expr()), "list(string)");
  // Walk the tree: every node is in type_map, none an error or a parameter.
  std::vector<const v1::Expr*> pending = {&checked->expr()};
  size_t nodes = 0;
  while (!pending.empty()) {
    const v1::Expr* e = pending.back();
    pending.pop_back();
    ++nodes;
    auto it = checked->type_map().find(e->id());
    ASSERT_NE(it, checked->type_map().end()) << e->DebugString();
    EXPECT_FALSE(it->second.has_error());
    EXPECT_FALSE(it->second.has_type_param());
    switch (e->expr_kind_case()) {
      case v1::Expr::kSelectExpr:
        pending.push_back(&e->select_expr().operand());
        break;
      case v1::Expr::kCallExpr:
        if (e->call_expr().has_target()) {
          pending.push_back(&e->call_expr().target());
        }
        for (const v1::Expr& arg : e->call_expr().args()) {
          pending.push_back(&arg);
        }
        EXPECT_GT(checked->reference_map().at(e->id()).overload_id_size(), 0);
        break;
      case v1::Expr::kListExpr:
        for (const v1::Expr& element : e->list_expr().elements()) {
          pending.push_back(&element);
        }
        break;
      case v1::Expr::kComprehensionExpr: {
        const v1::Expr::Comprehension& c = e->comprehension_expr();
        for (const v1::Expr* child :
             {&c.iter_range(), &c.accu_init(), &c.loop_condition(),
              &c.loop_step(), &c.result()}) {
          pending.push_back(child);
        }
        break;
      }
      default:
        break;
    }
  }
  EXPECT_EQ(nodes, checked->type_map().size());
}

TEST_F(CheckerTest, DeepAndWideExpressions) {
  // As deep as the parser allows, and long chains it keeps balanced.
  std::string nested = "1";
  for (int i = 0; i < 60; ++i) nested = absl::StrCat("[", nested, "]");
  EXPECT_EQ(TypeOf(absl::StrCat("size(", nested, ") == 1")), "bool");
  std::string conjuncts = "encounter.person.age > 0";
  for (int i = 1; i < 2000; ++i) {
    absl::StrAppend(&conjuncts, i % 2 ? " && " : " || ",
                    "encounter.person.age > ", i);
  }
  EXPECT_EQ(TypeOf(conjuncts), "bool");
}

TEST_F(CheckerTest, ErrorMessagesNeverQuoteStringValues) {
  // A person's name in a literal must not reach an error message.
  for (const std::string& message :
       Errors("encounter.person.given_name == 'Jane Roe' + 1")) {
    EXPECT_THAT(message, ::testing::Not(HasSubstr("Jane")));
  }
}

TEST_F(CheckerTest, NeedsADescriptorPool) {
  options_.pool = nullptr;
  v1::ParsedExpr parsed;
  parsed.mutable_expr()->set_id(1);
  parsed.mutable_expr()->mutable_const_expr()->set_int64_value(1);
  EXPECT_EQ(divert::cel::Check(parsed, options_, &issues_).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// ---------------------------------------------------------------------------
// Field types from descriptors
// ---------------------------------------------------------------------------

TEST_F(CheckerTest, ScalarRepeatedAndMapFieldsMapToCelTypes) {
  google::protobuf::FileDescriptorProto file;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(R"pb(
    name: "checker_test/holder.proto"
    package: "checker_test"
    syntax: "proto3"
    message_type {
      name: "Holder"
      field { name: "i32" number: 1 type: TYPE_INT32 label: LABEL_OPTIONAL }
      field { name: "s64" number: 2 type: TYPE_SINT64 label: LABEL_OPTIONAL }
      field { name: "sf32" number: 3 type: TYPE_SFIXED32 label: LABEL_OPTIONAL }
      field { name: "u32" number: 4 type: TYPE_UINT32 label: LABEL_OPTIONAL }
      field { name: "f64" number: 5 type: TYPE_FIXED64 label: LABEL_OPTIONAL }
      field { name: "fl" number: 6 type: TYPE_FLOAT label: LABEL_OPTIONAL }
      field { name: "b" number: 7 type: TYPE_BYTES label: LABEL_OPTIONAL }
      field { name: "names" number: 8 type: TYPE_STRING label: LABEL_REPEATED }
      field {
        name: "counts"
        number: 9
        type: TYPE_MESSAGE
        label: LABEL_REPEATED
        type_name: ".checker_test.Holder.CountsEntry"
      }
      field {
        name: "children"
        number: 10
        type: TYPE_MESSAGE
        label: LABEL_REPEATED
        type_name: ".checker_test.Holder"
      }
      nested_type {
        name: "CountsEntry"
        field { name: "key" number: 1 type: TYPE_UINT64 label: LABEL_OPTIONAL }
        field {
          name: "value"
          number: 2
          type: TYPE_DOUBLE
          label: LABEL_OPTIONAL
        }
        options { map_entry: true }
      }
    }
  )pb", &file));
  google::protobuf::DescriptorPool pool;
  ASSERT_NE(pool.BuildFile(file), nullptr);
  options_.pool = &pool;
  VariableTable variables;
  v1::Type holder;
  holder.set_message_type("checker_test.Holder");
  variables.Add("h", holder);
  options_.variables = &variables;

  EXPECT_EQ(TypeOf("h.i32"), "int");
  EXPECT_EQ(TypeOf("h.s64"), "int");
  EXPECT_EQ(TypeOf("h.sf32"), "int");
  EXPECT_EQ(TypeOf("h.u32"), "uint");
  EXPECT_EQ(TypeOf("h.f64"), "uint");
  EXPECT_EQ(TypeOf("h.fl"), "double");
  EXPECT_EQ(TypeOf("h.b"), "bytes");
  EXPECT_EQ(TypeOf("h.names"), "list(string)");
  EXPECT_EQ(TypeOf("h.counts"), "map(uint, double)");
  EXPECT_EQ(TypeOf("h.children"), "list(checker_test.Holder)");
  EXPECT_EQ(TypeOf("h.counts[1u] + h.children[0].fl"), "double");
  EXPECT_EQ(TypeOf("h.counts.exists(k, k > 2u)"), "bool");
}

TEST_F(CheckerTest, EnumTypedVariablesAreInts) {
  Declare("level", "divert.v1.OffenseLevel");
  options_.container = "divert.v1";
  EXPECT_EQ(TypeOf("level"), "int");
  EXPECT_EQ(TypeOf("level == OffenseLevel.MISDEMEANOR"), "bool");
}

}  // namespace
}  // namespace divert::cel
