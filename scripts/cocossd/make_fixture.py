"""Builds the coco-ssd test fixture: a small SSD-style graph with coco-ssd's input/output signature.

Not the real coco-ssd weights (those are only on Google's storage, which these machines cannot
reach, and on no package registry): a seeded random network with the same interface, so that
`@tensorflow-models/coco-ssd` itself loads it and balms's adapter runs on a real tfjs GraphModel.

- input `image_tensor`: uint8 [1, H, W, 3] (int32 after conversion), any size: resized inside the
  graph to 300x300 (`Preprocessor/ResizeImage/resize/ResizeBilinear`) and scaled to [-1, 1];
- a MobileNetV2-shaped feature extractor whose feature maps carry the TF Object Detection API's
  names (`FeatureExtractor/MobilenetV2/...`): stride 4 `expanded_conv_3/expand/Relu6`, stride 8
  `expanded_conv_6/expand/Relu6`, stride 16 `expanded_conv_13/expand/Relu6` (19x19), stride 32
  `Conv_1/Relu6` (10x10), then the SSD extra layers `layer_19_2_Conv2d_{2..5}_3x3_s2_*` (5, 3, 2, 1);
- SSD box predictors on the six maps (3 anchors per cell on the first, 6 on the others: 1917),
  91 class logits per anchor (background first);
- outputs as in coco-ssd's converted models: `Postprocessor/Slice` [1, 1917, 90] (sigmoid scores
  without the background column) and `Postprocessor/ExpandDims_1` [1, 1917, 1, 4] (decoded boxes
  [ymin, xmin, ymax, xmax], normalised), converted by the official `tensorflowjs_converter` with
  `--output_node_names=Postprocessor/Slice,Postprocessor/ExpandDims_1`, as coco-ssd's README does.

Run (a virtual environment outside the repository):
  python3 -m venv /work/cache/venv-cocossd
  /work/cache/venv-cocossd/bin/pip install tensorflow-cpu==2.21.0 jax
  /work/cache/venv-cocossd/bin/pip install --no-deps tensorflowjs==4.22.0 tf-keras~=2.21.0 tensorflow-hub
  /work/cache/venv-cocossd/bin/python scripts/cocossd/make_fixture.py test/fixtures/cocossd/ssd_fixture
tensorflowjs 4.22 imports `tensorflow_decision_forests` at the top of its saved-model converter,
whose wheels do not match TF 2.21; it is never used for a frozen graph, so this script puts an
empty stand-in module on sys.path before importing the converter.
"""
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import tensorflow as tf

SIZE = 300
NUM_CLASSES = 91  # background + the 90 COCO ids coco-ssd's CLASSES table covers
rng = np.random.default_rng(20261202)
v1 = tf.compat.v1


def weight(shape, std):
    return tf.constant(rng.normal(0.0, std, size=shape).astype(np.float32))


def conv(x, scope, out_ch, k=3, stride=1, relu6=True):
    in_ch = x.shape[-1]
    with tf.name_scope(scope):
        y = tf.nn.conv2d(x, weight([k, k, in_ch, out_ch], np.sqrt(2.0 / (k * k * in_ch))), strides=stride, padding='SAME', name='Conv2D')
        y = tf.nn.bias_add(y, weight([out_ch], 0.1), name='BiasAdd')
        return tf.nn.relu6(y, name='Relu6') if relu6 else y


def anchors_for(grid, per_cell, scale, next_scale):
    """SSD anchors [ycenter, xcenter, h, w] (normalised) of one square grid."""
    ratios = [1.0, 2.0, 0.5] if per_cell == 3 else [1.0, 2.0, 0.5, 3.0, 1.0 / 3.0]
    shapes = [(scale / np.sqrt(r), scale * np.sqrt(r)) for r in ratios]
    if per_cell == 6:
        s = np.sqrt(scale * next_scale)
        shapes.append((s, s))
    out = []
    for i in range(grid):
        for j in range(grid):
            for h, w in shapes:
                out.append([(i + 0.5) / grid, (j + 0.5) / grid, h, w])
    return np.array(out, np.float32)


def build():
    image = v1.placeholder(tf.uint8, [1, None, None, 3], name='image_tensor')
    with tf.name_scope('Preprocessor'):
        x = tf.cast(image, tf.float32, name='ToFloat')
        x = v1.image.resize_bilinear(x, [SIZE, SIZE], name='ResizeImage/resize/ResizeBilinear')
        x = tf.subtract(tf.multiply(x, 2.0 / 255.0, name='mul'), 1.0, name='sub')
    with tf.name_scope('FeatureExtractor/MobilenetV2'):
        x = conv(x, 'Conv', 8, stride=2)                         # 150
        s4 = conv(x, 'expanded_conv_3/expand', 12, stride=2)     # 75, stride 4
        s8 = conv(s4, 'expanded_conv_6/expand', 16, stride=2)    # 38, stride 8
        s16 = conv(s8, 'expanded_conv_13/expand', 24, stride=2)  # 19, stride 16
        s32 = conv(s16, 'Conv_1', 32, stride=2)                  # 10, stride 32
        e2 = conv(s32, 'layer_19_2_Conv2d_2_3x3_s2_512', 16, stride=2)  # 5
        e3 = conv(e2, 'layer_19_2_Conv2d_3_3x3_s2_256', 16, stride=2)   # 3
        e4 = conv(e3, 'layer_19_2_Conv2d_4_3x3_s2_256', 16, stride=2)   # 2
        e5 = conv(e4, 'layer_19_2_Conv2d_5_3x3_s2_128', 16, stride=2)   # 1
    maps = [s16, s32, e2, e3, e4, e5]
    grids = [19, 10, 5, 3, 2, 1]
    per_cell = [3, 6, 6, 6, 6, 6]
    scales = [0.2 + (0.95 - 0.2) * k / 5 for k in range(6)] + [1.0]
    scales[0] = 0.1
    box_parts, cls_parts, anchors = [], [], []
    for k, (m, g, a) in enumerate(zip(maps, grids, per_cell)):
        with tf.name_scope('BoxPredictor_%d' % k):
            enc = conv(m, 'BoxEncodingPredictor', a * 4, k=1, relu6=False)
            cls = conv(m, 'ClassPredictor', a * NUM_CLASSES, k=1, relu6=False)
            box_parts.append(tf.reshape(enc, [1, g * g * a, 4]))
            cls_parts.append(tf.reshape(cls, [1, g * g * a, NUM_CLASSES]))
        anchors.append(anchors_for(g, a, scales[k], scales[k + 1]))
    anchors = np.concatenate(anchors)
    assert anchors.shape[0] == 1917, anchors.shape
    with tf.name_scope('concat'):
        enc = tf.concat(box_parts, 1) * 0.1  # small deltas: proposals stay near the anchors
        logits = tf.concat(cls_parts, 1) - 2.0
    with tf.name_scope('Postprocessor'):
        a = tf.constant(anchors)
        ty, tx, th, tw = [enc[..., i] for i in range(4)]
        yc = ty / 10.0 * a[:, 2] + a[:, 0]
        xc = tx / 10.0 * a[:, 3] + a[:, 1]
        h = tf.exp(th / 5.0) * a[:, 2]
        w = tf.exp(tw / 5.0) * a[:, 3]
        boxes = tf.stack([yc - h / 2, xc - w / 2, yc + h / 2, xc + w / 2], axis=-1, name='Decode/transpose_1')
        tf.expand_dims(boxes, 2, name='ExpandDims_1')
        scores = tf.sigmoid(logits, name='convert_scores')
        tf.slice(scores, [0, 0, 1], [-1, -1, NUM_CLASSES - 1], name='Slice')


def main(out_dir):
    graph = tf.Graph()
    with graph.as_default():
        build()
    tmp = tempfile.mkdtemp()
    try:
        frozen = os.path.join(tmp, 'frozen_inference_graph.pb')
        with open(frozen, 'wb') as f:
            f.write(graph.as_graph_def().SerializeToString())
        stub = os.path.join(tmp, 'stubs', 'tensorflow_decision_forests')
        os.makedirs(stub)
        open(os.path.join(stub, '__init__.py'), 'w').close()
        env = dict(os.environ, PYTHONPATH=os.path.join(tmp, 'stubs'))
        if os.path.isdir(out_dir):
            shutil.rmtree(out_dir)
        subprocess.run([
            sys.executable, '-m', 'tensorflowjs.converters.converter',
            '--input_format=tf_frozen_model', '--output_format=tfjs_graph_model',
            '--output_node_names=Postprocessor/Slice,Postprocessor/ExpandDims_1',
            frozen, out_dir,
        ], check=True, env=env)
    finally:
        shutil.rmtree(tmp)


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'test/fixtures/cocossd/ssd_fixture')
