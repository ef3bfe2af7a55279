-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN "awaitingUserSince" DATETIME;

-- CreateIndex
CREATE INDEX "Ticket_status_awaitingUserSince_idx" ON "Ticket"("status", "awaitingUserSince");

-- CreateIndex
CREATE INDEX "Message_topicChatId_topicMessageId_idx" ON "Message"("topicChatId", "topicMessageId");
