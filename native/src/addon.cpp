// Node-API glue for the native training core (plain C Node-API: ABI-stable,
// so one build loads in Node and in Electron). Validates every argument, then
// hands raw pointers to the ISA-specific core chosen at create().
//
// JS surface (wrapped by src/main/engine/native-engine.ts):
//   isas() → string[]                      usable ISAs on this CPU, best first
//   create(isa, convSpec Int32Array[k,s,out,alphaIndex]×n, nAlpha, penalty 0|1, lambda, lr, momentum) → handle
//   setParams(h, kernels[], biases[], denseKernel, denseBias, alpha)
//   getParams(h) → { convKernels, convBiases, denseKernel, denseBias, alpha }
//   setTrainData(h, pixels Uint8Array, labels Uint8Array, count)
//   trainSteps(h, order Int32Array, batchSize, firstBatch, steps, alphaOut Float32Array, lossOut Float32Array)
//   probe(h, pixels, labels, count) → { loss, ce, logProbs, grads: { …same as getParams } }
//   evaluate(h, pixels, labels, count) → { ceSum, correct }
//   dispose(h)
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

namespace {

constexpr int IMG_PIXELS = 28 * 28;
constexpr int NUM_CLASSES = 10;
constexpr int MAX_CHANNELS = 1024;

struct Shapes {
  int kernelLen[ALPHA_MAX_CONVS];  // k·k·in·out
  int out[ALPHA_MAX_CONVS];
  int flat;
};

struct Handle {
  const CoreVTable* vt;
  void* core;
  NetSpec spec;
  Shapes shapes;
  uint8_t* pixels;
  uint8_t* labels;
  int64_t count;
};

const CoreVTable* coreFor(const char* isa) {
#if defined(ALPHA_HAVE_X86_KERNELS)
  if (!strcmp(isa, "avx512"))
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")
               ? &alpha_core_avx512
               : nullptr;
  if (!strcmp(isa, "avx2"))
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? &alpha_core_avx2 : nullptr;
#endif
  if (!strcmp(isa, "generic")) return &alpha_core_generic;
  return nullptr;
}

// ------------------------------------------------------------ arg helpers

bool fail(napi_env env, const char* msg) {
  napi_throw_error(env, "ERR_ALPHA_NATIVE", msg);
  return false;
}

__attribute__((format(printf, 2, 3))) bool failf(napi_env env, const char* fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return fail(env, buf);
}

bool getArgs(napi_env env, napi_callback_info info, size_t want, napi_value* argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return fail(env, "bad call");
  if (argc < want) return failf(env, "expected %zu arguments, got %zu", want, argc);
  return true;
}

bool getHandle(napi_env env, napi_value v, Handle** out) {
  void* data = nullptr;
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_external || napi_get_value_external(env, v, &data) != napi_ok ||
      !data)
    return fail(env, "not a native engine handle");
  Handle* h = static_cast<Handle*>(data);
  if (!h->core) return fail(env, "native engine already disposed");
  *out = h;
  return true;
}

bool getInt(napi_env env, napi_value v, const char* what, int64_t lo, int64_t hi, int64_t* out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok) return failf(env, "%s must be a number", what);
  if (!(d >= double(lo) && d <= double(hi)) || d != double(int64_t(d)))
    return failf(env, "%s must be an integer in [%lld, %lld]", what, (long long)lo, (long long)hi);
  *out = int64_t(d);
  return true;
}

bool getNumber(napi_env env, napi_value v, const char* what, double* out) {
  if (napi_get_value_double(env, v, out) != napi_ok || *out != *out)
    return failf(env, "%s must be a finite number", what);
  return true;
}

/** A typed array of the given type; `len` < 0 accepts any length (returned in *gotLen). */
bool getTyped(napi_env env, napi_value v, napi_typedarray_type type, const char* what, int64_t len, void** data,
              int64_t* gotLen = nullptr) {
  bool is = false;
  napi_typedarray_type t;
  size_t n = 0;
  napi_value ab;
  size_t off;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is ||
      napi_get_typedarray_info(env, v, &t, &n, data, &ab, &off) != napi_ok || t != type) {
    const char* tn = type == napi_float32_array ? "Float32Array" : type == napi_int32_array ? "Int32Array" : "Uint8Array";
    char buf[160];
    snprintf(buf, sizeof buf, "%s must be a %s", what, tn);
    return fail(env, buf);
  }
  if (len >= 0 && int64_t(n) != len)
    return failf(env, "%s has length %zu, expected %lld", what, n, (long long)len);
  if (gotLen) *gotLen = int64_t(n);
  return true;
}

bool getArrayOf(napi_env env, napi_value v, const char* what, uint32_t want, napi_value* items) {
  bool is = false;
  uint32_t n = 0;
  if (napi_is_array(env, v, &is) != napi_ok || !is || napi_get_array_length(env, v, &n) != napi_ok || n != want)
    return failf(env, "%s must be an array of %u typed arrays", what, want);
  for (uint32_t i = 0; i < n; i++)
    if (napi_get_element(env, v, i, &items[i]) != napi_ok) return fail(env, "bad array");
  return true;
}

napi_value undef(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

napi_value newFloat32(napi_env env, size_t n, float** data) {
  napi_value ab, arr;
  void* p = nullptr;
  if (napi_create_arraybuffer(env, n * sizeof(float), &p, &ab) != napi_ok ||
      napi_create_typedarray(env, napi_float32_array, n, ab, 0, &arr) != napi_ok)
    return nullptr;
  *data = static_cast<float*>(p);
  return arr;
}

void setNamed(napi_env env, napi_value obj, const char* name, napi_value v) { napi_set_named_property(env, obj, name, v); }

napi_value number(napi_env env, double d) {
  napi_value v;
  napi_create_double(env, d, &v);
  return v;
}

/** Allocates a params object (canonical layout) and points `p` at its arrays. */
napi_value newParams(napi_env env, const Handle* h, CanonParams* p) {
  napi_value obj, kernels, biases, arr;
  napi_create_object(env, &obj);
  napi_create_array_with_length(env, h->spec.nconv, &kernels);
  napi_create_array_with_length(env, h->spec.nconv, &biases);
  for (int l = 0; l < h->spec.nconv; l++) {
    if (!(arr = newFloat32(env, h->shapes.kernelLen[l], &p->convKernel[l]))) return nullptr;
    napi_set_element(env, kernels, l, arr);
    if (!(arr = newFloat32(env, h->shapes.out[l], &p->convBias[l]))) return nullptr;
    napi_set_element(env, biases, l, arr);
  }
  setNamed(env, obj, "convKernels", kernels);
  setNamed(env, obj, "convBiases", biases);
  if (!(arr = newFloat32(env, size_t(h->shapes.flat) * NUM_CLASSES, &p->denseKernel))) return nullptr;
  setNamed(env, obj, "denseKernel", arr);
  if (!(arr = newFloat32(env, NUM_CLASSES, &p->denseBias))) return nullptr;
  setNamed(env, obj, "denseBias", arr);
  if (!(arr = newFloat32(env, h->spec.nAlpha, &p->alpha))) return nullptr;
  setNamed(env, obj, "alpha", arr);
  return obj;
}

bool getImages(napi_env env, napi_value* argv, const char* what, Images* out) {
  int64_t count = 0;
  void *px, *lb;
  if (!getInt(env, argv[2], "count", 1, (int64_t(1) << 31) - 1, &count)) return false;
  if (!getTyped(env, argv[0], napi_uint8_array, "images", count * IMG_PIXELS, &px)) return false;
  if (!getTyped(env, argv[1], napi_uint8_array, "labels", count, &lb)) return false;
  const uint8_t* labels = static_cast<const uint8_t*>(lb);
  for (int64_t i = 0; i < count; i++)
    if (labels[i] >= NUM_CLASSES) return failf(env, "%s: label %lld is %d, not in 0..9", what, (long long)i, labels[i]);
  out->pixels = static_cast<const uint8_t*>(px);
  out->labels = labels;
  out->count = int(count);
  return true;
}

// ---------------------------------------------------------------- exports

napi_value Isas(napi_env env, napi_callback_info) {
  napi_value arr, s;
  napi_create_array(env, &arr);
  uint32_t i = 0;
  static const char* const all[] = {"avx512", "avx2", "generic"};
  for (const char* isa : all)
    if (coreFor(isa)) {
      napi_create_string_utf8(env, isa, NAPI_AUTO_LENGTH, &s);
      napi_set_element(env, arr, i++, s);
    }
  return arr;
}

void finalizeHandle(napi_env, void* data, void*) {
  Handle* h = static_cast<Handle*>(data);
  if (h->core) h->vt->destroy(h->core);
  free(h->pixels);
  free(h->labels);
  free(h);
}

napi_value Create(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  if (!getArgs(env, info, 7, argv)) return nullptr;
  char isa[32];
  size_t isaLen;
  if (napi_get_value_string_utf8(env, argv[0], isa, sizeof isa, &isaLen) != napi_ok)
    return fail(env, "isa must be a string"), nullptr;
  const CoreVTable* vt = coreFor(isa);
  if (!vt) return failf(env, "ISA '%s' is not available on this CPU or build", isa), nullptr;
  void* specData;
  int64_t specLen;
  if (!getTyped(env, argv[1], napi_int32_array, "convSpec", -1, &specData, &specLen)) return nullptr;
  if (specLen % 4 != 0 || specLen < 4 || specLen > 4 * ALPHA_MAX_CONVS)
    return failf(env, "convSpec must hold 4 ints per conv, 1 to %d convs", ALPHA_MAX_CONVS), nullptr;
  NetSpec spec;
  memset(&spec, 0, sizeof spec);
  int64_t v = 0;
  double d = 0;
  if (!getInt(env, argv[2], "nAlpha", 0, ALPHA_MAX_CONVS, &v)) return nullptr;
  spec.nAlpha = int(v);
  if (!getInt(env, argv[3], "penalty", 0, 1, &v)) return nullptr;
  spec.penalty = int(v);
  if (!getNumber(env, argv[4], "lambda", &d)) return nullptr;
  spec.lambda = float(d);
  if (!getNumber(env, argv[5], "lr", &d)) return nullptr;
  spec.lr = float(d);
  if (!getNumber(env, argv[6], "momentum", &d)) return nullptr;
  spec.momentum = float(d);

  Shapes shapes;
  spec.nconv = int(specLen / 4);
  const int32_t* cs = static_cast<const int32_t*>(specData);
  int size = 28, channels = 1;
  bool alphaUsed[ALPHA_MAX_CONVS] = {false};
  for (int l = 0; l < spec.nconv; l++) {
    ConvSpec& c = spec.conv[l];
    c.kernel = cs[4 * l];
    c.stride = cs[4 * l + 1];
    c.outChannels = cs[4 * l + 2];
    c.alphaIndex = cs[4 * l + 3];
    if (c.kernel < 1 || c.kernel > size || c.stride < 1 || c.stride > 28)
      return failf(env, "conv %d: kernel/stride do not fit its %d×%d input", l + 1, size, size), nullptr;
    if (c.outChannels < 1 || c.outChannels > MAX_CHANNELS)
      return failf(env, "conv %d: output channels must be 1..%d", l + 1, MAX_CHANNELS), nullptr;
    if (c.alphaIndex < -1 || c.alphaIndex >= spec.nAlpha || (c.alphaIndex >= 0 && alphaUsed[c.alphaIndex]))
      return failf(env, "conv %d: bad alpha index %d", l + 1, c.alphaIndex), nullptr;
    if (c.alphaIndex >= 0) alphaUsed[c.alphaIndex] = true;
    shapes.kernelLen[l] = c.kernel * c.kernel * channels * c.outChannels;
    shapes.out[l] = c.outChannels;
    size = (size - c.kernel) / c.stride + 1;
    channels = c.outChannels;
  }
  for (int a = 0; a < spec.nAlpha; a++)
    if (!alphaUsed[a]) return failf(env, "convSpec: alpha %d is used by no conv", a), nullptr;
  shapes.flat = size * size * channels;

  Handle* h = static_cast<Handle*>(calloc(1, sizeof(Handle)));
  if (!h) return fail(env, "out of memory"), nullptr;
  h->vt = vt;
  h->spec = spec;
  h->shapes = shapes;
  h->core = vt->create(&spec);
  if (!h->core) {
    free(h);
    return fail(env, "out of memory creating the native core"), nullptr;
  }
  napi_value ext;
  if (napi_create_external(env, h, finalizeHandle, nullptr, &ext) != napi_ok) {
    finalizeHandle(env, h, nullptr);
    return fail(env, "could not create the engine handle"), nullptr;
  }
  return ext;
}

napi_value SetParams(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  Handle* h;
  if (!getArgs(env, info, 6, argv) || !getHandle(env, argv[0], &h)) return nullptr;
  const int nl = h->spec.nconv;
  napi_value kernels[ALPHA_MAX_CONVS], biases[ALPHA_MAX_CONVS];
  if (!getArrayOf(env, argv[1], "convKernels", nl, kernels) || !getArrayOf(env, argv[2], "convBiases", nl, biases))
    return nullptr;
  CanonParams p;
  void* data;
  for (int l = 0; l < nl; l++) {
    if (!getTyped(env, kernels[l], napi_float32_array, "conv kernel", h->shapes.kernelLen[l], &data)) return nullptr;
    p.convKernel[l] = static_cast<float*>(data);
    if (!getTyped(env, biases[l], napi_float32_array, "conv bias", h->shapes.out[l], &data)) return nullptr;
    p.convBias[l] = static_cast<float*>(data);
  }
  if (!getTyped(env, argv[3], napi_float32_array, "denseKernel", int64_t(h->shapes.flat) * NUM_CLASSES, &data))
    return nullptr;
  p.denseKernel = static_cast<float*>(data);
  if (!getTyped(env, argv[4], napi_float32_array, "denseBias", NUM_CLASSES, &data)) return nullptr;
  p.denseBias = static_cast<float*>(data);
  if (!getTyped(env, argv[5], napi_float32_array, "alpha", h->spec.nAlpha, &data)) return nullptr;
  p.alpha = static_cast<float*>(data);
  h->vt->setParams(h->core, &p);
  return undef(env);
}

napi_value GetParams(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  Handle* h;
  if (!getArgs(env, info, 1, argv) || !getHandle(env, argv[0], &h)) return nullptr;
  CanonParams p;
  napi_value obj = newParams(env, h, &p);
  if (!obj) return fail(env, "out of memory"), nullptr;
  h->vt->getParams(h->core, &p);
  return obj;
}

napi_value SetTrainData(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  Handle* h;
  Images im;
  if (!getArgs(env, info, 4, argv) || !getHandle(env, argv[0], &h) || !getImages(env, argv + 1, "train data", &im))
    return nullptr;
  // A copy: the caller may transfer or reuse its buffers while the engine lives.
  uint8_t* px = static_cast<uint8_t*>(malloc(size_t(im.count) * IMG_PIXELS));
  uint8_t* lb = static_cast<uint8_t*>(malloc(size_t(im.count)));
  if (!px || !lb) {
    free(px);
    free(lb);
    return fail(env, "out of memory copying the training set"), nullptr;
  }
  memcpy(px, im.pixels, size_t(im.count) * IMG_PIXELS);
  memcpy(lb, im.labels, size_t(im.count));
  free(h->pixels);
  free(h->labels);
  h->pixels = px;
  h->labels = lb;
  h->count = im.count;
  return undef(env);
}

napi_value TrainSteps(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  Handle* h;
  if (!getArgs(env, info, 7, argv) || !getHandle(env, argv[0], &h)) return nullptr;
  if (!h->pixels) return fail(env, "trainSteps: no training data (call setTrainData first)"), nullptr;
  void *orderData, *alphaData, *lossData;
  int64_t orderLen = 0, batchSize = 0, firstBatch = 0, steps = 0, alphaLen = 0, lossLen = 0;
  if (!getTyped(env, argv[1], napi_int32_array, "order", -1, &orderData, &orderLen) ||
      !getInt(env, argv[2], "batchSize", 1, 1 << 20, &batchSize) ||
      !getInt(env, argv[3], "firstBatch", 0, int64_t(1) << 40, &firstBatch) ||
      !getInt(env, argv[4], "steps", 0, 1 << 30, &steps) ||
      !getTyped(env, argv[5], napi_float32_array, "alphaOut", -1, &alphaData, &alphaLen) ||
      !getTyped(env, argv[6], napi_float32_array, "lossOut", -1, &lossData, &lossLen))
    return nullptr;
  if (alphaLen < steps * h->spec.nAlpha)
    return failf(env, "alphaOut too short: %lld < %lld", (long long)alphaLen, (long long)(steps * h->spec.nAlpha)),
           nullptr;
  if (lossLen < steps) return failf(env, "lossOut too short: %lld < %lld", (long long)lossLen, (long long)steps), nullptr;
  if (steps > 0 && (firstBatch + steps - 1) * batchSize >= orderLen)
    return failf(env, "trainSteps: the last batch starts at %lld, past order.length %lld",
                 (long long)((firstBatch + steps - 1) * batchSize), (long long)orderLen),
           nullptr;
  const int32_t* order = static_cast<const int32_t*>(orderData);
  const int64_t end = (firstBatch + steps) * batchSize < orderLen ? (firstBatch + steps) * batchSize : orderLen;
  for (int64_t i = firstBatch * batchSize; i < end; i++)
    if (order[i] < 0 || order[i] >= h->count)
      return failf(env, "order[%lld] = %d is out of range (the training set has %lld images)", (long long)i, order[i],
                   (long long)h->count),
             nullptr;
  Images data = {h->pixels, h->labels, int(h->count)};
  h->vt->trainSteps(h->core, &data, order, orderLen, int(batchSize), firstBatch, int(steps),
                    static_cast<float*>(alphaData), static_cast<float*>(lossData));
  return undef(env);
}

napi_value Probe(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  Handle* h;
  Images im;
  if (!getArgs(env, info, 4, argv) || !getHandle(env, argv[0], &h) || !getImages(env, argv + 1, "probe", &im))
    return nullptr;
  CanonParams g;
  napi_value grads = newParams(env, h, &g);
  float* logp;
  napi_value logProbs = newFloat32(env, size_t(im.count) * NUM_CLASSES, &logp);
  if (!grads || !logProbs) return fail(env, "out of memory"), nullptr;
  float loss, ce;
  h->vt->probe(h->core, &im, &loss, &ce, logp, &g);
  napi_value obj;
  napi_create_object(env, &obj);
  setNamed(env, obj, "loss", number(env, loss));
  setNamed(env, obj, "ce", number(env, ce));
  setNamed(env, obj, "logProbs", logProbs);
  setNamed(env, obj, "grads", grads);
  return obj;
}

napi_value Evaluate(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  Handle* h;
  Images im;
  if (!getArgs(env, info, 4, argv) || !getHandle(env, argv[0], &h) || !getImages(env, argv + 1, "evaluate", &im))
    return nullptr;
  double ceSum;
  int64_t correct;
  h->vt->evaluate(h->core, &im, &ceSum, &correct);
  napi_value obj;
  napi_create_object(env, &obj);
  setNamed(env, obj, "ceSum", number(env, ceSum));
  setNamed(env, obj, "correct", number(env, double(correct)));
  return obj;
}

napi_value Dispose(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!getArgs(env, info, 1, argv)) return nullptr;
  void* data = nullptr;
  if (napi_get_value_external(env, argv[0], &data) == napi_ok && data) {
    Handle* h = static_cast<Handle*>(data);
    if (h->core) h->vt->destroy(h->core);
    h->core = nullptr;
    free(h->pixels);
    free(h->labels);
    h->pixels = h->labels = nullptr;
    h->count = 0;
  }
  return undef(env);
}

}  // namespace

NAPI_MODULE_INIT() {
#if defined(ALPHA_HAVE_X86_KERNELS)
  __builtin_cpu_init();
#endif
  const struct {
    const char* name;
    napi_callback fn;
  } fns[] = {{"isas", Isas},
             {"create", Create},
             {"setParams", SetParams},
             {"getParams", GetParams},
             {"setTrainData", SetTrainData},
             {"trainSteps", TrainSteps},
             {"probe", Probe},
             {"evaluate", Evaluate},
             {"dispose", Dispose}};
  for (const auto& f : fns) {
    napi_value v;
    napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.fn, nullptr, &v);
    napi_set_named_property(env, exports, f.name, v);
  }
  return exports;
}
