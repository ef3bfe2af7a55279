// Picks the texts for a person from their Telegram language_code.
// Russian is the default (no language, or a language of the region where
// Russian is the common second language); every other language gets English,
// which more of those people read than Russian.
import { en } from './en.js';
import { ru } from './ru.js';
import type { Texts } from './texts.js';

export type { Texts };
export type Language = 'ru' | 'en';

const russianReaders = new Set(['ru', 'uk', 'be', 'kk', 'uz', 'ky', 'tg', 'hy', 'az', 'ka', 'tk', 'mo']);

export function languageOf(languageCode: string | undefined | null): Language {
  if (!languageCode) return 'ru';
  const base = languageCode.toLowerCase().split('-')[0] ?? '';
  return russianReaders.has(base) ? 'ru' : 'en';
}

export function textsFor(language: Language): Texts {
  return language === 'en' ? en : ru;
}
