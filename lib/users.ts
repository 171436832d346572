import { z } from "zod";
import { newPasswordSchema } from "./password";
import { text } from "./text";
import { ACCESS_LEVELS, ROLES, type AccessLevel, type Role } from "./vocabulary";

/**
 * The signed-in user a request acts for, as the server checked it, and as pages show it. `approver` is an
 * administrator's mark on a staff member (lib/capabilities.ts says what it allows).
 */
export type Viewer = {
  id: string;
  name: string;
  email: string;
  role: Role;
  backupAccess: AccessLevel;
  approver: boolean;
};

/** Who discards offline events: always a signed-in user, so always with an id. */
export type SyncActor = Pick<Viewer, "id" | "name">;

/** Who pushes offline events: their role and access also decide which of the events may apply. */
export type SyncPusher = SyncActor & Pick<Viewer, "role" | "backupAccess" | "approver">;

export const roleSchema = z.enum(ROLES, { message: "Choose a role: admin, staff, courier or custodian" });

export const accessLevelSchema = z.enum(ACCESS_LEVELS, { message: "Access must be read or write" });

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: "Enter a valid email address" }).max(254, "Email is too long"));

export const personNameSchema = text().trim().min(1, "Enter a name").max(120, "Name must be at most 120 characters");

export const newUserSchema = z.object({
  name: personNameSchema,
  email: emailSchema,
  password: newPasswordSchema,
  role: roleSchema,
});
export type NewUser = z.infer<typeof newUserSchema>;

export const firstAdminSchema = z.object({
  name: personNameSchema,
  email: emailSchema,
  password: newPasswordSchema,
  setupCode: z.string().trim().max(64).optional(),
});

export const signInSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, "Enter your password"),
});
