/**
 * @module
 * @internal
 */
export {};
