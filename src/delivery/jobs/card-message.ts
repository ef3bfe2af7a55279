// The card as it is posted: the domain's text and the bot's status buttons.
import { ticketCardKeyboard } from '../../bot/keyboards/ticket-card.js';
import { cardInput, renderCard } from '../../domain/card.js';
import type { Desk } from '../../domain/desk.js';
import type { Post } from '../courier.js';

export async function cardMessage(desk: Desk, ticketId: number, opts: { topicLost?: boolean } = {}): Promise<Post> {
  const input = await cardInput(desk, ticketId, opts);
  const withCategory = desk.settings.activeCategories().length > 0;
  return {
    html: renderCard(desk.managerTexts, input),
    keyboard: ticketCardKeyboard(desk.managerTexts, ticketId, input.status, withCategory, Boolean(input.ban)),
  };
}
