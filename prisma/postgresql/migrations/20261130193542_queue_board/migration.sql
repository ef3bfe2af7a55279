-- CreateTable
CREATE TABLE "QueueBoard" (
    "chatId" BIGINT NOT NULL,
    "messageId" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "sentAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "QueueBoard_pkey" PRIMARY KEY ("chatId")
);
