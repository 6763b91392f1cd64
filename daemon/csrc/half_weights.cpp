// Two libtorch operators that tch does not bind: FBGEMM's matrix product of float32 inputs with
// weights packed as float16 (accumulating in float32). FBGEMM ships inside libtorch on x86-64.
//
// This file owns only the crossing from Rust to C++: every C++ exception is caught here and
// handed back as a message (an exception must never unwind into Rust). The functions return
// null on success and a malloc'd message on failure, freed with roomscribe_half_free_error.
//
// libtorch marks both operators deprecated and warns once on first use; the warning says
// nothing a user can act on (the version is pinned), so it is dropped here.

#include <ATen/Functions.h>
#include <c10/util/Exception.h>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <optional>

namespace {

class DropWarnings : public c10::WarningHandler {
 public:
  void process(const c10::Warning&) override {}
};

char* copy_message(const char* message) {
  const size_t size = std::strlen(message) + 1;
  char* copy = static_cast<char*>(std::malloc(size));
  if (copy != nullptr) {
    std::memcpy(copy, message, size);
  }
  return copy;
}

template <typename Body>
char* guarded(Body body) {
  DropWarnings drop;
  c10::WarningUtils::WarningHandlerGuard guard(&drop);
  try {
    body();
    return nullptr;
  } catch (const std::exception& error) {
    return copy_message(error.what());
  } catch (...) {
    return copy_message("unknown C++ exception");
  }
}

}  // namespace

extern "C" {

// weight: float32 [n_out, n_in]. *packed receives a new tensor owning the packed matrix.
char* roomscribe_half_pack(const at::Tensor* weight, at::Tensor** packed) {
  return guarded([&] {
    *packed = new at::Tensor(at::fbgemm_pack_gemm_matrix_fp16(weight->contiguous()));
  });
}

// input: float32 [..., n_in]; bias: float32 [n_out] or null. *output receives a new tensor
// [..., n_out].
char* roomscribe_half_linear(const at::Tensor* input, const at::Tensor* packed,
                             const at::Tensor* bias, at::Tensor** output) {
  return guarded([&] {
    std::optional<at::Tensor> maybe_bias;
    if (bias != nullptr) {
      maybe_bias = *bias;
    }
    *output = new at::Tensor(
        at::fbgemm_linear_fp16_weight_fp32_activation(*input, *packed, maybe_bias));
  });
}

void roomscribe_half_free_error(char* error) { std::free(error); }

}  // extern "C"
