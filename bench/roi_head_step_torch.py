"""PyTorch (CPU) reference for bench/roi-head-step.ts: the same RoI-head training step on the same
shapes (512 RoIs, 128 foreground, FPN P2-P5 of an 800x800 image with 256 channels, 7x7 box
RoIAlign -> FC1024 x2 -> 1205 logits + 4816 deltas, 14x14 mask RoIAlign -> 4 conv256 -> deconv ->
28x28 for the ground-truth class). RoIAlign (aligned, sampling ratio 2) is written with grid_sample since torchvision
is not installed. Prints one JSON line with step/forward milliseconds for 1 thread and all threads.
"""
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

K, C, IMAGE, R = 1204, 256, 800, 512
steps = int(sys.argv[1]) if len(sys.argv) > 1 else 3
FG = int(sys.argv[2]) if len(sys.argv) > 2 else 128
g = torch.Generator().manual_seed(0)


def roi_align(feats, boxes, P, sr=2):
    """Detectron2 ROIAlignV2 (aligned=True) via grid_sample; boxes [R,4] image coords."""
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    lvl = torch.floor(4 + torch.log2(torch.sqrt(area) / 224 + 1e-8)).clamp(2, 5).long() - 2
    out = torch.zeros(boxes.shape[0], C, P, P)
    for i, f in enumerate(feats):
        idx = torch.nonzero(lvl == i).flatten()
        if idx.numel() == 0:
            continue
        s = 1.0 / 2 ** (i + 2)
        b = boxes[idx] * s - 0.5
        H, W = f.shape[2], f.shape[3]
        t = (torch.arange(P * sr, dtype=torch.float32) + 0.5) / (P * sr)
        xs = b[:, 0:1] + t[None] * (b[:, 2:3] - b[:, 0:1])
        ys = b[:, 1:2] + t[None] * (b[:, 3:4] - b[:, 1:2])
        gx = (2 * xs + 1) / W - 1
        gy = (2 * ys + 1) / H - 1
        grid = torch.stack([gx[:, None, :].expand(-1, P * sr, -1), gy[:, :, None].expand(-1, -1, P * sr)], 3)
        samp = F.grid_sample(f.expand(idx.numel(), -1, -1, -1), grid, align_corners=False)
        out = out.index_copy(0, idx, F.avg_pool2d(samp, sr))
    return out


class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(C * 49, 1024)
        self.fc2 = nn.Linear(1024, 1024)
        self.cls = nn.Linear(1024, K + 1)
        self.box = nn.Linear(1024, 4 * K)
        self.convs = nn.ModuleList([nn.Conv2d(C, C, 3, padding=1) for _ in range(4)])
        self.deconv = nn.ConvTranspose2d(C, C, 2, stride=2)
        self.pred = nn.Conv2d(C, K, 1)


def make_data():
    gt = []
    for _ in range(24):
        w, h = torch.empty(2).uniform_(24, 400, generator=g)
        x, y = torch.rand(1, generator=g) * (IMAGE - w), torch.rand(1, generator=g) * (IMAGE - h)
        gt.append([x.item(), y.item(), (x + w).item(), (y + h).item()])
    gt = torch.tensor(gt)
    fg_idx = torch.randint(0, 24, (FG,), generator=g)
    fg = gt[fg_idx] + torch.randn(FG, 4, generator=g) * 5
    bg = torch.rand(R - FG, 4, generator=g) * 300
    bg[:, 2:] += bg[:, :2] + 20
    boxes = torch.cat([fg, bg])
    labels = torch.cat([torch.randint(0, K, (FG,), generator=g), torch.full((R - FG,), K)])
    return boxes, labels, torch.randn(R, 4, generator=g), (torch.rand(FG, 28, 28, generator=g) > 0.5).float()


def step(head, opt, feats, data, prior, backward=True):
    boxes, labels, tdeltas, tmasks = data
    x = roi_align(feats, boxes, 7).flatten(1)
    x = F.relu(head.fc2(F.relu(head.fc1(x))))
    logits = head.cls(x)
    deltas = head.box(x)
    loss_cls = F.cross_entropy(logits + prior, labels)
    fg = torch.arange(FG)
    d = deltas.view(R, K, 4)[fg, labels[:FG]]
    loss_box = (d - tdeltas[:FG]).abs().sum() / R
    m = roi_align(feats, boxes[:FG], 14)
    for c in head.convs:
        m = F.relu(c(m))
    m = F.relu(head.deconv(m))
    # the ground-truth class's 1x1 predictor only (as the tfjs head does; detectron2 computes all K maps)
    w = head.pred.weight[labels[:FG], :, 0, 0]  # [FG, C]
    mlog = torch.einsum('mchw,mc->mhw', m, w) + head.pred.bias[labels[:FG]][:, None, None]
    loss_mask = F.binary_cross_entropy_with_logits(mlog, tmasks)
    loss = loss_cls + loss_box + loss_mask
    if backward:
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss.item()


def measure(threads):
    torch.set_num_threads(threads)
    head = Head()
    opt = torch.optim.SGD(head.parameters(), lr=0.02, momentum=0.9)
    feats = [torch.randn(1, C, IMAGE // 2 ** l, IMAGE // 2 ** l, generator=g) for l in (2, 3, 4, 5)]
    data = make_data()
    prior = torch.log(torch.randint(1, 1000, (K + 1,), generator=g).float())
    times = []
    for s in range(steps + 1):
        t0 = time.perf_counter()
        step(head, opt, feats, data, prior)
        if s > 0:
            times.append((time.perf_counter() - t0) * 1000)
    with torch.no_grad():
        t0 = time.perf_counter()
        step(head, opt, feats, data, prior, backward=False)
        fwd = (time.perf_counter() - t0) * 1000
    times.sort()
    return times[(len(times) - 1) // 2], fwd


default_threads = torch.get_num_threads()
s1, f1 = measure(1)
sn, fn = measure(default_threads)
print(json.dumps({'torch': torch.__version__, 'threads': default_threads, 'step_ms_1thread': s1, 'forward_ms_1thread': f1,
                  'step_ms': sn, 'forward_ms': fn}))
