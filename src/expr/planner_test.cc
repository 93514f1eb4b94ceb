// Planning: how checked and unchecked expressions become programs —
// variable tables, references resolved by the checker, plan-time errors,
// limits, and constant folding.
#include "expr/planner.h"

#include <memory>
#include <string>
#include <vector>

#include "divert/cel/cel.h"
#include "divert/v1/encounter.pb.h"
#include "expr/parser.h"
#include "expr/variable_table.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"

namespace divert::cel {
namespace {

using ::testing::HasSubstr;

const google::protobuf::DescriptorPool* Pool() {
  (void)v1::Encounter::descriptor();
  return google::protobuf::DescriptorPool::generated_pool();
}

// Builds expression trees by hand, for shapes the parser does not make.
class ExprBuilder {
 public:
  v1::Expr Ident(const std::string& name) {
    v1::Expr e = New();
    e.mutable_ident_expr()->set_name(name);
    return e;
  }
  v1::Expr Int(int64_t value) {
    v1::Expr e = New();
    e.mutable_const_expr()->set_int64_value(value);
    return e;
  }
  v1::Expr Bool(bool value) {
    v1::Expr e = New();
    e.mutable_const_expr()->set_bool_value(value);
    return e;
  }
  v1::Expr Call(const std::string& function, std::vector<v1::Expr> args) {
    v1::Expr e = New();
    e.mutable_call_expr()->set_function(function);
    for (v1::Expr& arg : args) *e.mutable_call_expr()->add_args() = arg;
    return e;
  }
  v1::Expr Select(v1::Expr operand, const std::string& field) {
    v1::Expr e = New();
    *e.mutable_select_expr()->mutable_operand() = operand;
    e.mutable_select_expr()->set_field(field);
    return e;
  }

 private:
  v1::Expr New() {
    v1::Expr e;
    e.set_id(next_id_++);
    return e;
  }
  int64_t next_id_ = 1;
};

v1::Type Primitive(v1::Type::PrimitiveType primitive) {
  v1::Type type;
  type.set_primitive(primitive);
  return type;
}

v1::Type MessageType(const std::string& name) {
  v1::Type type;
  type.set_message_type(name);
  return type;
}

std::string Evaluate(const Program& program, Activation& activation) {
  return DebugString(program.Evaluate(activation));
}

TEST(PlanCheckedTest, IdentifiersResolveThroughTheReferenceMap) {
  auto table = std::make_shared<VariableTable>();
  table->Add("age", Primitive(v1::Type::INT64));
  ExprBuilder b;
  v1::CheckedExpr checked;
  v1::Expr age = b.Ident("age");
  (*checked.mutable_reference_map())[age.id()].set_name("age");
  *checked.mutable_expr() = b.Call("_>=_", {age, b.Int(18)});
  (*checked.mutable_type_map())[checked.expr().id()].set_primitive(
      v1::Type::BOOL);

  auto program = PlanChecked(checked, table, Pool());
  ASSERT_TRUE(program.ok()) << program.status();
  EXPECT_EQ((*program)->result_type(), "bool");
  Activation activation(**program);
  EXPECT_TRUE(activation.Bind("age", Value::Int(20)));
  EXPECT_EQ(Evaluate(**program, activation), "true");
}

TEST(PlanCheckedTest, EnumConstantsComeFromTheReference) {
  auto table = std::make_shared<VariableTable>();
  ExprBuilder b;
  v1::CheckedExpr checked;
  // Pathway.SOCIAL_CONTACT, as the checker resolves it.
  *checked.mutable_expr() = b.Select(b.Ident("Pathway"), "SOCIAL_CONTACT");
  v1::Reference& reference =
      (*checked.mutable_reference_map())[checked.expr().id()];
  reference.set_name("divert.v1.Pathway.SOCIAL_CONTACT");
  reference.mutable_value()->set_int64_value(2);
  auto program = PlanChecked(checked, table, Pool());
  ASSERT_TRUE(program.ok()) << program.status();
  Activation activation(**program);
  EXPECT_EQ(Evaluate(**program, activation), "2");
}

TEST(PlanCheckedTest, FieldsResolvedAtPlanTimeStillWorkForOtherMessages) {
  auto table = std::make_shared<VariableTable>();
  table->Add("e", MessageType("divert.v1.Encounter"));
  ExprBuilder b;
  v1::CheckedExpr checked;
  v1::Expr e = b.Ident("e");
  (*checked.mutable_reference_map())[e.id()].set_name("e");
  (*checked.mutable_type_map())[e.id()] = MessageType("divert.v1.Encounter");
  *checked.mutable_expr() = b.Select(e, "agency");
  auto program = PlanChecked(checked, table, Pool());
  ASSERT_TRUE(program.ok()) << program.status();

  Activation activation(**program);
  v1::Encounter encounter;
  encounter.set_agency("NYPD");
  activation.BindMessage("e", encounter);
  EXPECT_EQ(Evaluate(**program, activation), "\"NYPD\"");
  // A message of another type is read by field name.
  v1::Place place;
  activation.BindMessage("e", place);
  EXPECT_EQ(Evaluate(**program, activation),
            "error(NOT_FOUND: no such field 'agency')");
}

TEST(PlanCheckedTest, UnknownFunctionIsAPlanError) {
  auto table = std::make_shared<VariableTable>();
  ExprBuilder b;
  v1::CheckedExpr checked;
  *checked.mutable_expr() = b.Call("no_such_function", {b.Int(1)});
  (*checked.mutable_source_info()->mutable_positions())[checked.expr().id()] =
      4;
  auto program = PlanChecked(checked, table, Pool());
  ASSERT_FALSE(program.ok());
  EXPECT_THAT(program.status().message(),
              HasSubstr("1:5: undeclared reference to function "
                        "'no_such_function' with 1 argument"));
}

TEST(PlanCheckedTest, UndeclaredVariableIsAPlanError) {
  auto table = std::make_shared<VariableTable>();
  ExprBuilder b;
  v1::CheckedExpr checked;
  *checked.mutable_expr() = b.Ident("ghost");
  auto program = PlanChecked(checked, table, Pool());
  ASSERT_FALSE(program.ok());
  EXPECT_THAT(program.status().message(),
              HasSubstr("undeclared reference to 'ghost'"));
}

TEST(PlanCheckedTest, VariadicAndIsEvaluatedLeftToRight) {
  auto table = std::make_shared<VariableTable>();
  table->Add("x", Primitive(v1::Type::BOOL));
  ExprBuilder b;
  v1::CheckedExpr checked;
  v1::Expr x = b.Ident("x");
  (*checked.mutable_reference_map())[x.id()].set_name("x");
  *checked.mutable_expr() = b.Call("_&&_", {b.Bool(true), x, b.Bool(true)});
  auto program = PlanChecked(checked, table, Pool());
  ASSERT_TRUE(program.ok()) << program.status();
  Activation activation(**program);
  activation.Bind("x", Value::Bool(false));
  EXPECT_EQ(Evaluate(**program, activation), "false");
  activation.Bind("x", Value::Bool(true));
  EXPECT_EQ(Evaluate(**program, activation), "true");
}

TEST(PlanCheckedTest, DeepHandBuiltTreesAreRejectedNotOverflowed) {
  auto table = std::make_shared<VariableTable>();
  v1::CheckedExpr checked;
  v1::Expr* e = checked.mutable_expr();
  for (int i = 0; i < 1500; ++i) {
    e->set_id(i + 1);
    e->mutable_call_expr()->set_function("-_");
    e = e->mutable_call_expr()->add_args();
  }
  e->set_id(2000);
  e->mutable_const_expr()->set_int64_value(1);
  auto program = PlanChecked(checked, table, Pool());
  ASSERT_FALSE(program.ok());
  EXPECT_THAT(program.status().message(), HasSubstr("nested too deeply"));
}

TEST(PlanUncheckedTest, FreeIdentifiersFollowDeclaredOnes) {
  VariableTable declared;
  declared.Add("declared", Primitive(v1::Type::INT64));
  std::vector<CompileIssue> issues;
  auto parsed = Parse("b + a + declared + [1].map(a, a + c)[0] + b", Limits(),
                      &issues);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  auto program = PlanUnchecked(*parsed, declared, Pool());
  ASSERT_TRUE(program.ok()) << program.status();
  const VariableTable& table = *(*program)->variables();
  ASSERT_EQ(table.size(), 4);
  EXPECT_EQ(table.name(0), "declared");
  EXPECT_EQ(table.name(1), "b");
  EXPECT_EQ(table.name(2), "a");
  EXPECT_EQ(table.name(3), "c");
  EXPECT_TRUE(table.type(3).has_dyn());
  EXPECT_EQ((*program)->result_type(), "dyn");
  for (const auto& [id, type] : (*program)->checked_expr().type_map()) {
    EXPECT_TRUE(type.has_dyn()) << id;
  }
  EXPECT_FALSE((*program)->checked_expr().type_map().empty());

  Activation activation(**program);
  EXPECT_TRUE(activation.Bind("a", Value::Int(1)));
  EXPECT_TRUE(activation.Bind("b", Value::Int(2)));
  EXPECT_TRUE(activation.Bind("c", Value::Int(3)));
  EXPECT_TRUE(activation.Bind("declared", Value::Int(4)));
  EXPECT_FALSE(activation.Bind("d", Value::Int(5)));
  EXPECT_EQ(Evaluate(**program, activation), "13");
}

TEST(PlanUncheckedTest, QualifiedEnumNamesAreConstants) {
  VariableTable declared;
  std::vector<CompileIssue> issues;
  auto parsed =
      Parse("divert.v1.Pathway.SOCIAL_CONTACT + 1", Limits(), &issues);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  auto program = PlanUnchecked(*parsed, declared, Pool());
  ASSERT_TRUE(program.ok()) << program.status();
  EXPECT_EQ((*program)->variables()->size(), 0);
  Activation activation(**program);
  EXPECT_EQ(Evaluate(**program, activation), "3");
}

TEST(PlanUncheckedTest, DottedVariableNamesResolveLongestFirst) {
  VariableTable declared;
  declared.Add("a.b", Primitive(v1::Type::INT64));
  std::vector<CompileIssue> issues;
  auto parsed = Parse("a.b + 1", Limits(), &issues);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  auto program = PlanUnchecked(*parsed, declared, Pool());
  ASSERT_TRUE(program.ok()) << program.status();
  Activation activation(**program);
  EXPECT_TRUE(activation.Bind("a.b", Value::Int(41)));
  EXPECT_EQ(Evaluate(**program, activation), "42");
}

TEST(PlanFoldingTest, ConstantSubtreesAreComputedOnce) {
  Environment env;
  ASSERT_TRUE(env.DeclareVariable("n", "int").ok());
  auto program = env.Compile(
      "size([1, 2] + [3]) == 3 && 'a' + 'b' == 'ab' && "
      "{'k': [1, 2]}.k[1] == 2 && n in [1, 2, 3]");
  ASSERT_TRUE(program.ok()) << program.status();
  Activation activation(**program);
  activation.Bind("n", Value::Int(2));
  EXPECT_EQ(Evaluate(**program, activation), "true");
  EXPECT_EQ(activation.arena()->SpaceUsed(), 0u)
      << "nothing is built while evaluating";
}

TEST(PlanFoldingTest, ConstantLiteralsAreSharedAcrossEvaluations) {
  Environment env;
  auto program = env.Compile("[1, [2, 3], {'a': 'b'}]");
  ASSERT_TRUE(program.ok()) << program.status();
  Activation activation(**program);
  Value first = (*program)->Evaluate(activation);
  Value second = (*program)->Evaluate(activation);
  ASSERT_EQ(first.kind(), ValueKind::kList);
  EXPECT_EQ(&first.list(), &second.list());
  EXPECT_EQ(DebugString(first), "[1, [2, 3], {\"a\": \"b\"}]");
}

TEST(PlanFoldingTest, ErrorsAreNotFolded) {
  Environment env;
  auto program = env.Compile("1 / 0 == 1 || true");
  ASSERT_TRUE(program.ok()) << program.status();
  Activation activation(**program);
  EXPECT_EQ(Evaluate(**program, activation), "true");
  auto failing = env.Compile("[1, 2][5]");
  ASSERT_TRUE(failing.ok()) << failing.status();
  EXPECT_THAT(Evaluate(**failing, activation), HasSubstr("error"));
}

}  // namespace
}  // namespace divert::cel
