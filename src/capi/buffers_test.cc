// The C ABI's buffers: NUL-terminated, released with divert_buffer_free,
// and a thread's released buffer reused for its next one that fits.
#include "capi/buffers.h"

#include <cstring>
#include <string>
#include <thread>

#include "divert/divert.h"
#include "gtest/gtest.h"

namespace divert::capi {
namespace {

std::string Take(absl::string_view text) {
  char* buffer = nullptr;
  size_t len = 0;
  EXPECT_EQ(ReturnBuffer(text, &buffer, &len), DIVERT_OK);
  std::string copy(buffer, len);
  EXPECT_EQ(buffer[len], '\0');
  divert_buffer_free(buffer);
  return copy;
}

TEST(CapiBuffersTest, HoldsTheTextAndANul) {
  EXPECT_EQ(Take("a decision"), "a decision");
  EXPECT_EQ(Take(""), "");
  const std::string large(200 * 1024, 'x');  // never kept
  EXPECT_EQ(Take(large), large);
  divert_buffer_free(nullptr);
}

TEST(CapiBuffersTest, AReleasedBufferServesTheThreadsNextOneThatFits) {
  char* first = NewBuffer(3000);
  ASSERT_NE(first, nullptr);
  std::memset(first, 'a', 3000);
  divert_buffer_free(first);
  char* second = NewBuffer(2000);
  EXPECT_EQ(second, first) << "the kept block fits";
  EXPECT_EQ(second[2000], '\0');
  char* third = NewBuffer(5000);
  EXPECT_NE(third, second) << "both are the caller's until released";
  divert_buffer_free(second);
  divert_buffer_free(third);  // replaces the kept block, which is freed
  char* fourth = NewBuffer(4000);
  EXPECT_EQ(fourth, third);
  divert_buffer_free(fourth);
}

TEST(CapiBuffersTest, ABufferMayBeReleasedOnAnotherThread) {
  char* buffer = NewBuffer(100);
  ASSERT_NE(buffer, nullptr);
  std::memcpy(buffer, "made here", 9);
  std::thread other([buffer] {
    EXPECT_EQ(std::string(buffer, 9), "made here");
    divert_buffer_free(buffer);  // kept by, and freed with, the other thread
  });
  other.join();
  EXPECT_EQ(Take("still fine"), "still fine");
}

}  // namespace
}  // namespace divert::capi
