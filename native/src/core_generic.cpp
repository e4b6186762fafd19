// Portable: 4-float vectors (SSE2 on x86-64, NEON on arm64, scalar code elsewhere), no special flags.
#define ALPHA_VW 4
#define ALPHA_REGS 16
#define ALPHA_VTABLE alpha_core_generic
#define ALPHA_ISA_NAME "generic"
#include "kernels.inc"
