// What a call produced, as plain data: lets a test compare the sync and async paths exactly and
// say which coded error a case gives.
import { Lz4FramedError, Lz4FramedNoDataError } from '../../lib';

export type Outcome =
  | { ok: true; output: Buffer }
  | { ok: false; name: string; code: string | undefined; partial?: Buffer; message: string };

type ErrorLike = Error & { code?: string };

// RangeError / TypeError built by the addon come from Node's own realm, not from the jest sandbox
// the test runs in, so `instanceof Error` cannot be trusted here: look at the shape instead.
function isError(value: unknown): value is ErrorLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Error).message === 'string' &&
    typeof (value as Error).name === 'string'
  );
}

function failure(error: unknown): Outcome {
  if (!isError(error)) throw new Error(`a non-Error was thrown: ${String(error)}`);
  const code = (error as { code?: unknown }).code;
  const result: Outcome = {
    ok: false,
    name: error.name,
    code: typeof code === 'string' ? code : undefined,
    message: error.message,
  };
  if (error instanceof Lz4FramedNoDataError) result.partial = error.partial;
  return result;
}

export function outcomeOf(run: () => Buffer): Outcome {
  try {
    return { ok: true, output: run() };
  } catch (error) {
    return failure(error);
  }
}

export async function asyncOutcomeOf(run: () => Promise<Buffer>): Promise<Outcome> {
  try {
    return { ok: true, output: await run() };
  } catch (error) {
    return failure(error);
  }
}

/** Every error about data or state: an Lz4FramedError whose code names liblz4's or the library's error. */
export function expectCodedError(outcome: Outcome): asserts outcome is Extract<Outcome, { ok: false }> {
  expect(outcome.ok).toBe(false);
  if (outcome.ok) return;
  expect(outcome.code).toMatch(/^ERR_LZ4F?_[A-Z0-9_]+$/);
  expect(['Lz4FramedError', 'Lz4FramedNoDataError']).toContain(outcome.name);
}

/** Runs `run` expecting an error; returns it so the test can look at it. */
export function thrown(run: () => unknown): ErrorLike {
  try {
    run();
  } catch (error) {
    if (isError(error)) return error;
    throw error;
  }
  throw new Error('expected an error, but the call returned');
}

export async function rejected(promise: Promise<unknown>): Promise<ErrorLike> {
  try {
    await promise;
  } catch (error) {
    if (isError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection, but the promise resolved');
}

/** Runs `run` (now, synchronously) expecting it to throw or reject; returns the error. */
export async function rejectionOf(run: () => Promise<unknown>): Promise<ErrorLike> {
  return rejected((async () => run())());
}

export { Lz4FramedError, Lz4FramedNoDataError };

/**
 * The two outcomes are the same result or the same error (name, code, message, partial output).
 * Buffers are compared with `equals`: jest's deep equality walks them byte by byte, slowly.
 */
export function expectSameOutcome(actual: Outcome, expected: Outcome): void {
  const summary = (o: Outcome) =>
    o.ok
      ? { ok: true, length: o.output.length }
      : { ok: false, name: o.name, code: o.code, message: o.message, partial: o.partial?.length };
  expect(summary(actual)).toEqual(summary(expected));
  if (actual.ok && expected.ok) expect(actual.output.equals(expected.output)).toBe(true);
  if (!actual.ok && !expected.ok && actual.partial && expected.partial)
    expect(actual.partial.equals(expected.partial)).toBe(true);
}
