/** The solver: SGD with momentum, the learning-rate schedules, gradient clipping and the inner-step contract the meta learners differentiate through. */
export { CLIP_EPS, clipGradientsByGlobalNorm } from './clipGradients.js';
export { checkInnerStep, innerStepGain, type InnerStep } from './innerStep.js';
export { learningRateAt, type LrScheduleConfig } from './lrSchedule.js';
export { SgdMomentum, type SgdConfig } from './sgdMomentum.js';
