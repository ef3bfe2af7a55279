// Texts of broadcasts and product surveys (NPS), in both languages: the
// admins' panel and progress in General, /broadcasts, the line quoting a
// broadcast in a user's topic, the scoreboard's NPS line, and the NPS
// question users get. HTML where said; the caller escapes what people typed.

export type AudienceLanguage = 'ru' | 'en' | 'other';

export interface BroadcastTexts {
  // --- to managers ---
  usage: string;
  onlyAdmins: string;
  notInGeneral: string;
  invalidTime: (timeZone: string) => string;
  timePassed: (now: string, timeZone: string) => string;
  /** Telegram refused to copy the message into the preview (a service message, say). */
  notCopyable: (id: number, reason: string) => string;
  /** Who the recipients are, as the panel and the list name them (plain). */
  audience: {
    all: string;
    recent: (days: number) => string;
    open: string;
    category: (label: string) => string;
    language: Record<AudienceLanguage, string>;
    rating: (max: number) => string;
  };
  /** The audience buttons (short, several to a row). */
  audienceButton: {
    all: string;
    recent: (days: number) => string;
    open: string;
    language: Record<AudienceLanguage, string>;
    rating: (max: number) => string;
  };
  /** The panel under the preview (HTML). */
  panel: {
    title: (id: number) => string;
    intro: string;
    audience: (label: string, count: number) => string;
    leftOut: string;
    nps: string;
    scheduledFor: (when: string, timeZone: string) => string;
    scheduledBy: (who: string, when: string, timeZone: string) => string;
    confirmedBy: (who: string) => string;
    cancelledBy: (who: string) => string;
  };
  button: {
    addNps: string;
    removeNps: string;
    send: (count: number) => string;
    schedule: (count: number) => string;
    cancel: string;
    pause: string;
    resume: string;
    stop: string;
    cancelOne: (id: number) => string;
  };
  /** The progress message (HTML). */
  progress: {
    title: (id: number) => string;
    sending: string;
    paused: (who: string) => string;
    pausedBecause: (reason: string) => string;
    done: (took: string) => string;
    cancelled: (who: string) => string;
    counts: (done: number, total: number, delivered: number, blocked: number, failed: number) => string;
    speed: (perSecond: string, left: string) => string;
    notSent: (count: number) => string;
    withNps: string;
  };
  /** Answers to the admins' presses (plain, short). */
  answer: {
    sending: (count: number) => string;
    scheduled: string;
    paused: string;
    resumed: string;
    cancelled: string;
    audience: (count: number) => string;
    nps: (on: boolean) => string;
    empty: string;
    timePassed: string;
    stale: string;
  };
  /** /broadcasts (HTML). */
  list: {
    title: string;
    scheduled: string;
    running: string;
    recent: string;
    none: string;
    scheduledItem: (id: number, when: string, audience: string, who: string) => string;
    runningItem: (id: number, paused: boolean, done: number, total: number, audience: string) => string;
    finishedItem: (id: number, cancelled: boolean, when: string, delivered: number, total: number, nps: string | null) => string;
  };
  /** The bot paused a broadcast by itself: the message it copies is gone (HTML). */
  sourceGone: (id: number) => string;
  /** Why the bot paused it (in the progress message). */
  sourceGoneReason: string;
  noAccessReason: (description: string) => string;
  /** A recipient the bot was sending to when it stopped: not sent again, it may have arrived. */
  interrupted: string;
  /** A recipient whose send lost its answer (the connection broke): not sent again, it may have arrived. */
  answerLost: string;
  /** In the user's topic, before their reply to a broadcast (HTML; the excerpt is escaped by the caller). */
  replyQuote: (id: number, excerpt: string) => string;
  /** The scoreboard's line under Quality (HTML). */
  npsLine: (score: number, answers: number, promoters: number, detractors: number) => string;
  npsShort: (score: number, answers: number) => string;
  // --- to users ---
  nps: {
    question: string;
    thanks: (score: number) => string;
    already: string;
    outdated: string;
  };
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

export const broadcastsEn: BroadcastTexts = {
  usage:
    "Reply with /broadcast to the message to send, here in General. To send it later: /broadcast 2026-12-01 10:00 (the group's time zone). /broadcasts lists what is scheduled and running.",
  onlyAdmins: "Only the group's admins can send broadcasts.",
  notInGeneral: 'Broadcasts start in General: reply there with /broadcast to the message to send.',
  invalidTime: (tz) => `I did not understand the time. Write /broadcast 2026-12-01 10:00 (or 10:00:30), in the group's time zone (${tz}).`,
  timePassed: (now, tz) => `That time has passed: it is ${now} now (${tz}).`,
  notCopyable: (id, reason) => `❌ Broadcast #${id} cancelled: Telegram cannot copy that message (${reason}).`,
  audience: {
    all: 'all users',
    recent: (d) => `users who wrote in the last ${d} days`,
    open: 'users with an open ticket',
    category: (label) => `users with tickets in ${label}`,
    language: { ru: 'users writing in Russian', en: 'users writing in English', other: 'users of other languages' },
    rating: (k) => `users whose last rating was ${k} ⭐ or less`,
  },
  audienceButton: {
    all: '👥 Everyone',
    recent: (d) => `🕘 ${d} days`,
    open: '🎫 Open ticket',
    language: { ru: '🇷🇺 Russian', en: '🇬🇧 English', other: '🌐 Other' },
    rating: (k) => `⭐ ≤ ${k}`,
  },
  panel: {
    title: (id) => `📣 <b>Broadcast #${id}</b>`,
    intro: 'The message above goes to each user as a message from the bot. Choose who gets it:',
    audience: (label, n) => `👥 To <b>${label}</b>: ${n} ${n === 1 ? 'person' : 'people'}`,
    leftOut: '<i>Banned users and users who blocked the bot are always left out.</i>',
    nps: '📊 Then the NPS question, «How likely are you to recommend us to a friend?», with buttons 0–10.',
    scheduledFor: (when, tz) => `🗓 To be sent on ${when} (${tz}).`,
    scheduledBy: (who, when, tz) => `🗓 Scheduled by ${who} for ${when} (${tz}).`,
    confirmedBy: (who) => `✅ Confirmed by ${who}. The progress follows below.`,
    cancelledBy: (who) => `✖️ Cancelled by ${who}.`,
  },
  button: {
    addNps: '📊 Add NPS question',
    removeNps: '📊 NPS question: on (remove)',
    send: (n) => `✅ Send to ${n}`,
    schedule: (n) => `🗓 Schedule for ${n}`,
    cancel: '✖️ Cancel',
    pause: '⏸ Pause',
    resume: '▶️ Resume',
    stop: '⏹ Cancel',
    cancelOne: (id) => `✖️ Cancel #${id}`,
  },
  progress: {
    title: (id) => `📣 <b>Broadcast #${id}</b>`,
    sending: '🚀 sending',
    paused: (who) => `⏸ paused by ${who}`,
    pausedBecause: (reason) => `⏸ paused: ${reason}`,
    done: (took) => `✅ done in ${took}`,
    cancelled: (who) => `⏹ cancelled by ${who}`,
    counts: (done, total, delivered, blocked, failed) => `Sent ${done} / ${total} · delivered ${delivered} · blocked ${blocked} · failed ${failed}`,
    speed: (rate, left) => `⚡ ${rate} a second · about ${left} left`,
    notSent: (n) => `Not sent: ${n}`,
    withNps: '📊 With the NPS question: /stats shows the score as answers come in.',
  },
  answer: {
    sending: (n) => `🚀 Sending to ${n}.`,
    scheduled: '🗓 Scheduled.',
    paused: '⏸ Paused.',
    resumed: '▶️ Resumed.',
    cancelled: '✖️ Cancelled.',
    audience: (n) => `👥 ${n} ${n === 1 ? 'person' : 'people'}`,
    nps: (on) => (on ? '📊 The NPS question follows the message.' : '📊 No NPS question.'),
    empty: 'Nobody is in this audience: choose another.',
    timePassed: 'The scheduled time has passed: send /broadcast again with a later one.',
    stale: 'This broadcast has moved on: that button no longer applies.',
  },
  list: {
    title: '📣 <b>Broadcasts</b>',
    scheduled: '<b>Scheduled</b>',
    running: '<b>Under way</b>',
    recent: '<b>Recent</b>',
    none: 'Nothing scheduled or under way.',
    scheduledItem: (id, when, audience, who) => `• #${id} · ${when} · ${audience} · by ${who}`,
    runningItem: (id, paused, done, total, audience) => `• #${id} · ${paused ? '⏸ paused' : '🚀 sending'} ${done} / ${total} · ${audience}`,
    finishedItem: (id, cancelled, when, delivered, total, nps) =>
      `• #${id} · ${cancelled ? '⏹ cancelled' : '✅ done'} ${when} · delivered ${delivered} / ${total}${nps ? ` · ${nps}` : ''}`,
  },
  sourceGone: (id) => `⏸ Broadcast #${id} paused: the message it sends was deleted from General. Cancel it, and start a new one.`,
  sourceGoneReason: 'the message was deleted from General',
  noAccessReason: (d) => `the bot cannot copy the message (${d})`,
  interrupted: 'not sent again: the bot stopped while sending it, so it may have arrived',
  answerLost: 'not sent again: the connection broke before Telegram answered, so it may have arrived',
  replyQuote: (id, excerpt) => `↩️ In reply to broadcast #${id}: «${excerpt}»`,
  npsLine: (score, n, p, d) => `NPS: ${signed(score)} (${n} answer${n === 1 ? '' : 's'}: ${p} promoters, ${d} detractors)`,
  npsShort: (score, n) => `NPS ${signed(score)} (${n})`,
  nps: {
    question: 'How likely are you to recommend us to a friend? 0 – not at all, 10 – definitely:',
    thanks: (s) => `Thank you! Your answer: ${s}`,
    already: 'You have already answered. Thank you!',
    outdated: 'This button no longer applies.',
  },
};

export const broadcastsRu: BroadcastTexts = {
  usage:
    'Ответьте командой /broadcast на сообщение, которое нужно разослать, здесь в General. Чтобы отправить позже: /broadcast 2026-12-01 10:00 (часовой пояс группы). /broadcasts покажет запланированные и идущие рассылки.',
  onlyAdmins: 'Рассылки могут отправлять только администраторы группы.',
  notInGeneral: 'Рассылка начинается в General: ответьте там командой /broadcast на сообщение для рассылки.',
  invalidTime: (tz) => `Не понял время. Напишите /broadcast 2026-12-01 10:00 (или 10:00:30), по часовому поясу группы (${tz}).`,
  timePassed: (now, tz) => `Это время уже прошло: сейчас ${now} (${tz}).`,
  notCopyable: (id, reason) => `❌ Рассылка #${id} отменена: Telegram не может скопировать это сообщение (${reason}).`,
  audience: {
    all: 'все пользователи',
    recent: (d) => `писавшие за последние ${d} дней`,
    open: 'с открытым обращением',
    category: (label) => `с обращениями в категории ${label}`,
    language: { ru: 'пишущие по-русски', en: 'пишущие по-английски', other: 'с другими языками' },
    rating: (k) => `чья последняя оценка ${k} ⭐ или ниже`,
  },
  audienceButton: {
    all: '👥 Все',
    recent: (d) => `🕘 ${d} дней`,
    open: '🎫 Открытое обращение',
    language: { ru: '🇷🇺 Русский', en: '🇬🇧 Английский', other: '🌐 Другие' },
    rating: (k) => `⭐ ≤ ${k}`,
  },
  panel: {
    title: (id) => `📣 <b>Рассылка #${id}</b>`,
    intro: 'Сообщение выше получит каждый пользователь от имени бота. Выберите, кому:',
    audience: (label, n) => `👥 Кому: <b>${label}</b>, человек: ${n}`,
    leftOut: '<i>Заблокированные нами и заблокировавшие бота пользователи не получают рассылок.</i>',
    nps: '📊 Следом вопрос NPS «Насколько вероятно, что вы порекомендуете нас другу?» с кнопками 0–10.',
    scheduledFor: (when, tz) => `🗓 Отправка: ${when} (${tz}).`,
    scheduledBy: (who, when, tz) => `🗓 Запланировал(а) ${who} на ${when} (${tz}).`,
    confirmedBy: (who) => `✅ Подтвердил(а) ${who}. Ход рассылки — ниже.`,
    cancelledBy: (who) => `✖️ Отменил(а) ${who}.`,
  },
  button: {
    addNps: '📊 Добавить вопрос NPS',
    removeNps: '📊 Вопрос NPS: да (убрать)',
    send: (n) => `✅ Отправить: ${n}`,
    schedule: (n) => `🗓 Запланировать: ${n}`,
    cancel: '✖️ Отмена',
    pause: '⏸ Пауза',
    resume: '▶️ Продолжить',
    stop: '⏹ Отменить',
    cancelOne: (id) => `✖️ Отменить #${id}`,
  },
  progress: {
    title: (id) => `📣 <b>Рассылка #${id}</b>`,
    sending: '🚀 идёт отправка',
    paused: (who) => `⏸ на паузе (${who})`,
    pausedBecause: (reason) => `⏸ на паузе: ${reason}`,
    done: (took) => `✅ готово за ${took}`,
    cancelled: (who) => `⏹ отменена (${who})`,
    counts: (done, total, delivered, blocked, failed) =>
      `Отправлено ${done} / ${total} · доставлено ${delivered} · заблокировали ${blocked} · ошибки ${failed}`,
    speed: (rate, left) => `⚡ ${rate} в секунду · осталось около ${left}`,
    notSent: (n) => `Не отправлено: ${n}`,
    withNps: '📊 С вопросом NPS: /stats покажет оценку по мере ответов.',
  },
  answer: {
    sending: (n) => `🚀 Отправляю: ${n}.`,
    scheduled: '🗓 Запланировано.',
    paused: '⏸ Пауза.',
    resumed: '▶️ Продолжаю.',
    cancelled: '✖️ Отменено.',
    audience: (n) => `👥 Человек: ${n}`,
    nps: (on) => (on ? '📊 Следом за сообщением будет вопрос NPS.' : '📊 Без вопроса NPS.'),
    empty: 'В этой аудитории никого нет: выберите другую.',
    timePassed: 'Запланированное время прошло: отправьте /broadcast заново с более поздним.',
    stale: 'Рассылка уже в другом состоянии: эта кнопка больше не действует.',
  },
  list: {
    title: '📣 <b>Рассылки</b>',
    scheduled: '<b>Запланированы</b>',
    running: '<b>Идут</b>',
    recent: '<b>Недавние</b>',
    none: 'Нет запланированных и идущих рассылок.',
    scheduledItem: (id, when, audience, who) => `• #${id} · ${when} · ${audience} · ${who}`,
    runningItem: (id, paused, done, total, audience) => `• #${id} · ${paused ? '⏸ на паузе' : '🚀 идёт'} ${done} / ${total} · ${audience}`,
    finishedItem: (id, cancelled, when, delivered, total, nps) =>
      `• #${id} · ${cancelled ? '⏹ отменена' : '✅ готово'} ${when} · доставлено ${delivered} / ${total}${nps ? ` · ${nps}` : ''}`,
  },
  sourceGone: (id) => `⏸ Рассылка #${id} на паузе: её сообщение удалили из General. Отмените её и начните новую.`,
  sourceGoneReason: 'сообщение удалили из General',
  noAccessReason: (d) => `бот не может скопировать сообщение (${d})`,
  interrupted: 'не отправлено повторно: бот остановился во время отправки, сообщение могло дойти',
  answerLost: 'не отправлено повторно: связь оборвалась до ответа Telegram, сообщение могло дойти',
  replyQuote: (id, excerpt) => `↩️ Ответ на рассылку #${id}: «${excerpt}»`,
  npsLine: (score, n, p, d) => `NPS: ${signed(score)} (ответов: ${n}; промоутеров ${p}, критиков ${d})`,
  npsShort: (score, n) => `NPS ${signed(score)} (${n})`,
  nps: {
    question: 'Насколько вероятно, что вы порекомендуете нас другу? 0 — точно нет, 10 — обязательно:',
    thanks: (s) => `Спасибо! Ваш ответ: ${s}`,
    already: 'Вы уже ответили. Спасибо!',
    outdated: 'Эта кнопка больше не действует.',
  },
};
