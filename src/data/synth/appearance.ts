import type { Rng } from '../../util/rng.js';
import { SHAPE_KINDS, type ShapeKind } from './shapes.js';
import { BalmsInputError } from '../../util/errors.js';

/** The base colours categories are drawn in (RGB). */
export const SYNTH_COLOURS = {
  red: [214, 48, 49],
  green: [46, 160, 67],
  blue: [38, 84, 210],
  yellow: [236, 196, 36],
  magenta: [196, 56, 196],
  cyan: [32, 184, 204],
  orange: [240, 128, 24],
} as const satisfies Record<string, readonly [number, number, number]>;
export type SynthColour = keyof typeof SYNTH_COLOURS;
export const SYNTH_COLOUR_NAMES = Object.keys(SYNTH_COLOURS) as SynthColour[];

/** Surface patterns: a solid fill, dark stripes at a random angle, or a grid of dark dots. */
export const SYNTH_TEXTURES = ['solid', 'striped', 'dotted'] as const;
export type SynthTexture = (typeof SYNTH_TEXTURES)[number];

/** What a synthetic category looks like: shape × colour × texture. */
export interface SynthAppearance {
  shape: ShapeKind;
  colour: SynthColour;
  texture: SynthTexture;
}

/** The number of distinct appearances, i.e. the most categories a synthetic dataset can have. */
export const MAX_SYNTH_CATEGORIES = SHAPE_KINDS.length * SYNTH_COLOUR_NAMES.length * SYNTH_TEXTURES.length;

/** `red_striped_star`, `blue_ring` (solid has no texture word). */
export function appearanceName(a: SynthAppearance): string {
  return a.texture === 'solid' ? `${a.colour}_${a.shape}` : `${a.colour}_${a.texture}_${a.shape}`;
}

/** A one-line LVIS-style definition. */
export function appearanceDefinition(a: SynthAppearance): string {
  const tex = a.texture === 'solid' ? 'plain' : a.texture === 'striped' ? 'dark-striped' : 'dark-dotted';
  return `a ${tex} ${a.colour} ${a.shape} drawn on a cluttered background`;
}

/**
 * Picks `k` distinct appearances. The choice cycles through shapes so that every shape is used
 * about equally, and within a shape picks colours and textures at random: categories then share
 * shapes, colours and textures with one another, and only the combination identifies them.
 */
export function chooseAppearances(k: number, rng: Rng): SynthAppearance[] {
  if (!Number.isInteger(k) || k < 1 || k > MAX_SYNTH_CATEGORIES) {
    throw new BalmsInputError(`categories must be an integer in [1, ${MAX_SYNTH_CATEGORIES}], got ${k}`);
  }
  const shapes = rng.shuffle([...SHAPE_KINDS]);
  const perShape = shapes.map((shape) => {
    const combos: SynthAppearance[] = [];
    for (const colour of SYNTH_COLOUR_NAMES) for (const texture of SYNTH_TEXTURES) combos.push({ shape, colour, texture });
    return rng.shuffle(combos);
  });
  const out: SynthAppearance[] = [];
  for (let i = 0; out.length < k; i++) out.push(perShape[i % shapes.length]![Math.floor(i / shapes.length)]!);
  return out;
}
