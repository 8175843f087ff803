// Semantic image search: store images, then find them again from flipped or shifted copies by comparing
// in the embedding space of a contrastive (SimCLR) ONNX encoder instead of pixel space.
//
//   dotnet run --project samples/SemanticImageSearch [-- --retrain]
//
// Training stores the 3,000 embedded Fashion-MNIST training images; the queries are corrupted copies of a few of them:
// stored images flipped horizontally or shifted by 3 pixels.
using Hopfield.ML.Imaging.Corruptions;
using Hopfield.ML.Imaging.Datasets;
using Hopfield.ML.Imaging.Processing;
using SemanticImageSearch;

string encoder = FindModel("simclr_encoder.onnx");
if (args.Contains("--retrain") || !File.Exists(SemanticImageSearchModel.ModelPath))
{
    Console.WriteLine($"training: storing the embedded training images, encoder {Path.GetFileName(encoder)} ...");
    SemanticImageSearchTraining.Train(encoder, SemanticImageSearchModel.ModelPath);
    Console.WriteLine($"saved {SemanticImageSearchModel.ModelPath} ({new FileInfo(SemanticImageSearchModel.ModelPath).Length / 1e6:0.0} MB)");
}

var stored = FashionMnist.LoadEmbedded(DataSplit.Train);
var tiles = new List<float[]?>();
int found = 0, total = 0;
foreach (var spec in Corruptions.Parse("flip,translate:3"))
{
    for (int i = 0; i < 6; i++)
    {
        int index = i * 500; // a few stored images across the classes
        float[] query = spec.Apply(stored.Images[index], 28, 28, seed: i);
        var answer = SemanticImageSearchModel.Predict(new ModelInput { Image = query });
        bool exact = answer.Retrieved.AsSpan().SequenceEqual(stored.Images[index]);
        found += exact ? 1 : 0;
        total++;
        Console.WriteLine($"{spec.Corruption.Name,-9} stored #{index,4} ({FashionMnist.ClassNames[stored.Labels[index]],-11}) → {(exact ? "found exactly" : "another image")}, class {FashionMnist.ClassNames[answer.MatchLabel]}");
        tiles.Add(stored.Images[index]);
        tiles.Add(query);
        tiles.Add(answer.Retrieved);
    }
}

Directory.CreateDirectory("out");
ImageGrid.SavePng("out/semantic-search.png", tiles, 28, 28, columns: 6);
Console.WriteLine($"{found}/{total} queries returned their exact original; grid (stored | query | retrieved) in out/semantic-search.png");

static string FindModel(string file)
{
    foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "onnx", "models", file);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
    }

    throw new FileNotFoundException($"onnx/models/{file} not found above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}.");
}
