"""PyTorch (CPU) reference for bench/resnet-step.ts: one training step of the official BALMS ResNet-32
(CIFAR, option-A shortcuts, 10 classes) on a batch of 128 32x32 images: forward in train mode,
cross-entropy, backward, SGD with momentum 0.9. Prints one JSON line with the median step (wall and
process CPU time) and the forward milliseconds for 1 thread and for the default thread count.

    python3 bench/resnet_step_torch.py STEPS [DEPTH] [BATCH]
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 5
DEPTH = int(sys.argv[2]) if len(sys.argv) > 2 else 32
BATCH = int(sys.argv[3]) if len(sys.argv) > 3 else 128


class BasicBlock(nn.Module):
    def __init__(self, cin, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.down = stride != 1 or cin != planes
        self.planes = planes

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        sc = F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.planes // 4, self.planes // 4)) if self.down else x
        return F.relu(out + sc)


class ResNet(nn.Module):
    def __init__(self, depth, classes=10):
        super().__init__()
        n = (depth - 2) // 6
        self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        blocks, cin = [], 16
        for s, planes in enumerate([16, 32, 64]):
            for b in range(n):
                blocks.append(BasicBlock(cin, planes, 2 if s > 0 and b == 0 else 1))
                cin = planes
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(64, classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight)

    def forward(self, x):
        return self.fc(self.blocks(F.relu(self.bn1(self.conv1(x)))).mean((2, 3)))


def measure(threads):
    torch.set_num_threads(threads)
    g = torch.Generator().manual_seed(0)
    net = ResNet(DEPTH)
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    x = torch.randn(BATCH, 3, 32, 32, generator=g)
    y = torch.randint(0, 10, (BATCH,), generator=g)
    net.train()
    times, cpu = [], []
    for s in range(steps + 1):
        c0 = time.process_time()
        t0 = time.perf_counter()
        loss = F.cross_entropy(net(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss.item()
        if s > 0:
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
    with torch.no_grad():
        t0 = time.perf_counter()
        F.cross_entropy(net(x), y).item()
        fwd = (time.perf_counter() - t0) * 1000
    times.sort()
    cpu.sort()
    return times[(len(times) - 1) // 2], fwd, cpu[(len(cpu) - 1) // 2]


default_threads = torch.get_num_threads()
s1, f1, c1 = measure(1)
sn, fn, cn = measure(default_threads)
print(json.dumps({'torch': torch.__version__, 'threads': default_threads, 'step_ms_1thread': s1, 'forward_ms_1thread': f1,
                  'step_cpu_ms_1thread': c1, 'step_ms': sn, 'forward_ms': fn, 'step_cpu_ms': cn}))
