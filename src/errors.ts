// Typed errors. Every error names the offending value and where it came from, so a
// caller can tell a bad hyper-parameter from bad data without parsing the message.

/** Base class of every error descent throws on purpose. */
export class DescentError extends Error {
  /** Where the bad value was found, e.g. `optimizer.lr` or `x[3][1]`. */
  readonly path: string;
  /** The offending value (as given). */
  readonly value: unknown;
  // Names are literals, not new.target.name: the shipped bundle is minified.
  override name = 'DescentError';
  constructor(message: string, path = '', value: unknown = undefined) {
    super(message);
    this.path = path;
    this.value = value;
  }
}

/** A bad network spec, optimizer option or fit option. */
export class ConfigError extends DescentError {
  override name = 'ConfigError';
}

/** Bad data: wrong shapes, non-finite values, labels out of range. */
export class DataError extends DescentError {
  override name = 'DataError';
}

/** The network was used after `dispose()`, or re-entered while training. */
export class StateError extends DescentError {
  override name = 'StateError';
}

/**
 * A kernel stopped with an assertion or an impossible code (`path` names the kernel's
 * source file and line): a bug in descent or a module that does not match this host.
 */
export class KernelError extends DescentError {
  override name = 'KernelError';
}

/** A replay case that does not follow the replay format. */
export class ReplayFormatError extends DescentError {
  override name = 'ReplayFormatError';
}

/** Training produced a non-finite loss, activation or gradient (see the fit option `guard`). */
export class NumericalError extends DescentError {
  override name = 'NumericalError';
  constructor(
    message: string,
    /** Where it was found first: 'activations', 'gradients' or 'loss'. */
    where: string,
    /** The first non-finite activation or gradient found there, or the loss (`path` 'loss'). */
    value: unknown,
    /** The step (1-based) whose update was refused. */
    readonly step: number,
    /** The layer, or null when only the loss was non-finite. */
    readonly layer: number | null,
  ) {
    super(message, where, value);
  }
}

