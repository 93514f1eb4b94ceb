// Memory blocks kept from one fold to the next, for a fold's largest hash
// tables (text_map.h) and a computation's largest arrays: a table of a
// million ids takes tens of megabytes, which the allocator maps fresh for
// each fold unless they are kept, and the kernel then maps and clears
// every page of them again on first touch.
#ifndef DIVERT_SRC_METRICS_BLOCK_CACHE_H_
#define DIVERT_SRC_METRICS_BLOCK_CACHE_H_

#include <cstddef>
#include <memory>
#include <new>
#include <vector>

namespace divert::metrics {

// A few blocks freed by their users, each for a later request of exactly
// its size. Not thread-safe: one fold at a time uses one (FoldScratch).
class BlockCache {
 public:
  BlockCache() = default;
  BlockCache(const BlockCache&) = delete;
  BlockCache& operator=(const BlockCache&) = delete;
  ~BlockCache() {
    for (const Block& b : blocks_) Free(b);
  }

  // A block of `bytes` aligned to `alignment`: one kept, or a new one.
  void* Take(size_t bytes, size_t alignment) {
    for (size_t i = 0; i < blocks_.size(); ++i) {
      if (blocks_[i].bytes == bytes && blocks_[i].alignment == alignment) {
        void* memory = blocks_[i].memory;
        blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(i));
        return memory;
      }
    }
    return ::operator new(bytes, std::align_val_t(alignment));
  }

  // Keeps a block from Take for a later Take (the oldest kept is freed
  // when there are kBlocks already).
  void Keep(void* memory, size_t bytes, size_t alignment) {
    if (blocks_.size() == kBlocks) {
      Free(blocks_.front());
      blocks_.erase(blocks_.begin());
    }
    blocks_.push_back({memory, bytes, alignment});
  }

 private:
  static constexpr size_t kBlocks = 16;
  struct Block {
    void* memory;
    size_t bytes;
    size_t alignment;
  };
  static void Free(const Block& b) {
    ::operator delete(b.memory, std::align_val_t(b.alignment));
  }

  std::vector<Block> blocks_;
};

// An allocator that takes its blocks from a BlockCache and gives them back
// to it; without one (null), plain new and delete.
template <typename T>
class RecyclingAllocator {
 public:
  using value_type = T;

  RecyclingAllocator() = default;
  explicit RecyclingAllocator(BlockCache* cache) : cache_(cache) {}
  template <typename U>
  RecyclingAllocator(const RecyclingAllocator<U>& other)  // NOLINT: as std::allocator
      : cache_(other.cache()) {}

  T* allocate(size_t n) {
    if (cache_ == nullptr) return std::allocator<T>().allocate(n);
    return static_cast<T*>(cache_->Take(n * sizeof(T), alignof(T)));
  }
  void deallocate(T* p, size_t n) {
    if (cache_ == nullptr) return std::allocator<T>().deallocate(p, n);
    cache_->Keep(p, n * sizeof(T), alignof(T));
  }

  BlockCache* cache() const { return cache_; }
  template <typename U>
  bool operator==(const RecyclingAllocator<U>& other) const {
    return cache_ == other.cache();
  }
  template <typename U>
  bool operator!=(const RecyclingAllocator<U>& other) const {
    return cache_ != other.cache();
  }

 private:
  BlockCache* cache_ = nullptr;
};

template <typename T>
using RecycledVector = std::vector<T, RecyclingAllocator<T>>;

}  // namespace divert::metrics

#endif  // DIVERT_SRC_METRICS_BLOCK_CACHE_H_
