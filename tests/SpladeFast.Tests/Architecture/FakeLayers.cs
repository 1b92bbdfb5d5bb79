// Deliberately bad dependencies for LayerTests.The_rule_catches_an_upward_dependency_and_a_cycle: these types are
// never used, only inspected.
namespace SpladeFast.Tests.Architecture.Fake.Upper
{
    internal static class Good
    {
        public static int Value => 1;
    }
}

namespace SpladeFast.Tests.Architecture.Fake.Lower
{
    internal static class Bad
    {
        public static Func<int> Value => () => Upper.Good.Value;
    }

    internal static class Fine
    {
        public static int Value => 2;
    }
}

namespace SpladeFast.Tests.Architecture.Fake.Left
{
    internal static class LeftSide
    {
        public static int Value(int n) => n <= 0 ? 0 : Right.RightSide.Value(n - 1);
    }
}

namespace SpladeFast.Tests.Architecture.Fake.Right
{
    internal static class RightSide
    {
        public static int Value(int n) => n <= 0 ? 0 : Left.LeftSide.Value(n - 1);
    }
}
