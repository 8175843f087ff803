namespace Hopfield.ML.Imaging;

/// <summary>
/// Builds the <see cref="InvalidDataException"/> every decoder throws for truncated, corrupt, inconsistent or
/// over-limit input. (<see cref="InvalidDataException"/> is sealed, so there is no subtype.) The message starts
/// with the file name when known; the file name is also stored in <see cref="Exception.Data"/> under
/// <see cref="FileNameKey"/>.
/// </summary>
public static class ImageFormatError
{
    /// <summary>Key in <see cref="Exception.Data"/> holding the file name (a string) when known.</summary>
    public const string FileNameKey = "Hopfield.ML.Imaging.FileName";

    internal const string MarkerKey = "Hopfield.ML.Imaging.Decoder";

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="fileName">The file, or null when unknown.</param>
    /// <param name="innerException">The cause, if any.</param>
    /// <returns>An exception to throw.</returns>
    public static InvalidDataException Create(string message, string? fileName, Exception? innerException = null)
    {
        var ex = new InvalidDataException(fileName is null ? message : $"{fileName}: {message}", innerException);
        ex.Data[MarkerKey] = true;
        if (fileName is not null)
        {
            ex.Data[FileNameKey] = fileName;
        }

        return ex;
    }

    internal static bool IsOurs(Exception ex) => ex.Data.Contains(MarkerKey);
}
