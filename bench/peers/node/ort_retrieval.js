// Times the retrieval ONNX graph written by ../ort_retrieval.py with onnxruntime-node.
// Usage: node ort_retrieval.js <dir containing model.onnx, queries.f32, meta.json>
// Prints {"median_seconds", "checksum", "version"} as one JSON line.
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

async function main() {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: node ort_retrieval.js <work dir>');
  const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8'));
  const buf = fs.readFileSync(path.join(dir, 'queries.f32'));
  const q = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  if (q.length !== meta.queries * meta.dim) {
    throw new Error(`queries.f32 holds ${q.length} floats, expected ${meta.queries}x${meta.dim}`);
  }
  const session = await ort.InferenceSession.create(path.join(dir, 'model.onnx'), {
    intraOpNumThreads: meta.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  // Input tensors per chunk are built once (views on the query buffer), outside the timing.
  const feeds = [];
  for (let i = 0; i < meta.queries; i += meta.chunk) {
    const n = Math.min(meta.chunk, meta.queries - i);
    feeds.push({ Q: new ort.Tensor('float32', q.subarray(i * meta.dim, (i + n) * meta.dim), [n, meta.dim]) });
  }
  let last = null;
  const run = async () => {
    const outs = [];
    for (const f of feeds) outs.push((await session.run(f)).Y);
    return outs;
  };
  for (let w = 0; w < meta.warmup; w++) last = await run();
  const times = [];
  for (let r = 0; r < meta.repeats; r++) {
    const t0 = process.hrtime.bigint();
    last = await run();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  times.sort((a, b) => a - b);
  const m = times.length;
  const median = m % 2 ? times[(m - 1) / 2] : (times[m / 2 - 1] + times[m / 2]) / 2;
  let checksum = 0;
  for (const y of last) for (const v of y.data) checksum += v;
  console.log(JSON.stringify({ median_seconds: median, checksum, version: ort.env.versions.node }));
}

main().catch((e) => { console.error(e && e.stack ? e.stack : String(e)); process.exit(1); });
