// Benchmarks of batch screening (divert::Screener) on arrests shaped like
// the bundled NYPD month (examples/data/nypd_arrests_2017-12.csv, NYC Open
// Data), screened against the toolkit's Example 1 with the New York catalog
// and examples/mappings/nypd_arrests.textproto. Rows are drawn from the
// month at random (seeded) into record batches of 65,536 rows, as Arrow
// readers deliver them; every benchmark reports rows per second
// (items_per_second) with every result column built (outcome, version,
// decisive rules, missing facts, each rule's result), and keeps every
// screened batch until the whole stream is read, as a table would.
//
// BM_ScreenArrestPerRow/text:T/keep:K
//     one row per arrest; the text columns plain utf8 (T=1) or
//     dictionary-encoded (T=0); the screened batches released as they are
//     read (K=0, streaming) or kept until the end (K=1, as a table).
// BM_ScreenChargePerRow/text:T/keep:0
//     one row per charge, 1-3 charges per arrest sharing its ARREST_KEY.
//
// The screener is created once and screens the batches once before the
// measured iterations, so its arrests' distinct inputs are already decided:
// the figures are those of a long stream, where a row costs only the
// columnar work.
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/types/optional.h"
#include "benchmark/benchmark.h"
#include "divert/eligibility/policy.h"
#include "divert/screening/screener.h"
#include "screening/arrow_build.h"

namespace divert {
namespace {

using screening::BuiltColumn;

std::string ReadFile(const std::string& path) {
  std::ifstream in(std::string(DIVERT_SOURCE_DIR) + "/" + path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The month's rows, as text fields by column name (a small CSV reader:
// quoted fields, no embedded line breaks).
struct Month {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  int Column(const std::string& name) const {
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return static_cast<int>(i);
    }
    return -1;
  }
};

std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

const Month& NypdMonth() {
  static const Month* month = [] {
    auto* m = new Month;
    std::istringstream in(ReadFile("examples/data/nypd_arrests_2017-12.csv"));
    std::string line;
    if (std::getline(in, line)) m->header = SplitCsvLine(line);
    while (std::getline(in, line)) {
      if (!line.empty()) m->rows.push_back(SplitCsvLine(line));
    }
    return m;
  }();
  return *month;
}

std::shared_ptr<const CompiledPolicy> Example1() {
  static const auto* compiled = [] {
    auto* out = new std::shared_ptr<const CompiledPolicy>;
    auto policy = CompiledPolicy::FromTextFormat(
        ReadFile("examples/policies/example1_new_york.textproto"));
    if (policy.ok()) *out = *policy;
    return out;
  }();
  return *compiled;
}

v1::ColumnMapping NypdMapping(v1::TableShape shape) {
  auto mapping =
      Screener::ParseMapping(ReadFile("examples/mappings/nypd_arrests.textproto"));
  if (!mapping.ok()) return v1::ColumnMapping();
  mapping->set_shape(shape);
  if (shape == v1::CHARGE_PER_ROW) mapping->set_arrest_key_column("ARREST_KEY");
  return *mapping;
}

constexpr int64_t kBatchRows = 65536;
constexpr int64_t kRows = 4 * 1024 * 1024;

// Text columns of the mapping, and the integer ones.
constexpr const char* kTextColumns[] = {"ARREST_DATE", "LAW_CODE", "ARREST_BORO",
                                        "PERP_RACE", "PERP_SEX"};
constexpr const char* kIntColumns[] = {"ARREST_PRECINCT"};

BuiltColumn TextOrDictionary(const char* name,
                             const std::vector<absl::optional<std::string>>& values,
                             bool text) {
  if (text) return screening::TextColumn(name, values);
  std::vector<std::string> dictionary;
  absl::flat_hash_map<std::string, int32_t> index;
  std::vector<int32_t> indices;
  indices.reserve(values.size());
  for (const auto& v : values) {
    if (!v) {
      indices.push_back(-1);
      continue;
    }
    auto [it, added] = index.emplace(*v, static_cast<int32_t>(dictionary.size()));
    if (added) dictionary.push_back(*v);
    indices.push_back(it->second);
  }
  return screening::DictionaryColumn(name, dictionary, indices, /*narrow=*/false);
}

// splitmix64: the same draws in benchmarks/screen_python_vs_cpp.py.
uint64_t Draw(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// kRows rows drawn from the month, in batches. Empty text stays empty
// text and empty numbers are null, as pyarrow's CSV reader reads them. One row per arrest: each
// row is a month row. One row per charge: each arrest is a month row
// followed by 0-2 more rows with its ARREST_KEY and the LAW_CODE of other
// month rows.
std::vector<BuiltColumn> Batches(bool text, bool charge_per_row) {
  const Month& month = NypdMonth();
  uint64_t seed = 7;
  auto rng = [&seed] { return Draw(&seed); };
  std::vector<const std::vector<std::string>*> picked;
  std::vector<int64_t> arrest;
  std::vector<const std::vector<std::string>*> charge;
  picked.reserve(kRows);
  int64_t key = 0;
  while (static_cast<int64_t>(picked.size()) < kRows) {
    const auto* row = &month.rows[rng() % month.rows.size()];
    const int charges = charge_per_row ? 1 + static_cast<int>(rng() % 4 == 0) +
                                             static_cast<int>(rng() % 8 == 0)
                                       : 1;
    ++key;
    for (int c = 0; c < charges && static_cast<int64_t>(picked.size()) < kRows; ++c) {
      picked.push_back(row);
      arrest.push_back(key);
      charge.push_back(c == 0 ? row : &month.rows[rng() % month.rows.size()]);
    }
  }
  const int law_code = month.Column("LAW_CODE");
  std::vector<BuiltColumn> batches;
  for (int64_t begin = 0; begin < kRows; begin += kBatchRows) {
    const int64_t end = std::min(kRows, begin + kBatchRows);
    std::vector<BuiltColumn> columns;
    std::vector<absl::optional<int64_t>> keys;
    for (int64_t r = begin; r < end; ++r) keys.push_back(arrest[r]);
    columns.push_back(screening::Int64Column("ARREST_KEY", keys));
    for (const char* name : kTextColumns) {
      const int c = month.Column(name);
      std::vector<absl::optional<std::string>> values;
      for (int64_t r = begin; r < end; ++r) {
        const std::string& v = c == law_code ? (*charge[r])[c] : (*picked[r])[c];
        values.push_back(v);
      }
      columns.push_back(TextOrDictionary(name, values, text));
    }
    for (const char* name : kIntColumns) {
      const int c = month.Column(name);
      std::vector<absl::optional<int64_t>> values;
      for (int64_t r = begin; r < end; ++r) {
        const std::string& v = (*picked[r])[c];
        values.push_back(v.empty() ? absl::nullopt
                                   : absl::optional<int64_t>(std::stoll(v)));
      }
      columns.push_back(screening::Int64Column(name, values));
    }
    batches.push_back(screening::RecordBatch(std::move(columns), end - begin));
  }
  return batches;
}

// A shallow copy of `array` whose release frees only the copy: the
// batches are screened again in every iteration.
void Borrow(const ArrowArray& array, ArrowArray* out) {
  struct Shell {
    std::vector<ArrowArray> children;
    std::vector<ArrowArray*> pointers;
    ArrowArray dictionary;
  };
  auto* shell = new Shell;
  shell->children.resize(static_cast<size_t>(array.n_children));
  for (int64_t i = 0; i < array.n_children; ++i) {
    Borrow(*array.children[i], &shell->children[i]);
    shell->pointers.push_back(&shell->children[i]);
  }
  *out = array;
  out->children = shell->pointers.data();
  if (array.dictionary != nullptr) {
    Borrow(*array.dictionary, &shell->dictionary);
    out->dictionary = &shell->dictionary;
  }
  out->private_data = shell;
  out->release = [](ArrowArray* a) {
    auto* s = static_cast<Shell*>(a->private_data);
    for (ArrowArray& child : s->children) {
      if (child.release != nullptr) child.release(&child);
    }
    if (a->dictionary != nullptr && a->dictionary->release != nullptr) {
      a->dictionary->release(a->dictionary);
    }
    delete s;
    a->release = nullptr;
  };
}

void Screen(benchmark::State& state, v1::TableShape shape) {
  const bool text = state.range(0) != 0;
  const bool keep = state.range(1) != 0;
  auto policy = Example1();
  if (policy == nullptr || NypdMonth().rows.empty()) {
    state.SkipWithError("the Example 1 policy or the NYPD month is missing");
    return;
  }
  // Built once per kind (Google Benchmark calls this more than once).
  static auto* built = new std::map<std::pair<bool, bool>, std::vector<BuiltColumn>>;
  const bool charge_per_row = shape == v1::CHARGE_PER_ROW;
  std::vector<BuiltColumn>& batches = (*built)[{text, charge_per_row}];
  if (batches.empty()) batches = Batches(text, charge_per_row);
  auto screener = Screener::Create(policy, NypdMapping(shape));
  if (!screener.ok()) {
    state.SkipWithError(std::string(screener.status().message()).c_str());
    return;
  }
  // Screens every batch once; the rows screened, or -1 after an error.
  auto screen_all = [&]() -> int64_t {
    std::vector<ArrowArray> arrays(batches.size());
    for (size_t b = 0; b < batches.size(); ++b) Borrow(batches[b].array, &arrays[b]);
    ArrowArrayStream input, output;
    screening::MakeStream(screening::CopySchema(batches.front().schema),
                          std::move(arrays), &input);
    if (absl::Status s = (*screener)->Screen(&input, &output); !s.ok()) {
      state.SkipWithError(std::string(s.message()).c_str());
      return -1;
    }
    // With `keep`, the screened batches are kept until the end, as a
    // table of them (pyarrow's read_all, Policy.screen in Python) keeps
    // them; else each is released once read, as a streaming consumer does.
    std::vector<ArrowArray> screened;
    int64_t rows = 0;
    while (rows >= 0) {
      ArrowArray out;
      if (output.get_next(&output, &out) != 0) {
        state.SkipWithError(output.get_last_error(&output));
        rows = -1;
        break;
      }
      if (out.release == nullptr) break;
      rows += out.length;
      if (keep) {
        screened.push_back(out);
      } else {
        out.release(&out);
      }
    }
    for (ArrowArray& out : screened) out.release(&out);
    output.release(&output);
    return rows;
  };
  // Decides the distinct inputs before measuring (a long stream's state).
  if (screen_all() < 0) return;
  int64_t rows = 0;
  for (auto _ : state) {
    const int64_t screened = screen_all();
    if (screened < 0) break;
    rows += screened;
  }
  state.SetItemsProcessed(rows);
  state.counters["distinct_inputs"] =
      static_cast<double>((*screener)->summary().distinct_inputs());
}

void BM_ScreenArrestPerRow(benchmark::State& state) {
  Screen(state, v1::ARREST_PER_ROW);
}
BENCHMARK(BM_ScreenArrestPerRow)
    ->ArgNames({"text", "keep"})
    ->ArgsProduct({{1, 0}, {0, 1}})
    ->Unit(benchmark::kMillisecond);

void BM_ScreenChargePerRow(benchmark::State& state) {
  Screen(state, v1::CHARGE_PER_ROW);
}
BENCHMARK(BM_ScreenChargePerRow)
    ->ArgNames({"text", "keep"})
    ->ArgsProduct({{1, 0}, {0}})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace divert
