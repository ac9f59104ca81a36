namespace ContributionImport.Imports;

public static class BatchKinds
{
    public const string Contributions = "contributions";
    public const string Roster = "roster";
}

public static class BatchStates
{
    public const string Uploading = "uploading";
    public const string Received = "received";
    public const string Processing = "processing";
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";
    public const string Superseded = "superseded";
    public const string Failed = "failed";

    public static string ChineseName(string state) =>
        state switch
        {
            Uploading => "上传中",
            Received => "已接收，等待处理",
            Processing => "处理中",
            Accepted => "已通过",
            Rejected => "有错误，整批退回",
            Superseded => "已被新批次替代",
            Failed => "处理失败",
            _ => state,
        };
}

public sealed record Batch(
    Guid Id,
    string Kind,
    string ScopeCode,
    int Year,
    string? Sha256,
    string FileName,
    long FileSize,
    string State,
    long RowsRead,
    long RowsAccepted,
    int ErrorCount,
    string? Failure,
    string UploadedBy,
    DateTime UploadedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    Guid? SupersededBy,
    DateTime? PublishedAt,
    string? Note = null
)
{
    public string StateName => BatchStates.ChineseName(State);
}
