// An allocator for the metrics' big arrays (a fact table's columns of
// millions of rows, the fold's lists of events): arrays of 2 MiB and more
// are mapped on their own and asked to be backed by huge pages where the
// system allows it (Linux: madvise MADV_HUGEPAGE), so that filling them
// takes a page fault per 2 MiB instead of per 4 KiB, and reading them at
// random misses the TLB far less. Smaller arrays, and systems without the
// call, use operator new.
#ifndef DIVERT_SRC_METRICS_BIG_ARRAY_H_
#define DIVERT_SRC_METRICS_BIG_ARRAY_H_

#include <cstddef>
#include <new>
#include <vector>

namespace divert::metrics {

namespace big_array_internal {
// Bytes from which an array is mapped on its own (a huge page).
inline constexpr size_t kHugePage = size_t{2} << 20;
// A mapping of `bytes` bytes; nullptr when the system has none to give
// (then the caller uses operator new).
void* Map(size_t bytes);
// Unmaps what Map returned; false (nothing done) when `pointer` is not a
// mapping of Map's.
bool Unmap(void* pointer, size_t bytes);
}  // namespace big_array_internal

template <typename T>
class BigArrayAllocator {
 public:
  using value_type = T;

  BigArrayAllocator() = default;
  template <typename U>
  BigArrayAllocator(const BigArrayAllocator<U>&) {}  // NOLINT: rebinding

  T* allocate(size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes >= big_array_internal::kHugePage) {
      if (void* p = big_array_internal::Map(bytes); p != nullptr) {
        return static_cast<T*>(p);
      }
    }
    return static_cast<T*>(::operator new(bytes));
  }
  void deallocate(T* p, size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes < big_array_internal::kHugePage || !big_array_internal::Unmap(p, bytes)) {
      ::operator delete(p);
    }
  }

  template <typename U>
  bool operator==(const BigArrayAllocator<U>&) const { return true; }
  template <typename U>
  bool operator!=(const BigArrayAllocator<U>&) const { return false; }
};

template <typename T>
using BigVector = std::vector<T, BigArrayAllocator<T>>;

}  // namespace divert::metrics

#endif  // DIVERT_SRC_METRICS_BIG_ARRAY_H_
