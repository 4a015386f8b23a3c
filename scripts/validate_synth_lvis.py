"""Checks a `balms synth` dataset with the official tools (not part of the test suite).

Loads both splits with lvis-api's LVIS class, checks every image file exists and decodes (PIL) at the
JSON size, recomputes category image/instance counts and frequencies, and runs LVISEval on the val
split with the ground truth itself as results (segm and bbox), which must give AP = 1.

Usage: /tmp/venv-lvis/bin/python scripts/validate_synth_lvis.py DIR
"""
import os
import sys
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


if __name__ == "__main__":
    main(sys.argv[1])
