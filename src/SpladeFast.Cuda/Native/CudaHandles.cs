using System.Runtime.InteropServices;

namespace SpladeFast.Cuda.Native;

/// <summary>A CUDA context, destroyed when released.</summary>
internal sealed class CudaContextHandle() : SafeHandle(0, ownsHandle: true)
{
    public override bool IsInvalid => handle == 0;
    protected override bool ReleaseHandle() => CudaDriver.CtxDestroy(handle) == 0;
    public static CudaContextHandle Create(int device)
    {
        CudaException.Check(CudaDriver.CtxCreate(out nint context, 0, device), "cuCtxCreate");
        var owned = new CudaContextHandle();
        owned.SetHandle(context);
        return owned;
    }
}

/// <summary>A loaded module (our PTX), unloaded when released.</summary>
internal sealed class CudaModuleHandle() : SafeHandle(0, ownsHandle: true)
{
    public override bool IsInvalid => handle == 0;
    protected override bool ReleaseHandle() => CudaDriver.ModuleUnload(handle) == 0;
    public static unsafe CudaModuleHandle Load(byte[] ptx)
    {
        var image = new byte[ptx.Length + 1]; // the driver reads PTX text up to a NUL
        ptx.CopyTo(image, 0);
        nint module;
        fixed (byte* pointer = image)
            CudaException.Check(CudaDriver.ModuleLoadData(out module, pointer), "cuModuleLoadData (PTX)");
        var owned = new CudaModuleHandle();
        owned.SetHandle(module);
        return owned;
    }
}

/// <summary>Device memory, freed when released.</summary>
internal sealed class DeviceBuffer() : SafeHandle(0, ownsHandle: true)
{
    public override bool IsInvalid => handle == 0;
    public ulong Pointer => (ulong)handle;
    public long Bytes { get; private set; }
    protected override bool ReleaseHandle() => CudaDriver.MemFree((ulong)handle) == 0;

    public static DeviceBuffer Allocate(long bytes, string what)
    {
        CudaException.Check(CudaDriver.MemAlloc(out ulong pointer, (nuint)Math.Max(bytes, 1)), $"cuMemAlloc of {bytes:N0} bytes for {what}");
        var owned = new DeviceBuffer { Bytes = bytes };
        owned.SetHandle((nint)pointer);
        return owned;
    }

    public static unsafe DeviceBuffer Upload<T>(ReadOnlySpan<T> data, string what) where T : unmanaged
    {
        var buffer = Allocate((long)data.Length * sizeof(T), what);
        fixed (T* source = data)
            CudaException.Check(CudaDriver.MemcpyHtoD(buffer.Pointer, source, (nuint)buffer.Bytes), $"cuMemcpyHtoD ({what})");
        return buffer;
    }

    public unsafe void Download<T>(Span<T> destination) where T : unmanaged
    {
        fixed (T* target = destination)
            CudaException.Check(CudaDriver.MemcpyDtoH(target, Pointer, (nuint)((long)destination.Length * sizeof(T))), "cuMemcpyDtoH");
    }
}
