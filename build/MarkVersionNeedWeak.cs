using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Marks one symbol-version need (Elf64_Vernaux) weak in ELF64 little-endian shared libraries, unless the
/// system libstdc++ already provides that version. A weak need lets the dynamic loader accept the library
/// when the version is absent.
/// </summary>
public sealed class MarkVersionNeedWeak : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    [Required] public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string VersionName { get; set; } = "";

    private static readonly string[] SystemLibStdCxx =
    {
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
    };

    public override bool Execute()
    {
        foreach (var candidate in SystemLibStdCxx)
        {
            if (File.Exists(candidate) && Contains(File.ReadAllBytes(candidate), Encoding.ASCII.GetBytes(VersionName + "\0")))
            {
                Log.LogMessage(MessageImportance.Low, $"{candidate} provides {VersionName}; libraries left as they are.");
                return true;
            }
        }
        foreach (var item in Libraries)
        {
            string path = item.ItemSpec;
            byte[] elf = File.ReadAllBytes(path);
            switch (MarkWeak(elf, VersionName))
            {
                case true:
                    File.WriteAllBytes(path, elf);
                    Log.LogMessage(MessageImportance.Normal, $"{path}: marked the {VersionName} version need weak (the system libstdc++ lacks it).");
                    break;
                case false:
                    Log.LogMessage(MessageImportance.Low, $"{path}: {VersionName} need already weak or absent.");
                    break;
                default:
                    Log.LogWarning($"{path}: not an ELF64 little-endian library; left as it is.");
                    break;
            }
        }
        return !Log.HasLoggedErrors;
    }

    /// <summary>True when changed, false when nothing to change, null when the file is not ELF64 LE.</summary>
    private static bool? MarkWeak(byte[] elf, string version)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F' || elf[4] != 2 || elf[5] != 1)
            return null;
        long sectionHeaders = (long)BitConverter.ToUInt64(elf, 0x28);
        int entrySize = BitConverter.ToUInt16(elf, 0x3A), count = BitConverter.ToUInt16(elf, 0x3C);
        for (int s = 0; s < count; s++)
        {
            long header = sectionHeaders + (long)s * entrySize;
            if (BitConverter.ToUInt32(elf, (int)header + 4) != ShtGnuVerneed)
                continue;
            long offset = (long)BitConverter.ToUInt64(elf, (int)header + 24);
            int link = (int)BitConverter.ToUInt32(elf, (int)header + 40), needs = (int)BitConverter.ToUInt32(elf, (int)header + 44);
            long strings = (long)BitConverter.ToUInt64(elf, (int)(sectionHeaders + (long)link * entrySize) + 24);
            bool changed = false;
            long need = offset;
            for (int n = 0; n < needs; n++)
            {
                int auxCount = BitConverter.ToUInt16(elf, (int)need + 2);
                long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    string name = ReadString(elf, strings + BitConverter.ToUInt32(elf, (int)aux + 8));
                    ushort flags = BitConverter.ToUInt16(elf, (int)aux + 4);
                    if (name == version && (flags & VerFlagWeak) == 0)
                    {
                        BitConverter.GetBytes((ushort)(flags | VerFlagWeak)).CopyTo(elf, (int)aux + 4);
                        changed = true;
                    }
                    aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                }
                need += BitConverter.ToUInt32(elf, (int)need + 12);
            }
            return changed;
        }
        return false;
    }

    private static string ReadString(byte[] bytes, long offset)
    {
        int end = (int)offset;
        while (end < bytes.Length && bytes[end] != 0)
            end++;
        return Encoding.ASCII.GetString(bytes, (int)offset, end - (int)offset);
    }

    private static bool Contains(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j])
                j++;
            if (j == needle.Length)
                return true;
        }
        return false;
    }
}
