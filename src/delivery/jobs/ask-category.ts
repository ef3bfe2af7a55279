// Asks the user what their new ticket is about, with the categories as
// buttons, in their language. The message itself was already relayed: the
// question never holds it back. The buttons are the categories offered when
// the question goes out.
import { z } from 'zod';
import { userCategoryKeyboard } from '../../bot/keyboards/categories.js';
import { languageOf, textsFor } from '../../i18n/index.js';
import { postToUser } from './notice.js';
import { defineJob, idSchema } from './job.js';

export const askCategory = defineJob('askCategory', z.object({ userId: idSchema, ticketId: idSchema }), async ({ userId, ticketId }, { desk }) => {
  const categories = desk.settings.activeCategories();
  const [ticket, user] = await Promise.all([desk.store.ticket(ticketId), desk.store.user(userId)]);
  // Chosen meanwhile (from the greeting, or by a manager), or none left to choose from.
  if (!ticket || ticket.categoryId !== null || categories.length === 0) return;
  const t = textsFor(languageOf(user?.languageCode));
  await postToUser(desk, userId, { text: t.chooseCategory, keyboard: userCategoryKeyboard(categories, ticketId) });
});
