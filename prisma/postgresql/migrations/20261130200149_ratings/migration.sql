-- AlterTable
ALTER TABLE "User" ADD COLUMN     "ratingCommentFor" INTEGER;

-- CreateTable
CREATE TABLE "Rating" (
    "ticketId" INTEGER NOT NULL,
    "userId" BIGINT NOT NULL,
    "sentAt" TIMESTAMP(3) NOT NULL,
    "messageId" INTEGER,
    "score" INTEGER,
    "ratedAt" TIMESTAMP(3),
    "comment" TEXT,

    CONSTRAINT "Rating_pkey" PRIMARY KEY ("ticketId")
);

-- CreateIndex
CREATE INDEX "Rating_userId_sentAt_idx" ON "Rating"("userId", "sentAt");

-- CreateIndex
CREATE INDEX "Rating_ratedAt_idx" ON "Rating"("ratedAt");

-- AddForeignKey
ALTER TABLE "Rating" ADD CONSTRAINT "Rating_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
