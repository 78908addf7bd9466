// spdk/string.h, spdk/util.h, spdk/queue.h, spdk/likely.h and the allocation functions of
// spdk/env.h, with SPDK v23.01.1's documented return conventions.
#include "spdk/env.h"
#include "spdk/likely.h"
#include "spdk/queue.h"
#include "spdk/string.h"
#include "spdk/util.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace {

TEST(SpdkString, StrtolAcceptsOnlyWholeNonNegativeNumbers) {
  EXPECT_EQ(spdk_strtol("12", 10), 12);
  EXPECT_EQ(spdk_strtol("0", 10), 0);
  EXPECT_EQ(spdk_strtol("0x1f", 0), 31);
  EXPECT_EQ(spdk_strtol("017", 0), 15);
  EXPECT_EQ(spdk_strtol(" +7", 10), 7);           // as strtol: leading space and '+'
  EXPECT_EQ(spdk_strtol("", 10), 0);              // as SPDK: nothing to parse is 0
  EXPECT_EQ(spdk_strtol("12a", 10), -EINVAL);
  EXPECT_EQ(spdk_strtol("1 ", 10), -EINVAL);
  EXPECT_EQ(spdk_strtol("-1", 10), -ERANGE);      // negative numbers are refused
  EXPECT_EQ(spdk_strtol("99999999999999999999", 10), -ERANGE);
  EXPECT_EQ(spdk_strtol("5", 99), -EINVAL);       // an invalid base
  EXPECT_EQ(spdk_strtoll("9000000000", 10), 9000000000LL);
  EXPECT_EQ(spdk_strtoll("-3", 10), -ERANGE);
  EXPECT_EQ(spdk_strtoll("99999999999999999999", 10), -ERANGE);
  EXPECT_EQ(spdk_strtoll("4x", 10), -EINVAL);
}

TEST(SpdkString, Strerror) {
  EXPECT_STREQ(spdk_strerror(ENOMEM), std::strerror(ENOMEM));
  char buf[64];
  spdk_strerror_r(EINVAL, buf, sizeof buf);
  EXPECT_STREQ(buf, std::strerror(EINVAL));
  spdk_strerror_r(99999, buf, sizeof buf);
  EXPECT_NE(std::string(buf).find("99999"), std::string::npos) << buf;
  char tiny[4];
  spdk_strerror_r(ENOMEM, tiny, sizeof tiny);
  EXPECT_EQ(std::strlen(tiny), 3u);  // cut, and terminated
}

TEST(SpdkString, FormattingIntoAllocatedStrings) {
  char* s = spdk_sprintf_alloc("%s-%d", "core", 3);
  ASSERT_NE(s, nullptr);
  EXPECT_STREQ(s, "core-3");
  s = spdk_sprintf_append_realloc(s, "+%u", 42u);
  ASSERT_NE(s, nullptr);
  EXPECT_STREQ(s, "core-3+42");
  std::free(s);
  char* fresh = spdk_sprintf_append_realloc(nullptr, "%s", "x");
  EXPECT_STREQ(fresh, "x");
  std::free(fresh);
}

TEST(SpdkString, InPlaceEdits) {
  char lower[] = "AbC1";
  EXPECT_STREQ(spdk_strlwr(lower), "abc1");
  char trim[] = "  a b \t\n";
  EXPECT_STREQ(spdk_str_trim(trim), "a b");
  EXPECT_EQ(spdk_str_trim(nullptr), nullptr);
  char chomp[] = "line\r\n\n";
  EXPECT_EQ(spdk_str_chomp(chomp), 3u);
  EXPECT_STREQ(chomp, "line");

  char text[] = "a 'b c' \"d\\\"e\"  f";
  char* p = text;
  std::vector<std::string> fields;
  while (p != nullptr) fields.emplace_back(spdk_strsepq(&p, " "));
  EXPECT_EQ(fields, (std::vector<std::string>{"a", "b c", "d\"e", "f"}));
  char* none = nullptr;
  EXPECT_EQ(spdk_strsepq(&none, " "), nullptr);
}

TEST(SpdkString, Padding) {
  char buf[8];
  spdk_strcpy_pad(buf, "abc", sizeof buf, ' ');
  EXPECT_EQ(std::string(buf, sizeof buf), "abc     ");
  EXPECT_EQ(spdk_strlen_pad(buf, sizeof buf, ' '), 3u);
  spdk_strcpy_pad(buf, "0123456789", sizeof buf, ' ');
  EXPECT_EQ(std::string(buf, sizeof buf), "01234567");
  EXPECT_EQ(spdk_strlen_pad(buf, sizeof buf, ' '), 8u);
}

TEST(SpdkString, ParseCapacityAndAddresses) {
  uint64_t cap = 0;
  bool prefix = true;
  EXPECT_EQ(spdk_parse_capacity("128", &cap, &prefix), 0);
  EXPECT_EQ(cap, 128u);
  EXPECT_FALSE(prefix);
  EXPECT_EQ(spdk_parse_capacity("128K", &cap, &prefix), 0);
  EXPECT_EQ(cap, 128u * 1024);
  EXPECT_TRUE(prefix);
  EXPECT_EQ(spdk_parse_capacity("2gB", &cap, &prefix), 0);
  EXPECT_EQ(cap, 2ULL * 1024 * 1024 * 1024);
  EXPECT_EQ(spdk_parse_capacity("3m", &cap, &prefix), 0);
  EXPECT_EQ(cap, 3u * 1024 * 1024);
  EXPECT_EQ(spdk_parse_capacity("x", &cap, &prefix), -EINVAL);
  EXPECT_EQ(spdk_parse_capacity("5T", &cap, &prefix), -EINVAL);

  char v4[] = "10.0.0.1:4420";
  char *host = nullptr, *port = nullptr;
  EXPECT_EQ(spdk_parse_ip_addr(v4, &host, &port), 0);
  EXPECT_STREQ(host, "10.0.0.1");
  EXPECT_STREQ(port, "4420");
  char v6[] = "[::1]:80";
  EXPECT_EQ(spdk_parse_ip_addr(v6, &host, &port), 0);
  EXPECT_STREQ(host, "::1");
  EXPECT_STREQ(port, "80");
  char bare[] = "host";
  EXPECT_EQ(spdk_parse_ip_addr(bare, &host, &port), 0);
  EXPECT_STREQ(host, "host");
  EXPECT_EQ(port, nullptr);
  char bad[] = "[::1";
  EXPECT_EQ(spdk_parse_ip_addr(bad, &host, &port), -EINVAL);
}

TEST(SpdkString, ArraysAndReplace) {
  char** parts = spdk_strarray_from_string("a,,b", ",");
  ASSERT_NE(parts, nullptr);
  EXPECT_STREQ(parts[0], "a");
  EXPECT_STREQ(parts[1], "");
  EXPECT_STREQ(parts[2], "b");
  EXPECT_EQ(parts[3], nullptr);
  char** copy = spdk_strarray_dup(const_cast<const char**>(parts));
  ASSERT_NE(copy, nullptr);
  EXPECT_STREQ(copy[2], "b");
  spdk_strarray_free(parts);
  spdk_strarray_free(copy);
  spdk_strarray_free(nullptr);

  char out[16];
  EXPECT_EQ(spdk_strcpy_replace(out, sizeof out, "a-b-c", "-", "::"), 0);
  EXPECT_STREQ(out, "a::b::c");
  EXPECT_EQ(spdk_strcpy_replace(out, 7, "a-b-c", "-", "::"), -EINVAL);  // 8 bytes needed
  EXPECT_EQ(spdk_strcpy_replace(out, sizeof out, "abc", "", "x"), -EINVAL);

  const unsigned char zeros[5] = {};
  const unsigned char one[5] = {0, 0, 1, 0, 0};
  EXPECT_TRUE(spdk_mem_all_zero(zeros, sizeof zeros));
  EXPECT_FALSE(spdk_mem_all_zero(one, sizeof one));
}

struct item {
  int value;
  TAILQ_ENTRY(item) tailq;
  STAILQ_ENTRY(item) stailq;
  LIST_ENTRY(item) list;
};
TAILQ_HEAD(item_tailq, item);
STAILQ_HEAD(item_stailq, item);
LIST_HEAD(item_list, item);

TEST(SpdkUtil, ArithmeticAndContainers) {
  EXPECT_EQ(spdk_min(3, 5), 3);
  EXPECT_EQ(spdk_max(3, 5), 5);
  int arr[7];
  EXPECT_EQ(SPDK_COUNTOF(arr), 7u);
  item it{};
  EXPECT_EQ(SPDK_CONTAINEROF(&it.list, struct item, list), &it);
  EXPECT_EQ(SPDK_SIZEOF_MEMBER(struct item, value), sizeof(int));
  EXPECT_EQ(SPDK_CEIL_DIV(10u, 4u), 3u);
  EXPECT_EQ(SPDK_ALIGN_FLOOR(0x1234u, 0x100u), 0x1200u);
  EXPECT_EQ(SPDK_ALIGN_CEIL(0x1234u, 0x100u), 0x1300u);
  EXPECT_EQ(SPDK_ALIGN_CEIL(0x1200u, 0x100u), 0x1200u);
  EXPECT_EQ(spdk_u32log2(0), 0u);
  EXPECT_EQ(spdk_u32log2(1), 0u);
  EXPECT_EQ(spdk_u32log2(4096), 12u);
  EXPECT_EQ(spdk_u32log2(4097), 12u);
  EXPECT_EQ(spdk_u64log2(1ULL << 40), 40u);
  EXPECT_EQ(spdk_align32pow2(5), 8u);
  EXPECT_EQ(spdk_align32pow2(8), 8u);
  EXPECT_EQ(spdk_align64pow2((1ULL << 33) + 1), 1ULL << 34);
  EXPECT_FALSE(spdk_u32_is_pow2(0));
  EXPECT_TRUE(spdk_u32_is_pow2(64));
  EXPECT_FALSE(spdk_u64_is_pow2(96));
  EXPECT_EQ(spdk_divide_round_up(9, 4), 3u);
  EXPECT_TRUE(spdk_sn32_lt(UINT32_MAX, 1));   // wraps
  EXPECT_TRUE(spdk_sn32_gt(1, UINT32_MAX));
  EXPECT_FALSE(spdk_sn32_lt(5, 5));
  EXPECT_EQ(spdk_sn32_add(UINT32_MAX, 2), 1u);
  unsigned char secret[4] = {1, 2, 3, 4};
  spdk_memset_s(secret, sizeof secret, 0, 100);
  EXPECT_TRUE(spdk_mem_all_zero(secret, sizeof secret));
  int hits = 0;
  if (spdk_likely(arr != nullptr)) ++hits;
  if (spdk_unlikely(hits == 0)) ++hits;
  EXPECT_EQ(hits, 1);
}

TEST(SpdkUtil, Iovecs) {
  char a[3] = {'a', 'b', 'c'}, b[4] = {'d', 'e', 'f', 'g'};
  iovec src[2] = {{a, sizeof a}, {b, sizeof b}};
  char x[5] = {}, y[5] = {};
  iovec dst[2] = {{x, sizeof x}, {y, sizeof y}};
  EXPECT_EQ(spdk_iovcpy(src, 2, dst, 2), 7u);
  EXPECT_EQ(std::string(x, 5), "abcde");
  EXPECT_EQ(std::string(y, 2), "fg");
  char flat[7] = {};
  spdk_copy_iovs_to_buf(flat, sizeof flat, src, 2);
  EXPECT_EQ(std::string(flat, 7), "abcdefg");
  spdk_iov_memset(src, 2, 'z');
  EXPECT_EQ(a[0], 'z');
  EXPECT_EQ(b[3], 'z');
  spdk_copy_buf_to_iovs(src, 2, flat, sizeof flat);
  EXPECT_EQ(b[3], 'g');
  iovec one;
  int count = 0;
  spdk_iov_one(&one, &count, flat, 3);
  EXPECT_EQ(count, 1);
  EXPECT_EQ(one.iov_base, flat);
}

TEST(SpdkQueue, BsdAdditions) {
  item items[4];
  item_tailq tq;
  item_stailq sq;
  item_list l;
  TAILQ_INIT(&tq);
  STAILQ_INIT(&sq);
  LIST_INIT(&l);
  EXPECT_EQ(STAILQ_LAST(&sq, item, stailq), nullptr);
  for (int i = 0; i < 4; ++i) {
    items[i].value = i;
    TAILQ_INSERT_TAIL(&tq, &items[i], tailq);
    STAILQ_INSERT_TAIL(&sq, &items[i], stailq);
    LIST_INSERT_HEAD(&l, &items[i], list);  // 3 2 1 0
  }
  EXPECT_EQ(STAILQ_LAST(&sq, item, stailq), &items[3]);
  EXPECT_EQ(LIST_PREV(&items[2], &l, item, list), &items[3]);
  EXPECT_EQ(LIST_PREV(&items[3], &l, item, list), nullptr);

  // Removing the current element while iterating.
  item *it = nullptr, *tmp = nullptr;
  TAILQ_FOREACH_SAFE(it, &tq, tailq, tmp) {
    if (it->value % 2 == 0) TAILQ_REMOVE(&tq, it, tailq);
  }
  std::vector<int> left;
  TAILQ_FOREACH(it, &tq, tailq) left.push_back(it->value);
  EXPECT_EQ(left, (std::vector<int>{1, 3}));
  left.clear();
  TAILQ_FOREACH_REVERSE_SAFE(it, &tq, item_tailq, tailq, tmp) left.push_back(it->value);
  EXPECT_EQ(left, (std::vector<int>{3, 1}));

  STAILQ_FOREACH_SAFE(it, &sq, stailq, tmp) {
    if (it->value == 3) STAILQ_REMOVE(&sq, it, item, stailq);
  }
  EXPECT_EQ(STAILQ_LAST(&sq, item, stailq), &items[2]);
  STAILQ_REMOVE_AFTER(&sq, &items[1], stailq);  // removes 2
  EXPECT_EQ(STAILQ_LAST(&sq, item, stailq), &items[1]);

  LIST_FOREACH_SAFE(it, &l, list, tmp) LIST_REMOVE(it, list);
  EXPECT_TRUE(LIST_EMPTY(&l));

  item_tailq other;
  TAILQ_INIT(&other);
  TAILQ_SWAP(&tq, &other, item, tailq);
  EXPECT_TRUE(TAILQ_EMPTY(&tq));
  EXPECT_EQ(TAILQ_FIRST(&other), &items[1]);
  EXPECT_EQ(TAILQ_LAST(&other, item_tailq), &items[3]);
  TAILQ_REMOVE(&other, &items[3], tailq);  // still a well-formed list after the swap
  EXPECT_EQ(TAILQ_LAST(&other, item_tailq), &items[1]);
  it = &items[1];
  left.clear();
  TAILQ_FOREACH_FROM(it, &other, tailq) left.push_back(it->value);
  EXPECT_EQ(left, (std::vector<int>{1}));
}

TEST(SpdkEnv, Allocation) {
  uint64_t phys = 0;
  auto* z = static_cast<unsigned char*>(
      spdk_zmalloc(100, 0, &phys, SPDK_ENV_SOCKET_ID_ANY, SPDK_MALLOC_DMA));
  ASSERT_NE(z, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(z) % 64, 0u);
  EXPECT_EQ(phys, reinterpret_cast<uintptr_t>(z));
  EXPECT_TRUE(spdk_mem_all_zero(z, 100));
  std::memset(z, 7, 100);
  auto* grown = static_cast<unsigned char*>(spdk_realloc(z, 5000, 4096));
  ASSERT_NE(grown, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(grown) % 4096, 0u);
  EXPECT_EQ(grown[99], 7);
  spdk_free(grown);
  spdk_free(nullptr);
  EXPECT_EQ(spdk_malloc(10, 48, nullptr, 0, SPDK_MALLOC_SHARE), nullptr);  // not a power of 2
  EXPECT_EQ(spdk_malloc(0, 0, nullptr, 0, SPDK_MALLOC_DMA), nullptr);
  void* d = spdk_dma_zmalloc(64, 128, nullptr);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(d) % 128, 0u);
  d = spdk_dma_realloc(d, 256, 0, &phys);
  ASSERT_NE(d, nullptr);
  spdk_dma_free(d);
  void* m = spdk_dma_malloc_socket(32, 0, nullptr, 0);
  ASSERT_NE(m, nullptr);
  spdk_dma_free(m);
  EXPECT_EQ(spdk_env_get_socket_id(0), 0u);
}

}  // namespace
