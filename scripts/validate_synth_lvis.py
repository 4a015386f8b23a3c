"""Checks a `balms synth` dataset with the official tools (not part of the test suite).

Loads both splits with lvis-api's LVIS class, checks every image file exists and decodes (PIL) at the
JSON size, recomputes category image/instance counts and frequencies, and runs LVISEval on the val
split with the ground truth itself as results (segm and bbox), which must give AP = 1.

With --balms it also writes noisy bbox and segm results (jittered, mislabelled, missing and
spurious detections) and checks that `balms eval` prints exactly lvis-api's metrics for them.

Usage: /tmp/venv-lvis/bin/python scripts/validate_synth_lvis.py DIR [--balms]
"""
import json
import os
import random
import subprocess
import sys
import tempfile
from collections import defaultdict

import numpy as np
from PIL import Image
from lvis import LVIS, LVISEval, LVISResults
from pycocotools import mask as mask_utils


def check_split(root, json_name, split):
    lvis = LVIS(os.path.join(root, json_name))
    for img in lvis.dataset["images"]:
        path = os.path.join(root, split, img["file_name"])
        assert os.path.basename(img["coco_url"]) == img["file_name"], img
        with Image.open(path) as im:
            assert im.size == (img["width"], img["height"]), (path, im.size)
            arr = np.asarray(im.convert("RGB"))
            assert arr.shape == (img["height"], img["width"], 3)
        pos = {a["category_id"] for a in lvis.img_ann_map[img["id"]]}
        assert not (pos & set(img["neg_category_ids"])), f"image {img['id']}: positive category listed as negative"
        assert set(img["not_exhaustive_category_ids"]) <= pos, f"image {img['id']}: not-exhaustive category without annotations"
    for ann in lvis.dataset["annotations"]:
        rle = lvis.ann_to_rle(ann)
        assert mask_utils.area(rle) > 0, ann["id"]
        x, y, w, h = mask_utils.toBbox(rle)
        bx, by, bw, bh = ann["bbox"]
        # every rasterised pixel centre lies inside the polygon, hence inside its box (±0.1 px of frPoly rounding)
        tol = 0.6
        assert x >= bx - tol and y >= by - tol and x + w <= bx + bw + tol and y + h <= by + bh + tol, (ann["id"], ann["bbox"], (x, y, w, h))
    print(f"{json_name}: {len(lvis.dataset['images'])} images, {len(lvis.dataset['annotations'])} annotations OK")
    return lvis


def main(root):
    train = check_split(root, "lvis_synth_train.json", "train")
    val = check_split(root, "lvis_synth_val.json", "val")
    imgs, insts = defaultdict(set), defaultdict(int)
    for a in train.dataset["annotations"]:
        imgs[a["category_id"]].add(a["image_id"])
        insts[a["category_id"]] += 1
    for c in train.dataset["categories"]:
        n = len(imgs[c["id"]])
        freq = "f" if n > 100 else "c" if n > 10 else "r"
        assert (c["image_count"], c["instance_count"], c["frequency"]) == (n, insts[c["id"]], freq), c
    counts = {f: sum(c["frequency"] == f for c in train.dataset["categories"]) for f in "rcf"}
    val_inst = defaultdict(int)
    for a in val.dataset["annotations"]:
        val_inst[a["category_id"]] += 1
    print(f"categories by frequency: {counts}; min val instances per category: {min(val_inst.values())}")

    for iou_type in ("segm", "bbox"):
        results = []
        for a in val.dataset["annotations"]:
            r = {"image_id": a["image_id"], "category_id": a["category_id"], "score": 1.0}
            if iou_type == "segm":
                rle = val.ann_to_rle(a)
                rle["counts"] = rle["counts"].decode("ascii")
                r["segmentation"] = rle
            else:
                r["bbox"] = a["bbox"]
            results.append(r)
        ev = LVISEval(val, LVISResults(val, results), iou_type)
        ev.run()
        ev.print_results()
        stats = ev.get_results()
        for k in ("AP", "APr", "APc", "APf"):
            assert abs(stats[k] - 1.0) < 1e-9, (iou_type, k, stats[k])
    print("LVISEval on GT-as-results: AP = APr = APc = APf = 1 (segm, bbox)")


def noisy_results(val, iou_type, seed=0):
    rnd = random.Random(seed)
    cats = [c["id"] for c in val.dataset["categories"]]
    size = {im["id"]: (im["height"], im["width"]) for im in val.dataset["images"]}
    out = []
    for a in val.dataset["annotations"]:
        if rnd.random() < 0.15:
            continue  # missed
        cid = a["category_id"] if rnd.random() < 0.8 else rnd.choice(cats)
        r = {"image_id": a["image_id"], "category_id": cid, "score": round(rnd.random(), 4)}
        if iou_type == "bbox":
            x, y, w, h = a["bbox"]
            r["bbox"] = [round(x + rnd.gauss(0, 2), 2), round(y + rnd.gauss(0, 2), 2), round(max(1, w + rnd.gauss(0, 3)), 2), round(max(1, h + rnd.gauss(0, 3)), 2)]
        else:
            h, w = size[a["image_id"]]
            dx, dy = rnd.gauss(0, 1.5), rnd.gauss(0, 1.5)
            poly = [v + (dx if i % 2 == 0 else dy) for i, v in enumerate(a["segmentation"][0])]
            rle = mask_utils.merge(mask_utils.frPyObjects([poly], h, w))
            r["segmentation"] = {"size": rle["size"], "counts": rle["counts"].decode("ascii")}
        out.append(r)
    for im in val.dataset["images"]:  # spurious detections
        for _ in range(rnd.randint(0, 3)):
            x, y, bw, bh = rnd.uniform(0, im["width"] - 30), rnd.uniform(0, im["height"] - 30), rnd.uniform(5, 28), rnd.uniform(5, 28)
            r = {"image_id": im["id"], "category_id": rnd.choice(cats), "score": round(rnd.random() * 0.5, 4)}
            if iou_type == "bbox":
                r["bbox"] = [x, y, bw, bh]
            else:
                rle = mask_utils.frPyObjects([[x, y, x + bw, y, x + bw, y + bh, x, y + bh]], im["height"], im["width"])[0]
                r["segmentation"] = {"size": rle["size"], "counts": rle["counts"].decode("ascii")}
            out.append(r)
    return out


def compare_with_balms(root):
    repo = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    gt_path = os.path.join(root, "lvis_synth_val.json")
    val = LVIS(gt_path)
    for iou_type in ("bbox", "segm"):
        res = noisy_results(val, iou_type)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(res, f)
        ev = LVISEval(val, LVISResults(val, res), iou_type)
        ev.run()
        want = ev.get_results()
        out = subprocess.run(["node", "--import", "tsx", "src/cli/main.ts", "eval", "--gt", gt_path, "--results", f.name, "--iou-type", iou_type, "--json"],
                             cwd=repo, capture_output=True, text=True, check=True)
        got = json.loads(out.stdout)
        os.unlink(f.name)
        bad = {k: (want[k], got.get(k)) for k in want if got.get(k) != want[k]}
        assert not bad, (iou_type, bad)
        print(f"balms eval == lvis-api on noisy {iou_type} results: AP {want['AP']:.4f} APr {want['APr']:.4f} APc {want['APc']:.4f} APf {want['APf']:.4f}")


if __name__ == "__main__":
    main(sys.argv[1])
    if "--balms" in sys.argv[2:]:
        compare_with_balms(sys.argv[1])
