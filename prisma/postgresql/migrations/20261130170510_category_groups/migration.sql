-- DropIndex
DROP INDEX "Topic_userId_key";

-- DropIndex
DROP INDEX "Message_userId_topicMessageId_key";

-- AlterTable
ALTER TABLE "Topic" ADD COLUMN     "current" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "topicChatId" BIGINT;

-- Backfill: until now every user had one topic, so a message's group is that topic's.
UPDATE "Message" SET "topicChatId" = (SELECT "chatId" FROM "Topic" WHERE "Topic"."userId" = "Message"."userId") WHERE "topicMessageId" IS NOT NULL;

-- AlterTable
ALTER TABLE "Category" ADD COLUMN     "chatId" BIGINT;

-- CreateIndex
CREATE INDEX "Topic_userId_current_idx" ON "Topic"("userId", "current");

-- CreateIndex
CREATE UNIQUE INDEX "Topic_userId_chatId_key" ON "Topic"("userId", "chatId");

-- CreateIndex
CREATE UNIQUE INDEX "Message_userId_topicChatId_topicMessageId_key" ON "Message"("userId", "topicChatId", "topicMessageId");
