// Node-API glue for the native training core, through node-addon-api (C++
// wrappers over the ABI-stable C Node-API: one build loads in Node and in
// Electron). Validates every argument, then hands raw pointers to the
// ISA-specific core chosen at create(). Every bad argument throws a JS error
// (TypeError for a wrong type, RangeError for a value out of range) with
// code ERR_ALPHA_NATIVE and a message naming the argument and its bounds; the
// bounds checked are exactly the ones the message states.
//
// JS surface (wrapped by src/main/engine/native-engine.ts):
//   isas() → string[]                      usable ISAs on this CPU, best first
//   create(isa, convSpec Int32Array[k,s,out,alphaIndex]×n, nAlpha, penalty 0|1, lambda, lr, momentum) → handle
//   setParams(h, kernels[], biases[], denseKernel, denseBias, alpha)
//   getParams(h) → { convKernels, convBiases, denseKernel, denseBias, alpha }
//   getMomentum(h) → the SGD momentum buffers, same shape, or null before the first step
//   setMomentum(h, kernels[], biases[], denseKernel, denseBias, alpha): after setParams, to resume
//   setTrainData(h, pixels Uint8Array, labels Uint8Array, count)
//   trainSteps(h, order Int32Array, batchSize, firstBatch, steps, alphaOut Float32Array, lossOut Float32Array)
//   probe(h, pixels, labels, count) → { loss, ce, logProbs, grads: { …same as getParams } }
//   evaluate(h, pixels, labels, count) → { ceSum, correct }
//   fmaPeak(isa, seconds) → { flops, seconds }   a register-only FMA loop: the measured peak of one core
//   counters() → { trainSteps, evaluate, params: { calls, items, cpuSeconds, wallSeconds } }
//                process-wide totals over every thread (worker threads share this library), for `bench sweep`
//   resetCounters()
//   dispose(h)
#include <math.h>
#include <stdarg.h>
#include <time.h>

#include <atomic>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <napi.h>

#include "core.h"

namespace {

constexpr int IMG_PIXELS = 28 * 28;
constexpr int NUM_CLASSES = 10;
constexpr int MAX_CHANNELS = 1024;
constexpr int SPEC_INTS = 4;  // kernel, stride, outChannels, alphaIndex per conv

struct Shapes {
  int kernelLen[ALPHA_MAX_CONVS];  // k·k·in·out
  int out[ALPHA_MAX_CONVS];
  int flat;
};

struct Handle {
  const CoreVTable* vt = nullptr;
  void* core = nullptr;
  NetSpec spec{};
  Shapes shapes{};
  uint8_t* pixels = nullptr;
  uint8_t* labels = nullptr;
  int64_t count = 0;

  void release() {
    if (core) vt->destroy(core);
    core = nullptr;
    free(pixels);
    free(labels);
    pixels = labels = nullptr;
    count = 0;
  }
  ~Handle() { release(); }
};

const CoreVTable* coreFor(const std::string& isa) {
#if defined(ALPHA_HAVE_X86_KERNELS)
  if (isa == "avx512")
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")
               ? &alpha_core_avx512
               : nullptr;
  if (isa == "avx2")
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? &alpha_core_avx2 : nullptr;
#endif
  if (isa == "generic") return &alpha_core_generic;
  return nullptr;
}

// ------------------------------------------------------------ counters

/**
 * Time spent inside the core, summed over every thread of the process: the
 * addon's code is loaded once per process, so these statics are shared by
 * the worker threads that train and the main thread that reads them.
 * Thread CPU time (what the core computed) and wall time (including waits
 * for a core on a busy machine) are kept apart.
 */
struct Counter {
  std::atomic<uint64_t> calls{0}, items{0}, cpuNs{0}, wallNs{0};
};
Counter cTrain, cEval, cParams;

uint64_t ns(clockid_t clock) {
  timespec t;
  clock_gettime(clock, &t);
  return uint64_t(t.tv_sec) * 1000000000u + uint64_t(t.tv_nsec);
}

/** Adds the time of its scope to a counter. */
struct Timed {
  Counter& c;
  uint64_t items, cpu0 = ns(CLOCK_THREAD_CPUTIME_ID), wall0 = ns(CLOCK_MONOTONIC);
  Timed(Counter& counter, uint64_t n) : c(counter), items(n) {}
  ~Timed() {
    c.calls.fetch_add(1, std::memory_order_relaxed);
    c.items.fetch_add(items, std::memory_order_relaxed);
    c.cpuNs.fetch_add(ns(CLOCK_THREAD_CPUTIME_ID) - cpu0, std::memory_order_relaxed);
    c.wallNs.fetch_add(ns(CLOCK_MONOTONIC) - wall0, std::memory_order_relaxed);
  }
};

// ------------------------------------------------------------ arg helpers

std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char* fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return buf;
}

template <class E>
[[noreturn]] void raise(Napi::Env env, const std::string& msg) {
  E err = E::New(env, msg);
  err.Set("code", Napi::String::New(env, "ERR_ALPHA_NATIVE"));
  throw err;
}
[[noreturn]] void typeError(Napi::Env env, const std::string& msg) { raise<Napi::TypeError>(env, msg); }
[[noreturn]] void rangeError(Napi::Env env, const std::string& msg) { raise<Napi::RangeError>(env, msg); }
[[noreturn]] void error(Napi::Env env, const std::string& msg) { raise<Napi::Error>(env, msg); }

void wantArgs(const Napi::CallbackInfo& info, size_t want) {
  if (info.Length() < want) typeError(info.Env(), format("expected %zu arguments, got %zu", want, info.Length()));
}

Handle& handleOf(const Napi::Value& v) {
  if (!v.IsExternal()) typeError(v.Env(), "not a native engine handle");
  Handle* h = v.As<Napi::External<Handle>>().Data();
  if (!h) typeError(v.Env(), "not a native engine handle");
  if (!h->core) error(v.Env(), "native engine already disposed");
  return *h;
}

double number(const Napi::Value& v, const char* what) {
  if (!v.IsNumber()) typeError(v.Env(), format("%s must be a number", what));
  return v.As<Napi::Number>().DoubleValue();
}

/** An integer in [lo, hi]; NaN and ±Infinity fail the range test. */
int64_t integer(const Napi::Value& v, const char* what, int64_t lo, int64_t hi) {
  const double d = number(v, what);
  if (!(d >= double(lo) && d <= double(hi)) || d != floor(d))
    rangeError(v.Env(), format("%s must be an integer in [%lld, %lld], got %g", what, (long long)lo, (long long)hi, d));
  return int64_t(d);
}

/** A finite number in [lo, hi]: NaN and ±Infinity are rejected. */
double finiteIn(const Napi::Value& v, const char* what, double lo, double hi) {
  const double d = number(v, what);
  if (!isfinite(d) || d < lo || d > hi) {
    const std::string range = isfinite(hi) ? format("in [%g, %g]", lo, hi) : format("≥ %g", lo);
    rangeError(v.Env(), format("%s must be a finite number %s, got %g", what, range.c_str(), d));
  }
  return d;
}

template <class T>
struct TypedName;
template <>
struct TypedName<float> {
  static constexpr const char* name = "Float32Array";
  static constexpr napi_typedarray_type type = napi_float32_array;
};
template <>
struct TypedName<int32_t> {
  static constexpr const char* name = "Int32Array";
  static constexpr napi_typedarray_type type = napi_int32_array;
};
template <>
struct TypedName<uint8_t> {
  static constexpr const char* name = "Uint8Array";
  static constexpr napi_typedarray_type type = napi_uint8_array;
};

/** A typed array of T; `len` < 0 accepts any length. */
template <class T>
Napi::TypedArrayOf<T> typed(const Napi::Value& v, const char* what, int64_t len = -1) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != TypedName<T>::type)
    typeError(v.Env(), format("%s must be a %s", what, TypedName<T>::name));
  auto a = v.As<Napi::TypedArrayOf<T>>();
  if (len >= 0 && int64_t(a.ElementLength()) != len)
    rangeError(v.Env(), format("%s has length %zu, expected %lld", what, a.ElementLength(), (long long)len));
  return a;
}

Napi::Array arrayOf(const Napi::Value& v, const char* what, uint32_t want) {
  if (!v.IsArray() || v.As<Napi::Array>().Length() != want)
    typeError(v.Env(), format("%s must be an array of %u typed arrays", what, want));
  return v.As<Napi::Array>();
}

/** Allocates a params object (canonical layout) and points `p` at its arrays. */
Napi::Object newParams(Napi::Env env, const Handle& h, CanonParams* p) {
  Napi::Object obj = Napi::Object::New(env);
  Napi::Array kernels = Napi::Array::New(env, h.spec.nconv), biases = Napi::Array::New(env, h.spec.nconv);
  auto f32 = [&](size_t n, float** data) {
    auto a = Napi::Float32Array::New(env, n);
    *data = a.Data();
    return a;
  };
  for (int l = 0; l < h.spec.nconv; l++) {
    kernels.Set(uint32_t(l), f32(h.shapes.kernelLen[l], &p->convKernel[l]));
    biases.Set(uint32_t(l), f32(h.shapes.out[l], &p->convBias[l]));
  }
  obj.Set("convKernels", kernels);
  obj.Set("convBiases", biases);
  obj.Set("denseKernel", f32(size_t(h.shapes.flat) * NUM_CLASSES, &p->denseKernel));
  obj.Set("denseBias", f32(NUM_CLASSES, &p->denseBias));
  obj.Set("alpha", f32(h.spec.nAlpha, &p->alpha));
  return obj;
}

/** (images Uint8Array, labels Uint8Array, count) starting at info[first]. */
Images images(const Napi::CallbackInfo& info, size_t first, const char* what) {
  const int64_t count = integer(info[first + 2], "count", 1, (int64_t(1) << 31) - 1);
  auto px = typed<uint8_t>(info[first], "images", count * IMG_PIXELS);
  auto lb = typed<uint8_t>(info[first + 1], "labels", count);
  const uint8_t* labels = lb.Data();
  for (int64_t i = 0; i < count; i++)
    if (labels[i] >= NUM_CLASSES)
      rangeError(info.Env(), format("%s: label %lld is %d, not in 0..9", what, (long long)i, labels[i]));
  return Images{px.Data(), labels, int(count)};
}

// ---------------------------------------------------------------- exports

Napi::Value Isas(const Napi::CallbackInfo& info) {
  Napi::Array arr = Napi::Array::New(info.Env());
  uint32_t i = 0;
  for (const char* isa : {"avx512", "avx2", "generic"})
    if (coreFor(isa)) arr.Set(i++, Napi::String::New(info.Env(), isa));
  return arr;
}

Napi::Value Create(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  wantArgs(info, 7);
  if (!info[0].IsString()) typeError(env, "isa must be a string");
  const std::string isa = info[0].As<Napi::String>().Utf8Value();
  const CoreVTable* vt = coreFor(isa);
  if (!vt) rangeError(env, format("ISA '%.32s' is not available on this CPU or build", isa.c_str()));
  auto cs = typed<int32_t>(info[1], "convSpec");
  const int64_t specLen = int64_t(cs.ElementLength());
  if (specLen % SPEC_INTS != 0 || specLen < SPEC_INTS || specLen > SPEC_INTS * ALPHA_MAX_CONVS)
    rangeError(env, format("convSpec must hold %d ints per conv, 1 to %d convs", SPEC_INTS, ALPHA_MAX_CONVS));
  NetSpec spec{};
  spec.nAlpha = int(integer(info[2], "nAlpha", 0, ALPHA_MAX_CONVS));
  spec.penalty = int(integer(info[3], "penalty", 0, 1));
  // The study's ranges (src/shared/config.ts) are stricter; these are the ones the core is correct for.
  spec.lambda = float(finiteIn(info[4], "lambda", 0, INFINITY));
  spec.lr = float(finiteIn(info[5], "lr", 0, INFINITY));
  spec.momentum = float(finiteIn(info[6], "momentum", 0, 1));
  // A double that is finite can still overflow float: reject what the core would see as ±Infinity.
  if (!isfinite(spec.lambda)) rangeError(env, "lambda must be a finite number ≥ 0, got one beyond float range");
  if (!isfinite(spec.lr)) rangeError(env, "lr must be a finite number ≥ 0, got one beyond float range");

  Shapes shapes{};
  spec.nconv = int(specLen / SPEC_INTS);
  int size = 28, channels = 1;
  bool alphaUsed[ALPHA_MAX_CONVS] = {false};
  for (int l = 0; l < spec.nconv; l++) {
    ConvSpec& c = spec.conv[l];
    const int32_t* s = cs.Data() + SPEC_INTS * l;
    c = ConvSpec{s[0], s[1], s[2], s[3]};
    if (c.kernel < 1 || c.kernel > size || c.stride < 1 || c.stride > 28)
      rangeError(env, format("conv %d: kernel/stride do not fit its %d×%d input", l + 1, size, size));
    if (c.outChannels < 1 || c.outChannels > MAX_CHANNELS)
      rangeError(env, format("conv %d: output channels must be 1..%d", l + 1, MAX_CHANNELS));
    if (c.alphaIndex < -1 || c.alphaIndex >= spec.nAlpha || (c.alphaIndex >= 0 && alphaUsed[c.alphaIndex]))
      rangeError(env, format("conv %d: bad alpha index %d", l + 1, c.alphaIndex));
    if (c.alphaIndex >= 0) alphaUsed[c.alphaIndex] = true;
    shapes.kernelLen[l] = c.kernel * c.kernel * channels * c.outChannels;
    shapes.out[l] = c.outChannels;
    size = (size - c.kernel) / c.stride + 1;
    channels = c.outChannels;
  }
  for (int a = 0; a < spec.nAlpha; a++)
    if (!alphaUsed[a]) rangeError(env, format("convSpec: alpha %d is used by no conv", a));
  shapes.flat = size * size * channels;

  Handle* h = new Handle();
  h->vt = vt;
  h->spec = spec;
  h->shapes = shapes;
  h->core = vt->create(&spec);
  if (!h->core) {
    delete h;
    error(env, "out of memory creating the native core");
  }
  return Napi::External<Handle>::New(env, h, [](Napi::Env, Handle* p) { delete p; });
}

/** (kernels[], biases[], denseKernel, denseBias, alpha) in the canonical layout, checked against the handle's shapes. */
CanonParams paramsArg(const Napi::CallbackInfo& info, const Handle& h) {
  const uint32_t nl = uint32_t(h.spec.nconv);
  Napi::Array kernels = arrayOf(info[1], "convKernels", nl), biases = arrayOf(info[2], "convBiases", nl);
  CanonParams p{};
  for (uint32_t l = 0; l < nl; l++) {
    p.convKernel[l] = typed<float>(kernels.Get(l), "conv kernel", h.shapes.kernelLen[l]).Data();
    p.convBias[l] = typed<float>(biases.Get(l), "conv bias", h.shapes.out[l]).Data();
  }
  p.denseKernel = typed<float>(info[3], "denseKernel", int64_t(h.shapes.flat) * NUM_CLASSES).Data();
  p.denseBias = typed<float>(info[4], "denseBias", NUM_CLASSES).Data();
  p.alpha = typed<float>(info[5], "alpha", h.spec.nAlpha).Data();
  return p;
}

Napi::Value SetParams(const Napi::CallbackInfo& info) {
  wantArgs(info, 6);
  Handle& h = handleOf(info[0]);
  const CanonParams p = paramsArg(info, h);
  Timed t(cParams, 1);
  h.vt->setParams(h.core, &p);
  return info.Env().Undefined();
}

Napi::Value GetMomentum(const Napi::CallbackInfo& info) {
  wantArgs(info, 1);
  Handle& h = handleOf(info[0]);
  CanonParams p{};
  Napi::Object obj = newParams(info.Env(), h, &p);
  Timed t(cParams, 1);
  return h.vt->getMomentum(h.core, &p) ? Napi::Value(obj) : info.Env().Null();
}

Napi::Value SetMomentum(const Napi::CallbackInfo& info) {
  wantArgs(info, 6);
  Handle& h = handleOf(info[0]);
  const CanonParams p = paramsArg(info, h);
  Timed t(cParams, 1);
  h.vt->setMomentum(h.core, &p);
  return info.Env().Undefined();
}

Napi::Value GetParams(const Napi::CallbackInfo& info) {
  wantArgs(info, 1);
  Handle& h = handleOf(info[0]);
  CanonParams p{};
  Napi::Object obj = newParams(info.Env(), h, &p);
  Timed t(cParams, 1);
  h.vt->getParams(h.core, &p);
  return obj;
}

Napi::Value SetTrainData(const Napi::CallbackInfo& info) {
  wantArgs(info, 4);
  Handle& h = handleOf(info[0]);
  const Images im = images(info, 1, "train data");
  // A copy: the caller may transfer or reuse its buffers while the engine lives.
  uint8_t* px = static_cast<uint8_t*>(malloc(size_t(im.count) * IMG_PIXELS));
  uint8_t* lb = static_cast<uint8_t*>(malloc(size_t(im.count)));
  if (!px || !lb) {
    free(px);
    free(lb);
    error(info.Env(), "out of memory copying the training set");
  }
  memcpy(px, im.pixels, size_t(im.count) * IMG_PIXELS);
  memcpy(lb, im.labels, size_t(im.count));
  free(h.pixels);
  free(h.labels);
  h.pixels = px;
  h.labels = lb;
  h.count = im.count;
  return info.Env().Undefined();
}

Napi::Value TrainSteps(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  wantArgs(info, 7);
  Handle& h = handleOf(info[0]);
  if (!h.pixels) error(env, "trainSteps: no training data (call setTrainData first)");
  auto order = typed<int32_t>(info[1], "order");
  const int64_t batchSize = integer(info[2], "batchSize", 1, 1 << 20);
  const int64_t firstBatch = integer(info[3], "firstBatch", 0, int64_t(1) << 40);
  const int64_t steps = integer(info[4], "steps", 0, 1 << 30);
  auto alphaOut = typed<float>(info[5], "alphaOut");
  auto lossOut = typed<float>(info[6], "lossOut");
  const int64_t orderLen = int64_t(order.ElementLength());
  if (int64_t(alphaOut.ElementLength()) < steps * h.spec.nAlpha)
    rangeError(env, format("alphaOut too short: %zu < %lld", alphaOut.ElementLength(), (long long)(steps * h.spec.nAlpha)));
  if (int64_t(lossOut.ElementLength()) < steps)
    rangeError(env, format("lossOut too short: %zu < %lld", lossOut.ElementLength(), (long long)steps));
  if (steps > 0 && (firstBatch + steps - 1) * batchSize >= orderLen)
    rangeError(env, format("trainSteps: the last batch starts at %lld, past order.length %lld",
                           (long long)((firstBatch + steps - 1) * batchSize), (long long)orderLen));
  const int32_t* ord = order.Data();
  const int64_t end = (firstBatch + steps) * batchSize < orderLen ? (firstBatch + steps) * batchSize : orderLen;
  for (int64_t i = firstBatch * batchSize; i < end; i++)
    if (ord[i] < 0 || ord[i] >= h.count)
      rangeError(env, format("order[%lld] = %d is out of range (the training set has %lld images)", (long long)i, ord[i],
                             (long long)h.count));
  const Images data = {h.pixels, h.labels, int(h.count)};
  Timed t(cTrain, uint64_t(steps));
  h.vt->trainSteps(h.core, &data, ord, orderLen, int(batchSize), firstBatch, int(steps), alphaOut.Data(),
                   lossOut.Data());
  return env.Undefined();
}

Napi::Value Probe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  wantArgs(info, 4);
  Handle& h = handleOf(info[0]);
  const Images im = images(info, 1, "probe");
  CanonParams g{};
  Napi::Object grads = newParams(env, h, &g);
  auto logProbs = Napi::Float32Array::New(env, size_t(im.count) * NUM_CLASSES);
  float loss, ce;
  h.vt->probe(h.core, &im, &loss, &ce, logProbs.Data(), &g);
  Napi::Object obj = Napi::Object::New(env);
  obj.Set("loss", Napi::Number::New(env, loss));
  obj.Set("ce", Napi::Number::New(env, ce));
  obj.Set("logProbs", logProbs);
  obj.Set("grads", grads);
  return obj;
}

Napi::Value Evaluate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  wantArgs(info, 4);
  Handle& h = handleOf(info[0]);
  const Images im = images(info, 1, "evaluate");
  double ceSum;
  int64_t correct;
  {
    Timed t(cEval, uint64_t(im.count));
    h.vt->evaluate(h.core, &im, &ceSum, &correct);
  }
  Napi::Object obj = Napi::Object::New(env);
  obj.Set("ceSum", Napi::Number::New(env, ceSum));
  obj.Set("correct", Napi::Number::New(env, double(correct)));
  return obj;
}

Napi::Value FmaPeak(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  wantArgs(info, 2);
  if (!info[0].IsString()) typeError(env, "isa must be a string");
  const std::string isa = info[0].As<Napi::String>().Utf8Value();
  const CoreVTable* vt = coreFor(isa);
  if (!vt) rangeError(env, format("ISA '%.32s' is not available on this CPU or build", isa.c_str()));
  const double seconds = finiteIn(info[1], "seconds", 0.001, 10);
  double flops = 0, took = 0;
  vt->fmaPeak(seconds, &flops, &took);
  Napi::Object obj = Napi::Object::New(env);
  obj.Set("flops", Napi::Number::New(env, flops));
  obj.Set("seconds", Napi::Number::New(env, took));
  return obj;
}

Napi::Value Counters(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object obj = Napi::Object::New(env);
  auto one = [&](const char* name, const Counter& c) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("calls", Napi::Number::New(env, double(c.calls.load())));
    o.Set("items", Napi::Number::New(env, double(c.items.load())));
    o.Set("cpuSeconds", Napi::Number::New(env, double(c.cpuNs.load()) * 1e-9));
    o.Set("wallSeconds", Napi::Number::New(env, double(c.wallNs.load()) * 1e-9));
    obj.Set(name, o);
  };
  one("trainSteps", cTrain);
  one("evaluate", cEval);
  one("params", cParams);
  return obj;
}

Napi::Value ResetCounters(const Napi::CallbackInfo& info) {
  for (Counter* c : {&cTrain, &cEval, &cParams}) c->calls = c->items = c->cpuNs = c->wallNs = 0;
  return info.Env().Undefined();
}

Napi::Value Dispose(const Napi::CallbackInfo& info) {
  wantArgs(info, 1);
  if (info[0].IsExternal()) {
    Handle* h = info[0].As<Napi::External<Handle>>().Data();
    if (h) h->release();
  }
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
#if defined(ALPHA_HAVE_X86_KERNELS)
  __builtin_cpu_init();
#endif
  exports.Set("isas", Napi::Function::New(env, Isas, "isas"));
  exports.Set("create", Napi::Function::New(env, Create, "create"));
  exports.Set("setParams", Napi::Function::New(env, SetParams, "setParams"));
  exports.Set("getParams", Napi::Function::New(env, GetParams, "getParams"));
  exports.Set("getMomentum", Napi::Function::New(env, GetMomentum, "getMomentum"));
  exports.Set("setMomentum", Napi::Function::New(env, SetMomentum, "setMomentum"));
  exports.Set("setTrainData", Napi::Function::New(env, SetTrainData, "setTrainData"));
  exports.Set("trainSteps", Napi::Function::New(env, TrainSteps, "trainSteps"));
  exports.Set("probe", Napi::Function::New(env, Probe, "probe"));
  exports.Set("evaluate", Napi::Function::New(env, Evaluate, "evaluate"));
  exports.Set("fmaPeak", Napi::Function::New(env, FmaPeak, "fmaPeak"));
  exports.Set("counters", Napi::Function::New(env, Counters, "counters"));
  exports.Set("resetCounters", Napi::Function::New(env, ResetCounters, "resetCounters"));
  exports.Set("dispose", Napi::Function::New(env, Dispose, "dispose"));
  return exports;
}

}  // namespace

NODE_API_MODULE(alpha_native, Init)
