using Sylvan.Data.Csv;

namespace ContributionImport.Reading;

/// <summary>Why a file cannot be read at all, in Chinese — never a reader library's own (English)
/// message.</summary>
public static class FileProblems
{
    /// <summary>The reason for an exception of the readers, or null for an exception that is not
    /// about the file.</summary>
    public static string? WhyUnreadable(Exception exception, long rowNumber) =>
        exception switch
        {
            CsvRecordTooLargeException =>
                $"第{rowNumber}行过长，超过单行上限（{TabularReader.MaxRowBytes / 1024:N0} KB），文件无法读取；请检查是否缺少换行或引号不成对",
            CsvFormatException => $"第{rowNumber}行格式有误（如引号不成对），文件无法读取",
            InvalidDataException or System.Xml.XmlException =>
                "文件不是有效的 XLSX 工作簿或 CSV 文件，无法读取",
            FormatException => $"第{rowNumber}行内容无法识别，文件无法读取",
            System.Text.DecoderFallbackException =>
                $"第{rowNumber}行含有无法识别的字符编码，文件无法读取",
            _ => null,
        };
}
