/**
 * ecskit — script Amazon ECS from TypeScript.
 *
 * @packageDocumentation
 */
export { ValidationError, type Problem } from './builders/internal/validation.js';
