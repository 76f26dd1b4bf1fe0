// AbortSignal support for the long-running APIs, with errors shaped as Node's own
// (name 'AbortError', code 'ABORT_ERR', the signal's reason as `cause`).
import { describe } from './input';

export class AbortError extends Error {
  readonly code = 'ABORT_ERR';

  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AbortError';
  }
}

export function checkSignal(signal: unknown, name = 'options.signal'): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  if (!(signal instanceof AbortSignal)) throw new TypeError(`${name} must be an AbortSignal, got ${describe(signal)}`);
  return signal;
}

export function abortErrorOf(signal: AbortSignal): AbortError {
  return new AbortError(undefined, { cause: signal.reason });
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortErrorOf(signal);
}

/**
 * `promise`, or an AbortError as soon as `signal` fires. The work behind `promise` goes on (a
 * threadpool job cannot be cancelled); the caller decides what to do with it.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    promise.catch(() => {}); // settled later, by nobody: keep it from being an unhandled rejection
    return Promise.reject(abortErrorOf(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => {});
      reject(abortErrorOf(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the promise's own reason, unchanged
        reject(error);
      },
    );
  });
}
