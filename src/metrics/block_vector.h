// A sequence that grows in fixed blocks: an element, once added, never
// moves, and growing never copies. A vector of a million records that
// doubles as it grows maps and touches about twice its final size on the
// way (each larger buffer is fresh memory, and the smaller ones are
// filled before they are dropped); this touches its final size, once.
#ifndef DIVERT_SRC_METRICS_BLOCK_VECTOR_H_
#define DIVERT_SRC_METRICS_BLOCK_VECTOR_H_

#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

namespace divert::metrics {

// T must be default-constructible and copyable (a plain record).
template <typename T>
class BlockVector {
 public:
  // Elements per block: 2^kBlockShift.
  static constexpr size_t kBlockShift = 14;
  static constexpr size_t kBlockSize = size_t{1} << kBlockShift;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  T& operator[](size_t i) { return blocks_[i >> kBlockShift][i & (kBlockSize - 1)]; }
  const T& operator[](size_t i) const {
    return blocks_[i >> kBlockShift][i & (kBlockSize - 1)];
  }

  void push_back(const T& value) {
    if ((size_ >> kBlockShift) == blocks_.size()) {
      // Default-initialized: its memory is first touched as it is filled.
      blocks_.push_back(std::unique_ptr<T[]>(new T[kBlockSize]));
    }
    (*this)[size_++] = value;
  }

  // Empties it and keeps its blocks for the elements added next.
  void clear() { size_ = 0; }

  void swap(BlockVector& other) {
    blocks_.swap(other.blocks_);
    std::swap(size_, other.size_);
  }

 private:
  std::vector<std::unique_ptr<T[]>> blocks_;
  size_t size_ = 0;
};

}  // namespace divert::metrics

#endif  // DIVERT_SRC_METRICS_BLOCK_VECTOR_H_
