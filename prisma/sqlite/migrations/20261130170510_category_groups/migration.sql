-- DropIndex
DROP INDEX "Message_userId_topicMessageId_key";

-- AlterTable
ALTER TABLE "Message" ADD COLUMN "topicChatId" BIGINT;

-- Backfill: until now every user had one topic, so a message's group is that topic's.
UPDATE "Message" SET "topicChatId" = (SELECT "chatId" FROM "Topic" WHERE "Topic"."userId" = "Message"."userId") WHERE "topicMessageId" IS NOT NULL;

-- AlterTable
ALTER TABLE "Category" ADD COLUMN "chatId" BIGINT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Topic" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "chatId" BIGINT NOT NULL,
    "threadId" INTEGER,
    "userId" BIGINT NOT NULL,
    "current" BOOLEAN NOT NULL DEFAULT true,
    "name" TEXT NOT NULL,
    "closed" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Topic_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Topic" ("chatId", "closed", "createdAt", "id", "name", "threadId", "userId") SELECT "chatId", "closed", "createdAt", "id", "name", "threadId", "userId" FROM "Topic";
DROP TABLE "Topic";
ALTER TABLE "new_Topic" RENAME TO "Topic";
CREATE INDEX "Topic_userId_current_idx" ON "Topic"("userId", "current");
CREATE UNIQUE INDEX "Topic_userId_chatId_key" ON "Topic"("userId", "chatId");
CREATE UNIQUE INDEX "Topic_chatId_threadId_key" ON "Topic"("chatId", "threadId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "Message_userId_topicChatId_topicMessageId_key" ON "Message"("userId", "topicChatId", "topicMessageId");
