import type { Command } from './command.js';
import { evalCommand } from './evalCommand.js';
import { statsCommand } from './statsCommand.js';
import { subsetCommand } from './subsetCommand.js';
import { synthCommand } from './synthCommand.js';

/** Every sub-command, in the order `balms --help` lists them. Add a command by adding its import here. */
export const commands: Command[] = [statsCommand, subsetCommand, evalCommand, synthCommand];
