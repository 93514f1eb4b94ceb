#include "metrics/catalog_plan.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "divert/metrics/metrics.h"
#include "eligibility/condition_walk.h"

namespace divert::metrics {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

const char* DefaultDateField(v1::RecordKind kind) {
  switch (kind) {
    case v1::REFERRALS:
    case v1::SERVICE_REFERRALS:
      return "referred_day";
    case v1::PARTICIPANTS:
      return "enrolled_day";
    default:
      return "day";
  }
}

bool IsLowerSnakeCase(absl::string_view id) {
  if (id.empty() || !absl::ascii_islower(static_cast<unsigned char>(id[0]))) {
    return false;
  }
  for (char c : id) {
    if (!absl::ascii_islower(static_cast<unsigned char>(c)) &&
        !absl::ascii_isdigit(static_cast<unsigned char>(c)) && c != '_') {
      return false;
    }
  }
  return true;
}

bool IsNumeric(const FieldDescriptor* field) {
  return field->cpp_type() == FieldDescriptor::CPPTYPE_INT32 ||
         field->cpp_type() == FieldDescriptor::CPPTYPE_BOOL;
}

bool IsBaseKind(v1::MetricKind kind) {
  return kind != v1::RATIO && kind != v1::RATE_PER_1000;
}

// Collects the problems of one catalog, each prefixed with its metric.
class Problems {
 public:
  void Add(absl::string_view metric, absl::string_view message) {
    lines_.push_back(absl::StrCat("metric ", metric, ": ", message));
  }
  bool empty() const { return lines_.empty(); }
  absl::Status ToStatus() const {
    return absl::InvalidArgumentError(absl::StrJoin(lines_, "\n"));
  }

 private:
  std::vector<std::string> lines_;
};

// Which facts fields `checked` reads of `variable`, and whether that is all
// it reads of it (every use is a field selection).
void FieldReads(const v1::CheckedExpr& checked, absl::string_view variable,
                const Descriptor* schema, CompiledFilter* filter) {
  int identifiers = 0;
  int selections = 0;
  bool shadowed = false;
  std::vector<int> fields;
  std::vector<int> valued;  // fields whose value is read, not just has()
  eligibility::ForEachExpr(checked.expr(), [&](const v1::Expr& expr) {
    if (expr.has_ident_expr() && expr.ident_expr().name() == variable) {
      ++identifiers;
    } else if (expr.has_select_expr() &&
               expr.select_expr().operand().has_ident_expr() &&
               expr.select_expr().operand().ident_expr().name() == variable) {
      ++selections;
      const FieldDescriptor* field =
          schema->FindFieldByName(expr.select_expr().field());
      if (field != nullptr) {
        fields.push_back(field->index());
        if (!expr.select_expr().test_only()) valued.push_back(field->index());
      }
    } else if (expr.has_comprehension_expr() &&
               (expr.comprehension_expr().iter_var() == variable ||
                expr.comprehension_expr().accu_var() == variable)) {
      shadowed = true;
    }
  });
  std::sort(fields.begin(), fields.end());
  fields.erase(std::unique(fields.begin(), fields.end()), fields.end());
  filter->presence_only.clear();
  for (int field : fields) {
    filter->presence_only.push_back(
        std::find(valued.begin(), valued.end(), field) == valued.end());
  }
  filter->fields = std::move(fields);
  filter->memoizable = !shadowed && identifiers == selections &&
                       filter->fields.size() <= 8;
}

// Whether `expr` is `variable`.kind.
bool IsEventKind(const v1::Expr& expr, absl::string_view variable) {
  return expr.has_select_expr() && !expr.select_expr().test_only() &&
         expr.select_expr().field() == "kind" &&
         expr.select_expr().operand().has_ident_expr() &&
         expr.select_expr().operand().ident_expr().name() == variable;
}

// The event kinds `expr` is true for at most, when it is a constant (an
// integer, or an enum value the checker resolved) that names one; else
// every kind.
EventKindSet KindsOfConstant(const v1::CheckedExpr& checked, const v1::Expr& expr) {
  int64_t value = -1;
  if (expr.has_const_expr() && expr.const_expr().has_int64_value()) {
    value = expr.const_expr().int64_value();
  } else if (auto it = checked.reference_map().find(expr.id());
             it != checked.reference_map().end() && it->second.has_value() &&
             it->second.value().has_int64_value()) {
    value = it->second.value().int64_value();
  } else {
    return EventKindSet().set();
  }
  EventKindSet kinds;
  if (v1::EventKind_IsValid(static_cast<int>(value)) && value >= 0 &&
      value < static_cast<int64_t>(kinds.size())) {
    kinds.set(static_cast<size_t>(value));
  }
  return kinds;
}

// The event kinds for which `expr`, a condition over `variable` (an
// event's facts), may be true: narrowed by comparisons of its kind (==, in
// a list) joined by && and ||; every kind when it does not say.
EventKindSet KindsAllowed(const v1::CheckedExpr& checked, const v1::Expr& expr,
                          absl::string_view variable) {
  EventKindSet kinds;
  kinds.set();
  if (!expr.has_call_expr() || expr.call_expr().args_size() != 2) return kinds;
  const v1::Expr_Call& call = expr.call_expr();
  const v1::Expr& left = call.args(0);
  const v1::Expr& right = call.args(1);
  if (call.function() == "_&&_") {
    return KindsAllowed(checked, left, variable) & KindsAllowed(checked, right, variable);
  }
  if (call.function() == "_||_") {
    return KindsAllowed(checked, left, variable) | KindsAllowed(checked, right, variable);
  }
  if (call.function() == "_==_") {
    if (IsEventKind(left, variable)) return KindsOfConstant(checked, right);
    if (IsEventKind(right, variable)) return KindsOfConstant(checked, left);
    return kinds;
  }
  if (call.function() == "@in" && IsEventKind(left, variable) && right.has_list_expr()) {
    kinds.reset();
    for (const v1::Expr& element : right.list_expr().elements()) {
      kinds |= KindsOfConstant(checked, element);
    }
  }
  return kinds;
}

}  // namespace

FieldsByKind CatalogPlan::FieldsRead(const v1::MetricRequest& request) const {
  // The metrics computed, and those they are built from: order_ puts a
  // metric after its parts, so walking it backwards reaches every part
  // after the metrics built on it.
  std::vector<bool> computed(metrics_.size(), request.metric_ids().empty());
  for (const std::string& id : request.metric_ids()) {
    const int index = IndexOf(id);
    if (index >= 0) computed[index] = true;
  }
  for (auto it = order_.rbegin(); it != order_.rend(); ++it) {
    if (!computed[*it]) continue;
    const CompiledMetric& m = metrics_[*it];
    for (int part : {m.numerator, m.denominator, m.reference}) {
      if (part >= 0) computed[part] = true;
    }
  }
  std::vector<int> breakdowns;
  for (int b : request.breakdowns()) {
    if (b > 0 && b < v1::Breakdown_ARRAYSIZE) breakdowns.push_back(b);
  }
  // A disparity ratio, and the metric it refers to, are by race whatever
  // the request's breakdowns.
  for (size_t i = 0; i < metrics_.size(); ++i) {
    if (computed[i] && metrics_[i].kind == v1::DISPARITY_RATIO) {
      breakdowns.push_back(v1::RACE_ETHNICITY);
      break;
    }
  }
  FieldsByKind read;
  for (int kind = 0; kind < v1::RecordKind_ARRAYSIZE; ++kind) {
    const Descriptor* schema = FactsSchema(static_cast<v1::RecordKind>(kind));
    if (schema != nullptr) read[kind].assign(schema->field_count(), false);
  }
  for (size_t i = 0; i < metrics_.size(); ++i) {
    const CompiledMetric& m = metrics_[i];
    if (!computed[i] || !IsBaseKind(m.kind)) continue;
    std::vector<bool>& fields = read[m.records];
    auto mark = [&](int field) {
      if (field >= 0) fields[field] = true;
    };
    for (int filter : {m.filter, m.condition}) {
      if (filter < 0) continue;
      const CompiledFilter& compiled = filters_[filter];
      if (!compiled.memoizable) fields.assign(fields.size(), true);
      for (int field : compiled.fields) mark(field);
    }
    for (int field : {m.value_field, m.date_field, m.end_field, m.from_field}) mark(field);
    for (int b : breakdowns) mark(m.breakdown_fields[b]);
    if (m.records == v1::PARTICIPANTS) {
      mark(FactsSchema(m.records)->FindFieldByName("enrolled_day")->index());
    }
  }
  return read;
}

const Descriptor* FactsSchema(v1::RecordKind kind) {
  switch (kind) {
    case v1::DECISIONS:
      return v1::DecisionFacts::descriptor();
    case v1::REFERRALS:
    case v1::PARTICIPANTS:
      return v1::ReferralFacts::descriptor();
    case v1::EVENTS:
      return v1::EventFacts::descriptor();
    case v1::SERVICE_REFERRALS:
      return v1::ServiceFacts::descriptor();
    case v1::MEETINGS:
      return v1::MeetingFacts::descriptor();
    case v1::ARRESTS:
      return v1::ArrestFacts::descriptor();
    case v1::TRAININGS:
      return v1::TrainingFacts::descriptor();
    default:
      return nullptr;
  }
}

const char* RecordVariable(v1::RecordKind kind) {
  switch (kind) {
    case v1::DECISIONS:
      return "decision";
    case v1::REFERRALS:
      return "referral";
    case v1::PARTICIPANTS:
      return "participant";
    case v1::EVENTS:
      return "event";
    case v1::SERVICE_REFERRALS:
      return "service";
    case v1::MEETINGS:
      return "meeting";
    case v1::ARRESTS:
      return "arrest";
    case v1::TRAININGS:
      return "training";
    default:
      return "";
  }
}

const char* BreakdownField(v1::Breakdown breakdown) {
  switch (breakdown) {
    case v1::RACE_ETHNICITY:
      return "race";
    case v1::GENDER:
      return "gender";
    case v1::AGE_GROUP:
      return "age_group";
    case v1::PATHWAY:
      return "pathway";
    case v1::REFERRAL_SOURCE:
      return "source";
    case v1::AREA:
      return "area";
    case v1::PRECINCT:
      return "precinct";
    case v1::CASE_MANAGER:
      return "case_manager_id";
    case v1::NEED:
      return "need";
    default:
      return "";
  }
}

int CatalogPlan::IndexOf(absl::string_view id) const {
  for (size_t i = 0; i < metrics_.size(); ++i) {
    if (metrics_[i].definition->id() == id) return static_cast<int>(i);
  }
  return -1;
}

absl::StatusOr<std::unique_ptr<CatalogPlan>> CatalogPlan::Compile(
    const v1::MetricCatalog& catalog) {
  std::unique_ptr<CatalogPlan> plan(new CatalogPlan());
  plan->catalog_ = catalog;
  Problems problems;

  for (int k = 1; k < v1::RecordKind_ARRAYSIZE; ++k) {
    const auto kind = static_cast<v1::RecordKind>(k);
    RecordEnvironment& env = plan->environments_[k];
    env.variable = RecordVariable(kind);
    env.schema = FactsSchema(kind);
    env.environment = std::make_unique<cel::Environment>();
    env.environment->set_container("divert.v1");
    absl::Status declared =
        env.environment->DeclareVariable(env.variable, env.schema->full_name());
    if (declared.ok()) {
      declared = env.environment->DeclareVariable("period_start_day", "int");
    }
    if (declared.ok()) {
      declared = env.environment->DeclareVariable("period_end_day", "int");
    }
    if (!declared.ok()) return declared;
  }

  absl::flat_hash_map<std::string, int> ids;
  absl::flat_hash_map<std::pair<int, std::string>, int> filter_ids;
  auto compile_filter = [&](const v1::MetricDefinition& d, v1::RecordKind kind,
                            const std::string& source,
                            absl::string_view what) -> int {
    if (source.empty()) return -1;
    auto key = std::make_pair(static_cast<int>(kind), source);
    if (auto it = filter_ids.find(key); it != filter_ids.end()) {
      return it->second;
    }
    const RecordEnvironment& env = plan->environments_[kind];
    auto program = env.environment->Compile(source, nullptr,
                                            absl::StrCat(d.id(), ".", what));
    if (!program.ok()) {
      problems.Add(d.id(), absl::StrCat(what, ": ", program.status().message()));
      return -1;
    }
    if ((*program)->result_type() != "bool") {
      problems.Add(d.id(), absl::StrCat(what, " is a ",
                                        (*program)->result_type(),
                                        ", not a bool"));
      return -1;
    }
    CompiledFilter filter;
    filter.kind = kind;
    filter.source = source;
    filter.program = *std::move(program);
    FieldReads(filter.program->checked_expr(), env.variable, env.schema,
               &filter);
    plan->filters_.push_back(std::move(filter));
    const int index = static_cast<int>(plan->filters_.size()) - 1;
    filter_ids.emplace(std::move(key), index);
    return index;
  };

  plan->metrics_.resize(plan->catalog_.metrics_size());
  for (int i = 0; i < plan->catalog_.metrics_size(); ++i) {
    const v1::MetricDefinition& d = plan->catalog_.metrics(i);
    CompiledMetric& m = plan->metrics_[i];
    m.definition = &d;
    m.kind = d.kind();
    m.records = d.records();
    m.breakdown_fields.fill(-1);
    const std::string id = d.id().empty() ? absl::StrCat("#", i + 1) : d.id();
    if (!IsLowerSnakeCase(d.id())) {
      problems.Add(id, "id must be lower_snake_case (a-z, 0-9, _)");
    }
    if (!ids.try_emplace(d.id(), i).second) {
      problems.Add(id, "id is used by an earlier metric");
    }
    if (d.kind() == v1::METRIC_KIND_UNSPECIFIED) {
      problems.Add(id, "kind is not set");
      continue;
    }
    // Meetings and trainings describe no participant: unless the metric
    // says otherwise, they are published whole.
    const bool about_people = d.records() != v1::MEETINGS &&
                              d.records() != v1::TRAININGS;
    m.min_cell_size = d.disclosure().min_cell_size() > 0
                          ? d.disclosure().min_cell_size()
                      : about_people ? kDefaultMinCellSize
                                     : 0;
    if (d.disclosure().min_cell_size() < 0) {
      problems.Add(id, "disclosure.min_cell_size is negative");
    }
    m.complementary = !d.disclosure().no_complementary_suppression();
    if (d.has_target() &&
        d.target().direction() == v1::Target::DIRECTION_UNSPECIFIED) {
      problems.Add(id, "target.direction is not set");
    }
    if (!IsBaseKind(d.kind())) continue;

    if (d.records() == v1::RECORD_KIND_UNSPECIFIED) {
      problems.Add(id, "records is not set");
      continue;
    }
    const Descriptor* schema = FactsSchema(d.records());
    m.filter = compile_filter(d, d.records(), d.filter(), "filter");
    if (d.kind() == v1::SHARE) {
      if (d.condition().empty()) {
        problems.Add(id, "a SHARE needs a condition");
      }
      m.condition = compile_filter(d, d.records(), d.condition(), "condition");
    } else if (!d.condition().empty()) {
      problems.Add(id, "condition is only for SHARE metrics");
    }
    const bool needs_value =
        d.kind() == v1::DISTINCT_COUNT || d.kind() == v1::SUM ||
        d.kind() == v1::MEAN || d.kind() == v1::MEDIAN ||
        d.kind() == v1::PERCENTILE;
    if (needs_value) {
      const FieldDescriptor* field = schema->FindFieldByName(d.value());
      if (field == nullptr) {
        problems.Add(id, absl::StrCat("value: ", schema->name(),
                                      " has no field '", d.value(), "'"));
      } else if (d.kind() != v1::DISTINCT_COUNT && !IsNumeric(field)) {
        problems.Add(id, absl::StrCat("value: ", d.value(),
                                      " is not a number"));
      } else {
        m.value_field = field->index();
      }
    } else if (!d.value().empty()) {
      problems.Add(id, "value is only for DISTINCT_COUNT, SUM, MEAN, MEDIAN "
                       "and PERCENTILE metrics");
    }
    if (d.kind() == v1::PERCENTILE &&
        !(d.percentile() > 0 && d.percentile() <= 100)) {
      problems.Add(id, "percentile must be in (0, 100]");
    }

    // The time rule.
    m.time_rule = d.time().kind() == v1::TimeRule::KIND_UNSPECIFIED
                      ? v1::TimeRule::WITHIN_PERIOD
                      : d.time().kind();
    auto day_field = [&](const std::string& name, const char* what) {
      const FieldDescriptor* field = schema->FindFieldByName(name);
      if (field == nullptr ||
          field->cpp_type() != FieldDescriptor::CPPTYPE_INT32 ||
          !field->has_presence()) {
        problems.Add(id, absl::StrCat("time.", what, ": '", name,
                                      "' is not a date field of ",
                                      schema->name()));
        return -1;
      }
      return field->index();
    };
    m.date_field = day_field(d.time().date_field().empty()
                                 ? DefaultDateField(d.records())
                                 : d.time().date_field(),
                             "date_field");
    if (!d.time().end_field().empty()) {
      m.end_field = day_field(d.time().end_field(), "end_field");
    }
    if (m.time_rule == v1::TimeRule::WITHIN_DAYS) {
      m.from_field = day_field(d.time().from_field(), "from_field");
      if (d.time().days() < 0) problems.Add(id, "time.days is negative");
      m.days = d.time().days();
    }

    for (int b : d.breakdowns()) {
      const auto breakdown = static_cast<v1::Breakdown>(b);
      const FieldDescriptor* field =
          schema->FindFieldByName(BreakdownField(breakdown));
      if (field == nullptr) {
        problems.Add(id, absl::StrCat("breakdown ", v1::Breakdown_Name(breakdown),
                                      " is not available for ",
                                      v1::RecordKind_Name(d.records())));
        continue;
      }
      m.breakdown_fields[b] = field->index();
    }
    if (d.kind() == v1::DISPARITY_RATIO) {
      m.breakdown_fields.fill(-1);
      m.breakdown_fields[v1::RACE_ETHNICITY] = schema->FindFieldByName("race")
                                                   ? schema->FindFieldByName("race")->index()
                                                   : -1;
      if (m.breakdown_fields[v1::RACE_ETHNICITY] < 0) {
        problems.Add(id, absl::StrCat("a DISPARITY_RATIO needs race, which ",
                                      v1::RecordKind_Name(d.records()),
                                      " do not have"));
      }
    }
  }

  // References between metrics, once every id is known.
  for (size_t i = 0; i < plan->metrics_.size(); ++i) {
    CompiledMetric& m = plan->metrics_[i];
    const v1::MetricDefinition& d = *m.definition;
    auto resolve = [&](const std::string& ref, const char* what) {
      auto it = ids.find(ref);
      if (it == ids.end()) {
        problems.Add(d.id(), absl::StrCat(what, ": no metric '", ref, "'"));
        return -1;
      }
      if (it->second == static_cast<int>(i)) {
        problems.Add(d.id(), absl::StrCat(what, " is the metric itself"));
        return -1;
      }
      return it->second;
    };
    if (d.kind() == v1::RATIO || d.kind() == v1::RATE_PER_1000) {
      m.numerator = resolve(d.numerator(), "numerator");
      if (d.kind() == v1::RATE_PER_1000 && !d.benchmark().empty()) {
        if (!d.denominator().empty()) {
          problems.Add(d.id(), "a rate has a denominator or a benchmark, not both");
        }
        m.benchmark = d.benchmark();
      } else {
        m.denominator = resolve(d.denominator(), "denominator");
      }
    } else if (d.kind() == v1::DISPARITY_RATIO) {
      if (d.reference().empty() == d.benchmark().empty()) {
        problems.Add(d.id(), "a DISPARITY_RATIO has a reference or a benchmark");
      } else if (!d.reference().empty()) {
        m.reference = resolve(d.reference(), "reference");
        if (m.reference >= 0) {
          const CompiledMetric& r = plan->metrics_[m.reference];
          if ((r.kind != v1::COUNT && r.kind != v1::DISTINCT_COUNT) ||
              r.breakdown_fields[v1::RACE_ETHNICITY] < 0) {
            problems.Add(d.id(), "reference: '" + d.reference() +
                                     "' must be a COUNT or DISTINCT_COUNT "
                                     "with a RACE_ETHNICITY breakdown");
          }
        }
      } else {
        m.benchmark = d.benchmark();
      }
    }
  }
  if (!problems.empty()) return problems.ToStatus();

  // Breakdowns of derived metrics: those both parts support; and the order.
  std::vector<int> state(plan->metrics_.size(), 0);  // 1 visiting, 2 done
  std::vector<std::pair<int, int>> stack;
  for (size_t start = 0; start < plan->metrics_.size(); ++start) {
    if (state[start] != 0) continue;
    stack.emplace_back(static_cast<int>(start), 0);
    state[start] = 1;
    while (!stack.empty()) {
      auto& [index, step] = stack.back();
      CompiledMetric& m = plan->metrics_[index];
      const int parts[3] = {m.numerator, m.denominator, m.reference};
      if (step < 3) {
        const int part = parts[step++];
        if (part < 0 || state[part] == 2) continue;
        if (state[part] == 1) {
          problems.Add(m.definition->id(), "metrics refer to each other in a cycle");
          return problems.ToStatus();
        }
        state[part] = 1;
        stack.emplace_back(part, 0);
        continue;
      }
      if (!IsBaseKind(m.kind)) {
        std::array<bool, v1::Breakdown_ARRAYSIZE> declared{};
        for (int b : m.definition->breakdowns()) declared[b] = true;
        for (int b = 0; b < v1::Breakdown_ARRAYSIZE; ++b) {
          const bool numerator = plan->metrics_[m.numerator].breakdown_fields[b] >= 0;
          const bool denominator =
              m.denominator >= 0
                  ? plan->metrics_[m.denominator].breakdown_fields[b] >= 0
                  : b == v1::RACE_ETHNICITY;
          m.breakdown_fields[b] = declared[b] && numerator && denominator ? 0 : -1;
        }
        for (int b : m.definition->breakdowns()) {
          if (m.breakdown_fields[b] < 0 && b != 0) {
            problems.Add(m.definition->id(),
                         absl::StrCat("breakdown ",
                                      v1::Breakdown_Name(static_cast<v1::Breakdown>(b)),
                                      " is not supported by both of its parts"));
          }
        }
      }
      state[index] = 2;
      plan->order_.push_back(index);
      stack.pop_back();
    }
  }
  if (!problems.empty()) return problems.ToStatus();
  for (const CompiledMetric& m : plan->metrics_) {
    if (m.records != v1::EVENTS || !IsBaseKind(m.kind)) continue;
    if (m.filter < 0) {
      plan->counted_event_kinds_.set();
      continue;
    }
    const CompiledFilter& filter = plan->filters_[static_cast<size_t>(m.filter)];
    plan->counted_event_kinds_ |=
        KindsAllowed(filter.program->checked_expr(), filter.program->checked_expr().expr(),
                     plan->environments_[v1::EVENTS].variable);
  }
  return plan;
}

}  // namespace divert::metrics
