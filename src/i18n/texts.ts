// The shape of every text the bot shows to a user or a manager. Each language
// file implements all of it, so a missing translation is a compile error.
//
// Why not @grammyjs/i18n (Fluent files)? Most of these texts are composed in
// the domain layer, outside any ctx, and a typed dictionary makes the compiler
// check that Russian and English stay complete; Fluent files would give
// neither without extra tooling.
import type { TicketStatus } from '../domain/status.js';
import type { BroadcastTexts } from './broadcasts.js';

export interface Texts {
  // --- to the user ---
  greeting: string;
  notDelivered: (reason: string) => string;
  unsupportedContent: string;
  tooLong: string;
  supportUnavailable: string;
  /** Asked after the first message of a new ticket when the admins defined categories. */
  chooseCategory: string;
  /** The question, once answered. */
  categoryChosen: (label: string) => string;
  /** A category button that no longer applies (archived, or about a closed ticket). */
  categoryOutdated: string;
  /** Outside working hours: when the team is back, in the group's time zone. */
  offHours: (when: string, timeZone: string) => string;
  offHoursUnknown: string;
  // --- to managers, in the support supergroup ---
  card: {
    ticket: (number: number) => string;
    earlierTickets: (count: number) => string;
    language: string;
    status: string;
    changedBy: (status: string, who: string, at: string) => string;
    topicLost: string;
    category: string;
  };
  categoryButton: string;
  chooseTicketCategory: (ticketId: number) => string;
  /** HTML: the label is escaped by the caller. */
  categoryByUser: (label: string) => string;
  categoryByManager: (label: string, who: string) => string;
  categorySet: (label: string) => string;
  /** HTML: `from` is a link to the previous topic, or null. */
  movedHere: (ticketId: number, from: string | null, carried: number) => string;
  previousTopic: string;
  movedAway: (ticketId: number, to: string) => string;
  newTopic: string;
  /** A category's own group the bot cannot use (told in General at start-up). */
  categoryGroupProblem: (categories: string, chatId: number, reason: string) => string;
  settings: SettingsTexts;
  board: BoardTexts;
  statusName: Record<TicketStatus, string>;
  button: Record<TicketStatus, string>;
  statusChanged: (status: string) => string;
  statusUnchanged: (status: string) => string;
  oldTicket: string;
  unknownTicket: string;
  /** A button press that cannot be acted on: forged, outdated, or outside a user's topic. */
  buttonOutdated: string;
  notInTopic: string;
  commandsNotRelayed: string;
  replyNotDelivered: (reason: string) => string;
  userBlockedBot: string;
  userDeactivated: string;
  userIsBack: string;
  internalError: (jobId: number) => string;
  deliveryHeld: (reason: string) => string;
  userBlockedNotice: string;
  /** Before the new version of a message Telegram could not edit in place. */
  editedMarker: string;
  tooLongForUser: string;
  /** Canned answers and auto-replies: the managers' side, and the buttons under an auto-reply for the user. */
  answers: AnswersTexts;
  /** Replies signed with the manager's first name (a setting; anonymous by default). */
  signature: { button: (on: boolean) => string; changed: (on: boolean) => string; sign: (name: string) => string };
  /** Auto-close of 📝 tickets whose users went silent (a setting; off by default, 0 days). Plain text. */
  autoClose: { button: (days: number) => string; changed: (days: number) => string; closedInTopic: (days: number) => string };
  /** Reactions as read receipts: 👀 when a ticket is taken, managers' reactions mirrored to the user (a setting; on by default). */
  reactions: { button: (on: boolean) => string; changed: (on: boolean) => string };
  ban: BanTexts;
  /** Satisfaction surveys (CSAT): to the user, and what managers see. */
  rating: {
    ask: string;
    thanks: (score: number) => string;
    askComment: string;
    commentThanks: string;
    already: string;
    late: string;
    outdated: string;
    /** In the topic (HTML). */
    low: (ticketId: number, score: number) => string;
    /** In the topic, before the user's comment (HTML). */
    comment: (ticketId: number, score: number) => string;
    card: (score: number) => string;
    /** The /settings button: null is «off», 0 «at once». */
    button: (minutes: number | null) => string;
    changed: (minutes: number | null) => string;
  };
  /** /stats and /export: the scoreboard. HTML where the caller composes it; names are escaped by the caller. */
  stats: {
    title: (period: string) => string;
    volume: string;
    opened: (n: number) => string;
    resolved: (total: number, managers: number, auto: number) => string;
    reopened: (n: number) => string;
    openAtEnd: (n: number) => string;
    messages: (inbound: number, outbound: number) => string;
    speed: string;
    firstResponse: (median: string, p90: string) => string;
    resolution: (median: string, p90: string) => string;
    inWorkingTime: string;
    noData: string;
    waitingLong: (n: number, minutes: number) => string;
    quality: string;
    csat: (percent: number, ratings: number) => string;
    responseRate: (percent: number, surveys: number) => string;
    low: (n: number) => string;
    noRatings: string;
    perManager: string;
    manager: (name: string, replies: number, taken: number, resolved: number, firstResponse: string, csat: string) => string;
    byCategory: string;
    busiestHours: string;
    duration: (ms: number) => string;
    invalidPeriod: string;
    tooLong: string;
    chartDays: string;
    chartOpened: string;
    chartResolved: string;
    chartManagers: string;
    exportOnlyAdmins: string;
    exportCaption: (what: 'messages' | 'tickets', period: string) => string;
  };
  /** The weekly report's setting. */
  weekly: {
    button: (when: string | null) => string;
    title: string;
    explain: string;
    off: string;
    changed: (when: string | null) => string;
  };
  /** The stored conversation: /forget and how long it is kept. */
  transcript: {
    forgotten: (count: number) => string;
    onlyAdmins: string;
    notInTopic: string;
    /** The /settings button: null is «forever». */
    retentionButton: (days: number | null) => string;
    changed: (days: number | null) => string;
  };
  /** Handing a ticket to a manager (/assign). HTML where said: the caller escapes names. */
  assign: {
    /** In the topic (HTML): `who` is a mention, so Telegram notifies the assignee. */
    assigned: (ticketId: number, who: string, by: string) => string;
    already: (who: string) => string;
    pick: string;
    nobody: string;
    noOpenTicket: string;
    unknownManager: string;
    notInTopic: string;
    /** The card's line (HTML). */
    card: (who: string) => string;
    /** The card's button. */
    button: string;
  };
  flood: FloodTexts;
  /** Broadcasts and product surveys (NPS): see ./broadcasts.ts. */
  broadcast: BroadcastTexts;
}

/** Anti-flood (domain/flood.ts): a setting in /settings, and a line in a flooding user's topic. */
export interface FloodTexts {
  /** «20 a minute» (another window: «20 per 10 s»); 0 is off. */
  rate: (limit: number, windowSeconds: number) => string;
  button: (rate: string) => string;
  /** For the change log. */
  changed: (rate: string) => string;
  /** In the user's topic, once per flood (HTML; no user data in it). */
  slowed: (rate: string) => string;
}

/** Banning a user (/ban, /unban, the card's button). HTML where said: the caller escapes names and reasons. */
export interface BanTexts {
  /** To the banned user, once per ban. */
  toUser: string;
  button: string;
  unbanButton: string;
  /** The card's line while banned (HTML). */
  card: (who: string, at: string, reason: string | null) => string;
  /** In the topic when a manager bans (HTML). */
  banned: (who: string, reason: string | null) => string;
  /** In the topic when a manager lifts the ban (HTML). */
  unbanned: (who: string) => string;
  /** Right after the first of a banned user's messages in a row (HTML). */
  marker: string;
  already: (who: string, at: string) => string;
  notBanned: string;
  /** Answers to a press of the card's button. */
  done: string;
  undone: string;
  notInTopic: string;
  /** The /settings screen of banned users (admins only). */
  settingsButton: string;
  listTitle: string;
  listEmpty: string;
  /** One line of the list (HTML). */
  listItem: (user: string, who: string, at: string, reason: string | null) => string;
  unbanUser: (user: string) => string;
  listMore: (count: number) => string;
  /** For the /settings change log (stored as written). */
  unbannedLog: (user: string) => string;
}

/** The /settings panel and its dialogs, for the group's admins. Labels are plain; screens are HTML with user input escaped by the caller. */
export interface SettingsTexts {
  title: string;
  onlyAdmins: string;
  notInUserTopic: string;
  languageName: Record<'ru' | 'en', string>;
  /** Monday first. */
  weekdays: readonly string[];
  button: {
    greetings: string;
    categories: string;
    hours: string;
    timeZone: (tz: string) => string;
    language: (name: string) => string;
    close: string;
    back: string;
    save: string;
    cancel: string;
    editGreeting: (language: string) => string;
    resetGreeting: (language: string) => string;
    add: string;
    wait: (minutes: number) => string;
    holidays: string;
    rename: string;
    describe: string;
    prompt: string;
    up: string;
    down: string;
    archive: string;
    restore: string;
    makeDefault: string;
    unsetDefault: string;
    group: (where: string) => string;
    notePrefix: (prefix: string) => string;
  };
  summary: {
    greeting: (language: string, own: boolean) => string;
    categories: (count: number) => string;
    hours: (kept: boolean) => string;
    language: (name: string) => string;
    timeZone: (tz: string) => string;
    notePrefix: (prefix: string) => string;
    recent: string;
    noChanges: string;
  };
  greetings: { title: string; builtIn: string; current: (language: string) => string };
  categories: { title: string; empty: string; archived: string; isDefault: string; defaultNote: (minutes: number) => string; noDefault: string };
  category: { description: string; prompt: string; none: string; archived: string; group: string; mainGroup: string };
  hours: { title: string; notKept: string; holidays: string; noHolidays: string; timeZone: (tz: string) => string };
  ask: {
    greeting: (language: string) => string;
    categoryNew: string;
    categoryName: string;
    categoryDescription: string;
    categoryPrompt: string;
    timeZone: string;
    dayHours: (day: string) => string;
    holidays: string;
    categoryGroup: string;
    notePrefix: string;
    footer: string;
  };
  preview: (language: string) => string;
  invalid: {
    textOnly: string;
    tooLong: (max: number) => string;
    timeZone: string;
    hours: string;
    holidays: string;
    groupId: string;
    categoryName: string;
    notePrefix: string;
    groupUnreachable: (description: string) => string;
    groupNotForum: string;
    groupNoRights: string;
  };
  saved: string;
  cancelled: string;
  nothingToCancel: string;
  nothingToSave: string;
  closed: string;
  /** For the change log (stored as written). */
  changed: {
    greeting: (language: string) => string;
    greetingReset: (language: string) => string;
    language: (name: string) => string;
    timeZone: (tz: string) => string;
    dayHours: (day: string, hours: string) => string;
    holidays: (dates: string) => string;
    categoryAdded: (label: string) => string;
    categoryRenamed: (before: string, after: string) => string;
    categoryDescription: (label: string) => string;
    categoryPrompt: (label: string) => string;
    categoryArchived: (label: string) => string;
    categoryRestored: (label: string) => string;
    categoryMoved: (label: string) => string;
    defaultCategory: (label: string | null) => string;
    categoryWait: (minutes: number) => string;
    categoryGroup: (label: string, where: string) => string;
    notePrefix: (prefix: string) => string;
  };
  /** The queue board's button on the home screen, its screen and its lines in the change log. */
  board: {
    button: (on: boolean) => string;
    /** HTML. */
    title: string;
    state: (on: boolean) => string;
    alertAfter: (minutes: number) => string;
    turnOn: string;
    turnOff: string;
    choice: (minutes: number, current: boolean) => string;
    changed: (on: boolean) => string;
    changedAlert: (minutes: number) => string;
  };
}

/** How long a ticket has waited, rounded for the queue board. */
export interface WaitTime {
  days: number;
  hours: number;
  minutes: number;
}

/** The queue board in General (HTML; names are escaped by the caller). */
export interface BoardTexts {
  title: string;
  waiting: (count: number) => string;
  /** Explains the ⚠️ mark. */
  alertLegend: (minutes: number) => string;
  inWork: (count: number) => string;
  /** An in-work ticket nobody took (older data). */
  nobody: string;
  more: (count: number) => string;
  waited: (w: WaitTime) => string;
  /** What the board says once an admin turned it off. */
  off: string;
}

/** Canned answers (/save, /a), auto-replies, and their screens in /settings. Screens are HTML with what people typed escaped by the caller. */
export interface AnswersTexts {
  // --- to the user, under an automatic answer ---
  solvedButton: string;
  needPersonButton: string;
  thanks: string;
  personComing: string;
  /** A press on an auto-reply's button that no longer applies (the ticket moved on, or the data is forged). */
  outdated: string;
  // --- to managers ---
  saved: (name: string) => string;
  taken: (name: string) => string;
  saveHowTo: string;
  nameInvalid: (max: number) => string;
  notCopyable: string;
  useInTopic: string;
  none: string;
  pick: string;
  notFound: (query: string) => string;
  /** Above the answer's copy in the topic: it went to the user. */
  sentHeader: (name: string) => string;
  sentBy: (name: string, who: string) => string;
  autoHeader: (name: string) => string;
  sourceGone: (name: string) => string;
  unknownAnswer: string;
  solvedInTopic: string;
  needsPersonInTopic: string;
  settings: {
    cannedButton: (count: number) => string;
    autoButton: (count: number, on: boolean) => string;
    cannedTitle: string;
    cannedEmpty: string;
    kind: (kind: string) => string;
    uses: (count: number) => string;
    rename: string;
    delete: string;
    deleteWarning: (rules: number) => string;
    confirmDelete: string;
    autoTitle: string;
    autoExplain: string;
    autoOn: string;
    autoOff: string;
    switchOn: string;
    switchOff: string;
    autoEmpty: string;
    addRule: string;
    needCannedFirst: string;
    ruleLine: (pattern: string, answer: string, firstOnly: boolean) => string;
    keywords: string;
    regex: string;
    ruleAnswer: string;
    firstOnlyOn: string;
    firstOnlyOff: string;
    chooseAnswer: string;
    askRename: string;
    askPattern: string;
    invalidPattern: (why: string) => string;
    patternTooLong: (max: number) => string;
    changed: {
      renamed: (before: string, after: string) => string;
      deleted: (name: string) => string;
      ruleAdded: (pattern: string, answer: string) => string;
      ruleDeleted: (pattern: string) => string;
      ruleFirstOnly: (pattern: string, on: boolean) => string;
      autoReplies: (on: boolean) => string;
    };
  };
}
