export {
  activeBackend, BACKEND_ORDER, BackendUnavailableError, initBackend, isBackendPreference,
} from './initBackend.js';
export type { BackendChoice, BackendPreference, InitBackendOptions } from './initBackend.js';
export { installTrainingKernels, installedTrainingKernels, registerTrainingKernels } from './registerTrainingKernels.js';
export type { RegisteredKernels, TrainingKernelBackend } from './registerTrainingKernels.js';
export { ZERO_GRADIENT_KERNELS } from './kernels/comparisonGradients.js';
