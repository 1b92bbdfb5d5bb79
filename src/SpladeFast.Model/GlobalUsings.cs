global using System.Runtime.InteropServices;
global using SpladeFast.Encoders;
global using SpladeFast.Encoders.Splade;
global using SpladeFast.Encoders.Tokenization;
