// Times an ONNX image encoder with onnxruntime-node on the images of an IDX file, batch by batch, for comparison with
// `hopfield embed --repeat R --threads T --json` (the project's C API binding) on the same model, images and batch size.
// Usage: node encoder_bench.js <model.onnx> <images.idx[.gz]> [batch=256] [repeats=5] [threads=0] [count=all]
// Prints one JSON line: {"median_seconds", "best_seconds", "images", "images_per_second", "checksum", "version"}.
'use strict';
const fs = require('fs');
const zlib = require('zlib');
const ort = require('onnxruntime-node');

function readIdxImages(file, count) {
  let buf = fs.readFileSync(file);
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = zlib.gunzipSync(buf);
  if (buf[2] !== 0x08 || buf[3] !== 3) throw new Error(`${file}: not an unsigned-byte IDX3 file`);
  const n = buf.readUInt32BE(4), h = buf.readUInt32BE(8), w = buf.readUInt32BE(12);
  const rows = count ? Math.min(count, n) : n;
  const px = new Float32Array(rows * h * w);
  for (let i = 0; i < px.length; i++) px[i] = buf[16 + i] / 255;
  return { px, rows, h, w };
}

async function main() {
  const [model, images, batchArg, repeatsArg, threadsArg, countArg] = process.argv.slice(2);
  if (!model || !images) throw new Error('usage: node encoder_bench.js <model.onnx> <images.idx.gz> [batch] [repeats] [threads] [count]');
  const batch = Number(batchArg || 256), repeats = Number(repeatsArg || 5), threads = Number(threadsArg || 0);
  const { px, rows, h, w } = readIdxImages(images, Number(countArg || 0));
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const inputName = session.inputNames[0], outputName = session.outputNames[0];
  const run = async () => {
    // Tensors are built per batch inside the timing, as the C# side builds its OrtValues per batch.
    const outs = [];
    for (let i = 0; i < rows; i += batch) {
      const n = Math.min(batch, rows - i);
      const t = new ort.Tensor('float32', px.subarray(i * h * w, (i + n) * h * w), [n, 1, h, w]);
      outs.push((await session.run({ [inputName]: t }))[outputName]);
    }
    return outs;
  };
  let last = await run(); // warm-up
  const times = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = process.hrtime.bigint();
    last = await run();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  let checksum = 0;
  for (const y of last) for (const v of y.data) checksum += v;
  console.log(JSON.stringify({
    median_seconds: median, best_seconds: sorted[0], seconds_all: times, images: rows, batch, threads,
    images_per_second: rows / median, checksum, version: ort.env.versions.common,
  }));
}

main().catch((e) => { console.error(e && e.stack ? e.stack : String(e)); process.exit(1); });
