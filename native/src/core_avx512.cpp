// AVX-512F + FMA: 16 floats per vector, 32 vector registers. Built with -mavx512f -mavx2 -mfma.
#define ALPHA_VW 16
#define ALPHA_REGS 32
#define ALPHA_VTABLE alpha_core_avx512
#define ALPHA_ISA_NAME "avx512"
#include "kernels.inc"
