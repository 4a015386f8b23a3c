#!/usr/bin/env node
import { bugReport, runMain } from './runMain.js';

runMain(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(bugReport('', e) + '\n');
    process.exitCode = 1;
  },
);
