import { resnetGoldenSuite } from './resnetGolden.js';

resnetGoldenSuite('cpu');
resnetGoldenSuite('wasm');
