namespace Subsidy.Tests;

/// <summary>A process and everything it started, as /proc tells it: what a lost machine
/// takes with it.</summary>
public static class ProcessTree
{
    public static IReadOnlyList<int> Of(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
                continue;
            try
            {
                // "pid (comm) state ppid …": the name may hold spaces, so read after its ')'.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var parent = int.Parse(fields[1]);
                if (!children.TryGetValue(parent, out var list))
                    children[parent] = list = [];
                list.Add(pid);
            }
            catch (IOException) { }
        }
        var tree = new List<int>();
        var pending = new Stack<int>([root]);
        while (pending.TryPop(out var pid))
        {
            tree.Add(pid);
            foreach (var child in children.GetValueOrDefault(pid) ?? [])
                pending.Push(child);
        }
        return tree;
    }

    /// <summary>kill -9 of the whole tree at once, so no part of it outlives the rest (a keeper's
    /// PostgreSQL, a broker's Erlang runtime).</summary>
    public static int Kill(int root)
    {
        var tree = Of(root);
        foreach (var pid in tree)
        {
            try
            {
                System.Diagnostics.Process.GetProcessById(pid).Kill();
            }
            catch (ArgumentException) { }
            catch (InvalidOperationException) { }
        }
        return tree.Count;
    }
}
