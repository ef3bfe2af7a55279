-- AlterTable
ALTER TABLE "User" ADD COLUMN "ratingCommentFor" INTEGER;

-- CreateTable
CREATE TABLE "Rating" (
    "ticketId" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "userId" BIGINT NOT NULL,
    "sentAt" DATETIME NOT NULL,
    "messageId" INTEGER,
    "score" INTEGER,
    "ratedAt" DATETIME,
    "comment" TEXT,
    CONSTRAINT "Rating_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Rating_userId_sentAt_idx" ON "Rating"("userId", "sentAt");

-- CreateIndex
CREATE INDEX "Rating_ratedAt_idx" ON "Rating"("ratedAt");
