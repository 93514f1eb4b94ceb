#include "metrics/tally.h"

#include <type_traits>

namespace divert::metrics {
namespace {

// The time tests, with AS_OF_END split by whether rows can have ended.
enum class Rule { kWithinPeriod, kAsOfEnd, kAsOfEndUnlessEnded, kWithinDays };

// Whether `day` is in [first, last], for any day (kNone is never within).
inline bool Within(int32_t day, int32_t first, int32_t last) {
  return static_cast<uint32_t>(day) - static_cast<uint32_t>(first) <=
         static_cast<uint32_t>(last) - static_cast<uint32_t>(first);
}

template <Rule kRule>
inline bool Passes(const TimeTest& t, size_t row) {
  const int32_t day = t.date[row];
  if constexpr (kRule == Rule::kWithinPeriod) {
    return Within(day, t.period_start, t.period_end);
  } else if constexpr (kRule == Rule::kWithinDays) {
    const int32_t first = t.from[row];
    // `first` within the period, so not kNone; `day` from it to `days`
    // (never negative) days after it: kNone, the smallest int32, is
    // before it.
    return Within(first, t.period_start, t.period_end) &
           (static_cast<uint32_t>(day) - static_cast<uint32_t>(first) <=
            static_cast<uint32_t>(t.days));
  } else {
    bool passes = (day != kNone) & (day <= t.period_end);
    if constexpr (kRule == Rule::kAsOfEndUnlessEnded) {
      const int32_t ended = t.ended[row];
      passes &= (ended == kNone) | (ended > t.period_end);
    }
    return passes;
  }
}

// Counts in four tables of `cells`, rows in turn, summed at the end.
class Lanes {
 public:
  explicit Lanes(size_t cells) : cells_(cells), counts_(4 * cells, 0) {}
  void Add(size_t i, uint32_t cell, int64_t amount) {
    counts_[(i & 3) * cells_ + cell] += amount;
  }
  std::vector<int64_t> Sum() const {
    std::vector<int64_t> total(cells_, 0);
    for (size_t lane = 0; lane < 4; ++lane) {
      for (size_t cell = 0; cell < cells_; ++cell) {
        total[cell] += counts_[lane * cells_ + cell];
      }
    }
    return total;
  }

 private:
  size_t cells_;
  std::vector<int64_t> counts_;
};

template <Rule kRule, Tally kTally, bool kCondition, bool kCells>
void Visit(const TallyRequest& q, TallyResult* out) {
  auto row_of = [&](size_t i) -> size_t { return q.rows != nullptr ? q.rows[i] : i; };
  auto cell_of = [&](size_t row) -> uint32_t {
    if constexpr (!kCells) return 0;
    return q.cell_via != nullptr ? q.cell_of[q.cell_via[row]] : q.cell_of[row];
  };
  if constexpr (kTally == Tally::kValues) {
    // Each row is written at the next place, which only a row that counts
    // moves past.
    std::vector<std::pair<uint32_t, int32_t>>& values = out->values;
    values.resize(q.row_count + 1);
    size_t next = 0;
    for (size_t i = 0; i < q.row_count; ++i) {
      const size_t row = row_of(i);
      const int32_t value = q.value[row];
      values[next] = {cell_of(row), value};
      next += Passes<kRule>(q.time, row) & (value != kNone);
    }
    values.resize(next);
    return;
  }
  Lanes records(q.cells), numerator(kCondition ? q.cells : 0),
      sum(kTally == Tally::kSum ? q.cells : 0);
  for (size_t i = 0; i < q.row_count; ++i) {
    const size_t row = row_of(i);
    const uint32_t cell = cell_of(row);
    bool passes = Passes<kRule>(q.time, row);
    int32_t value = 0;
    if constexpr (kTally == Tally::kSum) {
      value = q.value[row];
      passes &= value != kNone;
    }
    records.Add(i, cell, passes);
    if constexpr (kCondition) numerator.Add(i, cell, passes & (q.condition[row] != 0));
    if constexpr (kTally == Tally::kSum) sum.Add(i, cell, passes ? value : 0);
  }
  out->records = records.Sum();
  out->numerator =
      kCondition ? numerator.Sum() : std::vector<int64_t>(q.cells, 0);
  out->sum = kTally == Tally::kSum ? sum.Sum() : std::vector<int64_t>(q.cells, 0);
}

template <Rule kRule, Tally kTally>
void VisitWith(const TallyRequest& q, TallyResult* out) {
  const bool condition = kTally != Tally::kValues && q.condition != nullptr;
  const bool cells = q.cell_of != nullptr;
  if (condition) {
    cells ? Visit<kRule, kTally, true, true>(q, out)
          : Visit<kRule, kTally, true, false>(q, out);
  } else {
    cells ? Visit<kRule, kTally, false, true>(q, out)
          : Visit<kRule, kTally, false, false>(q, out);
  }
}

template <Rule kRule>
void VisitByTally(const TallyRequest& q, TallyResult* out) {
  switch (q.tally) {
    case Tally::kRecords:
      return VisitWith<kRule, Tally::kRecords>(q, out);
    case Tally::kSum:
      return VisitWith<kRule, Tally::kSum>(q, out);
    case Tally::kValues:
      return VisitWith<kRule, Tally::kValues>(q, out);
  }
}

}  // namespace

TallyResult TallyRows(const TallyRequest& request) {
  TallyResult out;
  switch (request.time.rule) {
    case v1::TimeRule::AS_OF_END:
      if (request.time.ended.data != nullptr) {
        VisitByTally<Rule::kAsOfEndUnlessEnded>(request, &out);
      } else {
        VisitByTally<Rule::kAsOfEnd>(request, &out);
      }
      break;
    case v1::TimeRule::WITHIN_DAYS:
      VisitByTally<Rule::kWithinDays>(request, &out);
      break;
    default:
      VisitByTally<Rule::kWithinPeriod>(request, &out);
      break;
  }
  return out;
}

}  // namespace divert::metrics
