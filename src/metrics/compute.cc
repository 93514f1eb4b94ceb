// CompiledCatalog: computing a report from folded facts.
#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/numeric/bits.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "divert/metrics/metrics.h"
#include "metrics/catalog_plan.h"
#include "metrics/collected_values.h"
#include "metrics/demographics.h"
#include "metrics/disclosure.h"
#include "metrics/filter_eval.h"
#include "metrics/site_facts.h"
#include "metrics/tally.h"

namespace divert::metrics {
namespace {

using google::protobuf::FieldDescriptor;

constexpr char kNotRecorded[] = "(not recorded)";

bool IsBipocGroup(int32_t race) {
  return race != v1::RACE_GROUP_WHITE && race != v1::RACE_GROUP_UNKNOWN &&
         race != v1::RACE_GROUP_UNSPECIFIED && race != kNone;
}

bool IsKnownRace(int32_t race) {
  return race != v1::RACE_GROUP_UNKNOWN && race != v1::RACE_GROUP_UNSPECIFIED &&
         race != kNone;
}

// One breakdown over one table: codes mapped to dense indexes.
struct Dimension {
  v1::Breakdown breakdown = v1::BREAKDOWN_UNSPECIFIED;
  ColumnView column;
  // Enum numbers 0..N map through `dense`; strings are their own index,
  // with kNone at `none_index`.
  bool is_enum = false;
  std::vector<int32_t> dense;
  int32_t none_index = 0;
  // Per dense index: the code and label for the report.
  std::vector<int32_t> codes;
  std::vector<std::string> labels;

  int32_t size() const { return static_cast<int32_t>(codes.size()); }
  int32_t IndexOf(int32_t code) const {
    if (code == kNone) return none_index;
    if (is_enum) {
      return code >= 0 && code < static_cast<int32_t>(dense.size()) ? dense[code]
                                                                     : none_index;
    }
    return code;
  }
};

Dimension MakeDimension(v1::Breakdown breakdown, const FactTable& table,
                        int field_index) {
  Dimension d;
  d.breakdown = breakdown;
  d.column = table.Column(field_index);
  const FieldDescriptor* field = table.schema()->field(field_index);
  if (field->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
    d.is_enum = true;
    const auto* type = field->enum_type();
    int32_t max_number = 0;
    for (int i = 0; i < type->value_count(); ++i) {
      max_number = std::max(max_number, type->value(i)->number());
    }
    d.dense.assign(max_number + 1, -1);
    for (int i = 0; i < type->value_count(); ++i) {
      d.dense[type->value(i)->number()] = i;
      d.codes.push_back(type->value(i)->number());
      d.labels.push_back(type->value(i)->name());
    }
    for (int32_t& index : d.dense) {
      if (index < 0) index = type->value_count();
    }
    d.none_index = type->value_count();
    d.codes.push_back(kNone);
    d.labels.push_back(kNotRecorded);
    return d;
  }
  const Dictionary& dictionary = *d.column.dictionary;
  for (int32_t code = 0; code < dictionary.size(); ++code) {
    d.codes.push_back(code);
    d.labels.push_back(dictionary.Value(code));
  }
  d.none_index = dictionary.size();
  d.codes.push_back(kNone);
  d.labels.push_back(kNotRecorded);
  return d;
}

// A metric's values over one set of breakdowns: one per cell, and the total.
struct Evaluation {
  std::vector<v1::Breakdown> breakdowns;
  std::vector<int32_t> sizes;
  std::vector<CellValue> cells;
  CellValue total;
  // Per breakdown, by dense index: the code and label a report shows. A
  // cell's are those of its dense index in each breakdown.
  std::vector<std::vector<int32_t>> codes;
  std::vector<std::vector<std::string>> labels;

  // The dense index of `cell` in breakdown `k` (a cell is the mixed-radix
  // number of its dense indexes, the first breakdown's most significant).
  size_t IndexIn(size_t cell, size_t k) const {
    for (size_t d = sizes.size() - 1; d > k; --d) cell /= static_cast<size_t>(sizes[d]);
    return cell % static_cast<size_t>(sizes[k]);
  }
  int32_t CodeOf(size_t cell, size_t k) const { return codes[k][IndexIn(cell, k)]; }
  const std::string& LabelOf(size_t cell, size_t k) const {
    return labels[k][IndexIn(cell, k)];
  }
};

v1::TargetStatus TargetStatusOf(const v1::Target& target, double value) {
  auto meets = [&](double limit) {
    return target.direction() == v1::Target::AT_MOST ? value <= limit
                                                     : value >= limit;
  };
  if (target.has_preferred() && meets(target.preferred())) {
    return v1::MEETS_PREFERRED;
  }
  return meets(target.value()) ? v1::MEETS : v1::MISSES;
}

class Computation {
 public:
  // `blocks` (null for none) keeps the memory of the largest arrays, the
  // rows' cells, for a later computation.
  Computation(const CatalogPlan& plan, const SiteFacts& facts,
              const v1::MetricRequest& request, int32_t start, int32_t end,
              BlockCache* blocks)
      : plan_(plan),
        facts_(facts),
        request_(request),
        start_(start),
        end_(end),
        published_(request.disclosure() != v1::INTERNAL),
        blocks_(blocks),
        masks_(plan.filters().size()) {}

  absl::StatusOr<v1::MetricReport> Run() {
    std::vector<bool> wanted(plan_.metrics().size(), request_.metric_ids().empty());
    for (const std::string& id : request_.metric_ids()) {
      const int index = plan_.IndexOf(id);
      if (index < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("metric_ids: the catalog has no metric '", id, "'"));
      }
      wanted[index] = true;
    }
    v1::MetricReport report;
    report.set_site(facts_.site);
    report.set_synthetic(facts_.synthetic);
    report.set_catalog(plan_.catalog().name());
    *report.mutable_period() = request_.period();
    for (int b : request_.breakdowns()) report.add_breakdowns(static_cast<v1::Breakdown>(b));
    report.set_disclosure(published_ ? v1::PUBLISHED : v1::INTERNAL);
    for (size_t i = 0; i < plan_.metrics().size(); ++i) {
      if (!wanted[i]) continue;
      const CompiledMetric& metric = plan_.metrics()[i];
      std::vector<v1::Breakdown> dims;
      v1::MetricResult* result = report.add_results();
      *result->mutable_definition() = *metric.definition;
      for (int b : request_.breakdowns()) {
        const auto breakdown = static_cast<v1::Breakdown>(b);
        if (metric.breakdown_fields[b] >= 0) {
          dims.push_back(breakdown);
        } else {
          result->add_unsupported_breakdowns(breakdown);
        }
      }
      if (metric.kind == v1::DISPARITY_RATIO) dims = {v1::RACE_ETHNICITY};
      absl::StatusOr<const Evaluation*> evaluation =
          Evaluate(static_cast<int>(i), dims);
      if (!evaluation.ok()) return evaluation.status();
      Write(metric, **evaluation, result);
    }
    return report;
  }

 private:
  using Key = std::pair<int, std::vector<v1::Breakdown>>;

  absl::StatusOr<const Evaluation*> Evaluate(
      int index, const std::vector<v1::Breakdown>& dims) {
    Key key(index, dims);
    if (auto it = evaluations_.find(key); it != evaluations_.end()) {
      return it->second.get();
    }
    const CompiledMetric& metric = plan_.metrics()[index];
    auto evaluation = std::make_unique<Evaluation>();
    evaluation->breakdowns = dims;
    absl::Status status;
    switch (metric.kind) {
      case v1::RATIO:
      case v1::RATE_PER_1000:
        status = Derive(metric, evaluation.get());
        break;
      case v1::DISPARITY_RATIO:
        status = Disparity(metric, evaluation.get());
        break;
      default:
        status = Accumulate(metric, evaluation.get());
        break;
    }
    if (!status.ok()) {
      return absl::Status(status.code(), absl::StrCat("metric ",
                                                      metric.definition->id(),
                                                      ": ", status.message()));
    }
    const Evaluation* out = evaluation.get();
    evaluations_.emplace(std::move(key), std::move(evaluation));
    return out;
  }

  absl::StatusOr<const std::vector<uint8_t>*> Mask(int filter,
                                                   const FactTable& table) {
    if (!masks_[filter].empty() || table.rows() == 0) return &masks_[filter];
    const CompiledFilter& compiled = plan_.filters()[filter];
    absl::StatusOr<std::vector<uint8_t>> mask = EvaluateFilter(
        compiled, plan_.environment(compiled.kind), table, start_, end_);
    if (!mask.ok()) return mask.status();
    masks_[filter] = *std::move(mask);
    return &masks_[filter];
  }

  // The rows a metric visits, in order: those its filter holds for and,
  // for PARTICIPANTS, those enrolled; nullptr for every row of the table.
  // Kept per filter and record kind: metrics that share them share them.
  absl::StatusOr<const std::vector<uint32_t>*> RowsOf(const CompiledMetric& metric,
                                                      const FactTable& table) {
    const bool participants = metric.records == v1::PARTICIPANTS;
    if (metric.filter < 0 && !participants) return nullptr;
    auto [it, inserted] = rows_.try_emplace({metric.filter, participants});
    std::vector<uint32_t>& rows = it->second;
    if (!inserted) return &rows;
    const ColumnView enrolled =
        participants ? table.Column(table.FieldIndex("enrolled_day")) : ColumnView{};
    if (const FieldSlots* slots = SlotsReadBy(metric.filter, table)) {
      // The filter's answer for each row's slot.
      const CompiledFilter& compiled = plan_.filters()[metric.filter];
      absl::StatusOr<std::vector<uint8_t>> holds = EvaluateFilterBySlot(
          compiled, plan_.environment(compiled.kind), table, start_, end_, *slots);
      if (!holds.ok()) {
        rows_.erase(it);
        return holds.status();
      }
      const uint16_t* slot = slots->slot.data();
      const uint8_t* by_slot = holds->data();
      if (participants) {
        AppendKeptRows(
            table.rows(),
            [&](size_t row) { return by_slot[slot[row]] & (enrolled[row] != kNone); },
            &rows);
      } else {
        AppendKeptRows(table.rows(), [&](size_t row) { return by_slot[slot[row]]; }, &rows);
      }
      return &rows;
    }
    const std::vector<uint8_t>* mask = nullptr;
    if (metric.filter >= 0) {
      absl::StatusOr<const std::vector<uint8_t>*> m = Mask(metric.filter, table);
      if (!m.ok()) {
        rows_.erase(it);
        return m.status();
      }
      mask = *m;
    }
    if (mask == nullptr) {
      AppendKeptRows(table.rows(), [&](size_t row) { return enrolled[row] != kNone; }, &rows);
    } else if (!participants) {
      AppendKeptRows(table.rows(), [&](size_t row) { return (*mask)[row] != 0; }, &rows);
    } else {
      AppendKeptRows(
          table.rows(),
          [&](size_t row) { return ((*mask)[row] != 0) & (enrolled[row] != kNone); },
          &rows);
    }
    return &rows;
  }

  // For a memoizable filter that reads one field, the slots of that field
  // in `table` (kept per table and field: filters reading it share them);
  // nullptr for another filter, or a field of too many values.
  const FieldSlots* SlotsReadBy(int filter, const FactTable& table) {
    if (filter < 0) return nullptr;
    const CompiledFilter& compiled = plan_.filters()[filter];
    if (!compiled.memoizable || compiled.fields.size() != 1) return nullptr;
    const int field = compiled.fields[0];
    const bool presence_only = compiled.presence_only[0];
    auto [it, inserted] = slots_.try_emplace({&table, field, presence_only});
    if (inserted) it->second = SlotsOf(table, field, presence_only);
    return it->second.has_value() ? &*it->second : nullptr;
  }

  // Appends to `rows` the rows below `count` that `keeps` (0 or 1), in
  // order: first which rows are kept, a bit each in words of 64 rows (a
  // pass that stores a word, not a row), then the numbers of the set bits.
  template <typename Keeps>
  static void AppendKeptRows(size_t count, Keeps keeps, std::vector<uint32_t>* rows) {
    constexpr size_t kWordRows = 64;
    std::vector<uint64_t> words((count + kWordRows - 1) / kWordRows);
    size_t kept = 0;
    for (size_t w = 0; w < words.size(); ++w) {
      const size_t first = w * kWordRows;
      uint64_t word = 0;
      if (first + kWordRows <= count) {
        for (size_t k = 0; k < kWordRows; ++k) {
          word |= static_cast<uint64_t>(keeps(first + k)) << k;
        }
      } else {
        for (size_t k = 0; first + k < count; ++k) {
          word |= static_cast<uint64_t>(keeps(first + k)) << k;
        }
      }
      words[w] = word;
      kept += static_cast<size_t>(absl::popcount(word));
    }
    const size_t at = rows->size();
    rows->resize(at + kept);
    uint32_t* out = rows->data() + at;
    for (size_t w = 0; w < words.size(); ++w) {
      for (uint64_t word = words[w]; word != 0; word &= word - 1) {
        *out++ = static_cast<uint32_t>(w * kWordRows + absl::countr_zero(word));
      }
    }
  }

  // Sets up the dimensions of `evaluation` over `table`.
  std::vector<Dimension> Dimensions(const CompiledMetric& metric,
                                    const FactTable& table,
                                    Evaluation* evaluation) {
    std::vector<Dimension> dimensions;
    for (v1::Breakdown b : evaluation->breakdowns) {
      dimensions.push_back(MakeDimension(b, table, metric.breakdown_fields[b]));
    }
    return dimensions;
  }

  // Each row's cell among `dimensions` (the mixed-radix number of its
  // dense codes), computed once per table and breakdown fields: metrics of
  // one table share it. A metric that visits few of a table's rows
  // (`few_rows`), when every column is another table's read through one
  // row index (an event's race, gender and pathway are its referral's),
  // gets that table's cells and the index instead: it then reads the cells
  // of the rows it visits only.
  struct RowCells {
    const uint32_t* of = nullptr;
    const uint32_t* via = nullptr;
  };
  RowCells CellsOf(const CompiledMetric& metric, const FactTable& table,
                   const std::vector<Dimension>& dimensions, bool few_rows) {
    std::vector<int> fields;
    for (const Dimension& d : dimensions) {
      fields.push_back(metric.breakdown_fields[d.breakdown]);
    }
    const FactTable* parent = JoinedFromOneTable(table, fields, dimensions);
    if (parent == nullptr) return {CellsOf(table, fields, dimensions), nullptr};
    std::vector<int> parent_fields;
    std::vector<Dimension> parent_dimensions = dimensions;
    for (size_t d = 0; d < fields.size(); ++d) {
      parent_fields.push_back(table.joined_field(fields[d]));
      parent_dimensions[d].column.via = nullptr;
    }
    const uint32_t* parent_cells = CellsOf(*parent, parent_fields, parent_dimensions);
    const uint32_t* via = dimensions[0].column.via;
    if (few_rows) return {parent_cells, via};
    // Metrics that visit most rows share the cells copied through the
    // index, one load a row instead of one a column.
    RecycledVector<uint32_t>& cells =
        cells_.try_emplace({&table, fields}, RecyclingAllocator<uint32_t>(blocks_))
            .first->second;
    if (cells.size() != table.rows()) {
      cells.resize(table.rows());
      for (size_t row = 0; row < cells.size(); ++row) cells[row] = parent_cells[via[row]];
    }
    return {cells.data(), nullptr};
  }

  // The cells of a table's own columns (some may be read through an index).
  const uint32_t* CellsOf(const FactTable& table, const std::vector<int>& fields,
                          const std::vector<Dimension>& dimensions) {
    RecycledVector<uint32_t>& cells =
        cells_.try_emplace({&table, fields}, RecyclingAllocator<uint32_t>(blocks_))
            .first->second;
    if (cells.size() == table.rows()) return cells.data();
    cells.assign(table.rows(), 0);
    for (const Dimension& d : dimensions) {
      if (d.column.via == nullptr) {
        for (size_t row = 0; row < cells.size(); ++row) {
          cells[row] = cells[row] * d.size() + d.IndexOf(d.column.data[row]);
        }
      } else {
        for (size_t row = 0; row < cells.size(); ++row) {
          cells[row] =
              cells[row] * d.size() + d.IndexOf(d.column.data[d.column.via[row]]);
        }
      }
    }
    return cells.data();
  }

  // The table all of `fields` are joined from through one row index (and
  // that owns them); nullptr when some field is the table's own or they
  // differ.
  static const FactTable* JoinedFromOneTable(const FactTable& table,
                                             const std::vector<int>& fields,
                                             const std::vector<Dimension>& dimensions) {
    const FactTable* parent = table.joined_table(fields[0]);
    if (parent == nullptr) return nullptr;
    for (size_t d = 0; d < fields.size(); ++d) {
      if (table.joined_table(fields[d]) != parent ||
          parent->joined_table(table.joined_field(fields[d])) != nullptr ||
          dimensions[d].column.via != dimensions[0].column.via) {
        return nullptr;
      }
    }
    return parent;
  }

  static size_t CellCount(const std::vector<Dimension>& dimensions) {
    size_t cells = 1;
    for (const Dimension& d : dimensions) cells *= d.size();
    return cells;
  }

  absl::Status Accumulate(const CompiledMetric& metric, Evaluation* evaluation) {
    const FactTable& table = *facts_.Table(metric.records);
    const size_t rows = table.rows();
    const std::vector<uint8_t>* condition = nullptr;
    absl::StatusOr<const std::vector<uint32_t>*> visited = RowsOf(metric, table);
    if (!visited.ok()) return visited.status();
    if (metric.condition >= 0) {
      auto mask = Mask(metric.condition, table);
      if (!mask.ok()) return mask.status();
      condition = *mask;
    }
    std::vector<Dimension> dimensions = Dimensions(metric, table, evaluation);
    const size_t cells = CellCount(dimensions);
    // A metric visiting an eighth of the rows or fewer reads cells through
    // a row index rather than have them copied for every row.
    const bool few_rows = *visited != nullptr && (*visited)->size() <= rows / 8;
    const RowCells cell_of =
        dimensions.empty() ? RowCells() : CellsOf(metric, table, dimensions, few_rows);
    TallyRequest tally;
    tally.time.rule = metric.time_rule;
    tally.time.date = table.Column(metric.date_field);
    if (metric.end_field >= 0) tally.time.ended = table.Column(metric.end_field);
    if (metric.from_field >= 0) tally.time.from = table.Column(metric.from_field);
    tally.time.days = metric.days;
    tally.time.period_start = start_;
    tally.time.period_end = end_;
    const bool collects = metric.kind == v1::MEDIAN ||
                          metric.kind == v1::PERCENTILE ||
                          metric.kind == v1::DISTINCT_COUNT;
    const bool needs_value = metric.kind == v1::SUM || metric.kind == v1::MEAN;
    tally.tally = collects ? Tally::kValues : needs_value ? Tally::kSum : Tally::kRecords;
    if (metric.value_field >= 0) tally.value = table.Column(metric.value_field);
    tally.condition = condition != nullptr ? condition->data() : nullptr;
    tally.cell_of = cell_of.of;
    tally.cell_via = cell_of.via;
    tally.cells = cells;
    tally.rows = *visited != nullptr ? (*visited)->data() : nullptr;
    tally.row_count = *visited != nullptr ? (*visited)->size() : rows;
    TallyResult counted = TallyRows(tally);

    evaluation->cells.assign(cells, CellValue());
    auto finish = [&](CellValue* out, int64_t n, int64_t hits, double total) {
      out->records = n;
      switch (metric.kind) {
        case v1::COUNT:
          out->defined = true;
          out->value = static_cast<double>(n);
          break;
        case v1::SUM:
          out->defined = true;
          out->value = total;
          break;
        case v1::MEAN:
          out->defined = n > 0;
          out->value = n > 0 ? total / n : 0;
          break;
        case v1::SHARE:
          out->numerator = hits;
          out->defined = n > 0;
          out->value = n > 0 ? static_cast<double>(hits) / n : 0;
          break;
        default:
          break;
      }
    };
    if (collects) {
      CellValues grouped = GroupByCell(counted.values, cells);
      std::vector<std::pair<uint32_t, int32_t>>().swap(counted.values);
      Summarize(metric, &grouped, evaluation);
    } else {
      int64_t n = 0, hits = 0;
      double total = 0;
      for (size_t cell = 0; cell < cells; ++cell) {
        const double sum = static_cast<double>(counted.sum[cell]);
        finish(&evaluation->cells[cell], counted.records[cell],
               counted.numerator[cell], sum);
        n += counted.records[cell];
        hits += counted.numerator[cell];
        total += sum;
      }
      finish(&evaluation->total, n, hits, total);
    }
    Label(&dimensions, evaluation);
    if (published_) {
      SuppressSmallCells(metric.min_cell_size, metric.complementary,
                         metric.kind == v1::SHARE, &evaluation->cells,
                         &evaluation->total);
    }
    return absl::OkStatus();
  }

  // DISTINCT_COUNT, MEDIAN, PERCENTILE of each cell's values (a cell
  // without values keeps its defaults) and of all of them.
  static void Summarize(const CompiledMetric& metric, CellValues* grouped,
                        Evaluation* evaluation) {
    const size_t cells = grouped->cells();
    if (metric.kind == v1::DISTINCT_COUNT) {
      std::vector<int64_t> distinct;
      int64_t total = 0;
      CountDistinct(grouped, &distinct, &total);
      auto set = [](int64_t count, CellValue* out) {
        out->records = count;
        out->defined = true;
        out->value = static_cast<double>(count);
      };
      for (size_t cell = 0; cell < cells; ++cell) {
        if (grouped->begin[cell] == grouped->begin[cell + 1]) continue;
        set(distinct[cell], &evaluation->cells[cell]);
      }
      set(total, &evaluation->total);
      return;
    }
    auto summarize = [&](int32_t* begin, int32_t* end, CellValue* out) {
      out->records = end - begin;
      out->defined = begin != end;
      if (begin == end) return;
      out->value = metric.kind == v1::MEDIAN
                       ? MedianOf(begin, end)
                       : PercentileOf(begin, end, metric.definition->percentile());
    };
    for (size_t cell = 0; cell < cells; ++cell) {
      if (grouped->begin[cell] == grouped->begin[cell + 1]) continue;
      summarize(grouped->cell_begin(cell), grouped->cell_end(cell),
                &evaluation->cells[cell]);
    }
    // Selection reorders values within their cell only: all of them are
    // still the whole's.
    summarize(grouped->values.data(), grouped->values.data() + grouped->values.size(),
              &evaluation->total);
  }

  // Takes the codes and labels of `dimensions` for the report.
  static void Label(std::vector<Dimension>* dimensions, Evaluation* evaluation) {
    evaluation->sizes.clear();
    evaluation->codes.clear();
    evaluation->labels.clear();
    for (Dimension& d : *dimensions) {
      evaluation->sizes.push_back(d.size());
      evaluation->codes.push_back(std::move(d.codes));
      evaluation->labels.push_back(std::move(d.labels));
    }
  }

  // RATIO and RATE_PER_1000, cell by cell from their parts.
  absl::Status Derive(const CompiledMetric& metric, Evaluation* evaluation) {
    auto numerator = Evaluate(metric.numerator, evaluation->breakdowns);
    if (!numerator.ok()) return numerator.status();
    const Evaluation& top = **numerator;
    const Evaluation* bottom = nullptr;
    if (metric.denominator >= 0) {
      auto denominator = Evaluate(metric.denominator, evaluation->breakdowns);
      if (!denominator.ok()) return denominator.status();
      bottom = *denominator;
    }
    const double scale = metric.kind == v1::RATE_PER_1000 ? 1000.0 : 1.0;
    evaluation->sizes = top.sizes;
    evaluation->codes = top.codes;
    evaluation->labels = top.labels;
    evaluation->cells.assign(top.cells.size(), CellValue());
    const std::map<int32_t, int64_t>* population = nullptr;
    if (bottom == nullptr) {
      auto it = facts_.benchmarks.find(metric.benchmark);
      if (it == facts_.benchmarks.end()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "the records have no benchmark population '", metric.benchmark, "'"));
      }
      population = &it->second;
    }
    auto combine = [&](const CellValue& a, const CellValue* b, double base,
                       CellValue* out) {
      out->records = a.records;
      if (a.suppressed() || (b != nullptr && b->suppressed())) {
        out->Suppress(v1::DERIVED_FROM_SUPPRESSED);
        return;
      }
      const bool defined = a.defined && (b == nullptr || b->defined) && base != 0;
      out->defined = defined;
      out->value = defined ? scale * a.value / base : 0;
    };
    for (size_t cell = 0; cell < top.cells.size(); ++cell) {
      const CellValue* b = bottom != nullptr ? &bottom->cells[cell] : nullptr;
      double base = b != nullptr ? b->value : 0;
      if (population != nullptr) {
        auto it = population->find(top.breakdowns.empty() ? kNone
                                                          : top.CodeOf(cell, 0));
        base = it == population->end() ? 0 : static_cast<double>(it->second);
      }
      combine(top.cells[cell], b, base, &evaluation->cells[cell]);
    }
    double total_base = bottom != nullptr ? bottom->total.value : 0;
    if (population != nullptr) {
      for (const auto& [race, people] : *population) total_base += people;
    }
    combine(top.total, bottom != nullptr ? &bottom->total : nullptr, total_base,
            &evaluation->total);
    return absl::OkStatus();
  }

  // DISPARITY_RATIO: by race, a group's share here over its share in the
  // reference.
  absl::Status Disparity(const CompiledMetric& metric,
                         Evaluation* evaluation) {
    CompiledMetric counting = metric;
    counting.kind = v1::COUNT;
    std::map<int32_t, int64_t> reference;
    std::map<int32_t, bool> reference_suppressed;
    if (metric.reference >= 0) {
      auto r = Evaluate(metric.reference, {v1::RACE_ETHNICITY});
      if (!r.ok()) return r.status();
      for (size_t cell = 0; cell < (*r)->cells.size(); ++cell) {
        const int32_t race = (*r)->CodeOf(cell, 0);
        reference[race] = static_cast<int64_t>((*r)->cells[cell].value);
        reference_suppressed[race] = (*r)->cells[cell].suppressed();
      }
    } else {
      auto it = facts_.benchmarks.find(metric.benchmark);
      if (it == facts_.benchmarks.end()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "the records have no benchmark population '", metric.benchmark, "'"));
      }
      reference = it->second;
    }
    int64_t own_known = 0, own_bipoc = 0, ref_known = 0, ref_bipoc = 0;
    // Counts come from an unsuppressed accumulation (suppression is applied
    // to the ratios below).
    Evaluation raw;
    raw.breakdowns = {v1::RACE_ETHNICITY};
    {
      const bool published = published_;
      published_ = false;
      absl::Status s = Accumulate(counting, &raw);
      published_ = published;
      if (!s.ok()) return s;
    }
    for (size_t cell = 0; cell < raw.cells.size(); ++cell) {
      const int32_t race = raw.CodeOf(cell, 0);
      if (!IsKnownRace(race)) continue;
      own_known += raw.cells[cell].records;
      if (IsBipocGroup(race)) own_bipoc += raw.cells[cell].records;
    }
    for (const auto& [race, people] : reference) {
      if (!IsKnownRace(race)) continue;
      ref_known += people;
      if (IsBipocGroup(race)) ref_bipoc += people;
    }
    auto ratio = [&](int64_t part, int64_t whole, int64_t ref_part,
                     int64_t ref_whole, CellValue* out) {
      out->records = part;
      out->numerator = part;
      out->defined = whole > 0 && ref_whole > 0 && ref_part > 0;
      out->value = out->defined ? (static_cast<double>(part) / whole) /
                                      (static_cast<double>(ref_part) / ref_whole)
                                : 0;
    };
    evaluation->sizes = raw.sizes;
    evaluation->codes = raw.codes;
    evaluation->labels = raw.labels;
    evaluation->cells.assign(raw.cells.size(), CellValue());
    for (size_t cell = 0; cell < raw.cells.size(); ++cell) {
      const int32_t race = raw.CodeOf(cell, 0);
      CellValue& out = evaluation->cells[cell];
      if (!IsKnownRace(race)) {
        out.records = raw.cells[cell].records;
        continue;
      }
      const auto ref = reference.find(race);
      ratio(raw.cells[cell].records, own_known,
            ref == reference.end() ? 0 : ref->second, ref_known, &out);
      if (published_ && reference_suppressed[race]) {
        out.Suppress(v1::DERIVED_FROM_SUPPRESSED);
      }
    }
    ratio(own_bipoc, own_known, ref_bipoc, ref_known, &evaluation->total);
    if (published_) {
      for (CellValue& cell : evaluation->cells) {
        if (cell.records > 0 && cell.records < metric.min_cell_size) {
          cell.Suppress(v1::SMALL_CELL);
        }
      }
      if (own_bipoc > 0 && own_bipoc < metric.min_cell_size) {
        evaluation->total.Suppress(v1::SMALL_CELL);
      }
    }
    return absl::OkStatus();
  }

  void Write(const CompiledMetric& metric, const Evaluation& evaluation,
             v1::MetricResult* result) const {
    const v1::MetricDefinition& d = *metric.definition;
    auto write = [&](const CellValue& value, v1::MetricValue* out) {
      out->set_defined(value.defined);
      out->set_value(value.value);
      out->set_records(value.records);
      out->set_numerator(value.numerator);
      out->set_suppression(value.suppression);
      if (d.has_target() && value.defined) {
        out->set_target(TargetStatusOf(d.target(), value.value));
      }
    };
    write(evaluation.total, result->mutable_total());
    if (evaluation.breakdowns.empty()) return;
    for (size_t cell = 0; cell < evaluation.cells.size(); ++cell) {
      const CellValue& value = evaluation.cells[cell];
      if (value.records == 0 && !value.suppressed()) continue;
      v1::MetricCell* out = result->add_cells();
      for (size_t k = 0; k < evaluation.breakdowns.size(); ++k) {
        v1::CellKey* key = out->add_keys();
        key->set_breakdown(evaluation.breakdowns[k]);
        const int32_t code = evaluation.CodeOf(cell, k);
        key->set_code(code == kNone ? -1 : code);
        key->set_label(evaluation.LabelOf(cell, k));
      }
      write(value, out->mutable_value());
    }
  }

  const CatalogPlan& plan_;
  const SiteFacts& facts_;
  const v1::MetricRequest& request_;
  const int32_t start_;
  const int32_t end_;
  bool published_;
  BlockCache* blocks_;
  std::vector<std::vector<uint8_t>> masks_;
  // By filter (-1: none) and whether only participants count: RowsOf.
  std::map<std::pair<int, bool>, std::vector<uint32_t>> rows_;
  // By table, field and whether only its presence is read: SlotsReadBy.
  std::map<std::tuple<const FactTable*, int, bool>, std::optional<FieldSlots>> slots_;
  // By table and breakdown fields: each row's cell (CellsOf).
  std::map<std::pair<const FactTable*, std::vector<int>>, RecycledVector<uint32_t>>
      cells_;
  std::map<Key, std::unique_ptr<Evaluation>> evaluations_;
};

absl::Status CheckRequest(const v1::MetricRequest& request, int32_t* start,
                          int32_t* end) {
  *start = DayNumber(request.period().start());
  *end = DayNumber(request.period().end());
  if (*start == kNone) {
    return absl::InvalidArgumentError("period.start is not a valid date");
  }
  if (*end == kNone) {
    return absl::InvalidArgumentError("period.end is not a valid date");
  }
  if (*end < *start) {
    return absl::InvalidArgumentError("period.end is before period.start");
  }
  if (request.breakdowns_size() > 3) {
    return absl::InvalidArgumentError("at most three breakdowns at once");
  }
  for (int i = 0; i < request.breakdowns_size(); ++i) {
    if (request.breakdowns(i) == v1::BREAKDOWN_UNSPECIFIED) {
      return absl::InvalidArgumentError(
          absl::StrCat("breakdowns[", i, "] is not set"));
    }
    for (int j = 0; j < i; ++j) {
      if (request.breakdowns(j) == request.breakdowns(i)) {
        return absl::InvalidArgumentError(
            absl::StrCat("breakdowns[", i, "] is listed twice"));
      }
    }
  }
  return absl::OkStatus();
}

// The report for `request` (checked: its period is `start` to `end`) over
// `facts`, folded through the period's end; `blocks` (null for none) as
// Computation's.
absl::StatusOr<v1::MetricReport> ComputeOverFacts(const CatalogPlan& plan,
                                                  const SiteFacts& facts,
                                                  const v1::MetricRequest& request,
                                                  int32_t start, int32_t end,
                                                  BlockCache* blocks) {
  if (facts.through_day != end) {
    return absl::InvalidArgumentError(
        "the facts were not folded through the period's end");
  }
  Computation computation(plan, facts, request, start, end, blocks);
  return computation.Run();
}

// Folds (`fold(end_day, options)`) through the end of the request's period
// and computes the report, with a FoldScratch of `pool` for both; the fold
// keeps rows of the events table for the kinds of event the plan counts,
// and columns for the fields the request reads.
template <typename Fold>
absl::StatusOr<v1::MetricReport> FoldAndCompute(const CatalogPlan& plan,
                                                FoldScratchPool* pool,
                                                const v1::MetricRequest& request,
                                                Fold fold) {
  int32_t start = 0, end = 0;
  if (absl::Status s = CheckRequest(request, &start, &end); !s.ok()) return s;
  std::unique_ptr<FoldScratch> scratch = pool->Take();
  FoldOptions options;
  options.scratch = scratch.get();
  options.event_kinds = plan.counted_event_kinds();
  options.fields = plan.FieldsRead(request);
  absl::StatusOr<std::unique_ptr<SiteFacts>> facts = fold(end, options);
  if (!facts.ok()) return facts.status();
  absl::StatusOr<v1::MetricReport> report =
      ComputeOverFacts(plan, **facts, request, start, end, &scratch->blocks());
  Recycle(*std::move(facts), scratch.get());
  pool->Give(std::move(scratch));
  return report;
}

}  // namespace

CompiledCatalog::CompiledCatalog(std::unique_ptr<CatalogPlan> plan)
    : plan_(std::move(plan)), scratch_(std::make_unique<FoldScratchPool>()) {}
CompiledCatalog::~CompiledCatalog() = default;

absl::StatusOr<std::shared_ptr<const CompiledCatalog>> CompiledCatalog::Compile(
    const v1::MetricCatalog& catalog) {
  absl::StatusOr<std::unique_ptr<CatalogPlan>> plan = CatalogPlan::Compile(catalog);
  if (!plan.ok()) return plan.status();
  return std::shared_ptr<const CompiledCatalog>(
      new CompiledCatalog(*std::move(plan)));
}

const v1::MetricCatalog& CompiledCatalog::catalog() const {
  return plan_->catalog();
}

absl::StatusOr<v1::MetricReport> CompiledCatalog::Compute(
    const v1::MetricRecords& records, const v1::MetricRequest& request) const {
  return FoldAndCompute(*plan_, scratch_.get(), request,
                        [&](int32_t end, const FoldOptions& options) {
                          return FoldRecords(records, end, options);
                        });
}

absl::StatusOr<v1::MetricReport> CompiledCatalog::Compute(
    const RecordColumns& columns, const v1::MetricRequest& request) const {
  return FoldAndCompute(*plan_, scratch_.get(), request,
                        [&](int32_t end, const FoldOptions& options) {
                          return FoldRecords(columns, end, options);
                        });
}

absl::StatusOr<v1::MetricReport> CompiledCatalog::Compute(
    const SiteFacts& facts, const v1::MetricRequest& request) const {
  int32_t start = 0, end = 0;
  if (absl::Status s = CheckRequest(request, &start, &end); !s.ok()) return s;
  return ComputeOverFacts(*plan_, facts, request, start, end, nullptr);
}

}  // namespace divert::metrics
