#include "metrics/big_array.h"

#include <cstdint>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace divert::metrics::big_array_internal {

#if defined(__linux__) && defined(MADV_HUGEPAGE)

namespace {
constexpr size_t kPage = 4096;
size_t RoundUp(size_t bytes, size_t unit) { return (bytes + unit - 1) / unit * unit; }
}  // namespace

void* Map(size_t bytes) {
  const size_t length = RoundUp(bytes, kPage);
  // Map a huge page more than needed and keep the part that starts on a
  // huge page boundary, so that all of it can be backed by huge pages.
  const size_t mapped = length + kHugePage;
  void* p = mmap(nullptr, mapped, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<uintptr_t>(p);
  const uintptr_t aligned = RoundUp(start, kHugePage);
  if (aligned > start) munmap(p, aligned - start);
  const uintptr_t end = start + mapped;
  if (end > aligned + length) {
    munmap(reinterpret_cast<void*>(aligned + length), end - (aligned + length));
  }
  // Advice only: where huge pages are not enabled this changes nothing.
  madvise(reinterpret_cast<void*>(aligned), length, MADV_HUGEPAGE);
  return reinterpret_cast<void*>(aligned);
}

bool Unmap(void* pointer, size_t bytes) {
  munmap(pointer, RoundUp(bytes, kPage));
  return true;
}

#else

void* Map(size_t) { return nullptr; }
bool Unmap(void*, size_t) { return false; }

#endif

}  // namespace divert::metrics::big_array_internal
