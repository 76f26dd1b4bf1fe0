// Separates the options a streaming front-end handles itself (signal, progress, ...) from the
// codec options, which the Compressor / Decompressor constructors validate (options.ts).
import { describe } from './input';

export function splitOptions<K extends string>(
  options: unknown,
  own: readonly K[],
): { own: Partial<Record<K, unknown>>; codec: Record<string, unknown> } {
  if (options === undefined) return { own: {}, codec: {} };
  if (options === null || typeof options !== 'object')
    throw new TypeError(`options must be an object, got ${describe(options)}`);
  const picked: Partial<Record<K, unknown>> = {};
  const codec: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options as Record<string, unknown>)) {
    if ((own as readonly string[]).includes(key)) picked[key as K] = value;
    else codec[key] = value;
  }
  return { own: picked, codec };
}
