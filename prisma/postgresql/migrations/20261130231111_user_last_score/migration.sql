-- AlterTable
ALTER TABLE "User" ADD COLUMN     "lastScore" INTEGER;

-- Each user's latest score so far (ratings given before this column existed)
UPDATE "User" SET "lastScore" = (
    SELECT "score" FROM "Rating"
    WHERE "Rating"."userId" = "User"."id" AND "score" IS NOT NULL
    ORDER BY "ratedAt" DESC, "ticketId" DESC
    LIMIT 1
);
