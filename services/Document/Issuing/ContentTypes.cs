namespace Document.Issuing;

/// <summary>The media types of the documents the service issues.</summary>
public static class ContentTypes
{
    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string Pdf = "application/pdf";
    public const string Csv = "text/csv; charset=utf-8";
}
