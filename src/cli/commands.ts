import type { Command } from './command.js';
import { synthCommand } from './synthCommand.js';

/** Every sub-command, in the order `balms --help` lists them. Add a command by adding its import here. */
export const commands: Command[] = [synthCommand];
