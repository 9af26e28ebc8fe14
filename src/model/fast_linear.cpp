#include "nnrecipe/fast_linear.h"

#include <torch/torch.h>

#include <stdexcept>
#include <string>

#ifdef NNRECIPE_HAVE_DNNL
#include <oneapi/dnnl/dnnl.h>
#endif

namespace nnrecipe {
namespace {

#ifdef NNRECIPE_HAVE_DNNL

// Row-major C[m x n] = A * B (+ beta * C), A and B optionally transposed.
void sgemm(char trans_a, char trans_b, int64_t m, int64_t n, int64_t k, const torch::Tensor& a, const torch::Tensor& b,
           float beta, torch::Tensor& c) {
  const int64_t lda = trans_a == 'N' ? k : m;
  const int64_t ldb = trans_b == 'N' ? n : k;
  const dnnl_status_t status = dnnl_sgemm(trans_a, trans_b, m, n, k, 1.0f, a.data_ptr<float>(), lda,
                                          b.data_ptr<float>(), ldb, beta, c.data_ptr<float>(), n);
  if (status != dnnl_success) {
    throw std::runtime_error("oneDNN sgemm failed with status " + std::to_string(static_cast<int>(status)));
  }
}

// x [batch, in], weight [out, in], bias [out] -> [batch, out].
struct DnnlLinear : public torch::autograd::Function<DnnlLinear> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x_in,
                               const torch::Tensor& weight_in, const torch::Tensor& bias) {
    const torch::Tensor x = x_in.contiguous();
    const torch::Tensor weight = weight_in.contiguous();
    ctx->save_for_backward({x, weight});
    const int64_t batch = x.size(0), in = x.size(1), out = weight.size(0);
    // Start from the bias in every row and accumulate the product on it
    // (beta = 1): one pass fewer than adding the bias afterwards. A copy,
    // always: with one row, expand(...).contiguous() is the bias itself,
    // and the GEMM would add into the parameter (and an in-place ReLU on
    // the output would be an in-place write to a view of an input).
    torch::Tensor y = torch::empty({batch, out}, bias.options());
    y.copy_(bias.expand({batch, out}));
    if (batch > 0) sgemm('N', 'T', batch, out, in, x, weight, 1.0f, y);
    return y;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const torch::Tensor& x = saved[0];
    const torch::Tensor& weight = saved[1];
    const torch::Tensor grad = grads[0].contiguous();
    const int64_t batch = x.size(0), in = x.size(1), out = weight.size(0);
    torch::Tensor grad_x, grad_weight, grad_bias;
    if (ctx->needs_input_grad(0)) {
      grad_x = torch::empty({batch, in}, x.options());
      if (batch > 0) sgemm('N', 'N', batch, in, out, grad, weight, 0.0f, grad_x);
    }
    if (ctx->needs_input_grad(1)) {
      // beta = 0: sgemm writes every element (an empty batch leaves zeros).
      grad_weight = batch > 0 ? torch::empty({out, in}, weight.options()) : torch::zeros({out, in}, weight.options());
      if (batch > 0) sgemm('T', 'N', out, in, batch, grad, x, 0.0f, grad_weight);
    }
    if (ctx->needs_input_grad(2)) grad_bias = grad.sum(0);
    return {grad_x, grad_weight, grad_bias};
  }
};

bool takes_fast_path(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) {
  if (!bias.defined() || x.dim() != 2 || weight.dim() != 2 || bias.dim() != 1) return false;
  for (const torch::Tensor* t : {&x, &weight, &bias}) {
    if (!t->device().is_cpu() || t->scalar_type() != torch::kFloat32 || t->is_sparse()) return false;
  }
  return x.size(1) == weight.size(1) && bias.size(0) == weight.size(0);
}

#endif  // NNRECIPE_HAVE_DNNL

}  // namespace

bool fast_linear_available() {
#ifdef NNRECIPE_HAVE_DNNL
  return true;
#else
  return false;
#endif
}

torch::Tensor fast_linear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) {
#ifdef NNRECIPE_HAVE_DNNL
  if (takes_fast_path(x, weight, bias)) return DnnlLinear::apply(x, weight, bias);
#endif
  return torch::linear(x, weight, bias);
}

}  // namespace nnrecipe
