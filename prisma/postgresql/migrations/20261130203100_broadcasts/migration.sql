-- CreateEnum
CREATE TYPE "BroadcastState" AS ENUM ('DRAFT', 'SCHEDULED', 'RUNNING', 'PAUSED', 'DONE', 'CANCELLED');

-- CreateEnum
CREATE TYPE "RecipientState" AS ENUM ('PENDING', 'SENDING', 'SENT', 'BLOCKED', 'FAILED', 'SKIPPED');

-- CreateTable
CREATE TABLE "Broadcast" (
    "id" SERIAL NOT NULL,
    "state" "BroadcastState" NOT NULL DEFAULT 'DRAFT',
    "sourceMessageId" INTEGER NOT NULL,
    "commandMessageId" INTEGER NOT NULL,
    "excerpt" TEXT NOT NULL,
    "audience" TEXT NOT NULL DEFAULT 'all',
    "nps" BOOLEAN NOT NULL DEFAULT false,
    "scheduledAt" TIMESTAMP(3),
    "createdById" BIGINT NOT NULL,
    "createdByName" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorName" TEXT,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "pauseReason" TEXT,
    "previewMessageId" INTEGER,
    "controlMessageId" INTEGER,
    "progressMessageId" INTEGER,
    "progressText" TEXT,
    "progressAt" TIMESTAMP(3),

    CONSTRAINT "Broadcast_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BroadcastRecipient" (
    "id" SERIAL NOT NULL,
    "broadcastId" INTEGER NOT NULL,
    "userId" BIGINT NOT NULL,
    "state" "RecipientState" NOT NULL DEFAULT 'PENDING',
    "messageId" INTEGER,
    "questionMessageId" INTEGER,
    "sentAt" TIMESTAMP(3),
    "error" TEXT,

    CONSTRAINT "BroadcastRecipient_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NpsAnswer" (
    "broadcastId" INTEGER NOT NULL,
    "userId" BIGINT NOT NULL,
    "score" INTEGER NOT NULL,
    "answeredAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "NpsAnswer_pkey" PRIMARY KEY ("broadcastId","userId")
);

-- CreateIndex
CREATE INDEX "Broadcast_state_scheduledAt_idx" ON "Broadcast"("state", "scheduledAt");

-- CreateIndex
CREATE INDEX "BroadcastRecipient_broadcastId_state_id_idx" ON "BroadcastRecipient"("broadcastId", "state", "id");

-- CreateIndex
CREATE INDEX "BroadcastRecipient_broadcastId_sentAt_idx" ON "BroadcastRecipient"("broadcastId", "sentAt");

-- CreateIndex
CREATE INDEX "BroadcastRecipient_userId_messageId_idx" ON "BroadcastRecipient"("userId", "messageId");

-- CreateIndex
CREATE UNIQUE INDEX "BroadcastRecipient_broadcastId_userId_key" ON "BroadcastRecipient"("broadcastId", "userId");

-- CreateIndex
CREATE INDEX "NpsAnswer_answeredAt_idx" ON "NpsAnswer"("answeredAt");

-- AddForeignKey
ALTER TABLE "BroadcastRecipient" ADD CONSTRAINT "BroadcastRecipient_broadcastId_fkey" FOREIGN KEY ("broadcastId") REFERENCES "Broadcast"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BroadcastRecipient" ADD CONSTRAINT "BroadcastRecipient_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NpsAnswer" ADD CONSTRAINT "NpsAnswer_broadcastId_fkey" FOREIGN KEY ("broadcastId") REFERENCES "Broadcast"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NpsAnswer" ADD CONSTRAINT "NpsAnswer_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
