namespace SpladeFast.Interop.Vectors;

/// <summary>A document or query vector in weight units, as every vector format holds it.</summary>
public sealed record SparseVectorRecord(string Id, string[] Tokens, float[] Weights);
