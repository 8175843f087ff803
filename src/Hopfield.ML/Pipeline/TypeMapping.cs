using System.Globalization;
using System.Reflection;

namespace Hopfield.ML.Pipeline;

/// <summary>
/// Maps the public instance properties of a class to columns: <c>float[]</c> → vector, <c>float</c> → scalar,
/// <c>int</c>/<c>uint</c> → key, <c>string</c> → text. Immutable once built, so safe to share across threads.
/// </summary>
internal sealed class TypeMapping<T>
{
    private readonly Member[] _members;

    private TypeMapping(Member[] members) => _members = members;

    public static TypeMapping<T> Instance { get; } = Build();

    public IReadOnlyList<Member> Members => _members;

    private static TypeMapping<T> Build()
    {
        var list = new List<Member>();
        foreach (var p in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetIndexParameters().Length != 0 || p.GetCustomAttribute<NoColumnAttribute>() is not null)
            {
                continue;
            }

            ColumnKind? kind = p.PropertyType switch
            {
                Type t when t == typeof(float[]) => ColumnKind.Vector,
                Type t when t == typeof(float) => ColumnKind.Scalar,
                Type t when t == typeof(int) || t == typeof(uint) => ColumnKind.Key,
                Type t when t == typeof(string) => ColumnKind.Text,
                _ => null,
            };
            if (kind is null)
            {
                throw new ArgumentException(
                    $"Property '{typeof(T).Name}.{p.Name}' has type {p.PropertyType.Name}; supported column types are float[], float, int, uint and string (mark others [NoColumn]).");
            }

            string name = p.GetCustomAttribute<ColumnNameAttribute>()?.Name ?? p.Name;
            int size = p.GetCustomAttribute<VectorSizeAttribute>()?.Size ?? 0;
            int keyCount = p.GetCustomAttribute<KeyCountAttribute>()?.Count ?? 0;
            list.Add(new Member(p, name, kind.Value, size, keyCount));
        }

        if (list.Count == 0)
        {
            throw new ArgumentException($"Type '{typeof(T).Name}' has no public properties that map to columns.");
        }

        return new TypeMapping<T>([.. list]);
    }

    public DataSet ToDataSet(IReadOnlyList<T> rows)
    {
        int n = rows.Count;
        var columns = new DataColumn[_members.Length];
        for (int m = 0; m < _members.Length; m++)
        {
            var mem = _members[m];
            switch (mem.Kind)
            {
                case ColumnKind.Vector:
                {
                    int d = mem.VectorSize;
                    if (d == 0)
                    {
                        d = n > 0 ? (mem.Property.GetValue(rows[0]) as float[])?.Length ?? 0 : 0;
                        if (d == 0)
                        {
                            throw new ArgumentException($"Property '{typeof(T).Name}.{mem.Property.Name}' needs [VectorSize(n)] (the first row does not give a non-empty vector).");
                        }
                    }

                    var data = new float[(long)n * d];
                    for (int i = 0; i < n; i++)
                    {
                        var v = mem.Property.GetValue(rows[i]) as float[];
                        if (v is null || v.Length != d)
                        {
                            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                                $"Row {i}: column '{mem.Name}' has {(v is null ? "no vector" : $"vector size {v.Length}")}, expected {d}."));
                        }

                        v.CopyTo(data, (long)i * d);
                    }

                    columns[m] = DataColumn.CreateVector(mem.Name, data, d);
                    break;
                }

                case ColumnKind.Scalar:
                {
                    var data = new float[n];
                    for (int i = 0; i < n; i++)
                    {
                        data[i] = (float)mem.Property.GetValue(rows[i])!;
                    }

                    columns[m] = DataColumn.CreateScalar(mem.Name, data);
                    break;
                }

                case ColumnKind.Key:
                {
                    var data = new int[n];
                    for (int i = 0; i < n; i++)
                    {
                        object raw = mem.Property.GetValue(rows[i])!;
                        long v = raw is uint u ? u : (int)raw;
                        if (v < 0 || v > int.MaxValue)
                        {
                            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Row {i}: key column '{mem.Name}' has value {v}; keys must be ≥ 0."));
                        }

                        data[i] = (int)v;
                    }

                    columns[m] = DataColumn.CreateKey(mem.Name, data, mem.KeyCount);
                    break;
                }

                default:
                {
                    var data = new string[n];
                    for (int i = 0; i < n; i++)
                    {
                        data[i] = (string?)mem.Property.GetValue(rows[i]) ?? string.Empty;
                    }

                    columns[m] = DataColumn.CreateText(mem.Name, data);
                    break;
                }
            }
        }

        return new DataSet(columns);
    }

    /// <summary>Checks that <paramref name="schema"/> has every column this type reads, with a matching kind.</summary>
    public void CheckReadable(DataSchema schema)
    {
        foreach (var mem in _members)
        {
            if (!mem.Property.CanWrite)
            {
                continue;
            }

            var c = schema.GetColumn(mem.Name);
            bool ok = mem.Kind == c.Kind || (mem.Kind == ColumnKind.Vector && c.Kind == ColumnKind.Scalar);
            if (!ok)
            {
                throw new SchemaMismatchException(mem.Name,
                    $"Column '{mem.Name}' is {c.TypeDescription} but property '{typeof(T).Name}.{mem.Property.Name}' is {mem.Property.PropertyType.Name}.");
            }

            if (mem.Kind == ColumnKind.Vector && mem.VectorSize > 0 && c.VectorSize != mem.VectorSize)
            {
                throw new SchemaMismatchException(mem.Name, string.Create(CultureInfo.InvariantCulture,
                    $"Column '{mem.Name}' has vector size {c.VectorSize}, expected {mem.VectorSize} ([VectorSize] on '{typeof(T).Name}.{mem.Property.Name}')."));
            }
        }
    }

    public T ReadRow(DataSet data, DataColumn?[] columns, int row, Func<T> create)
    {
        var obj = create();
        for (int m = 0; m < _members.Length; m++)
        {
            var c = columns[m];
            if (c is null)
            {
                continue;
            }

            var mem = _members[m];
            object value = mem.Kind switch
            {
                ColumnKind.Vector => c.GetVector(row).ToArray(),
                ColumnKind.Scalar => c.GetFloats()[row],
                ColumnKind.Key => mem.Property.PropertyType == typeof(uint) ? (uint)c.GetKeys()[row] : c.GetKeys()[row],
                _ => c.GetTexts()[row],
            };
            mem.Property.SetValue(obj, value);
        }

        return obj;
    }

    public DataColumn?[] BindColumns(DataSet data)
    {
        CheckReadable(data.Schema);
        return [.. _members.Select(m => m.Property.CanWrite ? data.GetColumn(m.Name) : null)];
    }

    internal sealed record Member(PropertyInfo Property, string Name, ColumnKind Kind, int VectorSize, int KeyCount);
}
