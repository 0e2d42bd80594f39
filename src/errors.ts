/**
 * The base of every error ecskit throws, recognisable across copies of the
 * package: two installs of ecskit in one `node_modules` tree (or a bundle
 * next to a dependency that brings its own) each have their own classes, so
 * `instanceof` one copy's class is false for the other copy's errors. Like
 * the AWS CDK, ecskit marks its errors with a `Symbol.for` brand, which is
 * the same symbol in every copy, and {@link EcskitError.is} checks it.
 *
 * @module
 */

/** The brand every ecskit error carries (on its prototype): one symbol for every copy of the package. */
const BRAND: unique symbol = Symbol.for('ecskit.error') as never;

function branded(x: unknown): boolean {
  return typeof x === 'object' && x !== null && (x as { [BRAND]?: unknown })[BRAND] === true;
}

/**
 * Base of every error ecskit throws. `code` says what went wrong in a way
 * that does not depend on the message: the class name (`'ValidationError'`,
 * `'TargetError'`, …) when the class has one cause, or a finer code where
 * it tells several apart ({@link ContainerEngineError}: `'ENGINE_NOT_FOUND'`,
 * …; {@link OperationError}: AWS's error code). `name` stays the class name,
 * so `code ?? name` reads the same as before the base existed.
 *
 * `x instanceof EcskitError` and `EcskitError.is(x)` check the
 * `Symbol.for('ecskit.error')` brand, so they hold for an error thrown by
 * another copy of ecskit too. `instanceof` a subclass is the ordinary
 * prototype check; across copies, test the base and the `code`.
 *
 * @example
 * ```ts
 * try {
 *   container('web').image('nginx').port(70000);
 * } catch (error) {
 *   if (EcskitError.is(error) && error.code === 'ValidationError') console.error(error.message);
 *   else throw error;
 * }
 * ```
 */
export abstract class EcskitError extends Error {
  /** What went wrong, stable across releases and copies of the package (see the class). */
  abstract readonly code: string;

  /**
   * True when `x` is an ecskit error: from any copy of the package when
   * called on `EcskitError`, an instance of the class it is called on
   * (`ValidationError.is(x)`) otherwise.
   *
   * @example
   * ```ts
   * EcskitError.is(new TargetError('no region'));       // true
   * EcskitError.is(new Error('plain'));                 // false
   * EcskitError.is({ [Symbol.for('ecskit.error')]: true }); // true: the brand is all it checks
   * ```
   */
  static is<T extends EcskitError>(this: abstract new (...args: never[]) => T, x: unknown): x is T {
    if (!branded(x)) return false;
    return (this as unknown) === EcskitError || Function.prototype[Symbol.hasInstance].call(this, x);
  }

  /** `instanceof` as {@link EcskitError.is}: the brand for `EcskitError`, the prototype chain for a subclass. */
  static override [Symbol.hasInstance](x: unknown): boolean {
    return EcskitError.is.call(this as never, x);
  }
}

Object.defineProperty(EcskitError.prototype, BRAND, { value: true });
