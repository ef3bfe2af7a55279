-- AlterTable
ALTER TABLE "User" ADD COLUMN     "banNoticeAt" TIMESTAMP(3),
ADD COLUMN     "banReason" TEXT,
ADD COLUMN     "bannedAt" TIMESTAMP(3),
ADD COLUMN     "bannedById" BIGINT;

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_bannedById_fkey" FOREIGN KEY ("bannedById") REFERENCES "Manager"("id") ON DELETE SET NULL ON UPDATE CASCADE;
