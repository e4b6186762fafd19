# The native training core: `node-gyp rebuild --directory native` builds
# build/Release/alpha_native.node (and `npm run prebuild` the prebuilds/ that
# node-gyp-build loads first). On x86-64 the AVX2 and AVX-512 kernels are
# separate static libraries compiled with their own -m flags (gyp has no
# per-file flags) and chosen at run time from the CPU's features; every
# platform gets the portable kernel. No -ffast-math: results must match the
# PyTorch fixture, and -fno-trapping-math / -fno-math-errno do not change them.
# The glue is node-addon-api with C++ exceptions (node_addon_api_except).
{
  'target_defaults': {
    'cflags_cc': ['-O3', '-fno-trapping-math', '-fno-math-errno', '-fPIC'],
    'xcode_settings': {'OTHER_CPLUSPLUSFLAGS': ['-O3', '-fno-trapping-math', '-fno-math-errno']},
  },
  'targets': [
    {
      'target_name': 'alpha_native',
      'sources': ['src/addon.cpp', 'src/core_generic.cpp'],
      'dependencies': ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      'defines': ['NAPI_VERSION=8'],
      'conditions': [
        ['target_arch=="x64"', {
          'defines': ['ALPHA_HAVE_X86_KERNELS'],
          'dependencies': ['alpha_core_avx2', 'alpha_core_avx512'],
        }],
      ],
    },
  ],
  'conditions': [
    ['target_arch=="x64"', {
      'targets': [
        {
          'target_name': 'alpha_core_avx2',
          'type': 'static_library',
          'sources': ['src/core_avx2.cpp'],
          'cflags_cc': ['-mavx2', '-mfma'],
          'xcode_settings': {'OTHER_CPLUSPLUSFLAGS': ['-mavx2', '-mfma']},
        },
        {
          'target_name': 'alpha_core_avx512',
          'type': 'static_library',
          'sources': ['src/core_avx512.cpp'],
          'cflags_cc': ['-mavx512f', '-mavx2', '-mfma'],
          'xcode_settings': {'OTHER_CPLUSPLUSFLAGS': ['-mavx512f', '-mavx2', '-mfma']},
        },
      ],
    }],
  ],
}
