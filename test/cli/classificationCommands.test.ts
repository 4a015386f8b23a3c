/**
 * `balms train` with a classification config and `balms eval --checkpoint` without --gt: bad input
 * is one line and exit code 2 (no stack trace) — a missing data folder, a detection knob in a
 * classification config, a detection checkpoint where a classification one is expected.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { expectCliInputError } from '../helpers/inputErrors.js';
import { runCli } from '../helpers/runCli.js';

const dir = mkdtempSync(join(tmpdir(), 'balms-clscli-'));

function oneLineError(cmd: string, args: string[], words: RegExp): void {
  expectCliInputError(runCli([cmd, ...args]), cmd, words);
}

describe('classification CLI', () => {
  it('train: a classification config without data.root names the knob', () => {
    oneLineError('train', ['--config', 'configs/classification/softmax.json', '--backend', 'cpu', '--output', join(dir, 'a')], /data\.root/);
  });

  it('train: a detection knob in a classification config is named as such', () => {
    oneLineError('train', ['--config', 'configs/classification/balms.json', '--set', 'data.root=/nowhere', '--set', 'data.synth.enabled=false', '--output', join(dir, 'b')], /--set: data\.synth: is a detection knob/);
  });

  it('eval --checkpoint without --gt: a file that is not a classification checkpoint is one line', () => {
    const bad = join(dir, 'bad.ckpt');
    writeFileSync(bad, 'not a checkpoint');
    oneLineError('eval', ['--checkpoint', bad, '--backend', 'cpu'], /bad\.ckpt/);
    oneLineError('eval', ['--checkpoint', bad, '--split', 'train'], /--split must be val or test/);
  });
});
