// Owns decoding a request into Bot API parameters: query string plus a JSON, urlencoded or
// multipart body, the way the real server accepts them all.
import type { IncomingMessage } from 'node:http';
import { E } from './errors.js';
import type { Params } from './methods.js';
import type { Upload } from './state.js';

// Parameters whose form/query values are JSON-encoded objects or arrays. Only these are decoded,
// so a text that happens to look like JSON stays text.
const JSON_PARAMS = new Set([
  'reply_markup',
  'reply_parameters',
  'entities',
  'caption_entities',
  'media',
  'allowed_updates',
  'commands',
  'scope',
  'message_ids',
  'reaction',
  'link_preview_options',
]);

/** Query string plus body, whichever encoding grammY (or a test's fetch) used. */
export async function readParams(req: IncomingMessage, url: URL): Promise<Params> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const contentType = req.headers['content-type'] ?? '';
  const type = contentType.toLowerCase();
  const params: Params = Object.fromEntries(url.searchParams);
  if (type.startsWith('application/json') && raw.length) {
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw E.bad("can't parse JSON object");
    }
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) Object.assign(params, body);
  } else if (type.startsWith('application/x-www-form-urlencoded')) {
    Object.assign(params, Object.fromEntries(new URLSearchParams(raw.toString('utf8'))));
  } else if (type.startsWith('multipart/form-data')) {
    Object.assign(params, parseMultipart(raw, /boundary="?([^";]+)"?/i.exec(contentType)?.[1] ?? ''));
  }
  for (const key of JSON_PARAMS) {
    const v = params[key];
    if (typeof v === 'string' && /^\s*[[{]/.test(v)) {
      try {
        params[key] = JSON.parse(v);
      } catch {
        throw E.bad(`can't parse ${key} JSON object`);
      }
    }
  }
  return params;
}

/**
 * A lenient multipart/form-data reader. grammY writes headers as `content-disposition:form-data;
 * name="x";filename=a.png` (no spaces, unquoted filename), which undici's strict parser rejects.
 */
function parseMultipart(raw: Buffer, boundary: string): Params {
  const params: Params = {};
  if (!boundary) throw E.bad('multipart boundary is missing');
  // latin1 maps bytes 1:1 to characters, so splitting is binary-safe and text parts decode back exactly.
  for (const part of raw.toString('latin1').split(`--${boundary}`).slice(1)) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue; // the closing "--" after the last boundary
    const head = part.slice(0, split);
    const body = part.slice(split + 4).replace(/\r\n$/, '');
    const name = /name="([^"]*)"/i.exec(head)?.[1];
    if (name === undefined) continue;
    const filename = /filename="?([^";\r\n]*)"?/i.exec(head)?.[1];
    params[name] =
      filename !== undefined ? ({ upload: true, filename, data: Buffer.from(body, 'latin1') } satisfies Upload) : Buffer.from(body, 'latin1').toString('utf8');
  }
  return params;
}
