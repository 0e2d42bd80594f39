/**
 * The local cloud: an embedded AWS emulator for ECS and the services around it.
 *
 * @packageDocumentation
 */
export {};
