-- Failed sign-ins per email address, for the per-account sign-in limit.
CREATE TABLE "app_sign_in_failure" (
    "email" TEXT NOT NULL,
    "failures" INTEGER NOT NULL,
    "first_failed_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "app_sign_in_failure_pkey" PRIMARY KEY ("email")
);
