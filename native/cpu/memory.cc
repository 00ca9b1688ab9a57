#include "tdmpc2/memory.h"

#include <unistd.h>

#include <cstdlib>
#include <string>

#include "tdmpc2/error.h"

namespace tdmpc2 {

float* host_alloc(size_t count) {
  // aligned_alloc needs a size that is a multiple of the alignment, and never 0.
  size_t bytes = count * sizeof(float);
  if (count != 0 && bytes / sizeof(float) != count)
    throw Error(ErrorKind::OutOfMemory, "host_alloc: size overflows");
  bytes = (bytes + kHostAlignment - 1) / kHostAlignment * kHostAlignment;
  if (bytes == 0) bytes = kHostAlignment;
  // With overcommit a huge request "succeeds" and the first write gets the process killed;
  // refuse what can never fit in physical memory instead.
  const double physical = double(sysconf(_SC_PHYS_PAGES)) * double(sysconf(_SC_PAGESIZE));
  if (physical > 0 && double(bytes) > physical)
    throw Error(ErrorKind::OutOfMemory, "out of host memory: " + std::to_string(bytes) +
                                            " bytes requested, the machine has " +
                                            std::to_string(int64_t(physical)));
  void* p = std::aligned_alloc(kHostAlignment, bytes);
  if (p == nullptr)
    throw Error(ErrorKind::OutOfMemory,
                "out of host memory allocating " + std::to_string(bytes) + " bytes");
  return static_cast<float*>(p);
}

void host_free(float* p) { std::free(p); }

}  // namespace tdmpc2
