using System.Runtime.InteropServices;

namespace SpladeFast.Cuda.Native;

/// <summary>
/// The CUDA driver API (libcuda.so.1, installed with the NVIDIA driver; no toolkit needed), plain argument types
/// only. Every call returns a CUresult; <see cref="CudaException.Check"/> turns failures into exceptions.
/// </summary>
internal static partial class CudaDriver
{
    private const string Library = "libcuda.so.1";

    [LibraryImport(Library, EntryPoint = "cuInit")]
    public static partial int Init(uint flags);

    [LibraryImport(Library, EntryPoint = "cuDeviceGetCount")]
    public static partial int DeviceGetCount(out int count);

    [LibraryImport(Library, EntryPoint = "cuDeviceGet")]
    public static partial int DeviceGet(out int device, int ordinal);

    [LibraryImport(Library, EntryPoint = "cuDeviceGetName")]
    public static unsafe partial int DeviceGetName(byte* name, int length, int device);

    [LibraryImport(Library, EntryPoint = "cuDeviceTotalMem_v2")]
    public static partial int DeviceTotalMem(out nuint bytes, int device);

    [LibraryImport(Library, EntryPoint = "cuCtxCreate_v2")]
    public static partial int CtxCreate(out nint context, uint flags, int device);

    [LibraryImport(Library, EntryPoint = "cuCtxDestroy_v2")]
    public static partial int CtxDestroy(nint context);

    [LibraryImport(Library, EntryPoint = "cuCtxSetCurrent")]
    public static partial int CtxSetCurrent(nint context);

    [LibraryImport(Library, EntryPoint = "cuCtxSynchronize")]
    public static partial int CtxSynchronize();

    [LibraryImport(Library, EntryPoint = "cuModuleLoadData")]
    public static unsafe partial int ModuleLoadData(out nint module, byte* image);

    [LibraryImport(Library, EntryPoint = "cuModuleUnload")]
    public static partial int ModuleUnload(nint module);

    [LibraryImport(Library, EntryPoint = "cuModuleGetFunction", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ModuleGetFunction(out nint function, nint module, string name);

    [LibraryImport(Library, EntryPoint = "cuMemAlloc_v2")]
    public static partial int MemAlloc(out ulong devicePointer, nuint bytes);

    [LibraryImport(Library, EntryPoint = "cuMemFree_v2")]
    public static partial int MemFree(ulong devicePointer);

    [LibraryImport(Library, EntryPoint = "cuMemcpyHtoD_v2")]
    public static unsafe partial int MemcpyHtoD(ulong destination, void* source, nuint bytes);

    [LibraryImport(Library, EntryPoint = "cuMemcpyDtoH_v2")]
    public static unsafe partial int MemcpyDtoH(void* destination, ulong source, nuint bytes);

    [LibraryImport(Library, EntryPoint = "cuMemsetD8_v2")]
    public static partial int MemsetD8(ulong devicePointer, byte value, nuint count);

    [LibraryImport(Library, EntryPoint = "cuLaunchKernel")]
    public static unsafe partial int LaunchKernel(nint function, uint gridX, uint gridY, uint gridZ, uint blockX, uint blockY, uint blockZ,
        uint sharedBytes, nint stream, void** parameters, void** extra);

    [LibraryImport(Library, EntryPoint = "cuGetErrorName")]
    public static unsafe partial int GetErrorName(int error, byte** name);
}
