import type { Command } from './command.js';
import { demoCommand } from './demoCommand.js';
import { evalCommand } from './evalCommand.js';
import { predictCommand } from './predictCommand.js';
import { statsCommand } from './statsCommand.js';
import { subsetCommand } from './subsetCommand.js';
import { synthCommand } from './synthCommand.js';
import { trainCommand } from './trainCommand.js';
import { viewCommand } from './viewCommand.js';

/** Every sub-command, in the order `balms --help` lists them. Add a command by adding its import here. */
export const commands: Command[] = [
  trainCommand,
  predictCommand,
  evalCommand,
  statsCommand,
  subsetCommand,
  synthCommand,
  demoCommand,
  viewCommand,
];
