"""Reference side of bench/eval-cli.ts: evaluates one results file with lvis-api or hotcoco the way a
user would from a script (files read by the tool, loading included) and prints the metrics as JSON.

    python bench/eval_cli_ref.py lvis|hotcoco GT.json RESULTS.json bbox|segm

lvis-api 0.5.3 needs numpy < 1.24 (it uses np.float); the alias is restored if missing.
"""
import contextlib
import io
import json
import logging
import sys

tool, gt_path, res_path, iou_type = sys.argv[1:5]
logging.disable(logging.WARNING)
if tool == "lvis":
    import numpy as np

    if not hasattr(np, "float"):
        np.float = float
    from lvis import LVIS, LVISEval, LVISResults

    with contextlib.redirect_stdout(io.StringIO()):
        gt = LVIS(gt_path)
        ev = LVISEval(gt, LVISResults(gt, res_path), iou_type)
        ev.run()
    stats = {k: float(v) for k, v in ev.results.items()}
elif tool == "hotcoco":
    from hotcoco import LVIS, LVISResults, LVISeval

    with contextlib.redirect_stdout(io.StringIO()):
        gt = LVIS(gt_path)
        ev = LVISeval(gt, LVISResults(gt, res_path), iou_type)
        ev.run()
        res = ev.get_results()
    stats = {k: float(v) for k, v in res.items()}
else:
    raise SystemExit(f"unknown tool {tool!r}")
print(json.dumps(stats))
