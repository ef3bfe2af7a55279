-- AlterTable
ALTER TABLE "CannedAnswer" ADD COLUMN "fileId" TEXT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Message" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "ticketId" INTEGER,
    "userId" BIGINT NOT NULL,
    "direction" TEXT NOT NULL,
    "managerId" BIGINT,
    "userChatMessageId" INTEGER,
    "topicMessageId" INTEGER,
    "topicChatId" BIGINT,
    "kind" TEXT NOT NULL,
    "sentAt" DATETIME NOT NULL,
    "relayedAt" DATETIME,
    "state" TEXT NOT NULL,
    "error" TEXT,
    "mediaGroupId" TEXT,
    "replyToSourceId" INTEGER,
    "text" TEXT,
    "entities" TEXT,
    "fileId" TEXT,
    "erased" BOOLEAN NOT NULL DEFAULT false,
    "cannedAnswerId" INTEGER,
    CONSTRAINT "Message_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Message_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Message_managerId_fkey" FOREIGN KEY ("managerId") REFERENCES "Manager" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Message_cannedAnswerId_fkey" FOREIGN KEY ("cannedAnswerId") REFERENCES "CannedAnswer" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Message" ("cannedAnswerId", "direction", "error", "id", "kind", "managerId", "mediaGroupId", "relayedAt", "replyToSourceId", "sentAt", "state", "ticketId", "topicChatId", "topicMessageId", "userChatMessageId", "userId") SELECT "cannedAnswerId", "direction", "error", "id", "kind", "managerId", "mediaGroupId", "relayedAt", "replyToSourceId", "sentAt", "state", "ticketId", "topicChatId", "topicMessageId", "userChatMessageId", "userId" FROM "Message";
DROP TABLE "Message";
ALTER TABLE "new_Message" RENAME TO "Message";
CREATE INDEX "Message_managerId_sentAt_idx" ON "Message"("managerId", "sentAt");
CREATE INDEX "Message_ticketId_idx" ON "Message"("ticketId");
CREATE INDEX "Message_sentAt_idx" ON "Message"("sentAt");
CREATE UNIQUE INDEX "Message_userId_userChatMessageId_key" ON "Message"("userId", "userChatMessageId");
CREATE UNIQUE INDEX "Message_userId_topicChatId_topicMessageId_key" ON "Message"("userId", "topicChatId", "topicMessageId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
