// spdk/util.h: the helpers that are not inline.
#include "spdk/util.h"

#include <cstring>

extern "C" {

uint32_t spdk_u32log2(uint32_t x) { return x == 0 ? 0 : 31u - static_cast<uint32_t>(__builtin_clz(x)); }

uint64_t spdk_u64log2(uint64_t x) {
  return x == 0 ? 0 : 63u - static_cast<uint64_t>(__builtin_clzll(x));
}

void spdk_iov_memset(struct iovec* iovs, int iovcnt, int c) {
  for (int i = 0; i < iovcnt; ++i) std::memset(iovs[i].iov_base, c, iovs[i].iov_len);
}

void spdk_iov_one(struct iovec* iov, int* iovcnt, void* buf, size_t buflen) {
  iov->iov_base = buf;
  iov->iov_len = buflen;
  *iovcnt = 1;
}

size_t spdk_iovcpy(struct iovec* siov, size_t siovcnt, struct iovec* diov, size_t diovcnt) {
  size_t si = 0, di = 0, soff = 0, doff = 0, total = 0;
  while (si < siovcnt && di < diovcnt) {
    const size_t sleft = siov[si].iov_len - soff;
    const size_t dleft = diov[di].iov_len - doff;
    const size_t n = sleft < dleft ? sleft : dleft;
    std::memcpy(static_cast<char*>(diov[di].iov_base) + doff,
                static_cast<const char*>(siov[si].iov_base) + soff, n);
    total += n;
    soff += n;
    doff += n;
    if (soff == siov[si].iov_len) { ++si; soff = 0; }
    if (doff == diov[di].iov_len) { ++di; doff = 0; }
  }
  return total;
}

void spdk_copy_iovs_to_buf(void* buf, size_t buf_len, struct iovec* iovs, int iovcnt) {
  struct iovec one = {buf, buf_len};
  spdk_iovcpy(iovs, static_cast<size_t>(iovcnt), &one, 1);
}

void spdk_copy_buf_to_iovs(struct iovec* iovs, int iovcnt, void* buf, size_t buf_len) {
  struct iovec one = {buf, buf_len};
  spdk_iovcpy(&one, 1, iovs, static_cast<size_t>(iovcnt));
}

}  // extern "C"
