namespace SpladeFast.Cuda.Native;

/// <summary>A failed CUDA driver call: which call, and the driver's error name and code.</summary>
public sealed class CudaException(string message, int code) : Exception(message)
{
    /// <summary>The driver's CUresult code.</summary>
    public int Code { get; } = code;

    internal static unsafe void Check(int result, string call)
    {
        if (result == 0)
            return;
        string name = "unknown error";
        byte* text = null;
        if (CudaDriver.GetErrorName(result, &text) == 0 && text != null)
            name = System.Runtime.InteropServices.Marshal.PtrToStringUTF8((nint)text) ?? name;
        throw new CudaException($"CUDA {call} failed: {name} ({result})", result);
    }
}
