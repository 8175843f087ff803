// Self-repairing images: store a few binarised pictures in a classical Hopfield network, damage one,
// and watch the network pull it back to the stored picture, sweep by sweep.
//
//   dotnet run --project samples/SelfRepairingImages [-- image1.png image2.png ...]
//
// With no arguments it uses three Fashion-MNIST items from the embedded data, upscaled to 64×64.
using Hopfield.ML.Imaging;
using Hopfield.ML.Imaging.Codecs;
using Hopfield.ML.Imaging.Datasets;
using Hopfield.ML.Imaging.Processing;
using Hopfield.ML.Memories;

const int Side = 64;
var pictures = args.Length > 0
    ? args.Select(path => Pixels.Resize(Pixels.ToGrayscale(ImageFile.Read(path)), Side, Side, ResizeMode.Area)).ToList()
    : EmbeddedExamples();

// 1. Binarise (Otsu) and store. The pseudo-inverse rule copes with correlated pictures; Hebbian would mix them.
var network = new ClassicalHopfieldNetwork(Side * Side, LearningRule.PseudoInverse);
var patterns = pictures.Select(p => BipolarVector.FromSigns(Pixels.BinarizeOtsu(p.Data))).ToList();
patterns.ForEach(p => network.Store(p));

// 2. Damage the first picture: flip 30% of its pixels.
var original = patterns[0];
var damaged = BipolarVector.Corrupt(original, 0.30, new Random(7));

// 3. Recall, keeping every intermediate state for the strip.
var tiles = new List<float[]?> { ToTile(original) };
var result = network.Recall(damaged, new BinaryRecallOptions
{
    Mode = BinaryUpdateMode.Asynchronous,
    MaxSweeps = 6,
    Seed = 1,
    OnStep = (sweep, state) =>
    {
        tiles.Add(ToTile(state));
        Console.WriteLine($"{(sweep == 0 ? "damaged" : $"sweep {sweep}"),-8} wrong pixels: {BipolarVector.MismatchFraction(state, original):P1}");
    },
});

Directory.CreateDirectory("out");
ImageGrid.SavePng("out/self-repair.png", tiles, Side, Side, tiles.Count);
Console.WriteLine($"{result.Termination} after {result.Sweeps} sweeps; strip (original | damaged | sweeps) in out/self-repair.png");

static List<Image> EmbeddedExamples()
{
    var data = FashionMnist.LoadEmbedded(DataSplit.Test);
    int[] wanted = [0, 1, 7]; // T-shirt/top, Trouser, Sneaker
    return wanted
        .Select(label => data.GetImage(Enumerable.Range(0, data.Count).First(i => data.Labels[i] == label)))
        .Select(image => Pixels.Resize(image, Side, Side, ResizeMode.Bilinear))
        .ToList();
}

static float[] ToTile(ReadOnlySpan<sbyte> state)
{
    var tile = new float[state.Length];
    for (int i = 0; i < state.Length; i++)
    {
        tile[i] = state[i] > 0 ? 1f : 0f;
    }

    return tile;
}
