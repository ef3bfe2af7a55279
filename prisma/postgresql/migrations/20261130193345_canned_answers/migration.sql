-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "cannedAnswerId" INTEGER;

-- AlterTable
ALTER TABLE "StatusChange" ADD COLUMN     "via" TEXT;

-- CreateTable
CREATE TABLE "CannedAnswer" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "text" TEXT,
    "entities" TEXT,
    "sourceChatId" BIGINT,
    "sourceMessageId" INTEGER,
    "createdById" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CannedAnswer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AutoReply" (
    "id" SERIAL NOT NULL,
    "pattern" TEXT NOT NULL,
    "isRegex" BOOLEAN NOT NULL DEFAULT false,
    "firstMessageOnly" BOOLEAN NOT NULL DEFAULT false,
    "answerId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AutoReply_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "CannedAnswer_key_key" ON "CannedAnswer"("key");

-- AddForeignKey
ALTER TABLE "Message" ADD CONSTRAINT "Message_cannedAnswerId_fkey" FOREIGN KEY ("cannedAnswerId") REFERENCES "CannedAnswer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutoReply" ADD CONSTRAINT "AutoReply_answerId_fkey" FOREIGN KEY ("answerId") REFERENCES "CannedAnswer"("id") ON DELETE CASCADE ON UPDATE CASCADE;
