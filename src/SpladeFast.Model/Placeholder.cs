namespace SpladeFast.Model; internal static class Placeholder { }
