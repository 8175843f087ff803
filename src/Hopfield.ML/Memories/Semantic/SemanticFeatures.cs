using System.Globalization;

namespace Hopfield.ML.Memories.Semantic;

/// <summary>Runs a feature map with the checks every semantic memory needs.</summary>
internal static class SemanticFeatures
{
    /// <summary>Maps <paramref name="count"/> rows with <paramref name="map"/> and checks that every feature is finite.</summary>
    public static float[] Map(IFeatureMap map, ReadOnlySpan<float> inputs, int count, string paramName, string mapName)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentOutOfRangeException.ThrowIfNegative(count, paramName);
        if (inputs.Length != (long)count * map.InputDimension)
        {
            throw new ArgumentException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{paramName} has {inputs.Length} values; {count} rows of the {mapName}'s input dimension {map.InputDimension} need {(long)count * map.InputDimension}."),
                paramName);
        }

        var features = new float[(long)count * map.OutputDimension];
        if (count > 0)
        {
            map.Map(inputs, count, features);
        }

        for (long i = 0; i < features.LongLength; i++)
        {
            if (!float.IsFinite(features[i]))
            {
                throw new ArgumentException(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"The {mapName} produced {features[i]} for row {i / map.OutputDimension} of {paramName} (feature {i % map.OutputDimension}); features must be finite."),
                    paramName);
            }
        }

        return features;
    }

    public static void CheckDimension(IFeatureMap map, string paramName, string mapName)
    {
        ArgumentNullException.ThrowIfNull(map, paramName);
        if (map.InputDimension < 1 || map.OutputDimension < 1)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The {mapName} has input dimension {map.InputDimension} and output dimension {map.OutputDimension}; both must be positive."),
                paramName);
        }
    }
}
