/** The daemon's request limits, from the one contract (a zod-free module: no zod in the UI). */
export { DEFAULT_TEMPERATURE, LIMITS } from '../../shared/limits';
