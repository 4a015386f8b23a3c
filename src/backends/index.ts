export {
  activeBackend, BACKEND_ORDER, BackendUnavailableError, initBackend, isBackendPreference,
} from './initBackend.js';
export type { BackendChoice, BackendPreference } from './initBackend.js';
export { registerTrainingKernels } from './registerTrainingKernels.js';
export type { RegisteredKernels } from './registerTrainingKernels.js';
export { ZERO_GRADIENT_KERNELS } from './kernels/comparisonGradients.js';
