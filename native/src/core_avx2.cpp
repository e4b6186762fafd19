// AVX2 + FMA: 8 floats per vector, 16 vector registers. Built with -mavx2 -mfma.
#define ALPHA_VW 8
#define ALPHA_REGS 16
#define ALPHA_VTABLE alpha_core_avx2
#define ALPHA_ISA_NAME "avx2"
#include "kernels.inc"
