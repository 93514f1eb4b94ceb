// Evaluation semantics, through the public API: compile CEL source, bind
// variables in an Activation, evaluate. Results are compared through
// DebugString ("true", "[1, 2]", "unknown(x)", "error(...)").
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <new>
#include <string>
#include <thread>
#include <typeinfo>
#include <vector>

#include "absl/strings/match.h"
#include "divert/cel/cel.h"
#include "divert/cel/value.h"
#include "divert/v1/encounter.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/timestamp.pb.h"
#include "gtest/gtest.h"

namespace divert::cel {
namespace {

using ::testing::HasSubstr;

// An environment with a few variables, compiling checked or unchecked.
class EvalTest : public ::testing::Test {
 protected:
  EvalTest() {
    EXPECT_TRUE(env_.DeclareVariable("x", "dyn").ok());
    EXPECT_TRUE(env_.DeclareVariable("y", "dyn").ok());
    EXPECT_TRUE(env_.DeclareVariable("n", "int").ok());
    EXPECT_TRUE(env_.DeclareVariable("name", "string").ok());
    EXPECT_TRUE(env_.DeclareVariable("xs", "list(int)").ok());
    EXPECT_TRUE(env_.DeclareVariable("m", "map(string, int)").ok());
    EXPECT_TRUE(
        env_.DeclareVariable("encounter", "divert.v1.Encounter").ok());
    env_.set_container("divert.v1");
  }

  std::shared_ptr<const Program> Compile(const std::string& source) {
    auto program = env_.Compile(source);
    EXPECT_TRUE(program.ok()) << program.status();
    return program.ok() ? *program : nullptr;
  }

  // Evaluates `source` (type-checked) with the bindings made so far.
  std::string Eval(const std::string& source) {
    auto program = Compile(source);
    if (program == nullptr) return "<compile error>";
    return Run(*program);
  }

  // Evaluates `source` without type checking.
  std::string EvalUnchecked(const std::string& source) {
    auto program = env_.CompileUnchecked(source);
    EXPECT_TRUE(program.ok()) << program.status();
    if (!program.ok()) return "<compile error>";
    return Run(**program);
  }

  std::string Run(const Program& program) {
    Activation activation(program);
    for (const auto& [name, value] : bindings_) {
      EXPECT_TRUE(activation.Bind(name, value)) << name;
    }
    for (const auto& [name, message] : messages_) {
      EXPECT_TRUE(activation.BindMessage(name, *message)) << name;
    }
    for (const std::string& attribute : unknowns_) {
      EXPECT_TRUE(activation.MarkUnknown(attribute).ok()) << attribute;
    }
    activation.set_unset_fields_are_unknown(unset_fields_are_unknown_);
    return DebugString(program.Evaluate(activation));
  }

  void Bind(const std::string& name, Value value) {
    bindings_.emplace_back(name, value);
  }
  void BindMessage(const std::string& name,
                   const google::protobuf::Message& message) {
    messages_.emplace_back(name, &message);
  }
  void MarkUnknown(const std::string& attribute) {
    unknowns_.push_back(attribute);
  }

  Environment env_;
  google::protobuf::Arena arena_;
  std::vector<std::pair<std::string, Value>> bindings_;
  std::vector<std::pair<std::string, const google::protobuf::Message*>>
      messages_;
  std::vector<std::string> unknowns_;
  bool unset_fields_are_unknown_ = false;
};

// --- Literals, variables, calls ---

TEST_F(EvalTest, LiteralsAndStrictCalls) {
  EXPECT_EQ(Eval("1 + 2 * 3"), "7");
  EXPECT_EQ(Eval("'ab' + 'c'"), "\"abc\"");
  EXPECT_EQ(Eval("[1, 2] + [3]"), "[1, 2, 3]");
  EXPECT_EQ(Eval("size({'a': 1, 'b': 2})"), "2");
  EXPECT_EQ(Eval("null"), "null");
}

TEST_F(EvalTest, ListAndMapLiteralsWithVariables) {
  Bind("n", Value::Int(5));
  EXPECT_EQ(Eval("[n, n + 1]"), "[5, 6]");
  EXPECT_EQ(Eval("{'a': n}['a']"), "5");
  EXPECT_EQ(Eval("[n, 1/0][0]"), Eval("1/0"))
      << "an error element makes the whole list an error";
}

TEST_F(EvalTest, MapLiteralRejectsRepeatedKeysAndBadKeyKinds) {
  Bind("x", Value::Int(1));
  EXPECT_THAT(Eval("{x: 1, 1u: 2}"), HasSubstr("repeated key"));
  EXPECT_THAT(EvalUnchecked("{x: 1, 1: 2}"), HasSubstr("repeated key"));
  EXPECT_THAT(EvalUnchecked("{2.5: 1}"), HasSubstr("unsupported key type"));
  EXPECT_THAT(EvalUnchecked("{null: 1}"), HasSubstr("unsupported key type"));
}

TEST_F(EvalTest, UnboundVariableIsAnError) {
  EXPECT_EQ(Eval("n + 1"), "error(NOT_FOUND: no such attribute 'n')");
  EXPECT_EQ(EvalUnchecked("free_var"),
            "error(NOT_FOUND: no such attribute 'free_var')");
}

TEST_F(EvalTest, UncheckedProgramsDispatchAtRunTime) {
  Bind("x", Value::String("a"));
  EXPECT_EQ(EvalUnchecked("x + 'b'"), "\"ab\"");
  EXPECT_EQ(EvalUnchecked("[17, 'pancakes']"), "[17, \"pancakes\"]");
  EXPECT_THAT(EvalUnchecked("x + 1"), HasSubstr("no matching overload"));
  EXPECT_EQ(EvalUnchecked("true ? 'cows' : 17"), "\"cows\"");
}

TEST_F(EvalTest, SelectionOnMaps) {
  const Value entries[] = {Value::String("k"), Value::Int(7)};
  const std::pair<Value, Value> pairs[] = {{entries[0], entries[1]}};
  ArrayMapValue map(pairs, &arena_);
  Bind("m", Value::Map(&map));
  EXPECT_EQ(Eval("m.k"), "7");
  EXPECT_EQ(Eval("m.missing"), "error(NOT_FOUND: no such key: 'missing')");
  EXPECT_EQ(Eval("has(m.k)"), "true");
  EXPECT_EQ(Eval("has(m.missing)"), "false");
  EXPECT_EQ(Eval("has({'a': 1}.a) && !has({'a': 1}.b)"), "true");
}

TEST_F(EvalTest, SelectionOnScalarsIsAnError) {
  Bind("x", Value::Int(15));
  EXPECT_THAT(EvalUnchecked("x.pancakes"),
              HasSubstr("does not support field selection"));
}

// --- Logic ---

TEST_F(EvalTest, AndOrAbsorbErrorsInEitherOrder) {
  // x is unbound: reading it is an error.
  EXPECT_EQ(Eval("false && x"), "false");
  EXPECT_EQ(Eval("x && false"), "false");
  EXPECT_EQ(Eval("true || x"), "true");
  EXPECT_EQ(Eval("x || true"), "true");
  EXPECT_THAT(Eval("true && x"), HasSubstr("no such attribute 'x'"));
  EXPECT_THAT(Eval("x || false"), HasSubstr("no such attribute 'x'"));
  EXPECT_THAT(Eval("x && y"), HasSubstr("no such attribute 'x'"))
      << "the first error wins";
}

TEST_F(EvalTest, AndOrWithNonBoolOperands) {
  EXPECT_EQ(EvalUnchecked("false && 32"), "false");
  EXPECT_EQ(EvalUnchecked("'horses' && false"), "false");
  EXPECT_EQ(EvalUnchecked("'horses' || true"), "true");
  EXPECT_THAT(EvalUnchecked("'less filling' && 'tastes great'"),
              HasSubstr("no matching overload"));
  EXPECT_THAT(EvalUnchecked("true && 1"), HasSubstr("no matching overload"));
}

TEST_F(EvalTest, UnknownsWinOverErrorsAndMerge) {
  MarkUnknown("x");
  EXPECT_EQ(Eval("x && false"), "false");
  EXPECT_EQ(Eval("x && true"), "unknown(x)");
  EXPECT_EQ(Eval("x || y"), "unknown(x)") << "y is an unbound-variable error";
  EXPECT_EQ(Eval("y && x"), "unknown(x)");
  MarkUnknown("y");
  EXPECT_EQ(Eval("x || y"), "unknown(x, y)");
  EXPECT_EQ(Eval("y + x"), "unknown(x, y)") << "strict calls merge too";
}

TEST_F(EvalTest, LongConditionChainsShortCircuit) {
  Bind("n", Value::Int(3));
  EXPECT_EQ(Eval("n == 1 || n == 2 || n == 3 || n == 4"), "true");
  EXPECT_EQ(Eval("n > 0 && n < 10 && n != 5 && (n == 3 || x)"), "true");
  EXPECT_EQ(Eval("(n == 1 || x) && n == 3"),
            "error(NOT_FOUND: no such attribute 'x')");
  EXPECT_EQ(Eval("(n == 1 || x) && n == 4"), "false");
}

TEST_F(EvalTest, Conditional) {
  Bind("n", Value::Int(2));
  EXPECT_EQ(Eval("n > 1 ? 'big' : 'small'"), "\"big\"");
  EXPECT_THAT(Eval("1 / 0 > 4 ? 'a' : 'b'"), HasSubstr("division by zero"));
  EXPECT_THAT(EvalUnchecked("'cows' ? false : 17"),
              HasSubstr("no matching overload"));
  MarkUnknown("x");
  EXPECT_EQ(Eval("x ? 1 : 2"), "unknown(x)");
}

// --- Comprehensions ---

TEST_F(EvalTest, Macros) {
  EXPECT_EQ(Eval("[1, 2].exists(x, x > 1)"), "true");
  EXPECT_EQ(Eval("[1, 2, 3].all(e, e > 0)"), "true");
  EXPECT_EQ(Eval("[1, 2, 3].exists_one(e, e > 1)"), "false");
  EXPECT_EQ(Eval("[1, 2, 3].map(e, e * 2)"), "[2, 4, 6]");
  EXPECT_EQ(Eval("[1, 2, 3, 4].filter(e, e % 2 == 0)"), "[2, 4]");
  EXPECT_EQ(Eval("[1, 2, 3].map(e, e > 1, e * 10)"), "[20, 30]");
  EXPECT_EQ(Eval("{'a': 1, 'b': 2}.all(k, k != 'c')"), "true");
  EXPECT_EQ(Eval("{'a': 1, 'b': 2}.map(k, k)"), "[\"a\", \"b\"]");
}

TEST_F(EvalTest, ComprehensionErrorsAndShortCircuits) {
  EXPECT_EQ(Eval("[1, 2, 3].all(e, 6 / (2 - e) == 6)"), "false")
      << "a false element decides all() even after an error";
  EXPECT_THAT(Eval("[1, 2, 3].exists(e, e / 0 == 17)"),
              HasSubstr("division by zero"));
  EXPECT_EQ(EvalUnchecked("[1, 'foo', 3].exists(e, e != '1')"), "true");
  EXPECT_THAT(EvalUnchecked("[1, 'foo', 3].all(e, e % 2 == 1)"),
              HasSubstr("no matching overload"));
}

TEST_F(EvalTest, ComprehensionVariablesShadow) {
  Bind("x", Value::Int(100));
  EXPECT_EQ(Eval("[1].exists(x, x == 1) && x == 100"), "true");
  EXPECT_EQ(Eval("[1].exists(x, [2].exists(x, x == 2))"), "true");
  EXPECT_EQ(Eval("[1, 2].map(x, [10].map(y, x + y))"), "[[11], [12]]");
  EXPECT_EQ(Eval("[[1, 2], [3]].map(x, x.exists(y, y > 2))"),
            "[false, true]");
  Bind("n", Value::Int(7));
  EXPECT_EQ(Eval("[1].exists(n, n == 1 && .n == 7)"), "true")
      << "a leading dot names the variable, not the local";
  EXPECT_EQ(EvalUnchecked("[1].exists(n, n == 1 && .n == 7)"), "true");
}

TEST_F(EvalTest, ComprehensionOverNonContainerIsAnError) {
  Bind("x", Value::Int(3));
  EXPECT_THAT(EvalUnchecked("x.exists(e, true)"),
              HasSubstr("cannot iterate"));
}

TEST_F(EvalTest, MapAndFilterAccumulateInLinearSpace) {
  constexpr int kSize = 20000;
  std::vector<Value> elements;
  for (int i = 0; i < kSize; ++i) elements.push_back(Value::Int(i));
  ArrayListValue list(elements);
  auto program = Compile("xs.map(x, x + 1).filter(x, x % 2 == 0)");
  Activation activation(*program);
  ASSERT_TRUE(activation.Bind("xs", Value::List(&list)));
  Value result = program->Evaluate(activation);
  ASSERT_EQ(result.kind(), ValueKind::kList);
  EXPECT_EQ(result.list().size(), kSize / 2);
  EXPECT_EQ(result.list().Get(0, nullptr).int_value(), 2);
  // Quadratic accumulation would copy ~kSize^2/2 values (gigabytes).
  EXPECT_LT(activation.arena()->SpaceUsed(), 8u << 20);
}

// --- Specialized shapes keep general semantics ---

TEST_F(EvalTest, ComparisonsWithConstantsFallBackForOtherKinds) {
  auto program = Compile("x >= 100");
  Activation activation(*program);
  activation.Bind("x", Value::Int(150));
  EXPECT_EQ(DebugString(program->Evaluate(activation)), "true");
  activation.Bind("x", Value::Double(99.5));
  EXPECT_EQ(DebugString(program->Evaluate(activation)), "false");
  activation.Bind("x", Value::Uint(100));
  EXPECT_EQ(DebugString(program->Evaluate(activation)), "true");
  activation.Bind("x", Value::String("many"));
  EXPECT_THAT(DebugString(program->Evaluate(activation)),
              HasSubstr("no matching overload"));

  auto equality = Compile("'MOW' == x");
  Activation a2(*equality);
  a2.Bind("x", Value::String("MOW"));
  EXPECT_EQ(DebugString(equality->Evaluate(a2)), "true");
  a2.Bind("x", Value::Int(1));
  EXPECT_EQ(DebugString(equality->Evaluate(a2)), "false");
}

TEST_F(EvalTest, ComparisonsOfDoublesFollowIeee) {
  Bind("x", Value::Double(std::nan("")));
  EXPECT_EQ(Eval("x == 1.0 || x < 1.0 || x >= 1.0"), "false");
  EXPECT_EQ(Eval("x != 1.0"), "true");
}

TEST_F(EvalTest, InConstantList) {
  Bind("name", Value::String("MOW"));
  Bind("n", Value::Int(2));
  EXPECT_EQ(Eval("name in ['LED', 'MOW', 'SVO']"), "true");
  EXPECT_EQ(Eval("name in ['LED', 'SVO']"), "false");
  EXPECT_EQ(Eval("n in [1, 2, 3]"), "true");
  EXPECT_EQ(Eval("n in [5, 6]"), "false");
}

TEST_F(EvalTest, InConstantListWithOtherKinds) {
  auto program = Compile("x in [1, 2, 3]");
  Activation activation(*program);
  activation.Bind("x", Value::Uint(2));
  EXPECT_EQ(DebugString(program->Evaluate(activation)), "true");
  activation.Bind("x", Value::Double(3.0));
  EXPECT_EQ(DebugString(program->Evaluate(activation)), "true");
  activation.Bind("x", Value::String("2"));
  EXPECT_EQ(DebugString(program->Evaluate(activation)), "false");
  ASSERT_TRUE(activation.MarkUnknown("x").ok());
  EXPECT_EQ(DebugString(program->Evaluate(activation)), "unknown(x)");
}

TEST_F(EvalTest, NegationPassesErrorsAndUnknownsOn) {
  auto program = Compile("!x");
  Activation activation(*program);
  activation.Bind("x", Value::Bool(true));
  EXPECT_EQ(DebugString(program->Evaluate(activation)), "false");
  activation.Bind("x", Value::Bool(false));
  EXPECT_EQ(DebugString(program->Evaluate(activation)), "true");
  activation.Bind("x", Value::Int(1));
  EXPECT_THAT(DebugString(program->Evaluate(activation)),
              HasSubstr("no matching overload"));
  ASSERT_TRUE(activation.MarkUnknown("x").ok());
  EXPECT_EQ(DebugString(program->Evaluate(activation)), "unknown(x)");

  auto absorbed = Compile("!x || true");
  Activation a2(*absorbed);
  a2.Bind("x", Value::Int(1));
  EXPECT_EQ(DebugString(absorbed->Evaluate(a2)), "true")
      << "the error is absorbed by ||";
  auto kept = Compile("!x && true");
  Activation a3(*kept);
  a3.Bind("x", Value::Int(1));
  EXPECT_THAT(DebugString(kept->Evaluate(a3)),
              HasSubstr("no matching overload"));
  Bind("y", Value::Bool(false));
  EXPECT_EQ(Eval("!y && !!true"), "true");
}

TEST_F(EvalTest, MatchesWithConstantPattern) {
  Bind("name", Value::String("Anna Smith"));
  EXPECT_EQ(Eval("name.matches('^A')"), "true");
  EXPECT_EQ(Eval("matches(name, 'Smi')"), "true") << "partial match";
  EXPECT_EQ(Eval("name.matches('^Smith')"), "false");
  EXPECT_THAT(Eval("name.matches('[')"), HasSubstr("error"));
}

// --- Messages ---

v1::Encounter SampleEncounter() {
  v1::Encounter encounter;
  encounter.set_encounter_id("E-1");
  encounter.set_pathway(v1::SOCIAL_CONTACT);
  encounter.mutable_occurred_at()->set_seconds(1700000000);
  encounter.mutable_person()->set_age(34);
  encounter.mutable_person()->add_gender(v1::WOMAN);
  encounter.mutable_place()->set_precinct("12");
  v1::Charge* charge = encounter.add_charges();
  charge->set_level(v1::MISDEMEANOR);
  charge->set_violent(false);
  charge->set_offense_category("theft");
  return encounter;
}

TEST_F(EvalTest, MessageFields) {
  v1::Encounter encounter = SampleEncounter();
  BindMessage("encounter", encounter);
  EXPECT_EQ(Eval("encounter.person.age"), "34");
  EXPECT_EQ(Eval("encounter.pathway == Pathway.SOCIAL_CONTACT"), "true");
  EXPECT_EQ(Eval("encounter.pathway"), "2") << "enums are ints";
  EXPECT_EQ(Eval("encounter.place.precinct"), "\"12\"");
  EXPECT_EQ(Eval("encounter.charges.size()"), "1");
  EXPECT_EQ(Eval("encounter.charges[0].offense_category"), "\"theft\"");
  EXPECT_EQ(Eval("encounter.charges.exists(c, c.level == OffenseLevel.FELONY)"),
            "false");
  EXPECT_EQ(Eval("Gender.WOMAN in encounter.person.gender"), "true");
  EXPECT_EQ(Eval("encounter.occurred_at == timestamp('2023-11-14T22:13:20Z')"),
            "true");
  EXPECT_EQ(Eval("encounter.circumstances.able_to_consent"), "false")
      << "an unset field reads as its default";
  EXPECT_EQ(Eval("encounter.person.needs.alcohol"), "false");
}

TEST_F(EvalTest, HasFollowsFieldPresence) {
  v1::Encounter encounter = SampleEncounter();
  BindMessage("encounter", encounter);
  EXPECT_EQ(Eval("has(encounter.encounter_id)"), "true");
  EXPECT_EQ(Eval("has(encounter.officer_id)"), "false")
      << "a proto3 string without optional is present when not empty";
  EXPECT_EQ(Eval("has(encounter.charges)"), "true");
  EXPECT_EQ(Eval("has(encounter.person.race_ethnicity)"), "false");
  EXPECT_EQ(Eval("has(encounter.charges[0].violent)"), "true")
      << "optional fields set to false are present";
  EXPECT_EQ(Eval("has(encounter.charges[0].drug_sale)"), "false");
  EXPECT_EQ(Eval("has(encounter.person)"), "true");
  EXPECT_EQ(Eval("has(encounter.circumstances)"), "false");
}

TEST_F(EvalTest, DynamicSelectionOnMessages) {
  v1::Encounter encounter = SampleEncounter();
  BindMessage("x", encounter);
  EXPECT_EQ(Eval("x.person.age + 1"), "35");
  EXPECT_EQ(EvalUnchecked("x.charges[0].level"), "2");
  EXPECT_EQ(Eval("x.no_such_field"),
            "error(NOT_FOUND: no such field 'no_such_field')");
  EXPECT_EQ(Eval("has(x.no_such_field)"),
            "error(NOT_FOUND: no such field 'no_such_field')");
}

// --- Unknowns ---

TEST_F(EvalTest, UnknownVariables) {
  MarkUnknown("n");
  EXPECT_EQ(Eval("n > 1"), "unknown(n)");
  EXPECT_EQ(Eval("n > 1 && false"), "false");
  EXPECT_EQ(Eval("[n, 1]"), "unknown(n)");
  EXPECT_EQ(Eval("[1, 2].exists(e, e == n)"), "unknown(n)");
  EXPECT_EQ(Eval("[1, 2].exists(e, e == 2 || e == n)"), "true");
}

TEST_F(EvalTest, UnknownFieldPaths) {
  v1::Encounter encounter = SampleEncounter();
  BindMessage("encounter", encounter);
  MarkUnknown("encounter.person.age");
  EXPECT_EQ(Eval("encounter.person.age >= 18"),
            "unknown(encounter.person.age)");
  EXPECT_EQ(Eval("has(encounter.person.age)"),
            "unknown(encounter.person.age)");
  EXPECT_EQ(Eval("encounter.pathway == Pathway.SOCIAL_CONTACT"), "true")
      << "other paths are unaffected";
  EXPECT_EQ(Eval("has(encounter.person.needs)"), "false");
  EXPECT_EQ(Eval("encounter.person == encounter.person"),
            "unknown(encounter.person.age)")
      << "a value that contains the unknown attribute is unknown";
  EXPECT_EQ(Eval("encounter.charges.size() == 1"), "true");
}

TEST_F(EvalTest, UnknownPrefixCoversLongerPaths) {
  v1::Encounter encounter = SampleEncounter();
  BindMessage("encounter", encounter);
  MarkUnknown("encounter.person");
  EXPECT_EQ(Eval("encounter.person.age >= 18"), "unknown(encounter.person)");
  MarkUnknown("encounter.place.precinct");
  EXPECT_EQ(Eval("encounter.person.age >= 18 || "
                 "encounter.place.precinct == '1'"),
            "unknown(encounter.person, encounter.place.precinct)");
}

TEST_F(EvalTest, UnknownComprehensionRange) {
  v1::Encounter encounter = SampleEncounter();
  BindMessage("encounter", encounter);
  MarkUnknown("encounter.charges");
  EXPECT_EQ(Eval("encounter.charges.exists(c, c.violent)"),
            "unknown(encounter.charges)");
  EXPECT_EQ(Eval("encounter.person.age > 18 || "
                 "encounter.charges.exists(c, c.violent)"),
            "true");
}

TEST_F(EvalTest, UnknownWholeVariable) {
  MarkUnknown("encounter");
  EXPECT_EQ(Eval("encounter.person.age >= 18"), "unknown(encounter)");
}

TEST_F(EvalTest, MarkUnknownValidatesPaths) {
  auto program = Compile("n == 1");
  Activation activation(*program);
  EXPECT_TRUE(activation.MarkUnknown("encounter.person.age").ok());
  EXPECT_TRUE(activation.MarkUnknown("_x.y_2").ok());
  for (const char* bad : {"", "a..b", "a.", ".a", "1a", "a.b[0]", "a b"}) {
    EXPECT_FALSE(activation.MarkUnknown(bad).ok()) << bad;
  }
}

TEST_F(EvalTest, UnsetFieldsAreUnknown) {
  v1::Encounter encounter = SampleEncounter();
  BindMessage("encounter", encounter);
  unset_fields_are_unknown_ = true;
  EXPECT_EQ(Eval("encounter.circumstances.able_to_consent"),
            "unknown(encounter.circumstances)")
      << "the unset message field is what is missing";
  encounter.mutable_circumstances()->set_victim_present(true);
  EXPECT_EQ(Eval("encounter.circumstances.able_to_consent"),
            "unknown(encounter.circumstances.able_to_consent)");
  EXPECT_EQ(Eval("encounter.circumstances.victim_present"), "true");
  EXPECT_EQ(Eval("has(encounter.circumstances.able_to_consent)"), "false")
      << "has() answers presence, it does not become unknown";
  EXPECT_EQ(Eval("encounter.person.age"), "34");
  EXPECT_EQ(Eval("encounter.officer_id"), "\"\"")
      << "fields without presence read their default";
  EXPECT_EQ(Eval("!encounter.circumstances.victim_present || "
                 "encounter.circumstances.able_to_consent"),
            "unknown(encounter.circumstances.able_to_consent)");
  EXPECT_EQ(Eval("encounter.circumstances.victim_present && "
                 "encounter.circumstances.imminent_danger == false"),
            "unknown(encounter.circumstances.imminent_danger)");
}

// Messages of the generated classes are read through what the planner
// decided (reflection and field kind cached per step); messages of any
// other class (here dynamic messages of the same types) are read by
// looking fields up. Both must give the same values and name the same
// missing paths.
TEST_F(EvalTest, PlannedFieldReadsMatchLookedUpReads) {
  v1::Encounter generated = SampleEncounter();
  generated.mutable_circumstances()->set_victim_present(true);
  generated.add_charges()->set_drug_quantity_grams(2.5);  // violent unset
  google::protobuf::DynamicMessageFactory factory;
  std::unique_ptr<google::protobuf::Message> dynamic(
      factory.GetPrototype(v1::Encounter::descriptor())->New());
  ASSERT_TRUE(dynamic->ParseFromString(generated.SerializeAsString()));
  ASSERT_NE(typeid(*dynamic), typeid(generated));

  const char* const kExpressions[] = {
      "encounter.person.age",
      "encounter.pathway",
      "encounter.place.precinct",
      "encounter.occurred_at",
      "encounter.person.needs.alcohol",
      "encounter.circumstances.victim_present",
      "encounter.circumstances.able_to_consent",
      "encounter.charges[1].drug_quantity_grams",
      "encounter.charges[1].violent",
      "encounter.charges.exists(c, c.violent)",
      "encounter.charges.map(c, c.statute_code)",
      "encounter.person.gender",
      "has(encounter.circumstances.able_to_consent)",
  };
  for (const bool unset_fields_are_unknown : {false, true}) {
    unset_fields_are_unknown_ = unset_fields_are_unknown;
    for (const char* expression : kExpressions) {
      messages_.clear();
      BindMessage("encounter", generated);
      const std::string planned = Eval(expression);
      messages_.clear();
      BindMessage("encounter", *dynamic);
      EXPECT_EQ(planned, Eval(expression))
          << expression << " with unset fields unknown: "
          << unset_fields_are_unknown;
    }
  }
  unset_fields_are_unknown_ = true;
  messages_.clear();
  BindMessage("encounter", generated);
  EXPECT_EQ(Eval("encounter.circumstances.able_to_consent"),
            "unknown(encounter.circumstances.able_to_consent)");
  EXPECT_EQ(Eval("encounter.charges[1].violent"),
            "unknown(encounter.charges[1].violent)");
  EXPECT_EQ(Eval("encounter.person.needs.alcohol"),
            "unknown(encounter.person.needs)");
}

TEST_F(EvalTest, UnsetFieldsInComprehensionsNameTheElement) {
  v1::Encounter encounter = SampleEncounter();
  encounter.add_charges()->set_offense_category("assault");  // violent unset
  BindMessage("encounter", encounter);
  unset_fields_are_unknown_ = true;
  EXPECT_EQ(Eval("encounter.charges.exists(c, c.violent)"),
            "unknown(encounter.charges[1].violent)");
  EXPECT_EQ(Eval("encounter.charges.all(c, !c.violent)"),
            "unknown(encounter.charges[1].violent)");
  EXPECT_EQ(Eval("encounter.charges.exists(c, c.offense_category == 'theft')"),
            "true");
  encounter.add_charges()->set_violent(true);
  EXPECT_EQ(Eval("encounter.charges.exists(c, c.violent)"), "true")
      << "exists() absorbs the unknown when another charge decides it";
  EXPECT_EQ(Eval("encounter.charges.filter(c, c.violent).size()"),
            "unknown(encounter.charges[1].violent)");
  EXPECT_EQ(Eval("encounter.charges[1].violent"),
            "unknown(encounter.charges[1].violent)");
}

TEST_F(EvalTest, UnsetFieldsInNestedComprehensions) {
  v1::Encounter encounter = SampleEncounter();
  encounter.mutable_person()->add_race_ethnicity(v1::WHITE);
  encounter.add_charges();
  BindMessage("encounter", encounter);
  unset_fields_are_unknown_ = true;
  EXPECT_EQ(Eval("[encounter].exists(e, e.charges.exists(c, c.drug_sale))"),
            "unknown(e.charges[0].drug_sale, e.charges[1].drug_sale)")
      << "elements of a non-attribute range are named by their variable";
  EXPECT_EQ(Eval("encounter.charges.exists(c, "
                 "[c].exists(d, d.prostitution))"),
            "unknown(d.prostitution)");
}

// --- Activation ---

TEST_F(EvalTest, BindRejectsUnknownNames) {
  auto program = Compile("n == 1");
  Activation activation(*program);
  EXPECT_TRUE(activation.Bind("n", Value::Int(1)));
  EXPECT_TRUE(activation.Bind("name", Value::String("a")))
      << "every variable of the environment can be bound";
  EXPECT_FALSE(activation.Bind("nope", Value::Int(1)));
  v1::Encounter encounter;
  EXPECT_FALSE(activation.BindMessage("nope", encounter));
}

TEST_F(EvalTest, BindMessageUnwrapsWellKnownTypes) {
  ASSERT_TRUE(env_.DeclareVariable("when", "google.protobuf.Timestamp").ok());
  auto program = Compile("when > timestamp('2020-01-01T00:00:00Z')");
  Activation activation(*program);
  google::protobuf::Timestamp when;
  when.set_seconds(1700000000);
  ASSERT_TRUE(activation.BindMessage("when", when));
  EXPECT_EQ(DebugString(program->Evaluate(activation)), "true");
}

TEST_F(EvalTest, ClearKeepsBindingsAndResetForgetsThem) {
  auto program = Compile("[n, n].map(e, e + 1)");
  Activation activation(*program);
  activation.Bind("n", Value::Int(1));
  ASSERT_TRUE(activation.MarkUnknown("x").ok());
  EXPECT_EQ(DebugString(program->Evaluate(activation)), "[2, 2]");
  EXPECT_GT(activation.arena()->SpaceUsed(), 0u);
  // Clear reclaims the values' memory in bulk: however many evaluations,
  // what they leave stays within the activation's first block (4 KB).
  for (int i = 0; i < 1000; ++i) {
    activation.Clear();
    EXPECT_EQ(DebugString(program->Evaluate(activation)), "[2, 2]");
    ASSERT_LE(activation.arena()->SpaceUsed(), 4096u) << i;
  }
  activation.Reset();
  EXPECT_EQ(DebugString(program->Evaluate(activation)),
            "error(NOT_FOUND: no such attribute 'n')");
  auto uses_x = Compile("x == 1");
  Activation a2(*uses_x);
  ASSERT_TRUE(a2.MarkUnknown("x").ok());
  a2.Reset();
  a2.Bind("x", Value::Int(1));
  EXPECT_EQ(DebugString(uses_x->Evaluate(a2)), "true")
      << "Reset forgets unknown marks";
}

TEST_F(EvalTest, ActivationOfAnotherEnvironmentIsRejected) {
  Environment other;
  auto foreign = other.Compile("1 == 1");
  ASSERT_TRUE(foreign.ok());
  auto program = Compile("n == 1");
  Activation activation(**foreign);
  EXPECT_THAT(DebugString(program->Evaluate(activation)),
              HasSubstr("another environment"));
}

TEST_F(EvalTest, ProgramsAreThreadSafe) {
  auto program = Compile(
      "[1, 2, 3].map(e, e * n).exists(e, e == 3 * n) && name.startsWith('A')");
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Activation activation(*program);
      activation.Bind("name", Value::String("Anna"));
      for (int i = 0; i < 2000; ++i) {
        activation.Bind("n", Value::Int(t * 1000 + i));
        Value v = program->Evaluate(activation);
        if (!v.IsBool() || !v.bool_value()) ++wrong[t];
        activation.Clear();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong, std::vector<int>(4, 0));
}

// --- Allocation ---

// Counts global operator new calls on this thread while enabled. Weak, so
// that another definition in the test binary wins (the test then skips).
thread_local bool g_count_allocations = false;
thread_local int64_t g_allocations = 0;

}  // namespace
}  // namespace divert::cel

// Sanitizers bring their own operator new; leave it alone under them.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define DIVERT_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define DIVERT_SANITIZED 1
#endif
#endif

#ifndef DIVERT_SANITIZED
__attribute__((weak)) void* operator new(std::size_t size) {
  if (divert::cel::g_count_allocations) ++divert::cel::g_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
#endif

namespace divert::cel {
namespace {

int64_t AllocationsIn(const std::function<void()>& body) {
  g_allocations = 0;
  g_count_allocations = true;
  body();
  g_count_allocations = false;
  return g_allocations;
}

TEST(EvalAllocationTest, ScalarConditionsDoNotAllocate) {
  // Make sure operator new is counted in this binary.
  const int64_t probe =
      AllocationsIn([] { ::operator delete(::operator new(8)); });
  if (probe != 1) GTEST_SKIP() << "operator new is not counted here";

  Environment env;
  ASSERT_TRUE(env.DeclareVariable("Origin", "string").ok());
  ASSERT_TRUE(env.DeclareVariable("Country", "string").ok());
  ASSERT_TRUE(env.DeclareVariable("Value", "int").ok());
  ASSERT_TRUE(env.DeclareVariable("Adults", "int").ok());
  ASSERT_TRUE(env.DeclareVariable("encounter", "divert.v1.Encounter").ok());
  env.set_container("divert.v1");
  auto condition = env.Compile(
      "(Origin == \"MOW\" || Country == \"RU\") && "
      "(Value >= 100 || Adults == 1)");
  ASSERT_TRUE(condition.ok());
  auto message_condition = env.Compile(
      "encounter.person.age >= 18 && encounter.pathway == "
      "Pathway.SOCIAL_CONTACT && encounter.place.precinct in ['12', '14']");
  ASSERT_TRUE(message_condition.ok());
  v1::Encounter encounter = SampleEncounter();

  Activation activation(**condition);
  activation.Bind("Origin", Value::String("LED"));
  activation.Bind("Country", Value::String("RU"));
  activation.Bind("Value", Value::Int(50));
  activation.Bind("Adults", Value::Int(1));
  activation.BindMessage("encounter", encounter);
  // The first read of a message type may build protobuf's reflection
  // tables; that happens once per process, not per evaluation.
  (*message_condition)->Evaluate(activation);
  int trues = 0;
  const int64_t allocations = AllocationsIn([&] {
    for (int i = 0; i < 1000; ++i) {
      trues += (*condition)->Evaluate(activation).bool_value();
      trues += (*message_condition)->Evaluate(activation).bool_value();
    }
  });
  EXPECT_EQ(trues, 2000);
  EXPECT_EQ(allocations, 0);
  EXPECT_EQ(activation.arena()->SpaceUsed(), 0u)
      << "scalar conditions do not even use the arena";
}

TEST(EvalAllocationTest, SmallEvaluationsStayInTheInlineBlock) {
  const int64_t probe =
      AllocationsIn([] { ::operator delete(::operator new(8)); });
  if (probe != 1) GTEST_SKIP() << "operator new is not counted here";
  Environment env;
  ASSERT_TRUE(env.DeclareVariable("n", "int").ok());
  ASSERT_TRUE(env.DeclareVariable("encounter", "divert.v1.Encounter").ok());
  env.set_container("divert.v1");
  auto program = env.Compile(
      "[n, n + 1, n + 2].map(x, x * 2).size() == 3 && "
      "encounter.charges.exists(c, c.level == OffenseLevel.MISDEMEANOR)");
  ASSERT_TRUE(program.ok());
  Activation activation(**program);
  activation.Bind("n", Value::Int(1));
  v1::Encounter encounter = SampleEncounter();
  activation.BindMessage("encounter", encounter);
  (*program)->Evaluate(activation);  // warms up the arena's thread cache
  activation.Clear();
  const int64_t allocations = AllocationsIn([&] {
    for (int i = 0; i < 100; ++i) {
      EXPECT_TRUE((*program)->Evaluate(activation).bool_value());
      activation.Clear();
    }
  });
  EXPECT_EQ(allocations, 0);
}

}  // namespace
}  // namespace divert::cel
