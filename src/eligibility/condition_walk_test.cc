#include "eligibility/condition_walk.h"

#include <string>

#include "divert/cel/cel.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace divert::eligibility {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Not;

v1::CheckedExpr Check(const std::string& source) {
  static cel::Environment* env = [] {
    auto* e = new cel::Environment();
    e->set_container("divert.v1");
    (void)e->DeclareVariable("encounter", "divert.v1.Encounter");
    (void)e->DeclareVariable("charge", "divert.v1.Charge");
    return e;
  }();
  auto program = env->Compile(source);
  EXPECT_TRUE(program.ok()) << program.status();
  return program.ok() ? (*program)->checked_expr() : v1::CheckedExpr();
}

TEST(EligibilityConditionWalkTest, FieldsReadNameTheirMessage) {
  const v1::CheckedExpr checked = Check(
      "encounter.circumstances.on_supervision || "
      "encounter.charges.exists(c, has(c.violent)) || "
      "encounter.person.gender.size() > 0");
  EXPECT_THAT(FieldsRead(checked),
              ElementsAre("divert.v1.Charge.violent",
                          "divert.v1.Circumstances.on_supervision",
                          "divert.v1.Encounter.charges",
                          "divert.v1.Encounter.circumstances",
                          "divert.v1.Encounter.person",
                          "divert.v1.Person.gender"));
  EXPECT_THAT(FieldsRead(Check("[encounter].exists(e, e.circumstances.on_supervision)")),
              Contains("divert.v1.Circumstances.on_supervision"))
      << "the message is known through a comprehension variable";
  EXPECT_THAT(FieldsRead(Check("true")), ::testing::IsEmpty());
}

TEST(EligibilityConditionWalkTest, FieldLiteralsInComparisons) {
  const v1::CheckedExpr checked = Check(
      "charge.statute_code == 'A' || 'B' != charge.statute_code || "
      "charge.statute_code in ['C', 'D'] || charge.description == 'E' || "
      "charge.offense_category == 'F' || charge.statute_code.startsWith('G')");
  std::vector<std::string> found;
  for (const FieldLiteral& f : FieldLiterals(checked, {"statute_code", "offense_category"})) {
    found.push_back(f.field + "=" + f.literal);
    EXPECT_GT(f.expr_id, 0);
  }
  EXPECT_THAT(found, ElementsAre("statute_code=A", "statute_code=B",
                                 "statute_code=C", "statute_code=D",
                                 "offense_category=F"));
  EXPECT_THAT(found, Not(Contains("statute_code=G")));
}

TEST(EligibilityConditionWalkTest, VisitsEveryNodeInOrder) {
  const v1::CheckedExpr checked = Check("1 + 2 == 3");
  std::vector<std::string> kinds;
  ForEachExpr(checked.expr(), [&](const v1::Expr& e) {
    kinds.push_back(e.has_call_expr() ? e.call_expr().function()
                                      : std::to_string(e.const_expr().int64_value()));
  });
  EXPECT_THAT(kinds, ElementsAre("_==_", "_+_", "1", "2", "3"));
}

}  // namespace
}  // namespace divert::eligibility
