-- AlterEnum
BEGIN;
CREATE TYPE "OutboxState_new" AS ENUM ('PENDING', 'FAILED');
ALTER TABLE "OutboxJob" ALTER COLUMN "state" DROP DEFAULT;
ALTER TABLE "OutboxJob" ALTER COLUMN "state" TYPE "OutboxState_new" USING ("state"::text::"OutboxState_new");
ALTER TYPE "OutboxState" RENAME TO "OutboxState_old";
ALTER TYPE "OutboxState_new" RENAME TO "OutboxState";
DROP TYPE "OutboxState_old";
ALTER TABLE "OutboxJob" ALTER COLUMN "state" SET DEFAULT 'PENDING';
COMMIT;

-- AlterTable
ALTER TABLE "OutboxJob" DROP COLUMN "doneAt";
