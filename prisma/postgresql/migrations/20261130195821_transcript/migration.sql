-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "entities" TEXT,
ADD COLUMN     "erased" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "fileId" TEXT,
ADD COLUMN     "text" TEXT;

-- AlterTable
ALTER TABLE "CannedAnswer" ADD COLUMN     "fileId" TEXT;

-- CreateIndex
CREATE INDEX "Message_ticketId_idx" ON "Message"("ticketId");

-- CreateIndex
CREATE INDEX "Message_sentAt_idx" ON "Message"("sentAt");
