// Owns formatted text: Telegram's HTML parse mode turned into entities, plus the trimming and
// length rules applied to every text and caption. A strict parser here is the point: the
// real server rejects a whole message for one unescaped `<` or `&` in a user's name.
import type { MessageEntity, User } from 'grammy/types';
import { E } from './errors.js';

const SIMPLE: Record<string, MessageEntity['type']> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
  code: 'code',
  pre: 'pre',
  a: 'text_link',
  blockquote: 'blockquote',
  span: 'spoiler',
  'tg-emoji': 'custom_emoji',
};
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

interface Open {
  tag: string;
  offset: number;
  attrs: Record<string, string>;
  at: number;
}
/** Finds a user the bot knows, for `tg://user?id=` links. */
export type UserLookup = (id: number) => User | undefined;

/** Parses `parse_mode: 'HTML'` text. Error details mimic TDLib's wording, with UTF-8 byte offsets. */
export function parseHtml(src: string, users: UserLookup = () => undefined): { text: string; entities: MessageEntity[] } {
  const byteAt = (i: number) => Buffer.byteLength(src.slice(0, i), 'utf8');
  const stack: Open[] = [];
  const entities: MessageEntity[] = [];
  let out = '';
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '&') {
      const m = /^&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/i.exec(src.slice(i, i + 12));
      const name = m?.[1];
      if (!m || !name) throw E.cantParse(`Unescaped '&' at byte offset ${byteAt(i)}; write "&amp;"`);
      if (name.startsWith('#')) {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        if (!(code > 0 && code <= 0x10ffff)) throw E.cantParse(`Invalid numeric HTML entity at byte offset ${byteAt(i)}`);
        out += String.fromCodePoint(code);
      } else {
        const decoded = NAMED[name];
        if (decoded === undefined) throw E.cantParse(`Unsupported HTML entity "&${name};" at byte offset ${byteAt(i)}`);
        out += decoded;
      }
      i += m[0].length;
      continue;
    }
    if (ch !== '<') {
      out += ch;
      i++;
      continue;
    }
    const close = src.indexOf('>', i);
    if (close < 0) throw E.cantParse(`Unclosed start tag at byte offset ${byteAt(i)}`);
    const inner = src.slice(i + 1, close);
    if (inner.startsWith('/')) {
      const name = inner.slice(1).trim().toLowerCase();
      const top = stack.pop();
      if (!top) throw E.cantParse(`Unexpected end tag at byte offset ${byteAt(i)}`);
      if (top.tag !== name) {
        throw E.cantParse(`Unmatched end tag at byte offset ${byteAt(i)}, expected "</${top.tag}>", found "</${name}>"`);
      }
      closeTag(top, out.length, stack, entities, users);
    } else {
      const name = (/^[a-z0-9-]*/i.exec(inner)?.[0] ?? '').toLowerCase();
      const attrs = parseAttrs(inner.slice(name.length));
      if (!(name in SIMPLE) || (name === 'span' && attrs.class !== 'tg-spoiler')) {
        throw E.cantParse(`Unsupported start tag "${name}" at byte offset ${byteAt(i)}`);
      }
      stack.push({ tag: name, offset: out.length, attrs, at: i });
    }
    i = close + 1;
  }
  const unclosed = stack.pop();
  if (unclosed) throw E.cantParse(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);
  return { text: out, entities: sortEntities(entities) };
}

function parseAttrs(s: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of s.matchAll(/([a-z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/gi)) {
    const raw = m[2] ?? m[3] ?? m[4] ?? '';
    attrs[m[1]!.toLowerCase()] = raw.replace(/&(lt|gt|amp|quot);/g, (_, n: string) => NAMED[n] ?? '');
  }
  return attrs;
}

function closeTag(open: Open, end: number, stack: Open[], entities: MessageEntity[], users: UserLookup): void {
  const offset = open.offset;
  const length = end - offset;
  const parent = stack[stack.length - 1];
  // <pre><code class="language-x"> is one pre entity with a language, as in Telegram.
  if (open.tag === 'code' && parent?.tag === 'pre' && parent.offset === offset && open.attrs.class?.startsWith('language-')) {
    parent.attrs.language = open.attrs.class.slice('language-'.length);
    return;
  }
  if (length <= 0) return;
  const type = SIMPLE[open.tag]!;
  if (type === 'text_link') {
    const url = open.attrs.href;
    // Telegram turns a link to a user into a text_mention carrying that user, and drops the
    // link when the bot can't see the user.
    const userId = /^tg:\/\/user\?id=(\d+)$/.exec(url ?? '')?.[1];
    const user = userId === undefined ? undefined : users(Number(userId));
    if (user) entities.push({ type: 'text_mention', offset, length, user: structuredClone(user) });
    else if (url && userId === undefined) entities.push({ type, offset, length, url });
  } else if (type === 'pre') {
    const language = open.attrs.language;
    entities.push(language ? { type, offset, length, language } : { type, offset, length });
  } else if (type === 'custom_emoji') {
    entities.push({ type, offset, length, custom_emoji_id: open.attrs['emoji-id'] ?? '' });
  } else if (type === 'blockquote' && 'expandable' in open.attrs) {
    entities.push({ type: 'expandable_blockquote', offset, length });
  } else {
    entities.push({ type, offset, length } as MessageEntity);
  }
}

const sortEntities = (list: MessageEntity[]) => [...list].sort((a, b) => a.offset - b.offset || b.length - a.length);

export interface Formatted {
  text: string;
  entities?: MessageEntity[];
}

/**
 * Applies what the server does to every text or caption: parse, strip surrounding whitespace
 * (shifting entities with it), and count length in characters after parsing.
 * Returns `undefined` for an empty result; callers decide whether that is an error.
 */
export function formatText(
  raw: unknown,
  parseMode: unknown,
  explicit: unknown,
  limit: number,
  tooLong: () => Error,
  users?: UserLookup,
): Formatted | undefined {
  const source = raw === undefined || raw === null ? '' : String(raw);
  if (Buffer.byteLength(source, 'utf8') > 32768) throw E.rawTextTooLong();
  let parsed: { text: string; entities: MessageEntity[] };
  const mode = typeof parseMode === 'string' ? parseMode : '';
  if (mode.toLowerCase() === 'html') parsed = parseHtml(source, users);
  else if (mode === '') parsed = { text: source, entities: Array.isArray(explicit) ? (explicit as MessageEntity[]) : [] };
  else if (/^markdown(v2)?$/i.test(mode)) throw E.bad(`fake-telegram does not implement parse_mode ${mode}; use HTML or entities`);
  else throw E.bad('unsupported parse_mode');

  const lead = parsed.text.length - parsed.text.trimStart().length;
  const text = parsed.text.trim();
  if (text === '') return undefined;
  if ([...text].length > limit) throw tooLong();
  const shifted = parsed.entities.flatMap((e) => {
    const start = Math.max(0, e.offset - lead);
    const end = Math.min(text.length, e.offset + e.length - lead);
    return end > start ? [{ ...e, offset: start, length: end - start }] : [];
  });
  const entities = withDetectedEntities(text, shifted);
  return entities.length ? { text, entities } : { text };
}

// What the server finds in any text by itself. Simplified from TDLib's find_entities.
const DETECTORS: [MessageEntity['type'], RegExp][] = [
  ['bot_command', /(?<![\w/@])\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/@])/g],
  ['mention', /(?<![\w@])@[A-Za-z0-9_]{3,32}(?!\w)/g],
  ['hashtag', /(?<![\w#])#[\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*/gu],
  ['url', /(?<![\w@])(?:https?:\/\/|www\.)[^\s<>"]*[^\s<>".,;:!?)\]'"]/g],
];
const FORMATTING = new Set(['bold', 'italic', 'underline', 'strikethrough', 'spoiler', 'blockquote', 'expandable_blockquote']);

/** Adds commands, mentions, hashtags and URLs the text contains, unless something else covers them. */
export function withDetectedEntities(text: string, given: MessageEntity[] = []): MessageEntity[] {
  const found: MessageEntity[] = [];
  const taken = given.filter((e) => !FORMATTING.has(e.type));
  for (const [type, re] of DETECTORS) {
    for (const m of text.matchAll(re)) {
      const offset = m.index;
      const end = offset + m[0].length;
      if ([...taken, ...found].some((e) => offset < e.offset + e.length && e.offset < end)) continue;
      found.push({ type, offset, length: m[0].length } as MessageEntity);
    }
  }
  return sortEntities([...given, ...found]);
}
