// The ISA-independent interface of the training core. Each ISA translation
// unit (core_avx512.cpp, core_avx2.cpp, core_generic.cpp) compiles the same
// kernels.inc with its own flags and exports one CoreVTable. Only plain C
// types cross this boundary, so no inline function compiled for one ISA can
// be picked by the linker for another.
#pragma once
#include <stdint.h>

#define ALPHA_MAX_CONVS 6

struct ConvSpec {
  int kernel, stride, outChannels;
  /** Index into α, or -1 for plain ReLU. */
  int alphaIndex;
};

struct NetSpec {
  int nconv;
  ConvSpec conv[ALPHA_MAX_CONVS];
  int nAlpha;
  /** 0 = L1 (Σ|α|), 1 = L2 (‖α‖₂). */
  int penalty;
  float lambda, lr, momentum;
};

/** Parameters in the canonical TF.js layout (see src/shared/network.ts). */
struct CanonParams {
  float* convKernel[ALPHA_MAX_CONVS];  // [kh][kw][in][out]
  float* convBias[ALPHA_MAX_CONVS];    // [out]
  float* denseKernel;                  // [flat][10], flat in (h, w, c) order
  float* denseBias;                    // [10]
  float* alpha;                        // [nAlpha]
};

struct Images {
  const uint8_t* pixels;  // count × 784
  const uint8_t* labels;  // count
  int count;
};

/** A core is an opaque handle: its struct differs per ISA (vector width, padding). */
struct CoreVTable {
  const char* isa;
  /** Returns null on allocation failure. */
  void* (*create)(const NetSpec* spec);
  void (*destroy)(void* core);
  void (*setParams)(void* core, const CanonParams* in);
  void (*getParams)(const void* core, const CanonParams* out);
  /**
   * Runs `steps` SGD steps on `data`. Step k uses data indices
   * order[(firstBatch + k)·batchSize …], at most batchSize of them, clipped at
   * orderLen. Indices must already be validated. Writes α after each step to
   * alphaOut[k·nAlpha …] and the pre-step loss to lossOut[k].
   */
  void (*trainSteps)(void* core, const Images* data, const int32_t* order, int64_t orderLen, int batchSize,
                     int64_t firstBatch, int steps, float* alphaOut, float* lossOut);
  /** Loss, CE, log-softmax [n][10] and gradients (canonical layout) of one batch; updates nothing. */
  void (*probe)(void* core, const Images* batch, float* loss, float* ce, float* logProbs, const CanonParams* grads);
  /** Sum of per-image cross-entropy (no penalty) and number of correct argmax predictions. */
  void (*evaluate)(void* core, const Images* data, double* ceSum, int64_t* correct);
  /** Runs a register-only FMA loop for about `seconds`: the FLOPs it did and the time it took (one core's peak). */
  void (*fmaPeak)(double seconds, double* flops, double* took);
  /**
   * SGD's momentum buffers, in the canonical layout: false (nothing written) before the
   * first step, when PyTorch has no buffers yet. Only meaningful with momentum > 0.
   */
  bool (*getMomentum)(const void* core, const CanonParams* out);
  /** Restores the buffers getMomentum gave (after setParams, which clears them): the next step continues them. */
  void (*setMomentum)(void* core, const CanonParams* in);
};

extern "C" {
extern const CoreVTable alpha_core_generic;
#if defined(ALPHA_HAVE_X86_KERNELS)
extern const CoreVTable alpha_core_avx2;
extern const CoreVTable alpha_core_avx512;
#endif
}
