#include "nnrecipe/runtime.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace nnrecipe {

void keep_freed_memory() {
#if defined(__GLIBC__)
  // Setting M_MMAP_THRESHOLD also turns off glibc's dynamic threshold, which
  // would otherwise keep moving it between 128 KiB and 32 MiB.
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_TOP_PAD, 64 << 20);
#endif
}

}  // namespace nnrecipe
