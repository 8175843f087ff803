#!/usr/bin/env python3
"""Runs Hopfield.ML's `hopfield bench retrieval` / `bench recall` and the numpy, torch and
ONNX Runtime peers on the same work, then prints markdown tables with ratios.

    bench/peers/compare.sh            # all sizes x dot,l2,l1, 5 repeats, + classical recall
    bench/peers/compare.sh --quick    # smoke test: 1000x784x1000 only, 2 repeats, N=16384 only

Progress goes to stderr, the report (markdown) to stdout. See bench/peers/README.md.
"""
import argparse
import datetime
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import peerlib  # noqa: E402

PEERS = {"numpy": "numpy_retrieval.py", "torch": "torch_retrieval.py", "ort": "ort_retrieval.py"}
PEER_TITLES = {"numpy": "numpy", "torch": "torch", "ort": "ORT"}
CLI_PROJECT = os.path.join("src", "Hopfield.Cli")
RECALL_SIZES = [(16384, 10), (1024 * 1024, 10)]


def log(msg):
    print(f"[compare {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def peer_env(threads):
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)  # a preset core type can halve OpenBLAS throughput
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(threads)
    return env


def run_json(cmd, env, timeout, cwd=ROOT):
    """Runs cmd; returns (list of JSON objects printed on stdout, error string or None)."""
    try:
        r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
                           check=False)
    except subprocess.TimeoutExpired:
        return [], f"timed out after {timeout}s"
    except OSError as e:
        return [], str(e)
    objs = []
    for line in r.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                objs.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    if not objs:
        # Hopfield.ML's --json prints one indented object, not a JSON line.
        dec, text, i = json.JSONDecoder(), r.stdout, r.stdout.find("{")
        while i >= 0:
            try:
                obj, end = dec.raw_decode(text, i)
            except json.JSONDecodeError:
                i = text.find("{", i + 1)
                continue
            if isinstance(obj, dict):
                objs.append(obj)
            i = text.find("{", end)
    if r.returncode != 0:
        tail = (r.stderr.strip() or r.stdout.strip()).splitlines()[-3:]
        return objs, f"exit {r.returncode}: " + " | ".join(tail)
    if not objs:
        return objs, "no JSON on stdout"
    return objs, None


class Ours:
    """Hopfield.ML through `dotnet run`; built once, then run with --no-build."""

    def __init__(self, enabled, timeout, env):
        self.enabled = enabled and shutil.which("dotnet") is not None
        self.reason = None if self.enabled else ("skipped (--skip-ours)" if not enabled else "dotnet not found")
        self.timeout = timeout
        self.env = env
        self.built = False

    def _build(self):
        if self.built or not self.enabled:
            return
        self.built = True
        log("building src/Hopfield.Cli (Release) ...")
        try:
            r = subprocess.run(["dotnet", "build", CLI_PROJECT, "-c", "Release", "-nologo", "-v", "q"],
                               cwd=ROOT, env=self.env, capture_output=True, text=True,
                               timeout=self.timeout, check=False)
        except subprocess.TimeoutExpired:
            self.enabled, self.reason = False, "dotnet build timed out"
            return
        if r.returncode != 0:
            self.enabled = False
            self.reason = "dotnet build failed: " + " | ".join(r.stdout.strip().splitlines()[-2:])

    def run(self, args):
        self._build()
        if not self.enabled:
            return None, self.reason
        cmd = ["dotnet", "run", "--project", CLI_PROJECT, "-c", "Release", "--no-build", "--"] + args
        objs, err = run_json(cmd, self.env, self.timeout)
        return (objs[-1] if objs and not err else None), err


def fmt_num(v, digits=0):
    if v is None:
        return "n/a"
    if digits == 0:
        return f"{v:,.0f}"
    return f"{v:,.{digits}f}"


def fmt_sec(v):
    if v is None:
        return "n/a"
    return f"{v * 1e3:.3f} ms" if v < 1 else f"{v:.3f} s"


def cmd_text(cmd):
    return " ".join(cmd)


def machine_lines(versions, threads):
    model, cpus = "unknown", str(os.cpu_count())
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            key, _, val = line.partition(":")
            if key.strip() == "Model name":
                model = val.strip()
            elif key.strip() == "CPU(s)":
                cpus = val.strip()
    except OSError:
        pass
    dotnet = "n/a"
    if shutil.which("dotnet"):
        dotnet = subprocess.run(["dotnet", "--version"], capture_output=True, text=True,
                                check=False).stdout.strip() or "n/a"
    try:
        load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "n/a"
    return [
        f"- machine: {model}, {cpus} logical CPUs ({platform.machine()}, {platform.system()} {platform.release()})",
        f"- date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- load average at the end (1/5/15 min): {load}",
        f"- threads: {threads} everywhere (OPENBLAS_NUM_THREADS, torch.set_num_threads, ORT intraOpNumThreads,"
        f" Hopfield.ML --threads); OPENBLAS_CORETYPE unset for the peers",
        f"- versions: numpy {versions.get('numpy', 'n/a')}, torch {versions.get('torch', 'n/a')},"
        f" ONNX Runtime {versions.get('ort', 'n/a')} (onnxruntime-node, opset 17), .NET SDK {dotnet},"
        f" python {platform.python_version()}",
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smallest size only, 2 repeats (smoke test)")
    ap.add_argument("--repeats", type=int, default=None, help="timed repeats per measurement (default 5, quick 2)")
    ap.add_argument("--warmup", type=int, default=3,
                    help="untimed runs first, for everyone (default 3: ONNX Runtime needs several at the small size)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--similarity", default="dot,l2,l1", help="comma list of dot,l1,l2")
    ap.add_argument("--sizes", default=None, help="comma list PxDxB, e.g. 1000x784x1000 (default: the three issue sizes)")
    ap.add_argument("--peers", default="numpy,torch,ort", help="comma list of numpy,torch,ort")
    ap.add_argument("--beta", type=float, default=None, help="fixed beta for everyone (default 1/sqrt(dim))")
    ap.add_argument("--seed", type=int, default=peerlib.DEFAULT_SEED)
    ap.add_argument("--skip-ours", action="store_true", help="do not build/run the Hopfield.ML CLI")
    ap.add_argument("--ours-args", default="",
                    help="extra options for Hopfield.ML's bench retrieval, e.g. \"--sparse 1e-6\" or \"--storage bf16\"")
    ap.add_argument("--no-recall", action="store_true", help="skip the classical-binary recall comparison")
    ap.add_argument("--timeout", type=int, default=3600, help="seconds per command")
    ap.add_argument("--raw", default=None, help="also write every JSON record to this JSONL file")
    a = ap.parse_args()

    repeats = a.repeats if a.repeats is not None else (2 if a.quick else 5)
    if a.sizes:
        sizes = [tuple(int(v) for v in s.lower().split("x")) for s in a.sizes.split(",")]
    else:
        sizes = peerlib.SIZES[:1] if a.quick else peerlib.SIZES
    sims = [s.strip() for s in a.similarity.split(",") if s.strip()]
    peers = [p.strip() for p in a.peers.split(",") if p.strip()]
    for s in sims:
        if s not in ("dot", "l1", "l2"):
            ap.error(f"--similarity: unknown similarity {s!r} (dot, l1, l2)")
    for p in peers:
        if p not in PEERS:
            ap.error(f"--peers: unknown peer {p!r} ({', '.join(PEERS)})")
    recall_sizes = RECALL_SIZES[:1] if a.quick else RECALL_SIZES
    python = sys.executable
    env = peer_env(a.threads)
    ours = Ours(not a.skip_ours, a.timeout, env)
    records, notes, versions = [], [], {}
    rows = []

    for (P, D, B) in sizes:
        for sim in sims:
            common = ["--patterns", str(P), "--dim", str(D), "--queries", str(B), "--similarity", sim,
                      "--threads", str(a.threads)]
            # A batch of 1000×784×1000 takes ~10 ms: five of them are too short a sample on a shared machine, so
            # short sizes get up to 5× the repeats — the same count for every implementation.
            size_repeats = repeats * min(5, max(1, int(1.6e11 // (4.0 * P * D * B))))
            timing = ["--repeats", str(size_repeats), "--warmup", str(a.warmup)]
            if a.beta is not None:
                common += ["--beta", repr(a.beta)]
            # The peers default to β = 1/√dim; Hopfield.ML's own default is 1, so it always gets the β explicitly.
            ours_beta = [] if a.beta is not None else ["--beta", repr(1.0 / D ** 0.5)]
            row = {"size": f"{P}×{D}×{B}", "sim": sim, "res": {}}
            log(f"{P}x{D}x{B} {sim}: Hopfield.ML")
            rec, err = ours.run(["bench", "retrieval"] + common + ours_beta + timing + shlex.split(a.ours_args) + ["--json"])
            if rec is not None and "queries_per_second" in rec:
                rec.setdefault("peer", "hopfield.ml")
                row["res"]["ours"] = rec
                records.append(rec)
            else:
                why = err or "JSON without queries_per_second"
                if ours.enabled and f"Hopfield.ML `bench retrieval`: {why}" not in notes:
                    notes.append(f"Hopfield.ML `bench retrieval`: {why}")
            for peer in peers:
                cmd = [python, os.path.join(HERE, PEERS[peer])] + common + [
                    "--repeats", str(size_repeats), "--warmup", str(a.warmup), "--seed", str(a.seed)]
                log(f"{P}x{D}x{B} {sim}: {peer}")
                objs, err = run_json(cmd, env, a.timeout)
                if err:
                    log(f"  {peer} failed: {err}")
                    notes.append(f"{peer} {P}x{D}x{B} {sim}: {err}")
                    continue
                rec = objs[-1]
                versions[peer] = rec.get("version", "n/a")
                row["res"][peer] = rec
                records.append(rec)
                log(f"  {rec['queries_per_second']:,.0f} q/s, {rec['gflops']:.1f} GFLOP/s")
            rows.append(row)

    recall_rows = []
    if not a.no_recall:
        for (N, Pn) in recall_sizes:
            row = {"N": N, "P": Pn, "res": {}}
            log(f"recall N={N} P={Pn}: Hopfield.ML")
            # `bench recall` has no --threads: the sweep uses every core (2 on the reference machine).
            rec, err = ours.run(["bench", "recall", "--neurons", str(N), "--patterns", str(Pn), "--json"])
            if rec is not None and "seconds_per_sweep" in rec:
                row["res"]["ours"] = rec
                records.append(rec)
            else:
                why = err or "JSON without seconds_per_sweep"
                if ours.enabled and f"Hopfield.ML `bench recall`: {why}" not in notes:
                    notes.append(f"Hopfield.ML `bench recall`: {why}")
            log(f"recall N={N} P={Pn}: numpy")
            cmd = [python, os.path.join(HERE, "numpy_binary.py"), "--neurons", str(N), "--patterns", str(Pn),
                   "--threads", str(a.threads), "--repeats", str(max(repeats, 3) if a.quick else 20),
                   "--seed", str(a.seed)]
            objs, err = run_json(cmd, env, a.timeout)
            if err:
                notes.append(f"numpy recall N={N}: {err}")
            for o in objs:
                row["res"]["numpy " + o["dtype"]] = o
                records.append(o)
                versions.setdefault("numpy", o.get("version", "n/a"))
            recall_rows.append(row)

    if a.raw:
        with open(a.raw, "w") as f:
            for r in records:
                f.write(json.dumps(r) + "\n")

    # ---- report ----
    out = []
    out.append("## Modern-Hopfield retrieval: Y = softmax(β·S)·K, one step, float32"
               f" (β = {'1/√dim' if a.beta is None else a.beta}, {repeats} repeats — 5× that for sizes under 32 GFLOP per batch —"
               f" median, after {a.warmup} warm-up)")
    if a.ours_args:
        out.append("")
        out.append(f"Hopfield.ML ran with `{a.ours_args}` (the peers compute the dense result).")
    out.append("")
    titles = [PEER_TITLES[p] for p in peers]
    out.append("| size P×D×B | similarity | Hopfield.ML q/s | " + " | ".join(f"{t} q/s" for t in titles)
               + " | ratio ours / fastest peer |")
    out.append("|---|---|---:|" + "---:|" * len(peers) + "---:|")
    for row in rows:
        res = row["res"]
        ours_q = res.get("ours", {}).get("queries_per_second")
        peer_q = [res.get(p, {}).get("queries_per_second") for p in peers]
        known = [(v, PEER_TITLES[p]) for v, p in zip(peer_q, peers) if v is not None]
        if ours_q is not None and known:
            best, who = max(known)
            ratio = f"{ours_q / best:.2f}× (vs {who})"
        else:
            ratio = "n/a"
        out.append(f"| {row['size']} | {row['sim']} | {fmt_num(ours_q)} | "
                   + " | ".join(fmt_num(v) for v in peer_q) + f" | {ratio} |")
    out.append("")
    out.append("GFLOP/s (dot: 4·P·D·B = 2·P·D·B scores + 2·P·D·B projection; l1/l2: 5·P·D·B ="
               " 3·P·D·B distances + 2·P·D·B projection; softmax not counted):")
    out.append("")
    out.append("| size P×D×B | similarity | Hopfield.ML | " + " | ".join(titles) + " |")
    out.append("|---|---|---:|" + "---:|" * len(peers))
    for row in rows:
        res = row["res"]
        vals = [res.get(k, {}).get("gflops") for k in ["ours"] + peers]
        out.append(f"| {row['size']} | {row['sim']} | " + " | ".join(fmt_num(v, 1) for v in vals) + " |")
    # Same data everywhere: the sums of Y must agree.
    agreed = 0
    for row in rows:
        sums = {k: v.get("checksum") for k, v in row["res"].items() if v.get("checksum") is not None}
        if len(sums) > 1:
            lo, hi = min(sums.values()), max(sums.values())
            if abs(hi - lo) > 1e-3 * max(1.0, abs(hi)):
                notes.append(f"checksum mismatch {row['size']} {row['sim']}: {sums}")
            else:
                agreed += 1
    if agreed:
        out.append("")
        out.append(f"Same result check: sum(Y) agrees within 1e-3 (relative) across all implementations that"
                   f" report it in {agreed} of {len(rows)} rows.")
    if any(B > peerlib.QUERY_CHUNK for (_, _, B) in sizes) or "l1" in sims:
        out.append("")
        out.append(f"Queries are processed in chunks of {peerlib.QUERY_CHUNK} rows by every peer (the B×P score"
                   " matrix for 60000×10000 would be 2.4 GB); l1's broadcast forms (numpy, ONNX Sub/Abs/ReduceSum)"
                   f" use chunks holding at most {peerlib.L1_TEMP_BYTES // 2**20} MiB of differences;"
                   " torch.cdist(p=1) streams.")

    if recall_rows:
        out.append("")
        out.append("## Classical binary Hopfield: one synchronous sweep s ← sign(Xᵀ(X·s)), pattern form")
        out.append("")
        out.append("| N | P | Hopfield.ML s/sweep | numpy float32 s/sweep | numpy int8 s/sweep |"
                   " speed-up ours vs fastest numpy |")
        out.append("|---:|---:|---:|---:|---:|---:|")
        for row in recall_rows:
            res = row["res"]
            o = res.get("ours", {}).get("seconds_per_sweep")
            f32 = res.get("numpy float32", {}).get("seconds_per_sweep")
            i8 = res.get("numpy int8", {}).get("seconds_per_sweep")
            known = [v for v in (f32, i8) if v is not None]
            ratio = f"{min(known) / o:.2f}×" if o and known else "n/a"
            out.append(f"| {row['N']:,} | {row['P']} | {fmt_sec(o)} | {fmt_sec(f32)} | {fmt_sec(i8)} | {ratio} |")

    out.append("")
    out.append("## Machine")
    out.append("")
    out += machine_lines(versions, a.threads)
    if not ours.enabled or notes:
        out.append("")
        out.append("## Notes")
        out.append("")
        if not ours.enabled and ours.reason:
            out.append(f"- Hopfield.ML column is n/a: {ours.reason}")
        for n in notes:
            out.append(f"- {n}")
    out.append("")
    out.append("hflayers (the PyTorch reference implementation of Hopfield layers) is not installable here;"
               " its figures in bench/peers/README.md are cited from the issue, not measured.")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
