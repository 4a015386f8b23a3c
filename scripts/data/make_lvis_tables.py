"""Writes data/lvis_v0.5_categories.json and data/lvis_v1_categories.json: the LVIS category tables
(id, name, synset, frequency, image_count, instance_count of the *train* split) that balms ships so a
user can train on an LVIS subset offline with the full data set's class prior.

The tables are the metadata of the official annotation files (LVIS annotations: CC BY 4.0) as public
repositories carry them, read from local clones given on the command line:
  v0.5: cunjunyu/BalancedMetaSoftmax-InstanceSeg@64fd32e5 projects/BALMS/balms/lvis_v0_5_categories.py
        (lvis_v0.5_train.json's categories with image_count and instance_count)
  v1:   facebookresearch/detectron2@02b5c4e2 detectron2/data/datasets/lvis_v1_categories.py (lvis_v1_val.json's
        categories: name, synset, frequency) and lvis_v1_category_image_count.py (lvis_v1_train.json's
        image_count). detectron2 drops instance_count, and no public table of it was found: it is null.

Usage: python3 scripts/data/make_lvis_tables.py BALMS_INSTANCESEG_CLONE DETECTRON2_CLONE
"""
import ast
import json
import os
import sys


# LVIS v1.0 train: 100,170 images (lvisdataset.org, and len(lvis_v1_train.json["images"]))
V1_TRAIN_IMAGES = 100170


def read_list(path, name):
    tree = ast.parse(open(path, encoding='utf8').read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, 'id', None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise SystemExit(f'{path}: no {name}')


def row(c, image_count, instance_count):
    return {'id': c['id'], 'name': c['name'], 'synset': c['synset'], 'frequency': c['frequency'],
            'image_count': image_count, 'instance_count': instance_count}


def write(path, source, num_train_images, rows):
    rows = sorted(rows, key=lambda r: r['id'])
    tmp = path + '.tmp'
    with open(tmp, 'w', encoding='utf8') as f:
        f.write('{\n')
        f.write(f'  "source": {json.dumps(source)},\n  "split": "train",\n  "num_train_images": {num_train_images},\n')
        f.write(f'  "num_categories": {len(rows)},\n  "categories": [\n')
        f.write(',\n'.join('    ' + json.dumps(r) for r in rows))
        f.write('\n  ]\n}\n')
    os.replace(tmp, path)


def main():
    balms, d2 = sys.argv[1], sys.argv[2]
    out = os.path.join(os.path.dirname(__file__), '..', '..', 'data')
    v05 = read_list(os.path.join(balms, 'projects/BALMS/balms/lvis_v0_5_categories.py'), 'LVIS_CATEGORIES')
    assert len(v05) == 1230
    # the annotated training images: image_count / image_count_frequency is 56,740 for every category
    denominators = {round(c['image_count'] / c['image_count_frequency']) for c in v05 if c['image_count_frequency'] > 0}
    assert denominators == {56740}, denominators
    write(os.path.join(out, 'lvis_v0.5_categories.json'),
          'lvis_v0.5_train.json categories, via cunjunyu/BalancedMetaSoftmax-InstanceSeg projects/BALMS/balms/lvis_v0_5_categories.py',
          56740, [row(c, c['image_count'], c['instance_count']) for c in v05])
    v1 = read_list(os.path.join(d2, 'detectron2/data/datasets/lvis_v1_categories.py'), 'LVIS_CATEGORIES')
    counts = {c['id']: c['image_count'] for c in read_list(os.path.join(d2, 'detectron2/data/datasets/lvis_v1_category_image_count.py'), 'LVIS_CATEGORY_IMAGE_COUNT')}
    assert len(v1) == 1203 and set(counts) == {c['id'] for c in v1}
    write(os.path.join(out, 'lvis_v1_categories.json'),
          'lvis_v1_val.json categories and lvis_v1_train.json image_count, via facebookresearch/detectron2 detectron2/data/datasets/lvis_v1_categories.py and lvis_v1_category_image_count.py (instance_count not published there: null)',
          V1_TRAIN_IMAGES, [row(c, counts[c['id']], None) for c in v1])


if __name__ == '__main__':
    main()
