// What the kernels need from CUDA, for the two ways they are compiled:
//  - device: clang -x cuda --cuda-device-only -nocudainc (no CUDA toolkit): attributes, builtin variables, atomics;
//  - host emulation: g++ (SF_HOST_EMULATION): grid and block loops in emulation.cpp set the builtin variables,
//    kernels run one thread at a time, atomics are std::atomic_ref operations.
// Kernels never use __syncthreads or shared memory, so running their threads one after another is exact.
#pragma once
#include <stdint.h>

#ifdef SF_HOST_EMULATION
#include <atomic>
struct sf_dim3 { unsigned x = 1, y = 1, z = 1; };
extern thread_local sf_dim3 threadIdx, blockIdx, blockDim, gridDim;
#define SF_KERNEL static
#define SF_DEVICE static inline
static inline unsigned long long sf_atomic_add_u64(unsigned long long* address, unsigned long long value)
{
    return std::atomic_ref<unsigned long long>(*address).fetch_add(value, std::memory_order_relaxed);
}
#else
#define __device__ __attribute__((device))
#define __global__ __attribute__((global))
#include <__clang_cuda_builtin_vars.h>
#define SF_KERNEL extern "C" __global__
#define SF_DEVICE static __device__ inline
SF_DEVICE unsigned long long sf_atomic_add_u64(unsigned long long* address, unsigned long long value)
{
    return __nvvm_atom_add_gen_ll(reinterpret_cast<long long*>(address), static_cast<long long>(value));
}
#endif
