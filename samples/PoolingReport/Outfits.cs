using Hopfield.ML.Imaging.Datasets;

namespace PoolingReport;

/// <summary>
/// Bags of Fashion-MNIST items grouped into three "outfit" kinds, the way a tennis ball, a net and a racket make a tennis
/// court: every bag holds 2–3 items of one kind, and the bag's label is the kind.
/// </summary>
internal static class Outfits
{
    public static readonly string[] Kinds = ["footwear", "tops", "bottoms & bags"];

    // Fashion-MNIST classes: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle boot.
    public static readonly int[][] KindClasses = [[5, 7, 9], [0, 2, 4, 6], [1, 3, 8]];

    public static (float[] Bags, int[] Labels, string[][] ItemNames) Make(LabeledImages images, int count, int seed)
    {
        var rng = new Random(seed);
        var byClass = Enumerable.Range(0, images.ClassNames.Count).Select(c => Enumerable.Range(0, images.Count).Where(i => images.Labels[i] == c).ToArray()).ToArray();
        var bags = new float[count * ModelInput.Slots * ModelInput.ImageSize];
        var labels = new int[count];
        var names = new string[count][];
        for (int b = 0; b < count; b++)
        {
            int kind = b % Kinds.Length;
            labels[b] = kind;
            int items = 2 + rng.Next(2);
            names[b] = new string[items];
            for (int s = 0; s < items; s++)
            {
                int cls = KindClasses[kind][rng.Next(KindClasses[kind].Length)];
                int index = byClass[cls][rng.Next(byClass[cls].Length)];
                images.Images[index].CopyTo(bags, ((b * ModelInput.Slots) + s) * ModelInput.ImageSize);
                names[b][s] = images.ClassNames[cls];
            }
        }

        return (bags, labels, names);
    }
}
