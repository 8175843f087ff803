using System.CommandLine;
using Hopfield.Cli.Commands;

namespace Hopfield.Cli.Infrastructure;

/// <summary>Builds the command tree and runs it with the tool's exit-code contract.</summary>
/// <remarks>Exit codes: 0 success, 1 bad input (one-line message; stack trace only with --verbose), 2 usage error.</remarks>
internal static class CliApp
{
    public const int Success = 0;
    public const int BadInput = 1;
    public const int UsageError = 2;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = BuildRoot(output, error);
        var parse = root.Parse(args);
        bool verbose = parse.GetValue(CommonOptions.Verbose);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors)
            {
                error.WriteLine($"hopfield: {e.Message}");
            }

            error.WriteLine("Run 'hopfield --help' (or 'hopfield <command> --help') for usage.");
            return UsageError;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = output, Error = error });
        }
        catch (Exception ex) when (ex is UsageException)
        {
            error.WriteLine($"hopfield: {ex.Message}");
            return UsageError;
        }
        catch (Exception ex) when (!verbose && IsInputError(ex))
        {
            error.WriteLine($"hopfield: {Flatten(ex)}");
            return BadInput;
        }
        catch (Exception ex) when (verbose || !IsInputError(ex))
        {
            error.WriteLine($"hopfield: {Flatten(ex)}");
            if (verbose)
            {
                error.WriteLine(ex.ToString());
            }
            else
            {
                error.WriteLine("(run again with --verbose for the stack trace)");
            }

            return BadInput;
        }
    }

    internal static RootCommand BuildRoot(TextWriter output, TextWriter error)
    {
        var root = new RootCommand(
            "hopfield: associative memories (classical, dense, modern and universal Hopfield networks) " +
            "for denoising, self-repairing images, capacity measurements, benchmarks and experiments.");
        root.Options.Add(CommonOptions.Verbose);
        var io = new CliIO(output, error);
        foreach (var command in CommandCatalog.All(io))
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    private static bool IsInputError(Exception ex) =>
        ex is ArgumentException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException
            or IOException or UnauthorizedAccessException or FormatException or NotSupportedException
            or InvalidOperationException or OperationCanceledException;

    private static string Flatten(Exception ex)
    {
        var message = ex.Message.ReplaceLineEndings(" ");
        return ex is AggregateException { InnerExceptions.Count: 1 } agg ? Flatten(agg.InnerExceptions[0]) : message;
    }
}

/// <summary>A usage error detected after parsing (bad combination of options): exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
