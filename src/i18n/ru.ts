import type { Texts } from './texts.js';

export const ru: Texts = {
  greeting: 'Здравствуйте! Напишите ваш вопрос одним сообщением — мы ответим здесь же.',
  notDelivered: (reason) => `⚠️ Сообщение не доставлено в поддержку: ${reason}. Попробуйте ещё раз или отправьте его по-другому.`,
  unsupportedContent: 'такой тип сообщения нельзя переслать',
  supportUnavailable: 'поддержка временно недоступна',
  tooLong: 'сообщение слишком длинное',
  card: {
    ticket: (n) => `Обращение №${n}`,
    earlierTickets: (n) => (n === 0 ? 'первое обращение' : `обращений раньше: ${n}`),
    language: 'язык',
    status: 'Статус',
    changedBy: (status, who, at) => `${status} — ${who}, ${at}`,
    topicLost: '⚠️ Прежний топик этого пользователя был удалён; переписка продолжается здесь.',
  },
  statusName: { WAITING: '❗️ ждёт ответа', IN_WORK: '📝 в работе', RESOLVED: '🏁 решено' },
  button: { WAITING: '❗️ Вернуть', IN_WORK: '📝 В работу', RESOLVED: '🏁 Решено' },
  statusChanged: (s) => `Статус: ${s}`,
  statusUnchanged: (s) => `Уже ${s}`,
  oldTicket: 'Это старое обращение. Используйте карточку последнего.',
  unknownTicket: 'Обращение не найдено.',
  notInTopic: 'Эта команда работает только в топике пользователя.',
  commandsNotRelayed: 'Команды не отправляются пользователю. Доступно: /close — отметить решённым.',
  replyNotDelivered: (reason) => `⚠️ Ответ не доставлен пользователю: ${reason}`,
  userBlockedBot: 'пользователь заблокировал бота',
  userDeactivated: 'аккаунт пользователя удалён',
  userIsBack: 'ℹ️ Пользователь снова доступен для ответов.',
};
