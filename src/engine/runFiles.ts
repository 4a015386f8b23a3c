/** File names inside a training run's output folder. */
export const RUN_FILES = { last: 'last.ckpt', final: 'model_final.ckpt', metrics: 'metrics.jsonl', config: 'config.json' } as const;
