// The /start greeting: the admins' text for the user's language (with its
// formatting), else the environment's GREETING_*, else the built-in one;
// with the categories as buttons when there are any, so the user can say at
// once what they need.
import { z } from 'zod';
import { userCategoryKeyboard } from '../../bot/keyboards/categories.js';
import { textsFor } from '../../i18n/index.js';
import { postToUser } from './notice.js';
import { defineJob, idSchema } from './job.js';

export const greet = defineJob('greet', z.object({ userId: idSchema, language: z.enum(['ru', 'en']) }), async ({ userId, language }, { desk }) => {
  const own = desk.settings.greeting(language);
  const categories = desk.settings.activeCategories();
  await postToUser(desk, userId, {
    text: own?.text ?? textsFor(language).greeting,
    ...(own?.entities?.length ? { entities: own.entities } : {}),
    ...(categories.length ? { keyboard: userCategoryKeyboard(categories, 0) } : {}),
  });
});
