"""PyTorch CPU timings of the RoI-head ops at the shapes of bench/ops.ts (run by it as a subprocess).

Reads a JSON spec on stdin: {"threads": int, "reps": int, "ops": [{"name", "kind", ...shape}]} and
prints {"name": {"fwd_ms": median, "fwdbwd_ms": median}} as JSON. torchvision is not importable
here, so RoIAlign is timed through a grid_sample proxy (same bilinear sampling count, NCHW) —
labelled as such by bench/ops.ts.
"""
import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F


def timed(fn, reps):
    fn()  # warm-up
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1000)
    return statistics.median(ts)


def build(op):
    g = torch.Generator().manual_seed(0)
    k = op['kind']
    if k == 'dense':
        x = torch.randn(op['n'], op['in'], generator=g, requires_grad=True)
        w = (torch.randn(op['out'], op['in'], generator=g) * 0.01).requires_grad_()
        b = torch.zeros(op['out'], requires_grad=True)
        relu = op.get('relu', False)

        def f():
            y = F.linear(x, w, b)
            return F.relu(y) if relu else y
        return f, [x, w, b]
    if k == 'conv':
        x = torch.randn(op['n'], op['cin'], op['h'], op['w'], generator=g, requires_grad=True)
        w = (torch.randn(op['cout'], op['cin'], op['k'], op['k'], generator=g) * 0.01).requires_grad_()
        b = torch.zeros(op['cout'], requires_grad=True)
        return (lambda: F.relu(F.conv2d(x, w, b, padding=op['k'] // 2))), [x, w, b]
    if k == 'deconv':
        x = torch.randn(op['n'], op['cin'], op['h'], op['w'], generator=g, requires_grad=True)
        w = (torch.randn(op['cin'], op['cout'], 2, 2, generator=g) * 0.01).requires_grad_()
        b = torch.zeros(op['cout'], requires_grad=True)
        return (lambda: F.relu(F.conv_transpose2d(x, w, b, stride=2))), [x, w, b]
    if k == 'maskGt':
        x = torch.randn(op['n'], op['cin'], op['h'], op['w'], generator=g, requires_grad=True)
        w = (torch.randn(op['classes'], op['cin'], generator=g) * 0.01).requires_grad_()
        cls = torch.randint(0, op['classes'], (op['n'],), generator=g)

        def f():  # per-RoI dot product with its gt class's 1×1 filter
            return torch.bmm(w[cls].unsqueeze(1), x.flatten(2)).squeeze(1)
        return f, [x, w]
    if k == 'roiAlign':
        # grid_sample proxy: R·(P·s)² bilinear samples from the RoI's level, then s×s average pooling
        feats = [torch.randn(1, op['c'], h, w, generator=g, requires_grad=True) for h, w in op['levels']]
        P, s = op['p'], op['s']
        per_level = op['roisPerLevel']
        grids = []
        for (h, w), r in zip(op['levels'], per_level):
            t = torch.rand(1, r * P * s, P * s, 2, generator=g) * 1.6 - 0.8
            grids.append(t)

        def f():
            outs = []
            for fm, grid, r in zip(feats, grids, per_level):
                if r == 0:
                    continue
                y = F.grid_sample(fm, grid, mode='bilinear', align_corners=False)  # [1, C, r·P·s, P·s]
                y = y.view(op['c'], r, P * s, P * s).transpose(0, 1)
                outs.append(F.avg_pool2d(y, s))
            return torch.cat(outs)
        return f, feats
    raise ValueError(k)


def main():
    spec = json.load(sys.stdin)
    torch.set_num_threads(spec['threads'])
    out = {}
    for op in spec['ops']:
        f, params = build(op)
        fwd = timed(lambda: f().sum().item(), spec['reps'])
        G = torch.randn_like(f().detach())

        def fb():
            for p in params:
                p.grad = None
            (f() * G).sum().backward()
        out[op['name']] = {'fwd_ms': fwd, 'fwdbwd_ms': timed(fb, spec['reps'])}
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    main()
