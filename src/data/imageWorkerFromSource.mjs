// Starts the image worker from the TypeScript sources (tests, `node --import tsx`): registers
// tsx's loader in this worker thread, then loads imageWorker.ts. Built code uses imageWorker.js.
import { register } from 'tsx/esm/api';

register();
await import('./imageWorker.ts');
