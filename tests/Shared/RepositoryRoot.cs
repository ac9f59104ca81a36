namespace Subsidy.Tests;

/// <summary>The checkout the tests run from: the directory holding Subsidy.sln, found upwards.</summary>
public static class RepositoryRoot
{
    public static readonly string Path = Find();

    private static string Find()
    {
        for (
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            directory is not null;
            directory = directory.Parent
        )
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Subsidy.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException($"no Subsidy.sln above {AppContext.BaseDirectory}");
    }
}
