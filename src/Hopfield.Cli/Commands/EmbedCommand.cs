using System.Buffers.Binary;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Hopfield.Cli.Infrastructure;
using Hopfield.ML.Imaging.Codecs;
using Hopfield.ML.Onnx.FeatureMaps;
using Hopfield.ML.Onnx.Runtime;

namespace Hopfield.Cli.Commands;

/// <summary><c>hopfield embed</c>: runs an ONNX image encoder over an IDX image file and writes the embeddings as raw float32.</summary>
internal static class EmbedCommand
{
    public static Command Build(CliIO io)
    {
        var model = new Option<string>("--model", "-m") { Description = "ONNX encoder: one float input [batch, ...] whose size is the image size, e.g. [batch,1,28,28].", Required = true };
        var images = new Option<string>("--images", "-i") { Description = "IDX image file (unsigned bytes [count, rows, cols], raw or .gz); pixels are scaled to [0,1].", Required = true };
        var output = CommonOptions.Out("Output file: count × dim little-endian float32 values, row-major, no header.", required: true);
        var batch = new Option<int>("--batch") { Description = "Images per ONNX Runtime call.", DefaultValueFactory = _ => 256 };
        var count = new Option<int?>("--count", "-n") { Description = "Embed only the first N images." };
        var outputName = new Option<string?>("--output-name") { Description = "Model output to write (default: the first)." };
        var repeat = new Option<int>("--repeat") { Description = "Time the encoding this many times (benchmarking); the file is written once.", DefaultValueFactory = _ => 1, Hidden = true };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads (0 = its default).", DefaultValueFactory = _ => 0, Hidden = true };
        var json = CommonOptions.Json();
        var command = new Command(
            "embed",
            "Embed images with an ONNX encoder (φ) and write the embeddings as raw float32 rows; prints the shape.\n" +
            "Example:\n  hopfield embed --model onnx/models/simclr_encoder.onnx --images data/fashion-test-images.idx.gz --out test.f32")
        {
            model, images, output, batch, count, outputName, repeat, threads, json,
        };
        command.SetAction(parse =>
        {
            int batchSize = parse.GetValue(batch);
            if (batchSize < 1)
            {
                throw new ArgumentOutOfRangeException("--batch", batchSize, "--batch must be at least 1.");
            }

            int repeats = parse.GetValue(repeat);
            if (repeats < 1)
            {
                throw new ArgumentOutOfRangeException("--repeat", repeats, "--repeat must be at least 1.");
            }

            var (pixels, rows, width, height) = IdxImages.Load(parse.GetValue(images)!, parse.GetValue(count));
            string modelPath = parse.GetValue(model)!;
            using var map = OnnxFeatureMap.FromFile(
                modelPath,
                new OnnxFeatureMapOptions { BatchSize = batchSize, OutputName = parse.GetValue(outputName) },
                new OnnxSessionOptions { IntraOpThreads = parse.GetValue(threads), InterOpThreads = 1 });
            if (map.InputDimension != width * height)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"The model '{modelPath}' takes {map.InputDimension} values per image ({map.InputName}: {string.Join('×', map.InputShape)}), but the images are {height}×{width} = {width * height}."));
            }

            float[] embeddings = new float[(long)rows * map.OutputDimension];
            var seconds = new List<double>();
            int inDim = width * height, outDim = map.OutputDimension, chunk = Math.Max(batchSize, 4096 / Math.Max(1, batchSize) * batchSize);
            io.WithProgress("embed", progress =>
            {
                for (int r = 0; r < repeats; r++)
                {
                    var sw = Stopwatch.StartNew();
                    for (int start = 0; start < rows; start += chunk)
                    {
                        int n = Math.Min(chunk, rows - start);
                        map.Map(pixels.AsSpan(start * inDim, n * inDim), n, embeddings.AsSpan(start * outDim, n * outDim));
                        progress.Report((r + ((double)(start + n) / rows)) / repeats);
                    }

                    seconds.Add(sw.Elapsed.TotalSeconds);
                }

                return 0;
            });

            string outPath = parse.GetValue(output)!;
            CliIO.PrepareOutputFile(outPath);
            WriteFloats(outPath, embeddings);
            double best = seconds.Min();
            double median = seconds.Order().ElementAt(seconds.Count / 2);
            if (parse.GetValue(json))
            {
                io.WriteJson(new
                {
                    rows,
                    dim = map.OutputDimension,
                    @out = outPath,
                    model = modelPath,
                    input = map.InputName,
                    output = map.OutputName,
                    batch = batchSize,
                    seconds = best,
                    median_seconds = median,
                    seconds_all = seconds,
                    images_per_second = rows / Math.Max(best, 1e-9),
                });
            }
            else
            {
                io.Line(string.Create(CultureInfo.InvariantCulture, $"{rows} × {map.OutputDimension} float32 ({map.OutputName}) written to {outPath}"));
                io.Line(string.Create(CultureInfo.InvariantCulture, $"encoded in {best:0.000} s ({rows / Math.Max(best, 1e-9):0} images/s, batch {batchSize})"));
            }

            return 0;
        });
        return command;
    }

    /// <summary>Writes little-endian float32 values through a temporary file.</summary>
    internal static void WriteFloats(string path, ReadOnlySpan<float> values)
    {
        string full = Path.GetFullPath(path);
        string tmp = full + ".tmp";
        using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write))
        {
            byte[] buffer = new byte[64 * 1024];
            int filled = 0;
            foreach (float v in values)
            {
                BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(filled), v);
                filled += 4;
                if (filled == buffer.Length)
                {
                    stream.Write(buffer, 0, filled);
                    filled = 0;
                }
            }

            stream.Write(buffer, 0, filled);
        }

        File.Move(tmp, full, overwrite: true);
    }
}

/// <summary>IDX image files as row-major float pixels in [0, 1].</summary>
internal static class IdxImages
{
    public static (float[] Pixels, int Rows, int Width, int Height) Load(string path, int? take = null, string optionName = "--count")
    {
        var array = Idx.Read(path);
        if (array.DataType != IdxDataType.UInt8 || array.Shape.Count != 3)
        {
            throw new InvalidDataException(
                string.Create(CultureInfo.InvariantCulture, $"'{path}' is not an unsigned-byte IDX3 image file (found {array.DataType} with {array.Shape.Count} dimensions)."));
        }

        int rows = array.Shape[0], height = array.Shape[1], width = array.Shape[2];
        if (take is int t)
        {
            if (t < 1 || t > rows)
            {
                throw new ArgumentOutOfRangeException(optionName, t, string.Create(CultureInfo.InvariantCulture, $"{optionName} must be between 1 and the {rows} images in '{path}'."));
            }

            rows = t;
        }

        var bytes = array.Bytes!;
        float[] pixels = new float[(long)rows * width * height];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = bytes[i] / 255f;
        }

        return (pixels, rows, width, height);
    }
}
