// Callback data as a small codec per kind of button: `prefix:value:value`,
// packed from typed values and unpacked through a zod schema. A forged or
// outdated `callback_data` (wrong prefix, wrong field count, a value the
// schema refuses) unpacks to undefined, so no handler ever sees garbage.
//
// Why not the `callback-data` package the grammY template uses: it converts
// fields with plain constructors (Number, String), so `status:x:ANY` unpacks
// to NaN and an arbitrary string; validating with zod here is the point.
import { z } from 'zod';

/** Telegram's limit for callback_data, in bytes. */
const CALLBACK_DATA_LIMIT = 64;

export interface CallbackCodec<T> {
  readonly prefix: string;
  /** Matches every press of this kind of button, valid or not (for `callbackQuery`). */
  readonly trigger: RegExp;
  pack(values: T): string;
  /** The values, or undefined for data this codec did not make. */
  unpack(data: string): T | undefined;
}

export function createCallbackCodec<S extends z.ZodObject>(prefix: string, schema: S): CallbackCodec<z.output<S>> {
  const fields = Object.keys(schema.shape);
  return {
    prefix,
    trigger: new RegExp(`^${prefix}(:|$)`),
    pack(values) {
      const data = [prefix, ...fields.map((f) => String((values as Record<string, unknown>)[f]))].join(':');
      if (Buffer.byteLength(data) > CALLBACK_DATA_LIMIT) throw new Error(`callback data over ${CALLBACK_DATA_LIMIT} bytes: ${prefix}`);
      return data;
    },
    unpack(data) {
      const parts = data.split(':');
      if (parts[0] !== prefix || parts.length !== fields.length + 1) return undefined;
      const parsed = schema.safeParse(Object.fromEntries(fields.map((f, i) => [f, parts[i + 1]])));
      return parsed.success ? parsed.data : undefined;
    },
  };
}

/** A whole number up to what the id columns hold, 0 included (0 stands for «none» where a button needs it). */
export const idOrZero = z.coerce
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1);

/** A database id in callback data: a ticket, an answer, a broadcast. */
export const rowId = idOrZero.min(1);
